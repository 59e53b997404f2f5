package org.debias4j.prune;

import org.debias4j.util.UserException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Task-agnostic inference: a sample goes through every task's subnetwork and head, and a rule picks
 * the task whose prediction is used. The paper leaves the rule open; max softmax confidence is the
 * default, lowest entropy the alternative, and the true task id an analysis oracle (task-aware
 * evaluation).
 */
public enum InferenceRule {
    MAX_SOFTMAX("max_softmax"),
    MIN_ENTROPY("min_entropy"),
    ORACLE("oracle");

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

    /**
     * The chosen task for one sample, given each candidate task's class probabilities.
     * @param trueTask the sample's task (used by ORACLE only; -1 when unknown)
     */
    public int pick(double[][] probsPerTask, int trueTask) {
        if (this == ORACLE) {
            if (trueTask < 0) {
                throw new UserException("the oracle inference rule needs the true task id");
            }
            return trueTask;
        }
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < probsPerTask.length; t++) {
            double s = score(probsPerTask[t]);
            if (s > bestScore) {
                bestScore = s;
                best = t;
            }
        }
        return best;
    }

    private double score(double[] p) {
        if (this == MAX_SOFTMAX) {
            double m = 0;
            for (double v : p) {
                m = Math.max(m, v);
            }
            return m;
        }
        // Entropy normalised by log(k), so heads with different class counts compare fairly.
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return -(p.length > 1 ? h / Math.log(p.length) : h);
    }
}
