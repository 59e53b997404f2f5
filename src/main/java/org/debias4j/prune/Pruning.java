package org.debias4j.prune;

import org.debias4j.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unit scores and the pruning rule. BiasPruner's bias score of a unit is its mean spatial-mean
 * activation over easy (bias-aligned) training samples minus the same over hard (bias-conflicting)
 * ones; the units with the HIGHEST scores leave the task's subnetwork (the reference code keeps
 * them instead, a bug the methods note records). The PackNet-style score is minus the unit's mean
 * absolute incoming weight, so the weakest units leave.
 */
public final class Pruning {
    private Pruning() {
    }

    /**
     * How the bias score treats classes. POOLED: one difference over all rows (the methods note).
     * CLASS_MEAN and CLASS_MAX: the difference S_{c,n} is taken within each class that has both easy and
     * hard rows (the paper's notation), then averaged over those classes or its maximum taken. The mean
     * (and the pooled difference) cancel a shortcut whose aligned value differs per class (class 0 with
     * light skin, class 1 with dark): a dark-skin unit scores +d in class 1 and -d in class 0. The
     * maximum keeps a unit that is biased for any class.
     */
    public enum ClassScore { POOLED, CLASS_MEAN, CLASS_MAX }

    /**
     * Bias scores per mask: mean over easy rows minus mean over hard rows of each unit's spatial-mean
     * activation, pooled or per class as {@code mode} says; if no class has both easy and hard rows,
     * the pooled difference is used.
     */
    public static Map<String, double[]> biasScores(Map<String, double[][]> activations, boolean[] easy, int[] labels,
                                                   ClassScore mode) {
        boolean perClass = mode != ClassScore.POOLED;
        Map<String, double[]> out = new LinkedHashMap<>();
        int numClasses = 0;
        for (int l : labels) {
            numClasses = Math.max(numClasses, l + 1);
        }
        List<Integer> classes = new ArrayList<>();
        if (perClass) {
            for (int c = 0; c < numClasses; c++) {
                boolean e = false;
                boolean h = false;
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] == c) {
                        e |= easy[i];
                        h |= !easy[i];
                    }
                }
                if (e && h) {
                    classes.add(c);
                }
            }
        }
        for (Map.Entry<String, double[][]> m : activations.entrySet()) {
            double[][] a = m.getValue();
            int units = a[0].length;
            double[] s = new double[units];
            if (classes.isEmpty()) {
                s = difference(a, easy, labels, -1);
            } else {
                if (mode == ClassScore.CLASS_MAX) {
                    Arrays.fill(s, Double.NEGATIVE_INFINITY);
                }
                for (int c : classes) {
                    double[] d = difference(a, easy, labels, c);
                    for (int u = 0; u < units; u++) {
                        s[u] = mode == ClassScore.CLASS_MAX ? Math.max(s[u], d[u]) : s[u] + d[u] / classes.size();
                    }
                }
            }
            out.put(m.getKey(), s);
        }
        return out;
    }

    /**
     * How strongly each unit separates the values of a binary attribute within a class (diagnostic only:
     * training never sees the attribute): per class with both values, |mean(a=1) - mean(a=0)| divided by
     * the unit's standard deviation within the class, averaged over those classes. A unit that encodes
     * the shortcut scores high; one that encodes the lesion class does not.
     */
    public static Map<String, double[]> attributeSensitivity(Map<String, double[][]> activations, int[] labels,
                                                             int[] attribute) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int numClasses = Arrays.stream(labels).max().orElse(-1) + 1;
        for (Map.Entry<String, double[][]> m : activations.entrySet()) {
            double[][] a = m.getValue();
            int units = a[0].length;
            double[] s = new double[units];
            int used = 0;
            for (int c = 0; c < numClasses; c++) {
                double[][] sum = new double[2][units];
                double[] sq = new double[units];
                int[] n = new int[2];
                for (int i = 0; i < a.length; i++) {
                    if (labels[i] != c || attribute[i] < 0 || attribute[i] > 1) {
                        continue;
                    }
                    n[attribute[i]]++;
                    for (int u = 0; u < units; u++) {
                        sum[attribute[i]][u] += a[i][u];
                        sq[u] += a[i][u] * a[i][u];
                    }
                }
                if (n[0] == 0 || n[1] == 0) {
                    continue;
                }
                used++;
                for (int u = 0; u < units; u++) {
                    double mean = (sum[0][u] + sum[1][u]) / (n[0] + n[1]);
                    double sd = Math.sqrt(Math.max(0, sq[u] / (n[0] + n[1]) - mean * mean));
                    s[u] += Math.abs(sum[1][u] / n[1] - sum[0][u] / n[0]) / (sd + 1e-8);
                }
            }
            for (int u = 0; u < units && used > 0; u++) {
                s[u] /= used;
            }
            out.put(m.getKey(), s);
        }
        return out;
    }

    /**
     * Mean within-layer percentile (0 = least, 1 = most) of {@code value} over the units that were
     * candidates and were pruned; 0.5 is what a random choice gives. NaN when nothing was pruned.
     */
    public static double prunedPercentile(Map<String, double[]> value, Map<String, boolean[]> candidates,
                                          Map<String, boolean[]> keep) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<String, boolean[]> e : candidates.entrySet()) {
            double[] v = value.get(e.getKey());
            boolean[] cand = e.getValue();
            boolean[] k = keep.get(e.getKey());
            int m = 0;
            for (boolean b : cand) {
                m += b ? 1 : 0;
            }
            for (int u = 0; u < cand.length; u++) {
                if (!cand[u] || k[u]) {
                    continue;
                }
                int below = 0;
                int ties = 0;
                for (int w = 0; w < cand.length; w++) {
                    if (cand[w] && w != u) {
                        below += v[w] < v[u] ? 1 : 0;
                        ties += v[w] == v[u] ? 1 : 0;
                    }
                }
                sum += m <= 1 ? 0.5 : (below + 0.5 * ties) / (m - 1);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Mean of {@code value} over the units that are true in {@code units}; NaN when there are none. */
    public static double meanOver(Map<String, double[]> value, Map<String, boolean[]> units) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<String, boolean[]> e : units.entrySet()) {
            double[] v = value.get(e.getKey());
            for (int u = 0; u < e.getValue().length; u++) {
                if (e.getValue()[u]) {
                    sum += v[u];
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** mean(easy) - mean(hard) per unit over rows of class c (-1 = all rows). */
    private static double[] difference(double[][] a, boolean[] easy, int[] labels, int c) {
        int units = a[0].length;
        double[] se = new double[units];
        double[] sh = new double[units];
        int ne = 0;
        int nh = 0;
        for (int i = 0; i < a.length; i++) {
            if (c >= 0 && labels[i] != c) {
                continue;
            }
            double[] dst = easy[i] ? se : sh;
            for (int u = 0; u < units; u++) {
                dst[u] += a[i][u];
            }
            if (easy[i]) {
                ne++;
            } else {
                nh++;
            }
        }
        if (ne == 0 || nh == 0) {
            throw new IllegalArgumentException("bias scores need easy and hard samples (easy " + ne + ", hard " + nh + ")");
        }
        double[] d = new double[units];
        for (int u = 0; u < units; u++) {
            d[u] = se[u] / ne - sh[u] / nh;
        }
        return d;
    }

    /** PackNet-style scores: minus the mean |w| of each unit's incoming conv filter (block "conv1"). */
    public static Map<String, double[]> magnitudeScores(Model model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String mask : model.masks().keySet()) {
            INDArray w = model.param(UnitGraph.producer(mask));
            int units = (int) w.size(3);
            double[] s = new double[units];
            for (int u = 0; u < units; u++) {
                INDArray slice = w.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(u));
                s[u] = -Transforms.abs(slice, true).meanNumber().doubleValue();
            }
            out.put(mask, s);
        }
        return out;
    }

    /** Uniform random scores of the same shapes (the ablation "prune random units"), reproducible from the seed. */
    public static Map<String, double[]> randomScores(Map<String, double[]> like, long seed) {
        java.util.Random r = new java.util.Random(seed);
        Map<String, double[]> out = new LinkedHashMap<>();
        like.forEach((k, v) -> out.put(k, r.doubles(v.length).toArray()));
        return out;
    }

    /**
     * The subnetwork left after pruning: of the candidate units (true in {@code candidates}), the
     * fraction {@code ratio} with the highest scores is removed, per layer (round(ratio * n) of the
     * layer's n candidates) or, with {@code global}, over all layers at once; a layer never loses its
     * last candidate unit. Ties go to the lower unit index.
     */
    public static Map<String, boolean[]> prune(Map<String, double[]> scores, Map<String, boolean[]> candidates,
                                               double ratio, boolean global) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("pruning ratio must be in [0, 1), got " + ratio);
        }
        Map<String, boolean[]> keep = new LinkedHashMap<>();
        Map<String, Integer> left = new LinkedHashMap<>();
        List<Unit> all = new ArrayList<>();
        for (Map.Entry<String, boolean[]> e : candidates.entrySet()) {
            boolean[] k = e.getValue().clone();
            keep.put(e.getKey(), k);
            double[] s = scores.get(e.getKey());
            List<Unit> layer = new ArrayList<>();
            for (int u = 0; u < k.length; u++) {
                if (k[u]) {
                    layer.add(new Unit(e.getKey(), u, s[u]));
                }
            }
            left.put(e.getKey(), layer.size());
            if (global) {
                all.addAll(layer);
            } else {
                layer.sort(ORDER);
                int n = (int) Math.min(Math.round(ratio * layer.size()), Math.max(0, layer.size() - 1));
                for (int i = 0; i < n; i++) {
                    k[layer.get(i).index()] = false;
                }
            }
        }
        if (global) {
            all.sort(ORDER);
            long target = Math.round(ratio * all.size());
            int removed = 0;
            for (Unit u : all) {
                if (removed >= target) {
                    break;
                }
                if (left.get(u.mask()) > 1) {
                    keep.get(u.mask())[u.index()] = false;
                    left.merge(u.mask(), -1, Integer::sum);
                    removed++;
                }
            }
        }
        return keep;
    }

    private record Unit(String mask, int index, double score) {
    }

    private static final Comparator<Unit> ORDER = Comparator.comparingDouble(Unit::score).reversed()
            .thenComparing(Unit::mask).thenComparingInt(Unit::index);
}
