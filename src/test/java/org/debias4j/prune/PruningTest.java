package org.debias4j.prune;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningTest {
    private static Map<String, boolean[]> all(Map<String, double[]> scores) {
        Map<String, boolean[]> m = new LinkedHashMap<>();
        scores.forEach((k, v) -> {
            boolean[] b = new boolean[v.length];
            java.util.Arrays.fill(b, true);
            m.put(k, b);
        });
        return m;
    }

    @Test
    void perLayerPrunesExactlyTheTopFractionByScore() {
        Random rng = new Random(3);
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (int l = 0; l < 4; l++) {
            double[] s = new double[10 + 3 * l];
            for (int i = 0; i < s.length; i++) {
                s[i] = rng.nextGaussian();
            }
            scores.put("layer" + l + ".units", s);
        }
        Map<String, boolean[]> keep = Pruning.prune(scores, all(scores), 0.3, false);
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] s = e.getValue();
            boolean[] k = keep.get(e.getKey());
            int removed = 0;
            for (boolean b : k) {
                removed += b ? 0 : 1;
            }
            assertEquals(Math.round(0.3 * s.length), removed, e.getKey());
            // every removed unit scores higher than every kept one
            double minRemoved = Double.POSITIVE_INFINITY;
            double maxKept = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < s.length; i++) {
                if (k[i]) {
                    maxKept = Math.max(maxKept, s[i]);
                } else {
                    minRemoved = Math.min(minRemoved, s[i]);
                }
            }
            assertTrue(minRemoved > maxKept, e.getKey() + ": pruned units must be the highest-scoring ones");
        }
    }

    @Test
    void globalPrunesTheTopFractionOverAllLayersButNeverEmptiesALayer() {
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("a.units", new double[]{10, 9, 8});       // all highest: would be emptied
        scores.put("b.units", new double[]{1, 2, 3, 4, 5, 0.5, 0.1});
        Map<String, boolean[]> keep = Pruning.prune(scores, all(scores), 0.5, true);
        // round(0.5 * 10) = 5 units: a keeps its lowest (8), then b's 5, 4, 3 go
        assertArrayEquals(new boolean[]{false, false, true}, keep.get("a.units"));
        assertArrayEquals(new boolean[]{true, true, false, false, false, true, true}, keep.get("b.units"));
    }

    @Test
    void aLayerKeepsAUnitEvenAtHighRatiosAndOnlyCandidatesArePruned() {
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("a.units", new double[]{3, 2});
        Map<String, boolean[]> cand = new LinkedHashMap<>();
        cand.put("a.units", new boolean[]{true, true});
        assertArrayEquals(new boolean[]{false, true}, Pruning.prune(scores, cand, 0.9, false).get("a.units"));
        scores.put("c.units", new double[]{5, 1, 4, 0});
        cand.put("c.units", new boolean[]{false, true, true, true});
        boolean[] c = Pruning.prune(scores, cand, 0.34, false).get("c.units");
        assertArrayEquals(new boolean[]{false, true, false, true}, c, "unit 0 is not a candidate; of 1,2,3 the top (2) goes");
        assertThrows(IllegalArgumentException.class, () -> Pruning.prune(scores, cand, 1.0, false));
    }

    @Test
    void biasScoreIsEasyMeanMinusHardMean() {
        double[][] act = {{1, 0}, {3, 0}, {0, 4}, {2, 2}};
        boolean[] easy = {true, true, false, false};
        int[] labels = {0, 1, 0, 1};
        double[] s = Pruning.biasScores(Map.of("x.units", act), easy, labels, Pruning.ClassScore.POOLED).get("x.units");
        assertArrayEquals(new double[]{2 - 1, 0 - 3}, s, 1e-12);
        // per class: class 0: (1 - 0, 0 - 4), class 1: (3 - 2, 0 - 2), averaged
        double[] pc = Pruning.biasScores(Map.of("x.units", act), easy, labels, Pruning.ClassScore.CLASS_MEAN).get("x.units");
        assertArrayEquals(new double[]{1, -3}, pc, 1e-12);
        assertFalse(Double.isNaN(pc[0]));
        // max over classes: unit 0 (1, 1) -> 1, unit 1 (-4, -2) -> -2
        double[] mx = Pruning.biasScores(Map.of("x.units", act), easy, labels, Pruning.ClassScore.CLASS_MAX)
                .get("x.units");
        assertArrayEquals(new double[]{1, -2}, mx, 1e-12);
    }

    /**
     * Class 0 is aligned with attribute value 0, class 1 with value 1 (easy = aligned). Unit 0 encodes the
     * attribute, unit 1 the class, unit 2 nothing. Pooled and class-mean scores cancel the attribute unit
     * to 0; the class maximum ranks it first, and pruning one unit removes it.
     */
    @Test
    void classMaxScoreFindsAShortcutWhoseAlignedValueDiffersPerClass() {
        int[] y = {0, 0, 0, 0, 1, 1, 1, 1};
        int[] attr = {0, 0, 0, 1, 1, 1, 1, 0};
        boolean[] easy = {true, true, true, false, true, true, true, false};
        double[][] act = new double[y.length][];
        for (int i = 0; i < y.length; i++) {
            act[i] = new double[]{attr[i] == 1 ? 2 : 0, y[i] == 1 ? 2 : 0, 0.5 + 0.01 * i};
        }
        Map<String, double[][]> a = Map.of("x.units", act);
        assertEquals(0, Pruning.biasScores(a, easy, y, Pruning.ClassScore.POOLED).get("x.units")[0], 1e-12);
        assertEquals(0, Pruning.biasScores(a, easy, y, Pruning.ClassScore.CLASS_MEAN).get("x.units")[0], 1e-12);
        Map<String, double[]> mx = Pruning.biasScores(a, easy, y, Pruning.ClassScore.CLASS_MAX);
        assertEquals(2, mx.get("x.units")[0], 1e-12);
        Map<String, boolean[]> all = Map.of("x.units", new boolean[]{true, true, true});
        Map<String, boolean[]> keep = Pruning.prune(mx, all, 0.34, false);
        assertArrayEquals(new boolean[]{false, true, true}, keep.get("x.units"));

        Map<String, double[]> sens = Pruning.attributeSensitivity(a, y, attr);
        assertTrue(sens.get("x.units")[0] > 1, "the attribute unit separates the attribute's values");
        assertEquals(0, sens.get("x.units")[1], 1e-12, "the class unit is constant within a class");
        assertEquals(1.0, Pruning.prunedPercentile(sens, all, keep), 1e-12, "the most sensitive unit was pruned");
        Map<String, boolean[]> classGone = Map.of("x.units", new boolean[]{true, false, true});
        assertEquals(0.0, Pruning.prunedPercentile(sens, all, classGone), 1e-12);
        assertTrue(Double.isNaN(Pruning.prunedPercentile(sens, all, all)), "nothing pruned");
        double[] v = sens.get("x.units");
        assertEquals((v[1] + v[2]) / 2, Pruning.meanOver(sens, keep), 1e-12, "mean over the kept units 1 and 2");
        assertTrue(Double.isNaN(Pruning.meanOver(sens, Map.of("x.units", new boolean[3]))));
    }

    @Test
    void randomScoresKeepTheShapesAndFollowTheSeed() {
        Map<String, double[]> like = new LinkedHashMap<>();
        like.put("a.units", new double[4]);
        like.put("b.units", new double[2]);
        Map<String, double[]> r = Pruning.randomScores(like, 7);
        assertEquals(4, r.get("a.units").length);
        assertEquals(2, r.get("b.units").length);
        assertArrayEquals(r.get("a.units"), Pruning.randomScores(like, 7).get("a.units"));
        assertFalse(java.util.Arrays.equals(r.get("a.units"), Pruning.randomScores(like, 8).get("a.units")));
    }

    @Test
    void inferenceRulesPickTheConfidentOrLowEntropyTask() {
        double[][] cand = {{0.6, 0.4}, {0.05, 0.9, 0.05}, {0.45, 0.55}};
        assertEquals(1, InferenceRule.MAX_SOFTMAX.pick(cand, 0));
        assertEquals(1, InferenceRule.MIN_ENTROPY.pick(cand, 0));
        assertEquals(2, InferenceRule.ORACLE.pick(cand, 2));
        assertEquals(InferenceRule.MIN_ENTROPY, InferenceRule.parse("min-entropy"));
    }

    @Test
    void groupBalancedValidationWeighsEveryClassAndSensitiveGroupTheSame() {
        // 8 rows of class 0 with value 0 (all right), 2 of class 0 with value 1 (both wrong): plain 0.8,
        // balanced over the two cells (1.0 + 0.0) / 2 = 0.5.
        int[] labels = new int[10];
        int[] pred = new int[10];
        int[] group = new int[10];
        for (int i = 8; i < 10; i++) {
            group[i] = 1;
            pred[i] = 1;
        }
        java.util.List<java.nio.file.Path> im = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            im.add(java.nio.file.Path.of("x" + i + ".png"));
        }
        org.debias4j.data.ImageDataset plain = new org.debias4j.data.ImageDataset("v", im, labels, Map.of());
        org.debias4j.data.ImageDataset grouped = new org.debias4j.data.ImageDataset("v", im, labels,
                Map.of(TaskMethod.GROUP_COLUMN, group));
        assertEquals(0.8, TaskMethod.score(pred, plain, null), 1e-12);
        assertEquals(0.5, TaskMethod.score(pred, grouped, null), 1e-12);
        // Joint validation: the same value in another task is another cell.
        int[] taskOf = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        // cells: task0/value0 (5 right), task1/value0 (3 right), task1/value1 (2 wrong) -> (1 + 1 + 0) / 3
        assertEquals(2.0 / 3, TaskMethod.score(pred, grouped, taskOf), 1e-12);
        // A class with the same value is its own cell: class 1 rows all wrong halve the score.
        int[] labels2 = {0, 0, 1, 1};
        assertEquals(0.5, TaskEval.groupBalancedAccuracy(new int[]{0, 0, 0, 0}, labels2, new long[4]), 1e-12);
    }
}
