package org.debias4j.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-class metrics from predicted labels or from probabilities (prediction = arg max, the lowest
 * class on ties).
 *
 * <p>Per class c (one-vs-rest): precision = TP/(TP+FP), recall = TP/(TP+FN),
 * F1 = 2TP/(2TP+FP+FN). A 0/0 value is NaN, not 0 (scikit-learn's zero_division=0 would turn it into
 * 0): precision is NaN when c is never predicted, recall when c never occurs, F1 when both.
 *
 * <p>Averages skip NaN per-class values (they are listed in {@link #undefined()}): macro = plain mean
 * over the classes where the value is defined, weighted = mean weighted by support over the same
 * classes. Balanced accuracy is the mean recall over the classes that occur (as scikit-learn). Macro
 * F1 therefore equals scikit-learn's; macro precision/recall differ from it only when some class is
 * never predicted / never occurs, where scikit-learn counts 0.
 *
 * <p>AUC per class is one-vs-rest on that class's probability; NaN when the class is absent or is the
 * only one present, or when only labels were given. Macro AUC is the mean over the defined classes.
 */
public record MultiClassMetrics(int n, int numClasses, double accuracy, double balancedAccuracy,
                                double[] precision, double[] recall, double[] f1, int[] support,
                                double macroPrecision, double macroRecall, double macroF1,
                                double weightedPrecision, double weightedRecall, double weightedF1,
                                double[] auc, double macroAuc, ConfusionMatrix confusion,
                                Map<String, String> undefined) {

    /** From predicted labels; AUC values are NaN (no scores). */
    public static MultiClassMetrics compute(int[] yTrue, int[] yPred, int numClasses) {
        Rates.nonEmpty(yTrue.length);
        return build(ConfusionMatrix.of(yTrue, yPred, numClasses), null, null);
    }

    /** From probabilities probs[i][c] (rows need not be normalised; arg max decides the prediction). */
    public static MultiClassMetrics compute(int[] yTrue, double[][] probs) {
        Rates.sameLength("yTrue", yTrue.length, "probs", probs.length);
        Rates.nonEmpty(yTrue.length);
        return compute(yTrue, argMax(probs), probs);
    }

    /**
     * Predictions decided elsewhere (e.g. a binary threshold) with per-class scores used only for the
     * one-vs-rest AUC; for a binary score s pass rows {-s, s} (only the order of scores matters).
     */
    public static MultiClassMetrics compute(int[] yTrue, int[] yPred, double[][] scores) {
        Rates.sameLength("yTrue", yTrue.length, "scores", scores.length);
        Rates.nonEmpty(yTrue.length);
        int k = scores[0].length;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != k) {
                throw new IllegalArgumentException("row " + i + " has " + scores[i].length + " scores, row 0 has " + k);
            }
            Rates.finite(scores[i]);
        }
        return build(ConfusionMatrix.of(yTrue, yPred, k), yTrue, scores);
    }

    /** Row-wise arg max; the first (lowest) class wins ties. */
    public static int[] argMax(double[][] probs) {
        int k = probs.length == 0 ? 0 : probs[0].length;
        int[] pred = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            if (probs[i].length != k) {
                throw new IllegalArgumentException("row " + i + " has " + probs[i].length + " probabilities, row 0 has " + k);
            }
            Rates.finite(probs[i]);
            for (int c = 1; c < k; c++) {
                if (probs[i][c] > probs[i][pred[i]]) {
                    pred[i] = c;
                }
            }
        }
        return pred;
    }

    /** One-vs-rest AUC of class c from column c of probs. */
    public static double oneVsRestAuc(int[] yTrue, double[][] probs, int c) {
        double[] scores = new double[probs.length];
        boolean[] positive = new boolean[probs.length];
        for (int i = 0; i < probs.length; i++) {
            scores[i] = probs[i][c];
            positive[i] = yTrue[i] == c;
        }
        return Auc.rocAuc(scores, positive);
    }

    private static MultiClassMetrics build(ConfusionMatrix cm, int[] yTrue, double[][] probs) {
        int k = cm.numClasses();
        int n = cm.total();
        double[] precision = new double[k];
        double[] recall = new double[k];
        double[] f1 = new double[k];
        int[] support = new int[k];
        double[] auc = new double[k];
        Map<String, String> why = new LinkedHashMap<>();
        List<Integer> neverPredicted = new ArrayList<>();
        List<Integer> absent = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            int tp = cm.truePositives(c);
            int fp = cm.falsePositives(c);
            int fn = cm.falseNegatives(c);
            support[c] = tp + fn;
            precision[c] = Rates.div(tp, tp + fp);
            recall[c] = Rates.div(tp, tp + fn);
            f1[c] = Rates.div(2.0 * tp, 2.0 * tp + fp + fn);
            if (tp + fp == 0) {
                neverPredicted.add(c);
            }
            if (support[c] == 0) {
                absent.add(c);
            }
            auc[c] = probs == null ? Double.NaN : oneVsRestAuc(yTrue, probs, c);
            if (probs != null && Double.isNaN(auc[c])) {
                why.put("auc[" + c + "]", "class " + c + ": " + Auc.undefinedReason(support[c], n - support[c]));
            }
        }
        if (!neverPredicted.isEmpty()) {
            why.put("precision", "classes never predicted (0/0, left out of the averages): " + neverPredicted);
        }
        if (!absent.isEmpty()) {
            why.put("recall", "classes with no samples (0/0, left out of the averages): " + absent);
        }
        List<Integer> noF1 = new ArrayList<>(absent);
        noF1.retainAll(neverPredicted);
        if (!noF1.isEmpty()) {
            why.put("f1", "classes neither present nor predicted (left out of the averages): " + noF1);
        }
        if (probs == null) {
            why.put("auc", "only predicted labels were given; AUC needs scores");
        }
        double macroAuc = Rates.nanMean(auc);
        if (probs != null && Double.isNaN(macroAuc)) {
            why.put("auc", "no class has a defined one-vs-rest AUC");
        }
        return new MultiClassMetrics(n, k, (double) cm.correct() / n, Rates.nanMean(recall),
                precision, recall, f1, support,
                Rates.nanMean(precision), Rates.nanMean(recall), Rates.nanMean(f1),
                weighted(precision, support), weighted(recall, support), weighted(f1, support),
                auc, macroAuc, cm, Collections.unmodifiableMap(why));
    }

    /** Support-weighted mean over classes where the value is defined; NaN if their support is 0. */
    private static double weighted(double[] values, int[] support) {
        double sum = 0;
        double weight = 0;
        for (int c = 0; c < values.length; c++) {
            if (!Double.isNaN(values[c])) {
                sum += values[c] * support[c];
                weight += support[c];
            }
        }
        return Rates.div(sum, weight);
    }

    /** Like scikit-learn's classification_report, plus one-vs-rest AUC. */
    public MetricTable classReport() {
        MetricTable t = new MetricTable("Per-class report", "class", "precision", "recall", "f1", "support", "auc_ovr");
        for (int c = 0; c < numClasses; c++) {
            t.row(String.valueOf(c), precision[c], recall[c], f1[c], support[c], auc[c]);
        }
        t.row("macro avg", macroPrecision, macroRecall, macroF1, n, macroAuc);
        t.row("weighted avg", weightedPrecision, weightedRecall, weightedF1, n, null);
        return t;
    }

    public MetricTable summary() {
        MetricTable t = new MetricTable("Multi-class metrics", "metric", "value");
        t.row("n", n);
        t.row("classes", numClasses);
        t.row("accuracy", accuracy);
        t.row("balanced_accuracy", balancedAccuracy);
        t.row("macro_precision", macroPrecision);
        t.row("macro_recall", macroRecall);
        t.row("macro_f1", macroF1);
        t.row("weighted_precision", weightedPrecision);
        t.row("weighted_recall", weightedRecall);
        t.row("weighted_f1", weightedF1);
        t.row("macro_auc_ovr", macroAuc);
        return t;
    }

    /** Undefined values and why, one row each (empty table when everything is defined). */
    public MetricTable undefinedTable() {
        return Notes.table("Undefined values (NaN)", undefined);
    }
}
