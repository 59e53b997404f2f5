package org.debias4j.prune;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceRulesTest {
    @Test
    void energyPrefersTheLargerLogSumExpEvenAtEqualConfidence() {
        // Same softmax (0.73 / 0.27) for both tasks, but task 1's logits are larger: more in-distribution.
        double[][] logits = {{1, 0}, {6, 5}};
        assertEquals(1, InferenceRule.ENERGY.pick(logits, null, -1));
        double[][] unequal = {{3, 0}, {0.5, 0}};
        assertEquals(0, InferenceRule.MAX_SOFTMAX.pick(unequal, null, -1));
        assertThrows(IllegalArgumentException.class, () -> InferenceRule.ENERGY.pick(new double[][]{{0.5, 0.5}}, 0));
    }

    @Test
    void mahalanobisPicksTheTaskWhoseTrainingFeaturesTheSampleResembles() {
        Random rng = new Random(7);
        int n = 200;
        // Task 0's features around (0, 0) / (1, 0); task 1's around (10, 10) / (11, 10); dimension 2 is noise.
        FeatureStats[] fs = new FeatureStats[2];
        for (int t = 0; t < 2; t++) {
            double[][] f = new double[n][3];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % 2;
                f[i][0] = 10 * t + y[i] + 0.1 * rng.nextGaussian();
                f[i][1] = 10 * t + 0.1 * rng.nextGaussian();
                f[i][2] = rng.nextGaussian();
            }
            fs[t] = FeatureStats.fit(f, y, 2);
        }
        double[] x = {10.9, 10.05, 0.3};
        double[] d = {fs[0].distance(x), fs[1].distance(x)};
        assertTrue(d[1] < d[0], "distances " + d[0] + ", " + d[1]);
        double[][] logits = {{5, 0}, {0.1, 0}}; // task 0's head is the confident one: max softmax would pick it
        assertEquals(0, InferenceRule.MAX_SOFTMAX.pick(logits, null, -1));
        assertEquals(1, InferenceRule.MAHALANOBIS.pick(logits, d, -1));
        // The stored tensors give the same distances after a save/load round trip.
        FeatureStats back = FeatureStats.fromTensors(fs[1].tensors());
        assertEquals(d[1], back.distance(x), 1e-6 * Math.max(1, d[1]));
    }

    @Test
    void inputStatsRecogniseTheSourceWhateverTheContent() {
        Random rng = new Random(3);
        int n = 60;
        int size = 16;
        // two sources: plain, and a blue cast with dark corners; content = random blobs of random brightness
        java.util.function.BiFunction<Integer, Random, org.nd4j.linalg.api.ndarray.INDArray> batch = (src, r) -> {
            float[] x = new float[n * 3 * size * size];
            for (int i = 0; i < n; i++) {
                double bright = r.nextGaussian() * 0.3;
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < size; y++) {
                        for (int xx = 0; xx < size; xx++) {
                            double v = bright + 0.3 * r.nextGaussian();
                            if (src == 1) {
                                v += ch == 2 ? 0.5 : -0.3;
                                boolean corner = (y < 2 || y >= size - 2) && (xx < 2 || xx >= size - 2);
                                v = corner ? -2 : v;
                            }
                            x[((i * 3 + ch) * size + y) * size + xx] = (float) v;
                        }
                    }
                }
            }
            return org.nd4j.linalg.factory.Nd4j.create(x, new long[]{n, 3, size, size}, 'c');
        };
        FeatureStats[] fs = new FeatureStats[2];
        for (int t = 0; t < 2; t++) {
            double[][] s = InputStats.of(batch.apply(t, rng));
            assertEquals(InputStats.DIMENSION, s[0].length);
            fs[t] = FeatureStats.fit(s, new int[n], 1);
        }
        for (int t = 0; t < 2; t++) {
            double[][] s = InputStats.of(batch.apply(t, rng));
            int ok = 0;
            for (double[] row : s) {
                double[] d = {fs[0].distance(row), fs[1].distance(row)};
                ok += InferenceRule.INPUT_STATS.pick(new double[][]{{0, 0}, {0, 0}}, d, -1) == t ? 1 : 0;
            }
            assertEquals(n, ok, "source " + t);
        }
        assertEquals(InferenceRule.INPUT_STATS, InferenceRule.parse("input-stats"));
        assertTrue(InferenceRule.INPUT_STATS.needsFeatureStats());
    }

    @Test
    void inverseOfAnSpdMatrixIsItsInverse() {
        double[][] m = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 2}};
        double[][] inv = FeatureStats.invert(m);
        for (int i = 0; i < 3; i++) {
            double[] row = new double[3];
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    row[j] += m[i][k] * inv[k][j];
                }
            }
            double[] e = new double[3];
            e[i] = 1;
            assertArrayEquals(e, row, 1e-12);
        }
    }

    @Test
    void conflictingSamplesHaveTheMinorityAttributeOfTheirClass() {
        int[] y = {0, 0, 0, 0, 1, 1, 1, 1};
        int[] a = {1, 1, 1, 0, 0, 0, 1, 0};
        boolean[] c = ContinualRun.conflicting(y, a, 2);
        assertArrayEquals(new boolean[]{false, false, false, true, false, false, true, false}, c);
    }

    @Test
    void newRulesParse() {
        assertEquals(InferenceRule.MAHALANOBIS, InferenceRule.parse("Mahalanobis"));
        assertEquals(InferenceRule.ENERGY, InferenceRule.parse("energy"));
        assertTrue(InferenceRule.MAHALANOBIS.needsFeatureStats());
    }
}
