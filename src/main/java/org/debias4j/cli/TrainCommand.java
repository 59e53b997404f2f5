package org.debias4j.cli;

import org.debias4j.train.TrainConfig;
import org.debias4j.train.TrainRun;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code train}: the reference's train.py with its flag names (arguments.py). Flags of methods that
 * this version does not implement are accepted by the parser but stop the run with a clear message,
 * never silently ignored; unknown flags are errors.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train and evaluate a classifier (Skin Deep Unlearning's train.py flags).",
                "Without --csv-dir it trains on the embedded synthetic benchmark (generated on first use)."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--test-no", required = true, description = "test number: results go to RESULTS_DIR/TEST_NO")
    int testNo;
    @Option(names = "--arch", defaultValue = "resnext101",
            description = "resnext101, enet, resnet101, densenet, inception, or any registry name (e.g. resnet20_cifar); default ${DEFAULT-VALUE}")
    String arch;
    @Option(names = "--enet-type", defaultValue = "efficientnet_b3", description = "EfficientNet variant for --arch enet")
    String enetType;
    @Option(names = "--n-epochs", defaultValue = "15", description = "epochs (default ${DEFAULT-VALUE})")
    int nEpochs;
    @Option(names = "--batch-size", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--image-size", defaultValue = "256", description = "input size in pixels (default ${DEFAULT-VALUE})")
    int imageSize;
    @Option(names = "--seed", defaultValue = "0", description = "seed for everything random (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--lr-base", defaultValue = "0.0003", description = "encoder + main head learning rate")
    double lrBase;
    @Option(names = "--lr-class", defaultValue = "0.003", description = "TABE confusion / aux learning rate")
    double lrClass;
    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum")
    double momentum;
    @Option(names = "--DEBUG", description = "3 batches per epoch")
    boolean debug;
    @Option(names = "--test-only", description = "evaluate the saved weights of --test-no without training")
    boolean testOnly;
    @Option(names = "--num-workers", defaultValue = "2", description = "image decoding threads (reference default 16)")
    int numWorkers;

    // Data
    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "synthetic (default), or 'csv' with --csv-dir; ISIC and Fitzpatrick17k layouts come with the datasets issue")
    String dataset;
    @Option(names = "--csv-dir", description = "folder with train.csv, val.csv and test CSVs (ISIC CSV schema)")
    Path csvDir;
    @Option(names = "--image-dir", description = "image folder (default: CSV folder/images)")
    Path imageDir;
    @Option(names = "--synthetic", defaultValue = "default", description = "synthetic benchmark preset (default ${DEFAULT-VALUE})")
    String synthetic;
    @Option(names = "--test-splits", split = ",", description = "test CSV names (default: test_unbiased,test_flipped)")
    List<String> testSplits;
    @Option(names = "--label-column", defaultValue = "target", description = "binary label column (default ${DEFAULT-VALUE})")
    String labelColumn;
    @Option(names = "--bias-column", description = "attribute for bias-aligned/-conflicting accuracy (default: marked; scale with --rulers, device with --instrument)")
    String biasColumn;
    @Option(names = "--augment", description = "random flips and transposes of training images (the reference uses none)")
    boolean augment;

    // Outputs and engine
    @Option(names = "--results-dir", defaultValue = "results", description = "results root (default ${DEFAULT-VALUE})")
    Path resultsDir;
    @Option(names = "--resume", description = "continue a killed run from its last checkpoint")
    boolean resume;
    @Option(names = "--patience", defaultValue = "0", description = "early stopping patience in epochs on validation AUC (0 = off)")
    int patience;
    @Option(names = "--no-tta", description = "evaluate on the plain image only (default: 8-view test-time augmentation)")
    boolean noTta;
    @Option(names = "--width-mult", defaultValue = "1.0", description = "backbone width multiplier (CPU-sized variants)")
    double widthMult;
    @Option(names = "--depth-mult", defaultValue = "1.0", description = "backbone depth multiplier")
    double depthMult;

    // Debiasing (declared for compatibility; the unlearning issue implements them)
    @Option(names = "--debias-config", defaultValue = "baseline", description = "baseline, LNTL, TABE, both, doubleTABE, doubleLNTL")
    String debiasConfig;
    @Option(names = "--GRL", description = "gradient reversal on the aux head input")
    boolean grl;
    @Option(names = "--switch-heads", description = "swap the labels of aux heads 1 and 2")
    boolean switchHeads;
    @Option(names = "--deep-aux", description = "aux heads with a hidden layer")
    boolean deepAux;
    @Option(names = "--marked", description = "surgical markings are the bias (default for reports)")
    boolean marked;
    @Option(names = "--rulers", description = "rulers are the bias")
    boolean rulers;
    @Option(names = "--instrument", description = "the imaging instrument is the bias")
    boolean instrument;
    @Option(names = "--num-aux", defaultValue = "2", description = "aux head 1 outputs")
    int numAux;
    @Option(names = "--num-aux2", defaultValue = "2", description = "aux head 2 outputs")
    int numAux2;
    @Option(names = "--lambdaa", defaultValue = "0.01", description = "LNTL lambda")
    double lambdaa;
    @Option(names = "--alpha", defaultValue = "0.03", description = "TABE alpha")
    double alpha;
    @Option(names = "--skew", description = "skew the training set (duplicate marked/ruler melanomas)")
    boolean skew;
    @Option(names = "--duplications_m", defaultValue = "20", description = "copies of marked melanomas with --skew")
    int duplicationsM;
    @Option(names = "--duplications_r", defaultValue = "18", description = "copies of ruler melanomas with --skew")
    int duplicationsR;
    @Option(names = "--heid-test_marked", description = "test on the Heidelberg marked set (private images)")
    boolean heidMarked;
    @Option(names = "--heid-test_rulers", description = "test on the Heidelberg rulers set (private images)")
    boolean heidRulers;
    @Option(names = "--tune", description = "test on the validation set only")
    boolean tune;
    @Option(names = "--cv", description = "5-fold cross-validation")
    boolean cv;
    @Option(names = "--out-dim", defaultValue = "1", description = "main head outputs (1: BCE)")
    int outDim;
    @Option(names = "--save-epoch", defaultValue = "1", description = "checkpoint interval in epochs")
    int saveEpoch;
    @Option(names = "--pretrained", description = "ImageNet weights (.safetensors, torchvision names)")
    Path pretrained;
    @Option(names = {"--model-dir", "--plot-dir", "--log-dir"}, description = "reference output folders; debias4j writes all outputs to RESULTS_DIR/TEST_NO")
    Path legacyDir;
    @Option(names = "--CUDA_VISIBLE_DEVICES", description = "GPU selection: set the CUDA_VISIBLE_DEVICES environment variable and build with -Pcuda")
    String cudaDevices;

    // Skin Deep Unlearning options beyond the reference flags
    @Option(names = "--grl-scale", defaultValue = "0.1", description = "gradient reversal scale: the encoder gets -SCALE times the aux gradient (reference: 0.1)")
    double grlScale;
    @Option(names = "--reference-behaviour", description = "reproduce the reference code where it departs from the papers: noise confusion target, encoder stepped in the aux phase without --GRL, `both` head mix-up, unreachable instrument+rulers branch (see README)")
    boolean referenceBehaviour;
    @Option(names = "--saliency", defaultValue = "4", description = "vanilla-gradient saliency maps of the first N images of the first test split (default ${DEFAULT-VALUE})")
    int saliency;

    @Override
    public Integer call() {
        rejectUnavailable();
        if (cudaDevices != null) {
            org.slf4j.LoggerFactory.getLogger("debias4j").warn("--CUDA_VISIBLE_DEVICES {}: GPUs are chosen by the "
                    + "backend; build with -Pcuda and set the CUDA_VISIBLE_DEVICES environment variable (no effect "
                    + "on the CPU backend)", cudaDevices);
        }
        TrainConfig c = config();
        if (cv) {
            // 5-fold cross-validation: one run per held-out fold (results/TEST_NO/foldK), best-AUC weights each.
            List<TrainRun.Result> folds = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                TrainConfig fc = c.toBuilder().unlearning(c.unlearning().toBuilder().cvFold(k).build()).build();
                folds.add(TrainRun.run(fc, resultsDir, imageDir, resume, testOnly, true, numWorkers));
            }
            System.out.println();
            System.out.println(TrainRun.testTable("Test results (test " + testNo + ", 5 folds)", folds).toText());
            return 0;
        }
        TrainRun.Result r = TrainRun.run(c, resultsDir, imageDir, resume, testOnly, true, numWorkers);
        System.out.println();
        System.out.println(TrainRun.testTable("Test results (test " + testNo + ")", List.of(r)).toText());
        return 0;
    }

    TrainConfig config() {
        String archName = arch.equals("enet") ? enetType : arch;
        String bias = rulers ? "scale" : instrument ? "device" : "marked";
        List<String> tests = testSplits != null ? testSplits : List.of("test_unbiased", "test_flipped");
        Path data = csvDir;
        if (testSplits == null) {
            tests = referenceTestSplits(tests);
        }
        if (data == null && !dataset.equals("synthetic")) {
            throw new UserException("--dataset " + dataset + " needs --csv-dir (folder with train.csv, val.csv, test CSVs)");
        }
        try {
            return TrainConfig.builder().testNo(testNo).method(debiasConfig).arch(archName).widthMultiplier(widthMult)
                    .depthMultiplier(depthMult).nEpochs(nEpochs).batchSize(batchSize).imageSize(imageSize).seed(seed)
                    .lrBase(lrBase).lrClass(lrClass).momentum(momentum).patience(patience).maxBatches(debug ? 3 : 0)
                    .tta(!noTta).augment(augment).dataDir(data != null ? data.toString() : null)
                    .preset(data == null ? synthetic : null).testSplits(tests).labelColumn(labelColumn)
                    .biasColumn(biasColumn != null ? biasColumn : bias)
                    .pretrained(pretrained != null ? pretrained.toAbsolutePath().toString() : null)
                    .unlearning(unlearnOptions()).build();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * Test sets of --tune (the validation split) and --heid-test_marked/--heid-test_rulers: the private
     * Heidelberg CSVs (holger_blank + holger_marked or holger_rulers) when the data folder has them; on
     * the synthetic benchmark their stand-ins, test_unbiased (artefact independent of the label) and
     * test_flipped (artefact on the other class).
     */
    private List<String> referenceTestSplits(List<String> defaults) {
        if (tune) {
            return List.of("val");
        }
        if (!heidMarked && !heidRulers) {
            return defaults;
        }
        String other = heidMarked ? "holger_marked" : "holger_rulers";
        if (csvDir != null && java.nio.file.Files.exists(csvDir.resolve("holger_blank.csv"))) {
            if (!java.nio.file.Files.exists(csvDir.resolve(other + ".csv"))) {
                throw new UserException((heidMarked ? "--heid-test_marked" : "--heid-test_rulers") + ": " + csvDir
                        + " has holger_blank.csv but no " + other + ".csv");
            }
            return List.of("holger_blank", other);
        }
        if (csvDir == null || java.nio.file.Files.exists(csvDir.resolve("test_flipped.csv"))) {
            return defaults;
        }
        throw new UserException((heidMarked ? "--heid-test_marked" : "--heid-test_rulers") + " needs holger_blank.csv and "
                + other + ".csv (the private Heidelberg test set) in " + csvDir);
    }

    org.debias4j.unlearn.UnlearnOptions unlearnOptions() {
        return org.debias4j.unlearn.UnlearnOptions.builder().grl(grl).grlScale(grlScale).switchHeads(switchHeads)
                .deepAux(deepAux).instrument(instrument).rulers(rulers).marked(marked).numAux(numAux).numAux2(numAux2)
                .lambdaa(lambdaa).alpha(alpha).referenceBehaviour(referenceBehaviour).skew(skew)
                .duplicationsM(duplicationsM).duplicationsR(duplicationsR).saliencyImages(saliency).build();
    }

    private void rejectUnavailable() {
        List<String> na = new ArrayList<>();
        if (outDim != 1) {
            na.add("--out-dim " + outDim + " (only 1, the reference's BCE head)");
        }
        if (saveEpoch != 1) {
            na.add("--save-epoch " + saveEpoch + " (checkpoints are written every epoch)");
        }
        if (legacyDir != null) {
            na.add("--model-dir/--plot-dir/--log-dir (use --results-dir: every output goes to RESULTS_DIR/TEST_NO)");
        }
        if (dataset.equals("ISIC") || dataset.equals("Fitzpatrick17k")) {
            na.add("--dataset " + dataset + " (the reference CSV layouts; use --csv-dir with the ISIC CSV schema)");
        }
        if (!na.isEmpty()) {
            throw new UserException("not available yet in this version: " + String.join("; ", na));
        }
    }
}
