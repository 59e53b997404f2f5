package org.debias4j.prune;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a task stores for the {@code mahalanobis} inference rule at the end of its training: the class
 * means of its subnetwork's pooled features on its own training set and the inverse of one shared
 * (tied) covariance, shrunk towards a scaled identity so it stays invertible with fewer samples than
 * feature dimensions. Statistics only, no images are kept.
 */
final class FeatureStats {
    /** Shrinkage weight towards trace(S)/F * I. */
    static final double SHRINKAGE = 0.1;

    private final double[][] means;
    private final double[][] precision;

    FeatureStats(double[][] means, double[][] precision) {
        this.means = means;
        this.precision = precision;
    }

    static FeatureStats fit(double[][] features, int[] labels, int classes) {
        int f = features[0].length;
        double[][] mu = new double[classes][f];
        int[] count = new int[classes];
        for (int i = 0; i < features.length; i++) {
            count[labels[i]]++;
            for (int d = 0; d < f; d++) {
                mu[labels[i]][d] += features[i][d];
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < f && count[c] > 0; d++) {
                mu[c][d] /= count[c];
            }
        }
        double[][] cov = new double[f][f];
        for (int i = 0; i < features.length; i++) {
            double[] x = new double[f];
            for (int d = 0; d < f; d++) {
                x[d] = features[i][d] - mu[labels[i]][d];
            }
            for (int a = 0; a < f; a++) {
                for (int b = a; b < f; b++) {
                    cov[a][b] += x[a] * x[b];
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < f; a++) {
            for (int b = a; b < f; b++) {
                cov[a][b] /= Math.max(1, features.length);
                cov[b][a] = cov[a][b];
            }
            trace += cov[a][a];
        }
        double ridge = Math.max(trace / f, 1e-8);
        for (int a = 0; a < f; a++) {
            for (int b = 0; b < f; b++) {
                cov[a][b] = (1 - SHRINKAGE) * cov[a][b] + (a == b ? SHRINKAGE * ridge : 0);
            }
        }
        return new FeatureStats(mu, invert(cov));
    }

    /** Smallest squared Mahalanobis distance of {@code x} to a class mean. */
    double distance(double[] x) {
        double best = Double.POSITIVE_INFINITY;
        int f = x.length;
        double[] v = new double[f];
        for (double[] mu : means) {
            for (int d = 0; d < f; d++) {
                v[d] = x[d] - mu[d];
            }
            double s = 0;
            for (int a = 0; a < f; a++) {
                double r = 0;
                for (int b = 0; b < f; b++) {
                    r += precision[a][b] * v[b];
                }
                s += v[a] * r;
            }
            best = Math.min(best, s);
        }
        return best;
    }

    int dimension() {
        return precision.length;
    }

    /**
     * A task's distance for a statistics rule: the input statistics' distance to the task's single Gaussian
     * ({@code input_stats}; stored after the blocks), the pooled features' distance ({@code mahalanobis}), or the
     * sum over the pooled features and every block of the distance divided by its dimension
     * ({@code mahalanobis_layers}: each term is about 1 for in-distribution samples, so layers weigh alike).
     */
    static double taskDistance(InferenceRule rule, List<FeatureStats> stats, double[] pooled, double[][] blocks,
                               double[] input) {
        if (rule == InferenceRule.MAHALANOBIS) {
            return stats.get(0).distance(pooled);
        }
        if (rule == InferenceRule.INPUT_STATS) {
            if (stats.size() <= blocks.length + 1) {
                throw new org.debias4j.util.UserException("the input_stats rule needs the input statistics each task "
                        + "stores since this version; this model has none");
            }
            return stats.get(blocks.length + 1).distance(input);
        }
        double d = stats.get(0).distance(pooled) / stats.get(0).dimension();
        for (int l = 1; l <= blocks.length; l++) {
            d += stats.get(l).distance(blocks[l - 1]) / stats.get(l).dimension();
        }
        return d;
    }

    Map<String, INDArray> tensors() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put("means", Nd4j.createFromArray(means));
        out.put("precision", Nd4j.createFromArray(precision));
        return out;
    }

    static FeatureStats fromTensors(Map<String, INDArray> t) {
        return new FeatureStats(t.get("means").toDoubleMatrix(), t.get("precision").toDoubleMatrix());
    }

    /** Gauss-Jordan inverse with partial pivoting of a symmetric positive definite matrix. */
    static double[][] invert(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, a[i], 0, n);
            a[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[piv];
            a[piv] = tmp;
            double p = a[col][col];
            if (Math.abs(p) < 1e-300) {
                throw new IllegalStateException("singular covariance");
            }
            for (int k = 0; k < 2 * n; k++) {
                a[col][k] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && a[r][col] != 0) {
                    double f = a[r][col];
                    for (int k = 0; k < 2 * n; k++) {
                        a[r][k] -= f * a[col][k];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, inv[i], 0, n);
        }
        return inv;
    }
}
