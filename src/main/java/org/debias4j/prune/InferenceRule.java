package org.debias4j.prune;

import org.debias4j.util.UserException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Task-agnostic inference: a sample goes through every task's subnetwork and head, and a rule picks
 * the task whose prediction is used. The paper leaves the rule open; max softmax confidence is the
 * default, lowest entropy the alternative, and the true task id an analysis oracle (task-aware
 * evaluation). Two further options score how well a sample fits what each task saw in training:
 * {@code energy} (log-sum-exp of the head's logits, Liu et al. 2020) and {@code mahalanobis} (the
 * smallest class-conditional Mahalanobis distance of the subnetwork's pooled features to the class
 * means stored at the end of the task's training, Lee et al. 2018; no replay data is kept), and
 * {@code mahalanobis_layers}, the same over the pooled features and every block's spatially averaged
 * unit activations, each layer's distance divided by its dimension and summed (Lee et al.'s feature
 * ensemble with equal weights: no out-of-distribution data to fit weights on). {@code input_stats} asks
 * which task's source the image comes from: the Mahalanobis distance of the image's colour and corner
 * statistics ({@link InputStats}) to a Gaussian each task fits on its training images; it can only work
 * when tasks come from different acquisition sources, as new tasks usually do in practice.
 */
public enum InferenceRule {
    MAX_SOFTMAX("max_softmax"),
    MIN_ENTROPY("min_entropy"),
    ORACLE("oracle"),
    ENERGY("energy"),
    MAHALANOBIS("mahalanobis"),
    MAHALANOBIS_LAYERS("mahalanobis_layers"),
    INPUT_STATS("input_stats");

    private final String key;

    InferenceRule(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static InferenceRule parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (InferenceRule r : values()) {
            if (r.key.equals(t)) {
                return r;
            }
        }
        throw new UserException("--inference must be one of " + keys() + ", got '" + s + "'");
    }

    public static String keys() {
        return Arrays.stream(values()).map(InferenceRule::key).collect(Collectors.joining(", "));
    }

    /** Whether the rule needs the per-task feature statistics (class means and precision matrix). */
    public boolean needsFeatureStats() {
        return this == MAHALANOBIS || this == MAHALANOBIS_LAYERS || this == INPUT_STATS;
    }

    /**
     * The chosen task for one sample, given each candidate task's class probabilities (rules that
     * only need probabilities: max_softmax, min_entropy, oracle).
     * @param trueTask the sample's task (used by ORACLE only; -1 when unknown)
     */
    public int pick(double[][] probsPerTask, int trueTask) {
        if (this == ENERGY || needsFeatureStats()) {
            throw new IllegalArgumentException(key + " needs logits (and feature distances): use pick(Candidates)");
        }
        double[][] logits = new double[probsPerTask.length][];
        for (int t = 0; t < probsPerTask.length; t++) {
            logits[t] = new double[probsPerTask[t].length];
            for (int c = 0; c < logits[t].length; c++) {
                logits[t][c] = Math.log(Math.max(probsPerTask[t][c], 1e-300));
            }
        }
        return pick(logits, null, trueTask);
    }

    /**
     * The chosen task for one sample.
     * @param logitsPerTask  each candidate task's head logits
     * @param distancePerTask each candidate task's smallest class Mahalanobis distance (MAHALANOBIS only; may be
     *                        null for the other rules)
     * @param trueTask       the sample's task (ORACLE only; -1 when unknown)
     */
    public int pick(double[][] logitsPerTask, double[] distancePerTask, int trueTask) {
        if (this == ORACLE) {
            if (trueTask < 0) {
                throw new UserException("the oracle inference rule needs the true task id");
            }
            return trueTask;
        }
        if (needsFeatureStats() && distancePerTask == null) {
            throw new UserException("the mahalanobis inference rule needs per-task feature statistics (stored by "
                    + "runs of this version)");
        }
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < logitsPerTask.length; t++) {
            double s = needsFeatureStats() ? -distancePerTask[t] : score(logitsPerTask[t]);
            if (s > bestScore) {
                bestScore = s;
                best = t;
            }
        }
        return best;
    }

    private double score(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        if (this == ENERGY) {
            return lse; // negative free energy at temperature 1
        }
        if (this == MAX_SOFTMAX) {
            return Math.exp(max - lse);
        }
        // Entropy normalised by log(k), so heads with different class counts compare fairly.
        double h = 0;
        for (double v : logits) {
            double p = Math.exp(v - lse);
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return -(logits.length > 1 ? h / Math.log(logits.length) : h);
    }
}
