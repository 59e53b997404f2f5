package org.debias4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.eval.MetricTable;
import org.debias4j.nn.Model;
import org.debias4j.train.DataSource;
import org.debias4j.train.TrainConfig;
import org.debias4j.unlearn.AuxLabels;
import org.debias4j.unlearn.Features;
import org.debias4j.unlearn.LinearProbe;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code probe}: was the bias unlearned? For each trained run, a fresh linear classifier (softmax
 * regression) is fitted on the frozen encoder's features of one split to predict a bias attribute
 * and tested on another split. Lower probe accuracy = less of the attribute left in the features.
 * Prints one row per run and, per method, the mean and standard deviation over runs, next to the
 * run's main-task AUC on a test split.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Linear probe: how well a bias attribute can be read from trained encoders' frozen features."})
public final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--test-no", required = true, split = ",", description = "runs to probe (comma-separated test numbers)")
    List<Integer> testNos;
    @Option(names = "--results-dir", defaultValue = "results", description = "results root (default ${DEFAULT-VALUE})")
    Path resultsDir;
    @Option(names = "--attribute", defaultValue = "marked", description = "attribute to predict: marked, scale, instrument, skin_tone ... (default ${DEFAULT-VALUE})")
    String attribute;
    @Option(names = "--fit-split", defaultValue = "test_unbiased", description = "split the probe is fitted on (default ${DEFAULT-VALUE}; the attribute is independent of the label there)")
    String fitSplit;
    @Option(names = "--eval-split", defaultValue = "test_flipped", description = "split the probe is tested on (default ${DEFAULT-VALUE})")
    String evalSplit;
    @Option(names = "--auc-split", defaultValue = "test_flipped", description = "test split whose main-task AUC (from metrics.json) is shown (default ${DEFAULT-VALUE})")
    String aucSplit;
    @Option(names = "--csv-dir", description = "data folder (default: each run's own, from its config.json)")
    Path csvDir;
    @Option(names = "--image-dir", description = "image folder (default: CSV folder/images)")
    Path imageDir;
    @Option(names = "--iterations", defaultValue = "500", description = "gradient-descent iterations of the probe (default ${DEFAULT-VALUE})")
    int iterations;
    @Option(names = "--l2", defaultValue = "0.001", description = "probe weight decay (default ${DEFAULT-VALUE})")
    double l2;
    @Option(names = "--out", description = "also write the results as JSON here")
    Path out;

    public record Row(int testNo, String method, long seed, double auc, double probeFitAccuracy,
                      double probeAccuracy, double probeBalancedAccuracy) {
    }

    @Override
    public Integer call() {
        List<Row> rows = new ArrayList<>();
        for (int no : testNos) {
            rows.add(probe(no));
        }
        MetricTable t = new MetricTable("Linear probe for '" + attribute + "' (fitted on " + fitSplit + ", tested on "
                + evalSplit + ")", "test", "method", "seed", aucSplit + " AUC", "probe acc (fit)", "probe acc",
                "probe bal. acc");
        for (Row r : rows) {
            t.row(String.valueOf(r.testNo()), r.method(), String.valueOf(r.seed()), r.auc(), r.probeFitAccuracy(),
                    r.probeAccuracy(), r.probeBalancedAccuracy());
        }
        System.out.println(t.toText());
        Map<String, List<Row>> byMethod = new LinkedHashMap<>();
        rows.forEach(r -> byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r));
        MetricTable s = new MetricTable("Mean (sd) over runs", "method", "runs", aucSplit + " AUC", "sd", "probe acc",
                "sd", "probe bal. acc", "sd");
        Map<String, Object> summary = new LinkedHashMap<>();
        byMethod.forEach((m, rs) -> {
            double[] auc = rs.stream().mapToDouble(Row::auc).toArray();
            double[] acc = rs.stream().mapToDouble(Row::probeAccuracy).toArray();
            double[] bal = rs.stream().mapToDouble(Row::probeBalancedAccuracy).toArray();
            s.row(m, String.valueOf(rs.size()), mean(auc), sd(auc), mean(acc), sd(acc), mean(bal), sd(bal));
            summary.put(m, Map.of("runs", rs.size(), "auc_mean", mean(auc), "auc_sd", sd(auc), "probe_acc_mean",
                    mean(acc), "probe_acc_sd", sd(acc), "probe_bal_acc_mean", mean(bal), "probe_bal_acc_sd", sd(bal)));
        });
        System.out.println();
        System.out.println(s.toText());
        if (out != null) {
            Json.write(out, Map.of("attribute", attribute, "fitSplit", fitSplit, "evalSplit", evalSplit,
                    "aucSplit", aucSplit, "runs", rows, "summary", summary));
        }
        return 0;
    }

    private Row probe(int no) {
        Path run = resultsDir.resolve(String.valueOf(no));
        Path cfg = run.resolve("config.json");
        Path weights = run.resolve("model.safetensors");
        if (!Files.isRegularFile(cfg) || !Files.isRegularFile(weights)) {
            throw new UserException("probe: " + run + " has no config.json and model.safetensors; train test " + no
                    + " first");
        }
        TrainConfig c = Json.read(cfg, TrainConfig.class);
        TrainConfig.Builder b = c.toBuilder().testSplits(List.of(fitSplit, evalSplit));
        if (csvDir != null) {
            b.dataDir(csvDir.toString()).preset(null);
        }
        DataSource data = DataSource.load(b.build(), imageDir);
        ImageDataset fit = data.tests().get(fitSplit);
        ImageDataset eval = data.tests().get(evalSplit);
        int[] yFit = fit.attribute(AuxLabels.column(fit, attribute));
        int[] yEval = eval.attribute(AuxLabels.column(eval, attribute));
        int k = 2;
        for (int v : yFit) {
            k = Math.max(k, v + 1);
        }
        for (int v : yEval) {
            k = Math.max(k, v + 1);
        }
        Model model = Model.load(weights);
        ImagePipeline pipeline = new ImagePipeline(c.imageSize(), false, 2);
        double[][] xFit = Features.extract(model, fit, pipeline, c.batchSize());
        double[][] xEval = Features.extract(model, eval, pipeline, c.batchSize());
        LinearProbe p = LinearProbe.fit(xFit, yFit, k, l2, iterations, 0.5);
        double[] fitAcc = p.accuracy(xFit, yFit);
        double[] evalAcc = p.accuracy(xEval, yEval);
        return new Row(no, label(c), c.seed(), auc(run, aucSplit), fitAcc[0], evalAcc[0], evalAcc[1]);
    }

    static String label(TrainConfig c) {
        return org.debias4j.unlearn.UnlearnMethod.displayName(c.method(), c.unlearning().grl());
    }

    private static double auc(Path run, String split) {
        try {
            JsonNode n = Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
            JsonNode a = n.path("tests").path(split).path("metrics").path("auc");
            return a.isNumber() ? a.asDouble() : Double.NaN;
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
