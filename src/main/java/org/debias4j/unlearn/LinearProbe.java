package org.debias4j.unlearn;

import java.util.Arrays;

/**
 * Multinomial logistic regression (softmax, L2-regularised) on fixed features: the "linear probe"
 * that asks how much of an attribute a frozen encoder still carries. Features are standardised
 * with the fitting set's mean and standard deviation; full-batch gradient descent with a fixed
 * number of iterations, so a fit is deterministic.
 */
public final class LinearProbe {
    private final double[] mean;
    private final double[] std;
    private final double[][] w; // [classes][features + 1], last = bias
    private final int classes;

    private LinearProbe(double[] mean, double[] std, double[][] w) {
        this.mean = mean;
        this.std = std;
        this.w = w;
        this.classes = w.length;
    }

    /**
     * @param x       samples x features
     * @param y       class indices 0..K-1
     * @param classes K (at least 2)
     * @param l2      weight decay on the weights (not the bias)
     */
    public static LinearProbe fit(double[][] x, int[] y, int classes, double l2, int iterations, double lr) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("probe needs as many labels as samples, and at least one");
        }
        int n = x.length;
        int f = x[0].length;
        double[] mean = new double[f];
        double[] std = new double[f];
        for (double[] r : x) {
            for (int j = 0; j < f; j++) {
                mean[j] += r[j] / n;
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < f; j++) {
                std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < f; j++) {
            std[j] = Math.sqrt(std[j]) + 1e-8;
        }
        double[][] z = new double[n][];
        for (int i = 0; i < n; i++) {
            z[i] = standardise(x[i], mean, std);
        }
        double[][] w = new double[classes][f + 1];
        double[][] grad = new double[classes][f + 1];
        double[] p = new double[classes];
        for (int it = 0; it < iterations; it++) {
            for (double[] g : grad) {
                Arrays.fill(g, 0);
            }
            for (int i = 0; i < n; i++) {
                softmax(w, z[i], p);
                for (int c = 0; c < classes; c++) {
                    double d = (p[c] - (y[i] == c ? 1 : 0)) / n;
                    for (int j = 0; j < f; j++) {
                        grad[c][j] += d * z[i][j];
                    }
                    grad[c][f] += d;
                }
            }
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j <= f; j++) {
                    double g = grad[c][j] + (j < f ? l2 * w[c][j] : 0);
                    w[c][j] -= lr * g;
                }
            }
        }
        return new LinearProbe(mean, std, w);
    }

    private static double[] standardise(double[] r, double[] mean, double[] std) {
        double[] out = new double[r.length];
        for (int j = 0; j < r.length; j++) {
            out[j] = (r[j] - mean[j]) / std[j];
        }
        return out;
    }

    private static void softmax(double[][] w, double[] z, double[] p) {
        int f = z.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < w.length; c++) {
            double s = w[c][f];
            for (int j = 0; j < f; j++) {
                s += w[c][j] * z[j];
            }
            p[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < w.length; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < w.length; c++) {
            p[c] /= sum;
        }
    }

    /** Class probabilities of one sample. */
    public double[] probabilities(double[] x) {
        double[] p = new double[classes];
        softmax(w, standardise(x, mean, std), p);
        return p;
    }

    public int predict(double[] x) {
        double[] p = probabilities(x);
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Accuracy and balanced accuracy (mean recall over the classes present) on a labelled set. */
    public double[] accuracy(double[][] x, int[] y) {
        int correct = 0;
        int[] perClass = new int[classes];
        int[] hits = new int[classes];
        for (int i = 0; i < x.length; i++) {
            int p = predict(x[i]);
            if (p == y[i]) {
                correct++;
                hits[y[i]]++;
            }
            perClass[y[i]]++;
        }
        double bal = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (perClass[c] > 0) {
                bal += hits[c] / (double) perClass[c];
                present++;
            }
        }
        return new double[]{correct / (double) x.length, present == 0 ? Double.NaN : bal / present};
    }
}
