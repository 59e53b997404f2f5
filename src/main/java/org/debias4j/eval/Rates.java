package org.debias4j.eval;

/** Small arithmetic and argument checks shared by the metric classes. */
final class Rates {
    private Rates() {
    }

    /** A rate num/den; 0/0 (or x/0) is NaN, never 0, so that "undefined" is never read as "bad". */
    static double div(double num, double den) {
        return den == 0 ? Double.NaN : num / den;
    }

    /** Mean of the non-NaN values; NaN if there are none. */
    static double nanMean(double[] values) {
        double sum = 0;
        int count = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The larger of two values, ignoring NaN; NaN only if both are NaN. */
    static double nanMax(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /** The smaller of two values, ignoring NaN; NaN only if both are NaN. */
    static double nanMin(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    static void sameLength(String a, int na, String b, int nb) {
        if (na != nb) {
            throw new IllegalArgumentException(a + " has " + na + " entries but " + b + " has " + nb);
        }
    }

    static void nonEmpty(int n) {
        if (n == 0) {
            throw new IllegalArgumentException("no samples: metrics need at least one prediction");
        }
    }

    static void binaryLabels(int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is not 0 or 1");
            }
        }
    }

    static void classLabels(String what, int[] labels, int numClasses) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(what + " " + labels[i] + " at index " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
    }

    static void finite(double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("score " + scores[i] + " at index " + i + " is not finite");
            }
        }
    }
}
