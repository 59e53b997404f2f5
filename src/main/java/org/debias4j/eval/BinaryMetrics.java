package org.debias4j.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary classification metrics at one threshold; a sample is predicted positive when
 * score >= threshold (the same convention as {@link Roc}).
 *
 * <p>Undefined values are NaN, never 0, and {@link #undefined()} maps the metric name to the reason:
 * <ul>
 *   <li>auc: one class absent;</li>
 *   <li>sensitivity (recall): no positives; specificity: no negatives;</li>
 *   <li>precision: nothing predicted positive;</li>
 *   <li>f1 = 2TP / (2TP + FP + FN): no positives and nothing predicted positive.</li>
 * </ul>
 * Balanced accuracy is the mean recall over the classes present (as scikit-learn), so with one class
 * present it equals that class's recall; it is never NaN for a non-empty sample.
 */
public record BinaryMetrics(int n, int positives, int negatives, double threshold,
                            int tp, int fp, int tn, int fn,
                            double auc, double accuracy, double balancedAccuracy,
                            double sensitivity, double specificity, double precision, double f1,
                            Map<String, String> undefined) {

    /** @throws IllegalArgumentException for empty input, labels other than 0/1, or non-finite scores */
    public static BinaryMetrics compute(double[] scores, int[] labels, double threshold) {
        Rates.sameLength("scores", scores.length, "labels", labels.length);
        Rates.nonEmpty(labels.length);
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        double auc = Auc.rocAuc(scores, labels);
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean predicted = scores[i] >= threshold;
            if (labels[i] == 1) {
                if (predicted) tp++; else fn++;
            } else {
                if (predicted) fp++; else tn++;
            }
        }
        int p = tp + fn;
        int neg = fp + tn;
        Map<String, String> why = new LinkedHashMap<>();
        String aucWhy = Auc.undefinedReason(p, neg);
        if (aucWhy != null) {
            why.put("auc", aucWhy);
        }
        if (p == 0) {
            why.put("sensitivity", "no positive samples (TP + FN = 0)");
        }
        if (neg == 0) {
            why.put("specificity", "no negative samples (TN + FP = 0)");
        }
        if (tp + fp == 0) {
            why.put("precision", "nothing predicted positive at threshold " + threshold + " (TP + FP = 0)");
        }
        if (2 * tp + fp + fn == 0) {
            why.put("f1", "no positives and nothing predicted positive (2TP + FP + FN = 0)");
        }
        double sens = Rates.div(tp, p);
        double spec = Rates.div(tn, neg);
        return new BinaryMetrics(labels.length, p, neg, threshold, tp, fp, tn, fn, auc,
                (double) (tp + tn) / labels.length, Rates.nanMean(new double[] {sens, spec}),
                sens, spec, Rates.div(tp, tp + fp), Rates.div(2.0 * tp, 2.0 * tp + fp + fn),
                Collections.unmodifiableMap(why));
    }

    /** Why the AUC is NaN, or null when it is defined. */
    public String aucUndefinedReason() {
        return undefined.get("auc");
    }

    /** One row per metric, with the reason next to undefined values. */
    public MetricTable table() {
        MetricTable t = new MetricTable("Binary metrics (threshold " + threshold + ")", "metric", "value", "note");
        t.row("n", n, "");
        t.row("positives", positives, "");
        t.row("negatives", negatives, "");
        t.row("auc", auc, note("auc"));
        t.row("accuracy", accuracy, "");
        t.row("balanced_accuracy", balancedAccuracy, "");
        t.row("sensitivity", sensitivity, note("sensitivity"));
        t.row("specificity", specificity, note("specificity"));
        t.row("precision", precision, note("precision"));
        t.row("f1", f1, note("f1"));
        t.row("tp", tp, "");
        t.row("fp", fp, "");
        t.row("tn", tn, "");
        t.row("fn", fn, "");
        return t;
    }

    private String note(String metric) {
        return undefined.getOrDefault(metric, "");
    }
}
