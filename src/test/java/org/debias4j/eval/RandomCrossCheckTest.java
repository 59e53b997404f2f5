package org.debias4j.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 seeded random predictions in 3 groups: every metric must equal a brute-force computation
 * written independently here (pairwise AUC in O(n^2), rates by explicit counting).
 */
class RandomCrossCheckTest {
    static final double EPS = 1e-9;
    static final int N = 10_000;
    static final int GROUPS = 3;

    /** Scores rounded to 2 decimals so that ties are frequent. */
    static double[] binaryScores(Random rnd, int[] labels, int[] group) {
        double[] s = new double[N];
        for (int i = 0; i < N; i++) {
            double v = 0.5 * rnd.nextDouble() + 0.3 * labels[i] + 0.1 * group[i] * rnd.nextDouble();
            s[i] = Math.round(Math.min(1, v) * 100) / 100.0;
        }
        return s;
    }

    /** Mean over all (positive, negative) pairs of 1 if the positive scores higher, 1/2 on ties. */
    static double bruteAuc(double[] s, IntPredicate positive, IntPredicate include) {
        double[] pos = java.util.stream.IntStream.range(0, s.length)
                .filter(i -> include.test(i) && positive.test(i)).mapToDouble(i -> s[i]).toArray();
        double[] neg = java.util.stream.IntStream.range(0, s.length)
                .filter(i -> include.test(i) && !positive.test(i)).mapToDouble(i -> s[i]).toArray();
        double wins = 0;
        for (double a : pos) {
            for (double b : neg) {
                if (a > b) wins += 1;
                else if (a == b) wins += 0.5;
            }
        }
        return pos.length == 0 || neg.length == 0 ? Double.NaN : wins / ((double) pos.length * neg.length);
    }

    /** count(num and den) / count(den). */
    static double rate(IntPredicate num, IntPredicate den) {
        int a = 0;
        int b = 0;
        for (int i = 0; i < N; i++) {
            if (den.test(i)) {
                b++;
                if (num.test(i)) a++;
            }
        }
        return b == 0 ? Double.NaN : (double) a / b;
    }

    static void near(double expected, double actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
        } else {
            assertEquals(expected, actual, EPS, what);
        }
    }

    @Test
    void binaryMetricsAndFairness() {
        Random rnd = new Random(20240601);
        int[] labels = new int[N];
        int[] group = new int[N];
        for (int i = 0; i < N; i++) {
            group[i] = rnd.nextInt(GROUPS);
            labels[i] = rnd.nextDouble() < 0.3 + 0.15 * group[i] ? 1 : 0;
        }
        double[] s = binaryScores(rnd, labels, group);
        int[] pred = new int[N];
        for (int i = 0; i < N; i++) pred[i] = s[i] >= 0.5 ? 1 : 0;

        BinaryMetrics m = BinaryMetrics.compute(s, labels, 0.5);
        double auc = bruteAuc(s, i -> labels[i] == 1, i -> true);
        near(auc, m.auc(), "auc");
        near(auc, Roc.curve(s, labels).auc(), "roc trapezoid auc");
        near(rate(i -> pred[i] == labels[i], i -> true), m.accuracy(), "accuracy");
        double sens = rate(i -> pred[i] == 1, i -> labels[i] == 1);
        double spec = rate(i -> pred[i] == 0, i -> labels[i] == 0);
        double prec = rate(i -> labels[i] == 1, i -> pred[i] == 1);
        near(sens, m.sensitivity(), "sensitivity");
        near(spec, m.specificity(), "specificity");
        near((sens + spec) / 2, m.balancedAccuracy(), "balanced accuracy");
        near(prec, m.precision(), "precision");
        near(2 * prec * sens / (prec + sens), m.f1(), "f1");

        checkRocPoints(s, labels);

        FairnessMetrics f = Fairness.binary(s, labels, 0.5, Groups.of(group));
        double[] sel = new double[GROUPS];
        double[] tpr = new double[GROUPS];
        double[] fpr = new double[GROUPS];
        double[] tnr = new double[GROUPS];
        double[] acc = new double[GROUPS];
        for (int g = 0; g < GROUPS; g++) {
            int gg = g;
            GroupMetrics row = f.groups().get(g);
            acc[g] = rate(i -> pred[i] == labels[i], i -> group[i] == gg);
            sel[g] = rate(i -> pred[i] == 1, i -> group[i] == gg);
            tpr[g] = rate(i -> pred[i] == 1, i -> group[i] == gg && labels[i] == 1);
            fpr[g] = rate(i -> pred[i] == 1, i -> group[i] == gg && labels[i] == 0);
            tnr[g] = rate(i -> pred[i] == 0, i -> group[i] == gg && labels[i] == 0);
            near(acc[g], row.accuracy(), "group accuracy " + g);
            near((tpr[g] + tnr[g]) / 2, row.balancedAccuracy(), "group balanced accuracy " + g);
            near(sel[g], row.selectionRate(), "selection " + g);
            near(tpr[g], row.tpr(), "tpr " + g);
            near(fpr[g], row.fpr(), "fpr " + g);
            near(bruteAuc(s, i -> labels[i] == 1, i -> group[i] == gg), row.auc(), "group auc " + g);
        }
        near(min(acc), f.worstGroupAccuracy(), "worst group accuracy");
        near(max(sel) - min(sel), f.demographicParityDifference(), "dp difference");
        near(min(sel) / max(sel), f.demographicParityRatio(), "dp ratio");
        near(Math.max(max(tpr) - min(tpr), max(fpr) - min(fpr)), f.equalizedOddsDifference(), "eo difference");
        near(Math.min(min(tpr) / max(tpr), min(fpr) / max(fpr)), f.equalizedOddsRatio(), "eo ratio");
        double eopp0 = 0;
        double eopp1 = 0;
        double eodd = 0;
        for (int a = 0; a < GROUPS; a++) {
            for (int b = 0; b < GROUPS; b++) {
                eopp0 = Math.max(eopp0, Math.abs(tnr[a] - tnr[b]));
                eopp1 = Math.max(eopp1, Math.abs(tpr[a] - tpr[b]));
                eodd = Math.max(eodd, Math.abs(tpr[a] - tpr[b] + fpr[a] - fpr[b]));
            }
        }
        near(eopp0, f.eopp0(), "eopp0");
        near(eopp1, f.eopp1(), "eopp1");
        near(eodd, f.eodd(), "eodd");

        boolean[] aligned = new boolean[N];
        for (int i = 0; i < N; i++) aligned[i] = rnd.nextDouble() < 0.85;
        BiasAlignment ba = BiasAlignment.accuracy(labels, pred, aligned, Groups.of(group));
        for (int g = 0; g < GROUPS; g++) {
            int gg = g;
            near(rate(i -> pred[i] == labels[i], i -> group[i] == gg && aligned[i]),
                    ba.groups().get(g).alignedAccuracy(), "aligned accuracy " + g);
            near(rate(i -> pred[i] == labels[i], i -> group[i] == gg && !aligned[i]),
                    ba.groups().get(g).conflictingAccuracy(), "conflicting accuracy " + g);
        }
        near(rate(i -> pred[i] == labels[i], i -> !aligned[i]), ba.overall().conflictingAccuracy(), "conflicting");
    }

    /** Every ROC point equals the rates obtained by thresholding at that point's threshold. */
    private static void checkRocPoints(double[] s, int[] labels) {
        Roc roc = Roc.curve(s, labels);
        for (int k = 0; k < roc.thresholds().length; k++) {
            double t = roc.thresholds()[k];
            near(rate(i -> s[i] >= t, i -> labels[i] == 1), roc.tpr()[k], "roc tpr at " + t);
            near(rate(i -> s[i] >= t, i -> labels[i] == 0), roc.fpr()[k], "roc fpr at " + t);
            if (k > 0) {
                assertTrue(t < roc.thresholds()[k - 1], "thresholds strictly decrease");
            }
        }
        long distinct = java.util.Arrays.stream(s).distinct().count();
        assertEquals(distinct + 1, roc.thresholds().length);
    }

    @Test
    void multiClassMetricsAndFairness() {
        Random rnd = new Random(7);
        int k = 3;
        int[] yTrue = new int[N];
        int[] group = new int[N];
        double[][] probs = new double[N][k];
        for (int i = 0; i < N; i++) {
            group[i] = rnd.nextInt(GROUPS);
            yTrue[i] = rnd.nextDouble() < 0.1 ? 2 : rnd.nextInt(2 + (group[i] == 0 ? 0 : 1));
            double sum = 0;
            for (int c = 0; c < k; c++) {
                // Coarse values (multiples of 1/20) make ties, including arg max ties.
                probs[i][c] = Math.round((rnd.nextDouble() + (c == yTrue[i] ? 0.4 : 0)) * 20) / 20.0 + 0.05;
                sum += probs[i][c];
            }
            for (int c = 0; c < k; c++) probs[i][c] /= sum;
        }
        int[] pred = new int[N];
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (probs[i][c] > probs[i][best]) best = c;
            pred[i] = best;
        }

        MultiClassMetrics m = MultiClassMetrics.compute(yTrue, probs);
        near(rate(i -> pred[i] == yTrue[i], i -> true), m.accuracy(), "accuracy");
        double[] p = new double[k];
        double[] r = new double[k];
        double[] f1 = new double[k];
        double[] support = new double[k];
        double[] auc = new double[k];
        for (int c = 0; c < k; c++) {
            int cc = c;
            p[c] = rate(i -> yTrue[i] == cc, i -> pred[i] == cc);
            r[c] = rate(i -> pred[i] == cc, i -> yTrue[i] == cc);
            f1[c] = 2 * p[c] * r[c] / (p[c] + r[c]);
            support[c] = rate(i -> yTrue[i] == cc, i -> true) * N;
            auc[c] = bruteAuc(column(probs, c), i -> yTrue[i] == cc, i -> true);
            near(p[c], m.precision()[c], "precision " + c);
            near(r[c], m.recall()[c], "recall " + c);
            near(f1[c], m.f1()[c], "f1 " + c);
            assertEquals((int) Math.round(support[c]), m.support()[c]);
            near(auc[c], m.auc()[c], "ovr auc " + c);
        }
        near(mean(r), m.balancedAccuracy(), "balanced accuracy");
        near(mean(p), m.macroPrecision(), "macro precision");
        near(mean(r), m.macroRecall(), "macro recall");
        near(mean(f1), m.macroF1(), "macro f1");
        near(dot(p, support) / N, m.weightedPrecision(), "weighted precision");
        near(dot(r, support) / N, m.weightedRecall(), "weighted recall");
        near(dot(f1, support) / N, m.weightedF1(), "weighted f1");
        near(mean(auc), m.macroAuc(), "macro auc");

        int pos = 1;
        FairnessMetrics f = Fairness.multiClass(yTrue, probs, Groups.of(group), pos);
        double[][] tpr = new double[GROUPS][k];
        double[][] fpr = new double[GROUPS][k];
        double[][] tnr = new double[GROUPS][k];
        double[] sel = new double[GROUPS];
        for (int g = 0; g < GROUPS; g++) {
            int gg = g;
            double[] recall = new double[k];
            double[] gauc = new double[k];
            for (int c = 0; c < k; c++) {
                int cc = c;
                tpr[g][c] = rate(i -> pred[i] == cc, i -> group[i] == gg && yTrue[i] == cc);
                fpr[g][c] = rate(i -> pred[i] == cc, i -> group[i] == gg && yTrue[i] != cc);
                tnr[g][c] = rate(i -> pred[i] != cc, i -> group[i] == gg && yTrue[i] != cc);
                recall[c] = tpr[g][c];
                gauc[c] = bruteAuc(column(probs, c), i -> yTrue[i] == cc, i -> group[i] == gg);
            }
            sel[g] = rate(i -> pred[i] == pos, i -> group[i] == gg);
            GroupMetrics row = f.groups().get(g);
            near(rate(i -> pred[i] == yTrue[i], i -> group[i] == gg), row.accuracy(), "group accuracy " + g);
            near(nanMean(recall), row.balancedAccuracy(), "group balanced accuracy " + g);
            near(nanMean(gauc), row.auc(), "group macro auc " + g);
            near(sel[g], row.selectionRate(), "selection " + g);
            near(tpr[g][pos], row.tpr(), "tpr " + g);
            near(fpr[g][pos], row.fpr(), "fpr " + g);
        }
        near(max(sel) - min(sel), f.demographicParityDifference(), "dp difference");
        near(min(sel) / max(sel), f.demographicParityRatio(), "dp ratio");
        double[] tprPos = {tpr[0][pos], tpr[1][pos], tpr[2][pos]};
        double[] fprPos = {fpr[0][pos], fpr[1][pos], fpr[2][pos]};
        near(Math.max(max(tprPos) - min(tprPos), max(fprPos) - min(fprPos)), f.equalizedOddsDifference(), "eo diff");
        near(Math.min(min(tprPos) / max(tprPos), min(fprPos) / max(fprPos)), f.equalizedOddsRatio(), "eo ratio");
        double eopp0 = 0;
        double eopp1 = 0;
        double eodd = 0;
        for (int a = 0; a < GROUPS; a++) {
            for (int b = a + 1; b < GROUPS; b++) {
                double s0 = 0;
                double s1 = 0;
                double sOdd = 0;
                for (int c = 0; c < k; c++) {
                    s0 += Math.abs(tnr[a][c] - tnr[b][c]);
                    s1 += Math.abs(tpr[a][c] - tpr[b][c]);
                    sOdd += Math.abs(tpr[a][c] - tpr[b][c] + fpr[a][c] - fpr[b][c]);
                }
                eopp0 = Math.max(eopp0, s0);
                eopp1 = Math.max(eopp1, s1);
                eodd = Math.max(eodd, sOdd);
            }
        }
        near(eopp0, f.eopp0(), "eopp0");
        near(eopp1, f.eopp1(), "eopp1");
        near(eodd, f.eodd(), "eodd");
    }

    static double[] column(double[][] probs, int c) {
        double[] out = new double[probs.length];
        for (int i = 0; i < probs.length; i++) out[i] = probs[i][c];
        return out;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    static double nanMean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return s / n;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
