package org.debias4j.cli;

import org.debias4j.train.TrainConfig;
import org.debias4j.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code demo} (what {@code mvn -q exec:java} runs): generates the synthetic benchmark, trains a
 * small ResNet on a 95% marking-melanoma-aligned training split and, as the control, on an unbiased
 * one, evaluates both on the unbiased and flipped test splits, and prints one table. Later methods
 * add rows. Runs in minutes on 2 cores.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Shortcut learning on the synthetic benchmark, end to end, in a few minutes.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--results-dir", defaultValue = "results/demo", description = "results root (default ${DEFAULT-VALUE})")
    Path resultsDir;
    @Option(names = "--n-epochs", defaultValue = "5", description = "epochs per run (default ${DEFAULT-VALUE})")
    int nEpochs;
    @Option(names = "--image-size", defaultValue = "48", description = "image size (default ${DEFAULT-VALUE})")
    int imageSize;
    @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--arch", defaultValue = "resnet20_cifar", description = "backbone (default ${DEFAULT-VALUE})")
    String arch;
    @Option(names = "--width-mult", defaultValue = "0.5", description = "backbone width multiplier (default ${DEFAULT-VALUE})")
    double widthMult;
    @Option(names = "--DEBUG", description = "3 batches per epoch (a smoke test)")
    boolean debug;
    @Option(names = "--tta", description = "8-view test-time augmentation as `train` (off here to stay within minutes)")
    boolean tta;
    @Option(names = "--no-biaspruner", description = "skip the BiasPruner rows (continual learning on 3 synthetic tasks)")
    boolean noBiasPruner;
    @Option(names = "--no-unlearning", description = "skip the LNTL, TABE and CLGR rows (Skin Deep Unlearning on the default split)")
    boolean noUnlearning;

    @Override
    public Integer call() {
        List<TrainRun.Result> results = new ArrayList<>();
        int testNo = 1;
        for (String preset : List.of("default", "unbiased")) {
            TrainConfig c = TrainConfig.builder().testNo(testNo++).arch(arch).widthMultiplier(widthMult)
                    .nEpochs(nEpochs).imageSize(imageSize).seed(seed).lrBase(0.01).maxBatches(debug ? 3 : 0)
                    .tta(tta).preset(preset).build();
            results.add(TrainRun.run(c, resultsDir, null, false, false, true, 2));
        }
        if (!noUnlearning) {
            // Skin Deep Unlearning on the biased split: aux head on the marking; the reference's GRL scale, alpha
            // and lambda, learning rates raised for a small model trained a few epochs (as the baseline rows).
            for (String[] m : new String[][]{{"LNTL", "grl"}, {"TABE", ""}, {"TABE", "grl"}}) {
                TrainConfig c = TrainConfig.builder().testNo(testNo++).arch(arch).widthMultiplier(widthMult)
                        .nEpochs(nEpochs).imageSize(imageSize).seed(seed).lrBase(0.01).lrClass(0.01)
                        .maxBatches(debug ? 3 : 0).tta(tta).preset("default").method(m[0])
                        .unlearning(org.debias4j.unlearn.UnlearnOptions.builder().marked(true).grl(!m[1].isEmpty())
                                .saliencyImages(0).build())
                        .build();
                results.add(TrainRun.run(c, resultsDir, null, false, false, true, 2));
            }
        }
        System.out.println();
        System.out.println(TrainRun.testTable("debias4j demo: baseline on the synthetic benchmark "
                + "(train split with markings 95% aligned with melanoma [default] vs independent [unbiased]; LNTL, TABE and CLGR unlearn the marking on [default])",
                results).toText());
        if (!noBiasPruner) {
            System.out.println();
            System.out.println(org.debias4j.prune.ContinualDemo.run(resultsDir.resolve("biaspruner"), Math.max(32, imageSize),
                    seed, arch, widthMult, debug).toText());
        }
        System.out.println("Results, plots and reports: " + resultsDir.toAbsolutePath());
        return 0;
    }
}
