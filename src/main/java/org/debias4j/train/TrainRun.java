package org.debias4j.train;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.eval.BiasAlignment;
import org.debias4j.eval.BinaryMetrics;
import org.debias4j.eval.Groups;
import org.debias4j.eval.MetricTable;
import org.debias4j.eval.Plots;
import org.debias4j.eval.Report;
import org.debias4j.eval.Roc;
import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.nn.TorchvisionImport;
import org.debias4j.util.Json;
import org.debias4j.util.Memory;
import org.debias4j.util.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One `train` run end to end: data, model, the engine's training (or --test-only), evaluation of
 * every test split with test-time augmentation, and the results folder
 * (results/TEST_NO/: config.json, log.txt, metrics.json, roc.png, curves.png, model.safetensors,
 * checkpoints, report.md/html).
 */
public final class TrainRun {
    /** Metrics of one test split: the binary metrics at 0.5 and accuracy on bias-aligned vs -conflicting samples. */
    public record TestResult(String split, BinaryMetrics metrics, double alignedAccuracy, int alignedN,
                             double conflictingAccuracy, int conflictingN) {
    }

    public record Result(TrainConfig config, Path runDir, List<Checkpoint.EpochStats> history,
                         Map<String, TestResult> tests, long peakResidentBytes) {
    }

    private TrainRun() {
    }

    public static Result run(TrainConfig c, Path resultsDir, Path imageDir, boolean resume, boolean testOnly,
                             boolean console, int workers) {
        Path runDir = resultsDir.resolve(String.valueOf(c.testNo()));
        if (c.unlearning().cvFold() >= 0) {
            runDir = runDir.resolve("fold" + c.unlearning().cvFold()); // --cv: one folder per held-out fold
        }
        RunLog log = new RunLog(runDir.resolve("log.txt"), console);
        log.line("debias4j train " + Json.write(c).replaceAll("\\s+", " "));
        DataSource data = DataSource.load(c, imageDir);
        log.line(String.format("data %s: train %d, val %d, %s", data.folder(), data.train().size(), data.val().size(),
                data.tests().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).toList()));
        Json.write(runDir.resolve("config.json"), c);

        Method method = Methods.create(c);
        Model model = Model.create(new ModelSpec(new BackboneSpec(Methods.backboneName(c), c.imageSize(),
                c.widthMultiplier(), c.depthMultiplier()), method.heads(), c.seed()));
        log.line(String.format("model %s: %,d parameters, feature width %d", model.spec().backbone().name(),
                model.parameterCount(), model.featureWidth()));
        if (c.pretrained() != null && !testOnly) {
            // ImageNet weights for the backbone; the 1000-class classifier does not fit the heads and is skipped.
            TorchvisionImport.Report rep = TorchvisionImport.load(model, Path.of(c.pretrained()),
                    TorchvisionImport.DEFAULT_HEAD, TorchvisionImport.Classifier.SKIP);
            log.line(String.format("pretrained weights: %d tensors from %s%s", rep.tensorsLoaded(), rep.source(),
                    rep.note() == null || rep.note().isEmpty() ? "" : " (" + rep.note() + ")"));
        }
        ImagePipeline pipeline = new ImagePipeline(c.imageSize(), true, workers);
        Path weights = runDir.resolve("model.safetensors");
        List<Checkpoint.EpochStats> history = List.of();
        long peak;
        if (testOnly) {
            if (!Files.exists(weights)) {
                throw new UserException("--test-only: no trained weights at " + weights + "; train test "
                        + c.testNo() + " first");
            }
            model = Model.load(weights);
            peak = Memory.peakResidentBytes();
        } else {
            Engine engine = new Engine(c, method, model, runDir.resolve("checkpoints"), log);
            history = engine.fit(data.train(), data.val(), pipeline, resume);
            if (c.unlearning().cvFold() >= 0) {
                // --cv keeps the weights of the best validation AUC of each fold, as the reference.
                Checkpoint.restore(runDir.resolve("checkpoints").resolve(Engine.BEST), model, List.of());
            }
            // The reference evaluates the last epoch's weights.
            model.save(weights);
            peak = engine.peakResidentBytes();
            plotCurves(history, runDir.resolve("curves.png"));
        }

        Map<String, TestResult> tests = new LinkedHashMap<>();
        Map<String, Roc> rocs = new LinkedHashMap<>();
        Map<String, Map<String, Double>> groupAccuracy = new LinkedHashMap<>();
        Map<String, org.debias4j.eval.FairnessMetrics> fairness = new LinkedHashMap<>();
        Map<String, double[][]> scores = new LinkedHashMap<>();
        int views = c.tta() ? 8 : 1;
        for (Map.Entry<String, ImageDataset> e : data.tests().entrySet()) {
            ImageDataset ds = e.getValue();
            double[] p = Inference.probabilities(model, method.mainHead(), ds, pipeline, c.batchSize(), views,
                    c.maxBatches());
            int[] y = java.util.Arrays.copyOf(ds.labels(), p.length);
            scores.put(e.getKey(), new double[][]{p, java.util.Arrays.stream(y).asDoubleStream().toArray()});
            BinaryMetrics m = BinaryMetrics.compute(p, y, 0.5);
            TestResult r = withAlignment(e.getKey(), m, p, y, ds, c.biasColumn());
            tests.put(e.getKey(), r);
            groupAccuracy.put(e.getKey(), Map.of("bias-aligned", r.alignedAccuracy(),
                    "bias-conflicting", r.conflictingAccuracy()));
            if (ds.hasAttribute("skin_tone")) {
                // Fairness across skin tone (0 light, 1 dark), the sensitive attribute the benchmark draws.
                String[] tone = java.util.Arrays.stream(java.util.Arrays.copyOf(ds.attribute("skin_tone"), p.length))
                        .mapToObj(t -> t == 0 ? "light" : "dark").toArray(String[]::new);
                fairness.put(e.getKey(), org.debias4j.eval.Fairness.binary(p, y, 0.5,
                        Groups.of(tone, List.of("light", "dark"))));
            }
            if (!Double.isNaN(m.auc())) {
                rocs.put(e.getKey(), Roc.curve(p, y)); // Plots.roc adds the AUC to the legend
            }
            log.line(String.format("test %s: AUC %.4f  acc %.4f  sens %.4f  spec %.4f  F1 %.4f  aligned acc %.4f (n=%d)"
                            + "  conflicting acc %.4f (n=%d)", e.getKey(), m.auc(), m.accuracy(), m.sensitivity(),
                    m.specificity(), m.f1(), r.alignedAccuracy(), r.alignedN(), r.conflictingAccuracy(), r.conflictingN()));
        }
        if (!rocs.isEmpty()) {
            Plots.roc(rocs, "ROC, test " + c.testNo() + " (" + c.method() + ")", runDir.resolve("roc.png"));
        }
        Plots.groupBars(groupAccuracy, "Accuracy on bias-aligned vs bias-conflicting samples (" + c.biasColumn() + ")",
                "accuracy", runDir.resolve("groups.png"));
        // Skin Deep Unlearning outputs: weights per part, ROC data, validation curve, saliency maps.
        org.debias4j.unlearn.RunOutputs.write(c, model, runDir, history, scores, data.tests(), pipeline, log);
        Result result = new Result(c, runDir, history, tests, peak);
        Map<String, Object> metrics = new LinkedHashMap<>(Map.of("tests", tests, "history", history,
                "peakResidentBytes", peak));
        // Skin-tone fairness per test split: model bundles carry it as the figures measured at training time.
        metrics.put("fairness", fairness);
        // What the run was trained and tested on, so a bundle can say which data its figures come from.
        metrics.put("data", DataFingerprint.of(data));
        Json.write(runDir.resolve("metrics.json"), metrics);
        writeReport(result, fairness);
        log.line("results in " + runDir);
        return result;
    }

    /** Accuracy at 0.5 on samples whose bias attribute agrees with the label and on those where it does not. */
    static TestResult withAlignment(String split, BinaryMetrics m, double[] p, int[] y, ImageDataset ds, String column) {
        if (column == null || !ds.hasAttribute(column)) {
            return new TestResult(split, m, Double.NaN, 0, Double.NaN, 0);
        }
        int[] a = ds.attribute(column);
        int k = 0;
        for (int v : a) {
            k = Math.max(k, v + 1);
        }
        boolean[] aligned = new boolean[y.length];
        int[] pred = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            // binary attribute: aligned when it equals the label; K-valued (device): when its half matches
            int attrSide = k > 2 ? (a[i] < (k + 1) / 2 ? 1 : 0) : a[i];
            aligned[i] = attrSide == y[i];
            pred[i] = p[i] >= 0.5 ? 1 : 0;
        }
        BiasAlignment.Row r = BiasAlignment.accuracy(y, pred, aligned, Groups.of(new int[y.length])).overall();
        return new TestResult(split, m, r.alignedAccuracy(), r.alignedN(), r.conflictingAccuracy(), r.conflictingN());
    }

    private static void plotCurves(List<Checkpoint.EpochStats> history, Path png) {
        if (history.isEmpty()) {
            return;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int i = 0; i < history.size(); i++) {
            Checkpoint.EpochStats s = history.get(i);
            for (Map.Entry<String, Double> e : s.trainLoss().entrySet()) {
                series.computeIfAbsent("train " + e.getKey(), k -> new double[history.size()])[i] = e.getValue();
            }
            series.computeIfAbsent("val AUC", k -> new double[history.size()])[i] = s.valAuc();
        }
        Plots.trainingCurves(series, "Training curves", png);
    }

    private static void writeReport(Result r, Map<String, org.debias4j.eval.FairnessMetrics> fairness) {
        MetricTable t = testTable("Test results (test " + r.config().testNo() + ")", List.of(r));
        Report report = new Report("debias4j train, test " + r.config().testNo()).config(r.config()).table(t);
        fairness.forEach((split, f) -> report.text("Fairness across skin tone on " + split + ":")
                .table(f.groupTable()).table(f.summaryTable()));
        if (Files.exists(r.runDir().resolve("groups.png"))) {
            report.image("Accuracy by bias group", r.runDir().resolve("groups.png"));
        }
        if (Files.exists(r.runDir().resolve("roc.png"))) {
            report.image("ROC curves", r.runDir().resolve("roc.png"));
        }
        if (Files.exists(r.runDir().resolve("curves.png"))) {
            report.image("Training curves", r.runDir().resolve("curves.png"));
        }
        report.writeTo(r.runDir());
    }

    /** One row per (run, test split): the table `train`, `evaluate` and `demo` print. */
    public static MetricTable testTable(String title, List<Result> results) {
        MetricTable t = new MetricTable(title, "method", "test split", "AUC", "acc", "sens", "spec", "F1",
                "aligned acc", "conflicting acc");
        for (Result r : results) {
            for (TestResult tr : r.tests().values()) {
                BinaryMetrics m = tr.metrics();
                t.row(label(r.config()), tr.split(), m.auc(), m.accuracy(), m.sensitivity(), m.specificity(), m.f1(),
                        tr.alignedAccuracy(), tr.conflictingAccuracy());
            }
        }
        return t;
    }

    static String label(TrainConfig c) {
        return org.debias4j.unlearn.UnlearnMethod.displayName(c.method(), c.unlearning().grl())
                + (c.preset() != null && c.dataDir() == null ? " [" + c.preset() + "]" : "");
    }
}
