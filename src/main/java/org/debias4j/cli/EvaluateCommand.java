package org.debias4j.cli;

import org.debias4j.train.TrainConfig;
import org.debias4j.train.TrainRun;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code evaluate}: re-evaluates a trained run's saved weights on its test splits (or on another data folder). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate the saved model of a train run: AUC, accuracy, sensitivity, specificity, F1 and "
                + "bias-aligned/-conflicting accuracy per test split.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--test-no", required = true, description = "the train run to evaluate")
    int testNo;
    @Option(names = "--results-dir", defaultValue = "results", description = "results root (default ${DEFAULT-VALUE})")
    Path resultsDir;
    @Option(names = "--csv-dir", description = "evaluate on this folder's test CSVs instead of the run's own data")
    Path csvDir;
    @Option(names = "--image-dir", description = "image folder (default: CSV folder/images)")
    Path imageDir;
    @Option(names = "--test-splits", split = ",", description = "test CSV names (default: the run's)")
    List<String> testSplits;
    @Option(names = "--no-tta", description = "plain image only, no 8-view test-time augmentation")
    boolean noTta;

    @Override
    public Integer call() {
        Path cfgFile = resultsDir.resolve(String.valueOf(testNo)).resolve("config.json");
        if (!Files.exists(cfgFile)) {
            throw new UserException("No run " + testNo + " under " + resultsDir + " (missing " + cfgFile + ")");
        }
        TrainConfig c = Json.read(cfgFile, TrainConfig.class);
        TrainConfig.Builder b = c.toBuilder().tta(!noTta && c.tta());
        if (csvDir != null) {
            b.dataDir(csvDir.toString()).preset(null);
        }
        if (testSplits != null) {
            b.testSplits(testSplits);
        }
        c = b.build();
        TrainRun.Result r = TrainRun.run(c, resultsDir, imageDir, false, true, true, 2);
        System.out.println();
        System.out.println(TrainRun.testTable("Evaluation of test " + testNo, List.of(r)).toText());
        return 0;
    }
}
