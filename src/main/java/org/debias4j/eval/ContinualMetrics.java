package org.debias4j.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Continual-learning summaries of an accuracy matrix R[i][j] = accuracy on task j after training task
 * i (T x T; entries above the diagonal, i &lt; j, are not used and may be NaN).
 * <ul>
 *   <li>average accuracy = (1/T) sum_j R[T-1][j];</li>
 *   <li>backward transfer (Lopez-Paz &amp; Ranzato 2017) = 1/(T-1) sum_{j&lt;T-1} (R[T-1][j] - R[j][j]);
 *       negative means forgetting;</li>
 *   <li>forgetting of task j (Chaudhry et al. 2018) = max_{l in j..T-2} R[l][j] - R[T-1][j], and
 *       forgetting = mean over j &lt; T-1. Chaudhry takes the max over every l &lt; T-1; l &lt; j are
 *       accuracies before task j was trained, which are usually not measured, so they are left out.</li>
 * </ul>
 * With a single task, backward transfer and forgetting are NaN (no earlier task).
 */
public record ContinualMetrics(int tasks, double averageAccuracy, double backwardTransfer,
                               double forgetting, double[] forgettingPerTask,
                               Map<String, String> undefined) {

    /** @throws IllegalArgumentException unless R is square with finite entries on and below the diagonal */
    public static ContinualMetrics of(double[][] r) {
        int t = r.length;
        if (t == 0) {
            throw new IllegalArgumentException("the accuracy matrix is empty");
        }
        for (int i = 0; i < t; i++) {
            if (r[i].length != t) {
                throw new IllegalArgumentException("the accuracy matrix must be " + t + " x " + t
                        + " but row " + i + " has " + r[i].length + " entries");
            }
            for (int j = 0; j <= i; j++) {
                if (!Double.isFinite(r[i][j])) {
                    throw new IllegalArgumentException("R[" + i + "][" + j + "] = " + r[i][j]
                            + "; entries on and below the diagonal must be finite");
                }
            }
        }
        double[] last = r[t - 1];
        double average = 0;
        for (double v : last) {
            average += v;
        }
        average /= t;
        double bwt = 0;
        double[] forgettingPerTask = new double[t - 1];
        for (int j = 0; j < t - 1; j++) {
            bwt += last[j] - r[j][j];
            double best = Double.NEGATIVE_INFINITY;
            for (int l = j; l < t - 1; l++) {
                best = Math.max(best, r[l][j]);
            }
            forgettingPerTask[j] = best - last[j];
        }
        Map<String, String> why = new LinkedHashMap<>();
        if (t == 1) {
            why.put("backward_transfer", "a single task: no earlier task to compare with");
            why.put("forgetting", "a single task: no earlier task to compare with");
        }
        return new ContinualMetrics(t, average, Rates.div(bwt, t - 1), Rates.nanMean(forgettingPerTask),
                forgettingPerTask, Collections.unmodifiableMap(why));
    }

    public MetricTable table() {
        MetricTable t = new MetricTable("Continual learning (" + tasks + " tasks)", "metric", "value", "note");
        t.row("average_accuracy", averageAccuracy, "after the last task");
        t.row("backward_transfer", backwardTransfer, undefined.getOrDefault("backward_transfer", ""));
        t.row("forgetting", forgetting, undefined.getOrDefault("forgetting", ""));
        for (int j = 0; j < forgettingPerTask.length; j++) {
            t.row("forgetting_task_" + j, forgettingPerTask[j], "");
        }
        return t;
    }
}
