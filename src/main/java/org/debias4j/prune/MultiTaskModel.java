package org.debias4j.prune;

import com.fasterxml.jackson.core.type.TypeReference;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.nn.SafeTensors;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A continual model as one file: the shared weights (backbone and every task's head), each task's
 * subnetwork masks and batch-norm state, and what each task is (classes, head, sensitive
 * attribute), plus the inference rule. {@link #predict} is task-agnostic inference: every learned
 * task's subnetwork and head see the batch and the rule picks one per sample.
 * <p>
 * File: {@value #FILE} (safetensors; metadata "debias4j.model_spec" and "debias4j.multitask").
 */
public final class MultiTaskModel {
    public static final String FILE = "multitask.safetensors";
    public static final String META = "debias4j.multitask";

    /** One task as the model knows it. */
    public record TaskInfo(String name, List<Integer> classes, List<String> classNames, String head, String sensitive) {
    }

    /** The run's method, default inference rule and tasks (in training order). */
    public record Info(String method, String inference, List<TaskInfo> tasks) {
    }

    /**
     * Per sample: the chosen task, its class probabilities (in the task's class order), the
     * global class id, and every task's probabilities (perTask[t][i]).
     */
    public record Prediction(int[] task, double[][] probs, int[] globalClass, double[][][] perTask) {
    }

    private final Model model;
    private final Info info;
    private final TaskStates states;

    MultiTaskModel(Model model, Info info, TaskStates states) {
        this.model = model;
        this.info = info;
        this.states = states;
        if (states.size() < info.tasks().size()) {
            throw new IllegalArgumentException("state for " + states.size() + " tasks, info for " + info.tasks().size());
        }
    }

    public Model model() {
        return model;
    }

    public Info info() {
        return info;
    }

    public TaskStates states() {
        return states;
    }

    public int tasks() {
        return info.tasks().size();
    }

    /** Input size in pixels (images are normalised as {@link org.debias4j.data.ImagePipeline} does). */
    public int imageSize() {
        return model.spec().backbone().imageSize();
    }

    /** Loads {@code path}: a {@value #FILE} file, or a folder holding one (a biaspruner results folder). */
    public static MultiTaskModel load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new UserException("No multi-task model at " + file + " (a biaspruner results folder has " + FILE + ")");
        }
        SafeTensors.Contents c = SafeTensors.read(file);
        String specJson = c.metadata().get("debias4j.model_spec");
        String infoJson = c.metadata().get(META);
        if (specJson == null || infoJson == null) {
            throw new UserException(file + " is not a debias4j multi-task model (no " + META + " metadata)");
        }
        ModelSpec spec;
        Info info;
        try {
            spec = Json.MAPPER.readValue(specJson, ModelSpec.class);
            info = Json.MAPPER.readValue(infoJson, new TypeReference<Info>() {
            });
        } catch (Exception e) {
            throw new UserException(file + ": unreadable metadata: " + e.getMessage(), e);
        }
        Map<String, INDArray> shared = new LinkedHashMap<>();
        Map<String, INDArray> perTask = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> (TaskStates.isTaskTensor(k) ? perTask : shared).put(k, v));
        Model m = Model.create(spec);
        m.loadStateDict(shared, file.toString());
        return new MultiTaskModel(m, info, TaskStates.fromTensors(perTask, info.tasks().size()));
    }

    /** Writes the model atomically. */
    public void save(Path file) {
        Map<String, INDArray> t = new LinkedHashMap<>(model.stateDict());
        t.putAll(states.tensors());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("debias4j.model_spec", Json.write(model.spec()));
        meta.put(META, Json.write(info));
        meta.put("format", "pt");
        SafeTensors.write(file, t, meta);
    }

    /** Class probabilities of task {@code task}'s subnetwork and head for a normalised batch [N, 3, H, W]. */
    public synchronized double[][] predictTask(INDArray images, int task) {
        states.apply(model, task);
        String head = info.tasks().get(task).head();
        INDArray logits = model.predict(images, head).get(head);
        double[][] p = TaskEval.softmax(logits);
        logits.close();
        return p;
    }

    /** Task-agnostic prediction with the model's own rule. */
    public Prediction predict(INDArray images) {
        InferenceRule rule = InferenceRule.parse(info.inference());
        return predict(images, rule == InferenceRule.ORACLE ? InferenceRule.MAX_SOFTMAX : rule, null);
    }

    /** Task-agnostic prediction with {@code rule}; {@code trueTask} (per sample) only for the oracle. */
    public synchronized Prediction predict(INDArray images, InferenceRule rule, int[] trueTask) {
        int n = (int) images.size(0);
        double[][][] per = new double[tasks()][][];
        double[][][] logits = new double[tasks()][][];
        double[][] dist = rule.needsFeatureStats() ? new double[n][tasks()] : null;
        double[][] input = rule == InferenceRule.INPUT_STATS ? InputStats.of(images) : new double[n][];
        for (int t = 0; t < tasks(); t++) {
            states.apply(model, t);
            String head = info.tasks().get(t).head();
            String ln = model.evalLogits(head).name();
            String fn = model.evalFeatures().name();
            List<String> acts = model.unitActivations();
            String[] names = new String[acts.size() + 2];
            names[0] = ln;
            names[1] = fn;
            for (int k = 0; k < acts.size(); k++) {
                names[k + 2] = acts.get(k);
            }
            Map<String, INDArray> raw = model.evalOutputs(images, names);
            logits[t] = raw.get(ln).toDoubleMatrix();
            per[t] = TaskEval.softmax(raw.get(ln));
            if (dist != null) {
                List<FeatureStats> fs = states.featureStats(t);
                if (fs == null) {
                    throw new UserException("the mahalanobis rule needs feature statistics; this model has none for task "
                            + t + " (saved by an earlier version)");
                }
                double[][] f = raw.get(fn).toDoubleMatrix();
                double[][][] blocks = new double[acts.size()][][];
                for (int k = 0; k < acts.size(); k++) {
                    blocks[k] = raw.get(acts.get(k)).mean(2, 3).toDoubleMatrix();
                }
                for (int i = 0; i < n; i++) {
                    double[][] bi = new double[acts.size()][];
                    for (int k = 0; k < acts.size(); k++) {
                        bi[k] = blocks[k][i];
                    }
                    dist[i][t] = FeatureStats.taskDistance(rule, fs, f[i], bi, input[i]);
                }
            }
            raw.values().forEach(INDArray::close);
        }
        int[] task = new int[n];
        double[][] probs = new double[n][];
        int[] global = new int[n];
        for (int i = 0; i < n; i++) {
            double[][] cand = new double[tasks()][];
            for (int t = 0; t < tasks(); t++) {
                cand[t] = logits[t][i];
            }
            task[i] = rule.pick(cand, dist == null ? null : dist[i], trueTask == null ? -1 : trueTask[i]);
            probs[i] = per[task[i]][i];
            int local = TaskEval.argmax(new double[][]{probs[i]})[0];
            global[i] = info.tasks().get(task[i]).classes().get(local);
        }
        return new Prediction(task, probs, global, per);
    }
}
