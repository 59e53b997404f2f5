package org.debias4j.prune;

import com.fasterxml.jackson.core.type.TypeReference;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.eval.ContinualMetrics;
import org.debias4j.eval.Fairness;
import org.debias4j.eval.FairnessMetrics;
import org.debias4j.eval.Groups;
import org.debias4j.eval.MetricTable;
import org.debias4j.eval.Plots;
import org.debias4j.eval.Report;
import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.nn.SafeTensors;
import org.debias4j.train.Checkpoint;
import org.debias4j.train.Engine;
import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.RunLog;
import org.debias4j.train.TrainConfig;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A continual run end to end: per task, the method's phases on the shared engine (BiasPruner: GCE
 * biased training, easy/hard split, bias scores, pruning, WCE finetuning of the subnetwork, freezing),
 * then evaluation of every task learned so far (accuracy matrix under the inference rule and under the
 * oracle, task-selection accuracy, group fairness), a checkpoint of the finished task (a killed run
 * resumes at the next task), and finally metrics.json, plots, report.md/html and the multi-task model.
 */
public final class ContinualRun {
    /** Evaluation of one test set j after some task: accuracies and fairness (oracle-task predictions). */
    public record TaskResult(int task, String name, double accuracy, double oracleAccuracy, double selectionAccuracy,
                             double worstGroupAccuracy, FairnessMetrics fairness) {
    }

    /** What is saved after each finished task (in the checkpoint's metadata) and returned at the end. */
    public record Progress(int tasksDone, double[][] acc, double[][] oracle, double[][] selection,
                           Map<String, boolean[]> used, List<List<TaskResult>> results,
                           Map<String, double[][]> ruleAcc, Map<String, double[][]> ruleSelection) {
        public Progress {
            // Checkpoints of earlier versions have no per-rule matrices.
            ruleAcc = ruleAcc == null ? new LinkedHashMap<>() : ruleAcc;
            ruleSelection = ruleSelection == null ? new LinkedHashMap<>() : ruleSelection;
        }

        Progress next(int done, List<List<TaskResult>> res) {
            return new Progress(done, acc, oracle, selection, used, res, ruleAcc, ruleSelection);
        }

        double[][] ruleMatrix(Map<String, double[][]> m, String rule) {
            return m.computeIfAbsent(rule, k -> nan(acc.length));
        }
    }

    public record Result(PruneConfig config, Path runDir, Map<String, Object> metrics) {
    }

    private final PruneConfig c;
    private final Path runDir;
    private final RunLog log;
    private final List<ContinualTask> tasks;
    private final ImagePipeline pipeline;
    private final ModelSpec spec;
    private final List<HeadSpec> heads = new ArrayList<>();
    private boolean resume;

    private ContinualRun(PruneConfig c, Path runDir, RunLog log, List<ContinualTask> tasks, int workers) {
        this.c = c;
        this.runDir = runDir;
        this.log = log;
        this.tasks = tasks;
        this.pipeline = new ImagePipeline(c.imageSize(), true, workers);
        for (ContinualTask t : tasks) {
            heads.add(HeadSpec.linear(t.head(), t.numClasses()));
        }
        this.spec = new ModelSpec(new BackboneSpec(c.arch(), c.imageSize(), c.widthMultiplier(), 1.0), heads, c.seed());
    }

    public static Result run(PruneConfig c, List<ContinualTask> tasks, Path resultsDir, boolean resume,
                             boolean console, int workers) {
        Path runDir = resultsDir.resolve(String.valueOf(c.testNo()));
        Path configFile = runDir.resolve("config.json");
        if (resume && Files.exists(configFile)) {
            String saved = read(configFile).replaceAll("\"codeVersion\"\\s*:\\s*\"[^\"]*\"", "");
            String now = Json.write(c).replaceAll("\"codeVersion\"\\s*:\\s*\"[^\"]*\"", "");
            if (!saved.replaceAll("\\s+", "").equals(now.replaceAll("\\s+", ""))) {
                throw new UserException("--resume: " + configFile + " was written with other settings; rerun with the "
                        + "same arguments, or without --resume to start over");
            }
        } else if (!resume) {
            deleteTree(runDir.resolve("checkpoints"));
        }
        RunLog log = new RunLog(runDir.resolve("log.txt"), console);
        log.line("debias4j biaspruner " + Json.write(c).replaceAll("\\s+", " "));
        for (ContinualTask t : tasks) {
            log.line(String.format("%s: train %d, val %d, test %d, sensitive attribute %s", t.name(), t.train().size(),
                    t.val().size(), t.test().size(), t.sensitive()));
        }
        Json.write(configFile, c);
        return new ContinualRun(c, runDir, log, tasks, workers).execute(resume);
    }

    private Result execute(boolean resume) {
        this.resume = resume;
        int n = tasks.size();
        Progress p = new Progress(0, nan(n), nan(n), nan(n), new LinkedHashMap<>(), new ArrayList<>(), null, null);
        TaskStates states = new TaskStates();
        Model model = Model.create(spec);
        if (c.prunes()) {
            UnitGraph.check(model);
        }
        if (c.weightsOriginal() != null) {
            Model init = Model.load(Path.of(c.weightsOriginal()));
            Map<String, INDArray> backbone = new LinkedHashMap<>();
            init.stateDict().forEach((k, v) -> {
                if (!k.startsWith("head.")) {
                    backbone.put(k, v);
                }
            });
            model.stateDict().forEach((k, v) -> {
                if (k.startsWith("head.")) {
                    backbone.put(k, v);
                }
            });
            model.loadStateDict(backbone, c.weightsOriginal());
            log.line("initial backbone weights from " + c.weightsOriginal());
        }
        if (resume) {
            for (int t = n - 1; t >= 0; t--) {
                Path cp = checkpoint(t);
                if (Files.exists(cp)) {
                    MultiTaskModel m = MultiTaskModel.load(cp);
                    model = m.model();
                    states = m.states();
                    p = readProgress(cp);
                    log.line("resumed after task " + t + " from " + cp);
                    break;
                }
            }
        }
        if (c.method().equals("joint")) {
            if (p.tasksDone() < n) {
                model = trainJoint(model);
                for (int t = 0; t < n; t++) {
                    states.put(t, null, null);
                    storeFeatureStats(model, states, t);
                }
                p = evaluateJoint(model, states, p);
                saveCheckpoint(n - 1, model, states, p);
            }
        } else {
            for (int t = p.tasksDone(); t < n; t++) {
                long t0 = System.nanoTime();
                log.line("=== " + tasks.get(t).name() + " (" + (t + 1) + "/" + n + ", " + c.method() + ")");
                model = learnTask(model, t, states, p.used());
                storeFeatureStats(model, states, t);
                p = evaluate(model, states, t, p);
                saveCheckpoint(t, model, states, p);
                log.line(String.format("task %d done in %.0fs", t, (System.nanoTime() - t0) / 1e9));
            }
        }
        MultiTaskModel mtm = new MultiTaskModel(model, info(n), states);
        mtm.save(runDir.resolve(MultiTaskModel.FILE));
        Map<String, Object> metrics = metrics(p);
        Json.write(runDir.resolve("metrics.json"), metrics);
        writeReport(p, metrics);
        log.line(String.format("final: avg_acc %.4f  bwt %.4f  forgetting %.4f  eodd %.4f  worst_group_acc %.4f  "
                        + "task selection %.4f", metrics.get("avg_acc"), metrics.get("bwt"), metrics.get("forgetting"),
                metrics.get("eodd"), metrics.get("worst_group_acc"), metrics.get("task_selection_acc")));
        log.line("results in " + runDir);
        return new Result(c, runDir, metrics);
    }

    // ------------------------------------------------------------------ training

    private Model learnTask(Model previous, int t, TaskStates states, Map<String, boolean[]> used) {
        ContinualTask task = tasks.get(t);
        Optim adam = Optim.adam(c.learningRate(), c.weightDecay());
        Balanced train = balanced(task.train(), t);
        boolean protect = c.prunes();
        boolean bias = c.method().equals("biaspruner");
        // Phase 1: biased auxiliary training with GCE (BiasPruner), or plain CE training.
        Model model = rebuild(previous);
        allUnits(model);
        if (c.runs("train")) {
            TaskMethod m = new TaskMethod(c.method() + "-train", heads, t, bias ? TaskMethod.Loss.GCE : TaskMethod.Loss.CE,
                    c.q(), adam, null);
            // The GCE model is meant to be biased: it always keeps its best epoch on the (biased) validation split.
            fit(model, m, train.data(), bias ? task.val() : selectionVal(task), c.trainEpochs(), "task" + t + "-train",
                    protect ? used : null, bias);
        }
        if (!protect) {
            states.put(t, null, null);
            return model;
        }
        // Phase 2: scores over the full network (earlier tasks' units included), pruning among the candidates.
        Map<String, boolean[]> keep = fullMasks(model);
        Map<String, Object> biasDiagnostic = null;
        double[] gce = null;
        if (c.runs("prune") && c.pruningRatio() > 0) {
            double[][] probs = TaskEval.probabilities(model, task.head(), task.train(), pipeline, c.batchSize());
            int[] y = task.train().labels();
            gce = new double[y.length];
            boolean[] easy = new boolean[y.length];
            int[] pred = TaskEval.argmax(probs);
            int hard = 0;
            for (int i = 0; i < y.length; i++) {
                gce[i] = (1 - Math.pow(Math.max(probs[i][y[i]], 1e-12), c.q())) / c.q();
                easy[i] = pred[i] == y[i];
                hard += easy[i] ? 0 : 1;
            }
            Map<String, double[]> scores;
            Map<String, double[][]> acts = null;
            if (bias) {
                if (hard == 0 || hard == y.length) {
                    // No misclassified (or no correct) sample: take the highest-GCE-loss tenth as hard.
                    easy = topLossAsHard(gce, 0.1);
                    log.line("easy/hard: the biased model got " + hard + " of " + y.length
                            + " wrong; using the 10% highest-GCE-loss samples as hard");
                }
                acts = TaskEval.unitMeans(model, task.train(), pipeline, c.batchSize());
                scores = Pruning.biasScores(acts, easy, y, c.scoreMode());
                int e = 0;
                for (boolean b : easy) {
                    e += b ? 1 : 0;
                }
                log.line(String.format("easy %d, hard %d (biased model's training accuracy %.4f)", e, y.length - e,
                        (double) (y.length - hard) / y.length));
                easyHardDiagnostic(t, easy, pred);
                // Ablations of the score alone (--unit-score): same GCE model, candidates, WCE finetuning.
                if (c.unitScore().equals("magnitude")) {
                    scores = Pruning.magnitudeScores(model);
                } else if (c.unitScore().equals("random")) {
                    scores = Pruning.randomScores(scores, c.seed() * 1_000_003L + t);
                }
            } else {
                scores = Pruning.magnitudeScores(model);
            }
            // all (BiasPruner's default): the full network, so earlier tasks' units may leave this task's
            // subnetwork; free (PackNet): only the units this task trained, and every earlier unit stays.
            boolean fromAll = c.pruneCandidates().equals("all");
            Map<String, boolean[]> candidates = fromAll ? keep : freeUnits(keep, used);
            keep = Pruning.prune(scores, candidates, c.pruningRatio(), c.pruneScope().equals("global"));
            if (!fromAll) {
                keep.forEach((k, v) -> {
                    boolean[] u = used.get(k);
                    for (int i = 0; u != null && i < v.length; i++) {
                        v[i] |= u[i];
                    }
                });
            }
            biasDiagnostic = prunedVsBias(t, model, acts, candidates, keep);
            writeMasks(t, keep, scores);
            log.line(String.format("pruned %d of %d units (%s scores, ratio %.2f, %s, %s candidates); %d reused from "
                    + "earlier tasks", count(keep, false), count(keep, true) + count(keep, false),
                    bias ? c.unitScore() : "magnitude", c.pruningRatio(), c.pruneScope(), c.pruneCandidates(),
                    overlap(keep, used)));
        }
        // Phase 3: finetune the subnetwork (BiasPruner: WCE with exp(alpha * g_i); PackNet: CE).
        if (c.runs("finetune") && c.finetuneEpochs() > 0) {
            model = rebuild(model);
            setMasks(model, keep);
            float[] w = null;
            if (bias) {
                if (gce == null) {
                    gce = gceLosses(model, task);
                }
                w = new float[train.data().size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) Math.exp(c.alpha() * gce[train.source()[i]]);
                }
            }
            TaskMethod m = new TaskMethod(c.method() + "-finetune", heads, t, bias ? TaskMethod.Loss.WCE : TaskMethod.Loss.CE,
                    c.q(), adam, w);
            fit(model, m, train.data(), selectionVal(task), c.finetuneEpochs(), "task" + t + "-finetune", used, false);
            if (biasDiagnostic != null) {
                keptVsBias(t, model, keep, biasDiagnostic);
            }
        } else {
            setMasks(model, keep);
        }
        states.put(t, keep, TaskStates.snapshotBatchNorm(model));
        keep.forEach((k, v) -> {
            boolean[] u = used.computeIfAbsent(k, x -> new boolean[v.length]);
            for (int i = 0; i < v.length; i++) {
                u[i] |= v[i];
            }
        });
        return model;
    }

    private double[] gceLosses(Model model, ContinualTask task) {
        double[][] probs = TaskEval.probabilities(model, task.head(), task.train(), pipeline, c.batchSize());
        int[] y = task.train().labels();
        double[] g = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            g[i] = (1 - Math.pow(Math.max(probs[i][y[i]], 1e-12), c.q())) / c.q();
        }
        return g;
    }

    private static boolean[] topLossAsHard(double[] g, double fraction) {
        Integer[] order = new Integer[g.length];
        for (int i = 0; i < g.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(g[b], g[a]));
        boolean[] easy = new boolean[g.length];
        Arrays.fill(easy, true);
        int k = Math.max(1, (int) Math.round(fraction * g.length));
        for (int i = 0; i < k && i < g.length - 1; i++) {
            easy[order[i]] = false;
        }
        return easy;
    }

    private Model trainJoint(Model model) {
        log.line("=== joint training on all " + tasks.size() + " tasks");
        List<java.nio.file.Path> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Integer> taskOf = new ArrayList<>();
        List<java.nio.file.Path> vImages = new ArrayList<>();
        List<Integer> vLabels = new ArrayList<>();
        List<Integer> vTaskOf = new ArrayList<>();
        for (ContinualTask t : tasks) {
            Balanced b = balanced(t.train(), t.index());
            for (int i = 0; i < b.data().size(); i++) {
                images.add(b.data().image(i));
                labels.add(b.data().label(i));
                taskOf.add(t.index());
            }
            for (int i = 0; i < t.val().size(); i++) {
                vImages.add(t.val().image(i));
                vLabels.add(t.val().label(i));
                vTaskOf.add(t.index());
            }
        }
        ImageDataset train = new ImageDataset("joint/train", images, labels.stream().mapToInt(Integer::intValue).toArray(),
                Map.of(TaskMethod.TASK_COLUMN, taskOf.stream().mapToInt(Integer::intValue).toArray()));
        Map<String, int[]> vAttr = new LinkedHashMap<>();
        vAttr.put(TaskMethod.TASK_COLUMN, vTaskOf.stream().mapToInt(Integer::intValue).toArray());
        if (c.selectEpoch().equals("balanced")) {
            List<Integer> g = new ArrayList<>();
            for (ContinualTask t : tasks) {
                for (int v : validationGroups(t)) {
                    g.add(v);
                }
            }
            vAttr.put(TaskMethod.GROUP_COLUMN, g.stream().mapToInt(Integer::intValue).toArray());
        }
        ImageDataset val = new ImageDataset("joint/val", vImages, vLabels.stream().mapToInt(Integer::intValue).toArray(),
                vAttr);
        Model m = rebuild(model);
        TaskMethod method = new TaskMethod("joint", heads, -1, TaskMethod.Loss.JOINT, c.q(),
                Optim.adam(c.learningRate(), c.weightDecay()), null);
        fit(m, method, train, val, c.trainEpochs(), "joint", null, false);
        return m;
    }

    /**
     * Runs one phase on the shared engine and leaves the best epoch's weights (by validation accuracy) in the model,
     * or with {@code --select-epoch last} the last epoch's, except in the GCE phase ({@code biased}), whose model is
     * meant to be biased.
     */
    private void fit(Model model, TaskMethod method, ImageDataset train, ImageDataset val, int epochs, String phase,
                     Map<String, boolean[]> used, boolean biased) {
        TrainConfig tc = TrainConfig.builder().testNo(c.testNo()).method(method.name()).arch(c.arch())
                .widthMultiplier(c.widthMultiplier()).nEpochs(epochs).batchSize(c.batchSize()).imageSize(c.imageSize())
                .seed(c.seed()).lrBase(c.learningRate()).patience(c.patience()).maxBatches(c.maxBatches()).tta(false)
                .preset(c.dataset()).dataDir(c.dataDir()).labelColumn("label").biasColumn("none")
                .codeVersion(c.codeVersion()).build();
        Path dir = runDir.resolve("checkpoints").resolve(phase);
        Engine engine = new Engine(tc, method, model, dir, log);
        if (used != null) {
            UnitGraph.freezeMasks(model, used, !used.isEmpty()).forEach((p, m) -> engine.runner().setFreezeMask(p, m));
        }
        log.line(String.format("%s: %s, %d epochs, %d training rows", phase, method.steps().get(0).name(), epochs,
                train.size()));
        engine.fit(train, val, pipeline, resume);
        String keep = biased ? c.gceEpoch() : c.selectEpoch();
        Path best = dir.resolve(keep.equals("last") ? Engine.LAST : Engine.BEST);
        if (Files.exists(best)) {
            Checkpoint.restore(best, model, List.<ParamGroup>of());
        }
    }

    /**
     * The validation split an epoch is selected on: the task's own, and with {@code --select-epoch balanced} the
     * same rows tagged with their sensitive value, so validation scores the mean accuracy over (class, sensitive
     * value) groups (validation data only; a 95%-biased split's plain accuracy rewards the shortcut).
     */
    private ImageDataset selectionVal(ContinualTask task) {
        ImageDataset v = task.val();
        return c.selectEpoch().equals("balanced")
                ? v.withAttribute(v.name() + "-grouped", TaskMethod.GROUP_COLUMN, validationGroups(task)) : v;
    }

    /** Each validation row's sensitive value: the groups {@code --select-epoch balanced} scores over. */
    private static int[] validationGroups(ContinualTask task) {
        if (!task.val().hasAttribute(task.sensitive())) {
            throw new UserException("--select-epoch balanced: the validation split of " + task.name()
                    + " has no sensitive attribute column '" + task.sensitive() + "'");
        }
        return task.val().attribute(task.sensitive());
    }

    /** A fresh graph (new losses need new placeholders) with the previous model's weights, statistics and masks. */
    private Model rebuild(Model previous) {
        Model m = Model.create(spec);
        m.loadStateDict(previous.stateDict(), "the previous phase");
        return m;
    }

    /** Class-balanced sampling: every class oversampled (seeded) to the largest class's count. */
    record Balanced(ImageDataset data, int[] source) {
    }

    private Balanced balanced(ImageDataset ds, int task) {
        int k = 0;
        for (int l : ds.labels()) {
            k = Math.max(k, l + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < ds.size(); i++) {
            byClass.get(ds.label(i)).add(i);
        }
        int max = byClass.stream().mapToInt(List::size).max().orElse(0);
        SplittableRandom rng = new SplittableRandom(c.seed() * 7_919L + task);
        List<Integer> rows = new ArrayList<>();
        for (List<Integer> cls : byClass) {
            if (cls.isEmpty()) {
                continue;
            }
            rows.addAll(cls);
            for (int i = cls.size(); i < max; i++) {
                rows.add(cls.get(rng.nextInt(cls.size())));
            }
        }
        int[] src = rows.stream().mapToInt(Integer::intValue).toArray();
        return new Balanced(ds.subset(ds.name() + "-balanced", src), src);
    }

    private static void allUnits(Model model) {
        model.masks().values().forEach(org.debias4j.nn.UnitMask::reset);
    }

    private static Map<String, boolean[]> fullMasks(Model model) {
        Map<String, boolean[]> m = new LinkedHashMap<>();
        model.masks().forEach((k, v) -> {
            boolean[] b = new boolean[v.units()];
            Arrays.fill(b, true);
            m.put(k, b);
        });
        return m;
    }

    private static void setMasks(Model model, Map<String, boolean[]> keep) {
        model.masks().forEach((k, v) -> v.set(keep.get(k)));
    }

    private static Map<String, boolean[]> freeUnits(Map<String, boolean[]> all, Map<String, boolean[]> used) {
        Map<String, boolean[]> free = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            boolean[] f = v.clone();
            boolean[] u = used.get(k);
            for (int i = 0; u != null && i < f.length; i++) {
                f[i] &= !u[i];
            }
            free.put(k, f);
        });
        return free;
    }

    private static int count(Map<String, boolean[]> m, boolean value) {
        int n = 0;
        for (boolean[] b : m.values()) {
            for (boolean x : b) {
                n += x == value ? 1 : 0;
            }
        }
        return n;
    }

    private static int overlap(Map<String, boolean[]> keep, Map<String, boolean[]> used) {
        int n = 0;
        for (Map.Entry<String, boolean[]> e : keep.entrySet()) {
            boolean[] u = used.get(e.getKey());
            for (int i = 0; u != null && i < u.length; i++) {
                n += u[i] && e.getValue()[i] ? 1 : 0;
            }
        }
        return n;
    }

    private void writeMasks(int t, Map<String, boolean[]> keep, Map<String, double[]> scores) {
        Map<String, Object> out = new LinkedHashMap<>();
        keep.forEach((k, v) -> out.put(k, Map.of("keep", v, "score", scores.get(k))));
        Json.write(runDir.resolve("subnetworks").resolve("task" + t + ".json"), out);
    }

    // ------------------------------------------------------------------ evaluation

    private Progress evaluate(Model model, TaskStates states, int after, Progress p) {
        InferenceRule rule = c.rule();
        List<TaskResult> row = new ArrayList<>();
        for (int j = 0; j <= after; j++) {
            ContinualTask task = tasks.get(j);
            TaskEval.Outputs[] out = new TaskEval.Outputs[after + 1];
            for (int k = 0; k <= after; k++) {
                states.apply(model, k);
                out[k] = TaskEval.outputs(model, tasks.get(k).head(), task.test(), pipeline, c.batchSize());
            }
            row.add(score(task, out, states, rule, after));
            scoreRules(task, out, states, after, after, p);
            p.acc()[after][j] = row.get(j).accuracy();
            p.oracle()[after][j] = row.get(j).oracleAccuracy();
            p.selection()[after][j] = row.get(j).selectionAccuracy();
        }
        states.apply(model, after); // the next task starts from this task's batch norm
        List<List<TaskResult>> results = new ArrayList<>(p.results());
        results.add(row);
        Progress next = p.next(after + 1, results);
        StringBuilder sb = new StringBuilder("after task " + after + ":");
        for (TaskResult r : row) {
            sb.append(String.format("  [%d] acc %.4f (oracle %.4f, selection %.4f, EOdd %.4f)", r.task(), r.accuracy(),
                    r.oracleAccuracy(), r.selectionAccuracy(), r.fairness().eodd()));
        }
        log.line(sb.toString());
        Map<String, Object> s = stepSummary(next, after);
        log.line(String.format("after task %d: avg_acc %.4f  bwt %.4f  forgetting %.4f  (oracle avg_acc %.4f)  EOdd %.4f  "
                        + "worst_group_acc %.4f  task selection %.4f", after, s.get("avg_acc"), s.get("bwt"), s.get("forgetting"),
                s.get("oracle_avg_acc"), s.get("eodd"), s.get("worst_group_acc"), s.get("task_selection_acc")));
        StringBuilder rs = new StringBuilder("after task " + after + ", every rule (avg_acc / forgetting / task selection):");
        ruleSummaries(next, after).forEach((k, v) -> rs.append(String.format("  %s %.4f / %.4f / %.4f", k, v.get("avg_acc"),
                v.get("forgetting"), v.get("task_selection_acc"))));
        log.line(rs.toString());
        return next;
    }

    private Progress evaluateJoint(Model model, TaskStates states, Progress p) {
        int n = tasks.size();
        List<TaskResult> row = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            TaskEval.Outputs[] out = new TaskEval.Outputs[n];
            for (int k = 0; k < n; k++) {
                out[k] = TaskEval.outputs(model, tasks.get(k).head(), tasks.get(j).test(), pipeline, c.batchSize());
            }
            row.add(score(tasks.get(j), out, states, c.rule(), n - 1));
            for (int i = j; i < n; i++) {
                scoreRules(tasks.get(j), out, states, n - 1, i, p);
            }
        }
        // One model trained on every task: each row of the matrix is its final accuracy.
        List<List<TaskResult>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                p.acc()[i][j] = row.get(j).accuracy();
                p.oracle()[i][j] = row.get(j).oracleAccuracy();
                p.selection()[i][j] = row.get(j).selectionAccuracy();
            }
            results.add(row.subList(0, i + 1));
        }
        return p.next(n, results);
    }

    /** Accuracies of task j's test set given every candidate task's probabilities. */
    private TaskResult score(ContinualTask task, TaskEval.Outputs[] out, TaskStates states, InferenceRule rule, int after) {
        int j = task.index();
        int[] y = task.test().labels();
        double[] r = ruleAccuracy(task, out, states, rule, after);
        int okOracle = 0;
        int[] oraclePred = TaskEval.argmax(out[j].logits());
        for (int i = 0; i < y.length; i++) {
            okOracle += oraclePred[i] == y[i] ? 1 : 0;
        }
        int[] s = task.test().attribute(task.sensitive());
        FairnessMetrics f = Fairness.fromLabels(y, oraclePred, task.numClasses(), Groups.of(s), Math.min(1, task.numClasses() - 1));
        return new TaskResult(j, task.name(), r[0], (double) okOracle / y.length, r[1], worstGroup(y, oraclePred, s), f);
    }

    /**
     * Accuracy and task-selection accuracy on task j's test set under {@code rule}, with tasks 0..after as
     * candidates; NaN when the rule needs feature statistics a task did not store.
     */
    private static double[] ruleAccuracy(ContinualTask task, TaskEval.Outputs[] out, TaskStates states, InferenceRule rule,
                                         int after) {
        int j = task.index();
        int[] y = task.test().labels();
        List<List<FeatureStats>> fs = new ArrayList<>();
        if (rule.needsFeatureStats()) {
            for (int k = 0; k <= after; k++) {
                fs.add(states.featureStats(k));
                if (fs.get(k) == null) {
                    return new double[]{Double.NaN, Double.NaN};
                }
            }
        }
        int ok = 0;
        int selected = 0;
        for (int i = 0; i < y.length; i++) {
            double[][] cand = new double[after + 1][];
            double[] dist = rule.needsFeatureStats() ? new double[after + 1] : null;
            for (int k = 0; k <= after; k++) {
                cand[k] = out[k].logits()[i];
                if (dist != null) {
                    if (rule == InferenceRule.INPUT_STATS && fs.get(k).size() <= out[k].blocks().length + 1) {
                        return new double[]{Double.NaN, Double.NaN};
                    }
                    dist[k] = FeatureStats.taskDistance(rule, fs.get(k), out[k].features()[i], out[k].blocks(i),
                            out[k].input()[i]);
                }
            }
            int k = rule.pick(cand, dist, j);
            selected += k == j ? 1 : 0;
            int local = TaskEval.argmax(new double[][]{cand[k]})[0];
            ok += k == j && local == y[i] ? 1 : 0;
        }
        return new double[]{(double) ok / y.length, (double) selected / y.length};
    }

    /** Every rule's accuracy and task selection on task j's test set, into row {@code row} of the per-rule matrices. */
    private static void scoreRules(ContinualTask task, TaskEval.Outputs[] out, TaskStates states, int after, int row,
                                   Progress p) {
        for (InferenceRule r : InferenceRule.values()) {
            double[] a = ruleAccuracy(task, out, states, r, after);
            p.ruleMatrix(p.ruleAcc(), r.key())[row][task.index()] = a[0];
            p.ruleMatrix(p.ruleSelection(), r.key())[row][task.index()] = a[1];
        }
    }

    /**
     * Stores task t's feature statistics for the mahalanobis rule: class means and shared covariance of
     * the pooled features of its subnetwork (its masks and batch norm) on its own training set, computed
     * once at the end of its training (sequential finetuning's later drift is not corrected).
     */
    private void storeFeatureStats(Model model, TaskStates states, int t) {
        ContinualTask task = tasks.get(t);
        states.apply(model, t);
        TaskEval.Outputs o = TaskEval.outputs(model, task.head(), task.train(), pipeline, c.batchSize());
        int[] y = task.train().labels();
        List<FeatureStats> stats = new ArrayList<>();
        stats.add(FeatureStats.fit(o.features(), y, task.numClasses()));
        for (double[][] block : o.blocks()) {
            stats.add(FeatureStats.fit(block, y, task.numClasses()));
        }
        // input_stats: one Gaussian over the task's images, whatever their class (the source, not the lesion)
        stats.add(FeatureStats.fit(o.input(), new int[y.length], 1));
        states.putFeatureStats(t, stats);
        states.apply(model, t);
    }

    /**
     * How well the biased model's easy/hard split matches bias-aligned/conflicting samples, when the task's
     * training set has its (binary) sensitive attribute: a class's aligned value is its majority value,
     * conflicting samples have the other. Precision and recall of "hard" for conflicting; logged and
     * written to subnetworks/taskT-easyhard.json (metrics.json collects them).
     */
    private void easyHardDiagnostic(int t, boolean[] easy, int[] pred) {
        ContinualTask task = tasks.get(t);
        if (!task.train().hasAttribute(task.sensitive())) {
            return;
        }
        int[] a = task.train().attribute(task.sensitive());
        int[] y = task.train().labels();
        boolean[] conflicting = conflicting(y, a, task.numClasses());
        int hardConf = 0;
        int hardN = 0;
        int confN = 0;
        int okAligned = 0;
        int nAligned = 0;
        int okConf = 0;
        for (int i = 0; i < y.length; i++) {
            boolean hard = !easy[i];
            hardN += hard ? 1 : 0;
            confN += conflicting[i] ? 1 : 0;
            hardConf += hard && conflicting[i] ? 1 : 0;
            if (conflicting[i]) {
                okConf += pred[i] == y[i] ? 1 : 0;
            } else {
                nAligned++;
                okAligned += pred[i] == y[i] ? 1 : 0;
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", t);
        d.put("attribute", task.sensitive());
        d.put("train", y.length);
        d.put("conflicting", confN);
        d.put("hard", hardN);
        d.put("hard_and_conflicting", hardConf);
        d.put("hard_precision", hardN == 0 ? Double.NaN : (double) hardConf / hardN);
        d.put("hard_recall", confN == 0 ? Double.NaN : (double) hardConf / confN);
        d.put("biased_acc_aligned", nAligned == 0 ? Double.NaN : (double) okAligned / nAligned);
        d.put("biased_acc_conflicting", confN == 0 ? Double.NaN : (double) okConf / confN);
        Json.write(runDir.resolve("subnetworks").resolve("task" + t + "-easyhard.json"), d);
        log.line(String.format("easy/hard vs bias (%s): %d conflicting, %d hard, %d both: precision of hard %.3f, "
                        + "recall %.3f; biased model accuracy aligned %.3f, conflicting %.3f", task.sensitive(), confN, hardN,
                hardConf, d.get("hard_precision"), d.get("hard_recall"), d.get("biased_acc_aligned"),
                d.get("biased_acc_conflicting")));
    }

    /**
     * Whether pruning removed the units that encode the task's (binary) sensitive attribute, when the training
     * set has it: the mean within-layer percentile of the pruned units' attribute sensitivity (0.5 = chance,
     * 1 = the most sensitive), and the kept units' mean sensitivity. Diagnostic only; logged and written to
     * subnetworks/taskT-pruned.json, whose content it returns (null without the attribute).
     */
    private Map<String, Object> prunedVsBias(int t, Model model, Map<String, double[][]> acts,
                                              Map<String, boolean[]> candidates, Map<String, boolean[]> keep) {
        ContinualTask task = tasks.get(t);
        if (!task.train().hasAttribute(task.sensitive())) {
            return null;
        }
        if (acts == null) {
            acts = TaskEval.unitMeans(model, task.train(), pipeline, c.batchSize());
        }
        int[] a = task.train().attribute(task.sensitive());
        int[] y = task.train().labels();
        Map<String, double[]> sensitivity = Pruning.attributeSensitivity(acts, y, a);
        double p = Pruning.prunedPercentile(sensitivity, candidates, keep);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", t);
        d.put("attribute", task.sensitive());
        d.put("pruned_sensitivity_percentile", p);
        d.put("kept_sensitivity_before_finetuning", Pruning.meanOver(sensitivity, keep));
        Json.write(runDir.resolve("subnetworks").resolve("task" + t + "-pruned.json"), d);
        // NaN when no unit was pruned (e.g. a late task with --prune-candidates free and few free units left)
        log.line(Double.isNaN(p) ? "pruned units vs " + task.sensitive() + ": no unit pruned in this task"
                : String.format("pruned units vs %s: mean sensitivity percentile %.3f (0.5 = chance, 1 = the units "
                + "that separate its values most)", task.sensitive(), p));
        return d;
    }

    /**
     * Whether finetuning taught the kept units the attribute again: their mean attribute sensitivity on the
     * training split after finetuning, added to {@link #prunedVsBias}'s record {@code d}, which is written again.
     */
    private void keptVsBias(int t, Model model, Map<String, boolean[]> keep, Map<String, Object> d) {
        ContinualTask task = tasks.get(t);
        double after = Pruning.meanOver(Pruning.attributeSensitivity(
                TaskEval.unitMeans(model, task.train(), pipeline, c.batchSize()), task.train().labels(),
                task.train().attribute(task.sensitive())), keep);
        d.put("kept_sensitivity_after_finetuning", after);
        Json.write(runDir.resolve("subnetworks").resolve("task" + t + "-pruned.json"), d);
        log.line(String.format("kept units vs %s: mean sensitivity %.3f before finetuning, %.3f after",
                task.sensitive(), (Double) d.get("kept_sensitivity_before_finetuning"), after));
    }

    /** Conflicting = the attribute differs from its class's majority value in this split. */
    static boolean[] conflicting(int[] y, int[] a, int classes) {
        Map<Integer, Map<Integer, Integer>> counts = new LinkedHashMap<>();
        for (int i = 0; i < y.length; i++) {
            counts.computeIfAbsent(y[i], k -> new LinkedHashMap<>()).merge(a[i], 1, Integer::sum);
        }
        Map<Integer, Integer> major = new LinkedHashMap<>();
        counts.forEach((cls, m) -> major.put(cls, m.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
                .getKey()));
        boolean[] out = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = a[i] != major.get(y[i]);
        }
        return out;
    }

    /** Lowest accuracy over (class, sensitive value) groups with samples. */
    static double worstGroup(int[] y, int[] pred, int[] s) {
        Map<String, int[]> g = new LinkedHashMap<>();
        for (int i = 0; i < y.length; i++) {
            int[] a = g.computeIfAbsent(y[i] + "/" + s[i], k -> new int[2]);
            a[0] += pred[i] == y[i] ? 1 : 0;
            a[1]++;
        }
        double worst = Double.NaN;
        for (int[] a : g.values()) {
            double acc = (double) a[0] / a[1];
            worst = Double.isNaN(worst) ? acc : Math.min(worst, acc);
        }
        return worst;
    }

    // ------------------------------------------------------------------ outputs

    private MultiTaskModel.Info info(int n) {
        List<MultiTaskModel.TaskInfo> ti = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            ContinualTask k = tasks.get(t);
            ti.add(new MultiTaskModel.TaskInfo(k.name(), k.classes(), k.classNames(), k.head(), k.sensitive()));
        }
        return new MultiTaskModel.Info(c.method(), c.inference(), ti);
    }

    private Path checkpoint(int t) {
        return runDir.resolve("checkpoints").resolve("after-task" + t + ".safetensors");
    }

    private void saveCheckpoint(int t, Model model, TaskStates states, Progress p) {
        // The multi-task model of tasks 0..t plus the run's progress, in one atomically written file.
        MultiTaskModel m = new MultiTaskModel(model, info(tasks.size()), padded(states));
        Map<String, INDArray> tensors = new LinkedHashMap<>(model.stateDict());
        tensors.putAll(padded(states).tensors());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("debias4j.model_spec", Json.write(model.spec()));
        meta.put(MultiTaskModel.META, Json.write(m.info()));
        meta.put(PROGRESS, Json.write(p));
        SafeTensors.write(checkpoint(t), tensors, meta);
    }

    private TaskStates padded(TaskStates s) {
        TaskStates out = new TaskStates();
        for (int t = 0; t < tasks.size(); t++) {
            if (t < s.size()) {
                out.put(t, s.masks(t), s.batchNorm(t));
                out.putFeatureStats(t, s.featureStats(t));
            } else {
                out.put(t, null, null);
            }
        }
        return out;
    }

    static final String PROGRESS = "debias4j.continual_progress";

    private static Progress readProgress(Path cp) {
        try {
            return Json.MAPPER.readValue(SafeTensors.read(cp).metadata().get(PROGRESS), new TypeReference<Progress>() {
            });
        } catch (Exception e) {
            throw new UserException(cp + ": unreadable progress record: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> metrics(Progress p) {
        int n = tasks.size();
        ContinualMetrics cm = ContinualMetrics.of(p.acc());
        ContinualMetrics co = ContinualMetrics.of(p.oracle());
        List<TaskResult> last = p.results().get(p.results().size() - 1);
        double eodd = 0;
        double eopp0 = 0;
        double eopp1 = 0;
        double eqOdds = 0;
        double dp = 0;
        double worst = 0;
        double sel = 0;
        for (TaskResult r : last) {
            eodd += r.fairness().eodd() / n;
            eopp0 += r.fairness().eopp0() / n;
            eopp1 += r.fairness().eopp1() / n;
            eqOdds += r.fairness().equalizedOddsDifference() / n;
            dp += r.fairness().demographicParityDifference() / n;
            worst += r.worstGroupAccuracy() / n;
            sel += r.selectionAccuracy() / n;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", c.method());
        m.put("inference", c.inference());
        m.put("tasks", tasks.stream().map(ContinualTask::name).toList());
        m.put("avg_acc", cm.averageAccuracy());
        m.put("bwt", nz(cm.backwardTransfer()));
        m.put("forgetting", nz(cm.forgetting()));
        m.put("eodd", eodd);
        m.put("worst_group_acc", worst);
        m.put("eopp0", eopp0);
        m.put("eopp1", eopp1);
        m.put("equalized_odds_difference", eqOdds);
        m.put("demographic_parity_difference", dp);
        m.put("task_selection_acc", sel);
        m.put("oracle", Map.of("avg_acc", co.averageAccuracy(), "bwt", nz(co.backwardTransfer()),
                "forgetting", nz(co.forgetting())));
        if (!p.ruleAcc().isEmpty()) {
            m.put("rules", ruleSummaries(p, p.results().size() - 1));
            m.put("acc_matrix_by_rule", p.ruleAcc());
            m.put("task_selection_matrix_by_rule", p.ruleSelection());
        }
        collect(m, "easy_hard_vs_bias", n, "easyhard");
        collect(m, "pruned_vs_bias", n, "pruned");
        List<Map<String, Object>> steps = new ArrayList<>();
        for (int i = 0; i < p.results().size(); i++) {
            steps.add(stepSummary(p, i));
        }
        m.put("after_each_task", steps);
        m.put("acc_matrix", p.acc());
        m.put("acc_matrix_oracle", p.oracle());
        m.put("task_selection_matrix", p.selection());
        m.put("per_task_after_last", last);
        m.put("notes", Map.of(
                "acc_matrix", "R[i][j]: accuracy on task j's unbiased test split after task i, with the inference rule "
                        + "(a sample counts as correct when the rule picks its task and that head's class is right)",
                "fairness", "per task on its sensitive attribute, from the task's own subnetwork and head (oracle task), "
                        + "then averaged over tasks",
                "worst_group_acc", "lowest accuracy over (class, sensitive value) groups per task, averaged over tasks"));
        return m;
    }

    /** Continual and fairness summaries over the tasks learned after task i (the top-left (i+1) x (i+1) matrix). */
    static Map<String, Object> stepSummary(Progress p, int i) {
        double[][] a = new double[i + 1][i + 1];
        double[][] o = new double[i + 1][i + 1];
        for (int r = 0; r <= i; r++) {
            a[r] = Arrays.copyOf(p.acc()[r], i + 1);
            o[r] = Arrays.copyOf(p.oracle()[r], i + 1);
        }
        ContinualMetrics cm = ContinualMetrics.of(a);
        double eodd = 0;
        double worst = 0;
        double sel = 0;
        for (TaskResult t : p.results().get(i)) {
            eodd += t.fairness().eodd() / (i + 1);
            worst += t.worstGroupAccuracy() / (i + 1);
            sel += t.selectionAccuracy() / (i + 1);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("after_task", i);
        s.put("avg_acc", cm.averageAccuracy());
        s.put("bwt", nz(cm.backwardTransfer()));
        s.put("forgetting", nz(cm.forgetting()));
        s.put("oracle_avg_acc", ContinualMetrics.of(o).averageAccuracy());
        s.put("eodd", eodd);
        s.put("worst_group_acc", worst);
        s.put("task_selection_acc", sel);
        return s;
    }

    /** Per inference rule: avg_acc, bwt, forgetting and task selection over tasks 0..i (one evaluation pass). */
    static Map<String, Map<String, Double>> ruleSummaries(Progress p, int i) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        p.ruleAcc().forEach((rule, acc) -> {
            double[][] a = new double[i + 1][];
            for (int r = 0; r <= i; r++) {
                a[r] = Arrays.copyOf(acc[r], i + 1);
            }
            if (Double.isNaN(a[i][0])) {
                return; // the rule could not run (no stored statistics)
            }
            ContinualMetrics cm = ContinualMetrics.of(a);
            double sel = 0;
            for (int j = 0; j <= i; j++) {
                sel += p.ruleSelection().get(rule)[i][j] / (i + 1);
            }
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("avg_acc", cm.averageAccuracy());
            v.put("bwt", nz(cm.backwardTransfer()));
            v.put("forgetting", nz(cm.forgetting()));
            v.put("task_selection_acc", sel);
            out.put(rule, v);
        });
        return out;
    }

    /** Puts the per-task diagnostics subnetworks/taskT-SUFFIX.json that exist under {@code key}. */
    private void collect(Map<String, Object> m, String key, int n, String suffix) {
        List<Object> found = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            Path f = runDir.resolve("subnetworks").resolve("task" + t + "-" + suffix + ".json");
            if (Files.exists(f)) {
                try {
                    found.add(Json.MAPPER.readValue(f.toFile(), Map.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (!found.isEmpty()) {
            m.put(key, found);
        }
    }

    /** Single-task runs have no BWT / forgetting: reported as 0 so scores stay numeric. */
    private static double nz(double v) {
        return Double.isNaN(v) ? 0.0 : v;
    }

    private void writeReport(Progress p, Map<String, Object> metrics) {
        int n = tasks.size();
        Report r = new Report("BiasPruner run " + c.testNo() + " (" + c.method() + ")");
        r.config(c);
        r.text(String.format("Inference rule: %s. Average accuracy %.4f, BWT %.4f, forgetting %.4f (oracle task id: "
                        + "average accuracy %.4f). EOdd %.4f, worst-group accuracy %.4f, task selection %.4f.",
                c.inference(), metrics.get("avg_acc"), metrics.get("bwt"), metrics.get("forgetting"),
                ((Map<?, ?>) metrics.get("oracle")).get("avg_acc"), metrics.get("eodd"), metrics.get("worst_group_acc"),
                metrics.get("task_selection_acc")));
        r.table(matrix("Accuracy matrix (" + c.inference() + "): row = after task i, column = test of task j", p.acc()));
        r.table(matrix("Accuracy matrix (oracle task id)", p.oracle()));
        r.table(matrix("Task selection accuracy (" + c.inference() + ")", p.selection()));
        MetricTable steps = new MetricTable("After each task (" + c.inference() + ")", "after task", "avg_acc", "bwt",
                "forgetting", "oracle_avg_acc", "EOdd", "worst_group_acc", "task_selection");
        for (int i = 0; i < p.results().size(); i++) {
            Map<String, Object> s = stepSummary(p, i);
            steps.row(i, s.get("avg_acc"), s.get("bwt"), s.get("forgetting"), s.get("oracle_avg_acc"), s.get("eodd"),
                    s.get("worst_group_acc"), s.get("task_selection_acc"));
        }
        r.table(steps);
        r.table(ContinualMetrics.of(p.acc()).table());
        MetricTable f = new MetricTable("Fairness after the last task (unbiased test split, sensitive attribute per task)",
                "task", "sensitive", "acc", "acc_oracle", "worst_group_acc", "DP_diff", "EOdds_diff", "EOpp0", "EOpp1", "EOdd");
        for (TaskResult t : p.results().get(p.results().size() - 1)) {
            f.row(t.name(), tasks.get(t.task()).sensitive(), t.accuracy(), t.oracleAccuracy(), t.worstGroupAccuracy(),
                    t.fairness().demographicParityDifference(), t.fairness().equalizedOddsDifference(),
                    t.fairness().eopp0(), t.fairness().eopp1(), t.fairness().eodd());
        }
        r.table(f);
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = i < j ? Double.NaN : p.acc()[i][j];
            }
            curves.put("task " + j, v);
        }
        Path acc = runDir.resolve("accuracy.png");
        Plots.trainingCurves(curves, "Accuracy on each task's unbiased test split", "after task (1-based)", "accuracy", acc);
        r.image("Accuracy per task after each task", acc);
        Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
        for (TaskResult t : p.results().get(p.results().size() - 1)) {
            Map<String, Double> g = new LinkedHashMap<>();
            t.fairness().groups().forEach(gm -> g.put(tasks.get(t.task()).sensitive() + "=" + gm.group(), gm.accuracy()));
            groups.put("task " + t.task(), g);
        }
        Path gp = runDir.resolve("groups.png");
        Plots.groupBars(groups, "Accuracy per sensitive group after the last task", "accuracy", gp);
        r.image("Per-group accuracy", gp);
        r.writeTo(runDir);
    }

    private static MetricTable matrix(String title, double[][] m) {
        String[] cols = new String[m.length + 1];
        cols[0] = "after task";
        for (int j = 0; j < m.length; j++) {
            cols[j + 1] = "task " + j;
        }
        MetricTable t = new MetricTable(title, cols);
        for (int i = 0; i < m.length; i++) {
            Object[] row = new Object[m.length + 1];
            row[0] = i;
            for (int j = 0; j < m.length; j++) {
                row[j + 1] = m[i][j];
            }
            t.row(row);
        }
        return t;
    }

    private static double[][] nan(int n) {
        double[][] m = new double[n][n];
        for (double[] r : m) {
            Arrays.fill(r, Double.NaN);
        }
        return m;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot remove " + p, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean " + dir, e);
        }
    }
}
