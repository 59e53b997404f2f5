package org.debias4j.prune;

import org.debias4j.nn.BatchNormStats;
import org.debias4j.nn.Model;
import org.debias4j.nn.UnitMask;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each task keeps apart from the shared weights: its subnetwork (a unit mask per block; null =
 * the full network) and its batch-norm state (scale, shift and running statistics of every layer;
 * null = the live, shared batch norm, as sequential finetuning and joint training use). Per-task
 * batch norm is what lets later tasks train batch norm freely without changing an earlier task's
 * outputs.
 */
public final class TaskStates {
    private final List<Map<String, boolean[]>> masks = new ArrayList<>();
    private final List<Map<String, INDArray>> batchNorms = new ArrayList<>();
    /**
     * Per task: feature statistics for the mahalanobis rules (null = not stored): element 0 of the pooled
     * features, then one per block's unit activations (spatial means), in {@link Model#unitActivations()} order,
     * then (runs since input_stats) the input statistics ({@link InputStats}, one Gaussian).
     */
    private final List<List<FeatureStats>> featureStats = new ArrayList<>();

    public int size() {
        return masks.size();
    }

    /** Records task {@code task}'s state (tasks are added in order). */
    void put(int task, Map<String, boolean[]> taskMasks, Map<String, INDArray> bn) {
        while (masks.size() <= task) {
            masks.add(null);
            batchNorms.add(null);
            featureStats.add(null);
        }
        masks.set(task, taskMasks == null ? null : copy(taskMasks));
        batchNorms.set(task, bn);
    }

    /** Task {@code task}'s masks (null = full network). */
    public Map<String, boolean[]> masks(int task) {
        Map<String, boolean[]> m = masks.get(task);
        return m == null ? null : copy(m);
    }

    void putFeatureStats(int task, List<FeatureStats> stats) {
        featureStats.set(task, stats == null ? null : List.copyOf(stats));
    }

    /** Task {@code task}'s feature statistics (pooled features first, then blocks), or null when not stored. */
    List<FeatureStats> featureStats(int task) {
        return task < featureStats.size() ? featureStats.get(task) : null;
    }

    public Map<String, INDArray> batchNorm(int task) {
        return batchNorms.get(task);
    }

    /** Switches the model to task {@code task}'s subnetwork and batch norm. */
    public void apply(Model model, int task) {
        Map<String, boolean[]> m = masks.get(task);
        for (UnitMask u : model.masks().values()) {
            if (m == null) {
                u.reset();
            } else {
                u.set(m.get(u.name()));
            }
        }
        Map<String, INDArray> bn = batchNorms.get(task);
        if (bn != null) {
            restoreBatchNorm(model, bn);
        }
    }

    /** Every batch-norm layer's scale, shift and running statistics, copied. */
    static Map<String, INDArray> snapshotBatchNorm(Model model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (BatchNormStats.Layer l : model.batchNorms()) {
            out.put(l.name() + ".weight", model.param(l.name() + ".weight").dup());
            out.put(l.name() + ".bias", model.param(l.name() + ".bias").dup());
            out.put(l.name() + ".running_mean", l.runningMean().dup());
            out.put(l.name() + ".running_var", l.runningVar().dup());
        }
        return out;
    }

    static void restoreBatchNorm(Model model, Map<String, INDArray> bn) {
        for (BatchNormStats.Layer l : model.batchNorms()) {
            model.param(l.name() + ".weight").assign(bn.get(l.name() + ".weight"));
            model.param(l.name() + ".bias").assign(bn.get(l.name() + ".bias"));
            l.runningMean().assign(bn.get(l.name() + ".running_mean"));
            l.runningVar().assign(bn.get(l.name() + ".running_var"));
        }
    }

    static Map<String, boolean[]> snapshotMasks(Model model) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        model.masks().forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    static Map<String, boolean[]> copy(Map<String, boolean[]> m) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /** As tensors for a safetensors file: "task{t}.mask.{mask}" (0/1) and "task{t}.bn.{key}". */
    Map<String, INDArray> tensors() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int t = 0; t < masks.size(); t++) {
            if (masks.get(t) != null) {
                for (Map.Entry<String, boolean[]> e : masks.get(t).entrySet()) {
                    float[] v = new float[e.getValue().length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = e.getValue()[i] ? 1f : 0f;
                    }
                    out.put("task" + t + ".mask." + e.getKey(), Nd4j.createFromArray(v));
                }
            }
            if (batchNorms.get(t) != null) {
                for (Map.Entry<String, INDArray> e : batchNorms.get(t).entrySet()) {
                    out.put("task" + t + ".bn." + e.getKey(), e.getValue());
                }
            }
            if (featureStats.get(t) != null) {
                for (int l = 0; l < featureStats.get(t).size(); l++) {
                    for (Map.Entry<String, INDArray> e : featureStats.get(t).get(l).tensors().entrySet()) {
                        out.put("task" + t + ".ood." + l + "." + e.getKey(), e.getValue());
                    }
                }
            }
        }
        return out;
    }

    static boolean isTaskTensor(String key) {
        return key.matches("task\\d+\\.(mask|bn|ood)\\..*");
    }

    /** Reads what {@link #tensors()} wrote for {@code tasks} tasks. */
    static TaskStates fromTensors(Map<String, INDArray> t, int tasks) {
        TaskStates s = new TaskStates();
        for (int k = 0; k < tasks; k++) {
            String mp = "task" + k + ".mask.";
            String bp = "task" + k + ".bn.";
            String op = "task" + k + ".ood.";
            Map<String, boolean[]> m = new LinkedHashMap<>();
            Map<String, INDArray> bn = new LinkedHashMap<>();
            Map<String, INDArray> ood = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : t.entrySet()) {
                if (e.getKey().startsWith(mp)) {
                    double[] v = e.getValue().toDoubleVector();
                    boolean[] b = new boolean[v.length];
                    for (int i = 0; i < v.length; i++) {
                        b[i] = v[i] != 0;
                    }
                    m.put(e.getKey().substring(mp.length()), b);
                } else if (e.getKey().startsWith(bp)) {
                    bn.put(e.getKey().substring(bp.length()), e.getValue());
                } else if (e.getKey().startsWith(op)) {
                    ood.put(e.getKey().substring(op.length()), e.getValue());
                }
            }
            s.put(k, m.isEmpty() ? null : m, bn.isEmpty() ? null : bn);
            if (!ood.isEmpty()) {
                List<FeatureStats> layers = new ArrayList<>();
                for (int l = 0; ood.containsKey(l + ".means"); l++) {
                    layers.add(FeatureStats.fromTensors(Map.of("means", ood.get(l + ".means"), "precision",
                            ood.get(l + ".precision"))));
                }
                s.putFeatureStats(k, layers);
            }
        }
        return s;
    }
}
