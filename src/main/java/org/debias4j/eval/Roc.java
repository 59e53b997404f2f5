package org.debias4j.eval;

import java.util.Arrays;

/**
 * A ROC curve like scikit-learn's {@code roc_curve(drop_intermediate=False)}: one point per distinct
 * score, in decreasing threshold order, preceded by (0, 0) at threshold +infinity. A sample counts as
 * positive at threshold t when score >= t. With no negatives every fpr is NaN, with no positives every
 * tpr is NaN (0/0 rates, as scikit-learn).
 */
public record Roc(double[] thresholds, double[] fpr, double[] tpr, int positives, int negatives) {

    public static Roc curve(double[] scores, int[] labels) {
        Rates.sameLength("scores", scores.length, "labels", labels.length);
        Rates.binaryLabels(labels);
        Rates.finite(scores);
        boolean[] positive = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            positive[i] = labels[i] == 1;
        }
        double[][] split = Auc.split(scores, positive);
        double[] pos = split[0];
        double[] neg = split[1];
        int size = scores.length + 1;
        double[] thr = new double[size];
        double[] fpr = new double[size];
        double[] tpr = new double[size];
        thr[0] = Double.POSITIVE_INFINITY;
        fpr[0] = Rates.div(0, neg.length);
        tpr[0] = Rates.div(0, pos.length);
        int points = 1;
        // Walk both sorted arrays from the top, one distinct score at a time.
        int i = pos.length - 1;
        int j = neg.length - 1;
        int tp = 0;
        int fp = 0;
        while (i >= 0 || j >= 0) {
            double v = Math.max(i >= 0 ? pos[i] : Double.NEGATIVE_INFINITY, j >= 0 ? neg[j] : Double.NEGATIVE_INFINITY);
            for (; i >= 0 && pos[i] == v; i--) {
                tp++;
            }
            for (; j >= 0 && neg[j] == v; j--) {
                fp++;
            }
            thr[points] = v;
            fpr[points] = Rates.div(fp, neg.length);
            tpr[points] = Rates.div(tp, pos.length);
            points++;
        }
        return new Roc(Arrays.copyOf(thr, points), Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points),
                pos.length, neg.length);
    }

    /** Area by the trapezoid rule; equals {@link Auc#rocAuc} (ties give diagonal segments). NaN if undefined. */
    public double auc() {
        double area = 0;
        for (int k = 1; k < fpr.length; k++) {
            area += (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2;
        }
        return area;
    }
}
