package org.debias4j.eval;

import java.nio.file.Path;

/**
 * Predictions read from a file: true labels plus either binary scores ({@code score}, labels 0/1) or
 * class probabilities ({@code probs[i][c]}, K &gt;= 2 classes); group ids are optional (null).
 */
public record Predictions(Path file, int[] yTrue, double[] score, double[][] probs, String[] group) {

    public boolean isBinary() {
        return score != null;
    }

    public int numClasses() {
        return isBinary() ? 2 : probs[0].length;
    }

    public int size() {
        return yTrue.length;
    }

    public boolean hasGroups() {
        return group != null;
    }

    /** Predicted labels: score >= threshold for binary files, arg max otherwise (threshold unused). */
    public int[] predicted(double threshold) {
        if (!isBinary()) {
            return MultiClassMetrics.argMax(probs);
        }
        int[] pred = new int[score.length];
        for (int i = 0; i < score.length; i++) {
            pred[i] = score[i] >= threshold ? 1 : 0;
        }
        return pred;
    }
}
