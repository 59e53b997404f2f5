package org.debias4j.eval;

import java.util.Arrays;

/**
 * ROC-AUC as the Mann-Whitney statistic: the probability that a random positive scores higher than a
 * random negative, ties counting 1/2. O(n log n) by sorting; exact (counts are summed in a long).
 */
public final class Auc {
    private Auc() {
    }

    /** AUC for labels in {0, 1}; NaN when only one class is present (see {@link #undefinedReason}). */
    public static double rocAuc(double[] scores, int[] labels) {
        Rates.sameLength("scores", scores.length, "labels", labels.length);
        Rates.binaryLabels(labels);
        boolean[] positive = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            positive[i] = labels[i] == 1;
        }
        return rocAuc(scores, positive);
    }

    /** AUC with positives marked by a boolean mask (used for one-vs-rest). */
    public static double rocAuc(double[] scores, boolean[] positive) {
        Rates.sameLength("scores", scores.length, "labels", positive.length);
        Rates.finite(scores);
        double[][] split = split(scores, positive);
        double[] pos = split[0];
        double[] neg = split[1];
        if (pos.length == 0 || neg.length == 0) {
            return Double.NaN;
        }
        // For each positive (ascending), negatives below it and tied with it; pointers only move forward.
        long twiceWins = 0;
        int below = 0;
        int belowOrTied = 0;
        for (double s : pos) {
            while (below < neg.length && neg[below] < s) {
                below++;
            }
            belowOrTied = Math.max(belowOrTied, below);
            while (belowOrTied < neg.length && neg[belowOrTied] <= s) {
                belowOrTied++;
            }
            twiceWins += 2L * below + (belowOrTied - below);
        }
        return twiceWins / (2.0 * pos.length * neg.length);
    }

    /** Why the AUC of this sample is undefined, or null when it is defined. */
    public static String undefinedReason(int positives, int negatives) {
        if (positives == 0 && negatives == 0) {
            return "no samples";
        }
        if (positives == 0) {
            return "only negatives (" + negatives + "): AUC needs both classes";
        }
        if (negatives == 0) {
            return "only positives (" + positives + "): AUC needs both classes";
        }
        return null;
    }

    /** Sorted scores of positives [0] and negatives [1]; -0.0 is folded into 0.0 so ties compare equal. */
    static double[][] split(double[] scores, boolean[] positive) {
        int p = 0;
        for (boolean b : positive) {
            p += b ? 1 : 0;
        }
        double[] pos = new double[p];
        double[] neg = new double[positive.length - p];
        int ip = 0;
        int in = 0;
        for (int i = 0; i < scores.length; i++) {
            double s = scores[i] + 0.0;
            if (positive[i]) {
                pos[ip++] = s;
            } else {
                neg[in++] = s;
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        return new double[][] {pos, neg};
    }
}
