package org.debias4j.train;

import org.debias4j.unlearn.UnlearnOptions;
import java.util.List;

/**
 * Everything a training run depends on, saved as config.json next to its results so that every
 * number can be traced to its settings and code version. Field names follow the reference's flags;
 * build one with {@link #builder()} (defaults are the reference's).
 *
 * @param dataDir      folder with train.csv, val.csv, the test CSVs and images/ (the synthetic
 *                     benchmark's layout); null = the embedded synthetic benchmark
 * @param preset       synthetic benchmark preset used when dataDir is null
 * @param testSplits   names of the test CSVs (without .csv) evaluated at the end
 * @param labelColumn  binary label column (target)
 * @param biasColumn   attribute whose agreement with the label defines bias-aligned vs -conflicting
 * @param maxBatches   batches per epoch cap (--DEBUG: 3), 0 = all
 * @param augment      random flips/transposes of training images (the reference trains without)
 * @param unlearning   Skin Deep Unlearning settings (aux heads, GRL, losses, label choice) and the
 *                     reference protocol flags (--skew, --cv fold, saliency maps); added last
 */
public record TrainConfig(
        int testNo,
        String method,
        String arch,
        double widthMultiplier,
        double depthMultiplier,
        int nEpochs,
        int batchSize,
        int imageSize,
        long seed,
        double lrBase,
        double lrClass,
        double momentum,
        int patience,
        int maxBatches,
        boolean tta,
        boolean augment,
        String dataDir,
        String preset,
        List<String> testSplits,
        String labelColumn,
        String biasColumn,
        String pretrained,
        String codeVersion,
        UnlearnOptions unlearning) {

    public TrainConfig {
        testSplits = List.copyOf(testSplits);
        if (unlearning == null) {
            unlearning = UnlearnOptions.DEFAULT;
        }
        if (nEpochs < 1) {
            throw new IllegalArgumentException("--n-epochs must be at least 1, got " + nEpochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (imageSize < 16) {
            throw new IllegalArgumentException("--image-size must be at least 16, got " + imageSize);
        }
        if (!(lrBase > 0) || !(lrClass > 0)) {
            throw new IllegalArgumentException("learning rates must be positive");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--patience must be >= 0, got " + patience);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.testNo = testNo;
        b.method = method;
        b.arch = arch;
        b.widthMultiplier = widthMultiplier;
        b.depthMultiplier = depthMultiplier;
        b.nEpochs = nEpochs;
        b.batchSize = batchSize;
        b.imageSize = imageSize;
        b.seed = seed;
        b.lrBase = lrBase;
        b.lrClass = lrClass;
        b.momentum = momentum;
        b.patience = patience;
        b.maxBatches = maxBatches;
        b.tta = tta;
        b.augment = augment;
        b.dataDir = dataDir;
        b.preset = preset;
        b.testSplits = testSplits;
        b.labelColumn = labelColumn;
        b.biasColumn = biasColumn;
        b.pretrained = pretrained;
        b.codeVersion = codeVersion;
        b.unlearning = unlearning;
        return b;
    }

    /** Mutable builder with the reference's defaults (train.py / arguments.py). */
    public static final class Builder {
        public int testNo = 1;
        public String method = "baseline";
        public String arch = "resnext101_32x8d";
        public double widthMultiplier = 1.0;
        public double depthMultiplier = 1.0;
        public int nEpochs = 15;
        public int batchSize = 64;
        public int imageSize = 256;
        public long seed = 0;
        public double lrBase = 3e-4;
        public double lrClass = 3e-3;
        public double momentum = 0.9;
        public int patience = 0;
        public int maxBatches = 0;
        public boolean tta = true;
        public boolean augment = false;
        public String dataDir = null;
        public String preset = "default";
        public List<String> testSplits = List.of("test_unbiased", "test_flipped");
        public String labelColumn = "target";
        public String biasColumn = "marked";
        public String pretrained = null;
        public String codeVersion = org.debias4j.util.CodeVersion.get();
        public UnlearnOptions unlearning = UnlearnOptions.DEFAULT;

        public Builder testNo(int v) { testNo = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder arch(String v) { arch = v; return this; }
        public Builder widthMultiplier(double v) { widthMultiplier = v; return this; }
        public Builder depthMultiplier(double v) { depthMultiplier = v; return this; }
        public Builder nEpochs(int v) { nEpochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder imageSize(int v) { imageSize = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder lrBase(double v) { lrBase = v; return this; }
        public Builder lrClass(double v) { lrClass = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder maxBatches(int v) { maxBatches = v; return this; }
        public Builder tta(boolean v) { tta = v; return this; }
        public Builder augment(boolean v) { augment = v; return this; }
        public Builder dataDir(String v) { dataDir = v; return this; }
        public Builder preset(String v) { preset = v; return this; }
        public Builder testSplits(List<String> v) { testSplits = v; return this; }
        public Builder labelColumn(String v) { labelColumn = v; return this; }
        public Builder biasColumn(String v) { biasColumn = v; return this; }
        public Builder pretrained(String v) { pretrained = v; return this; }
        public Builder codeVersion(String v) { codeVersion = v; return this; }
        public Builder unlearning(UnlearnOptions v) { unlearning = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(testNo, method, arch, widthMultiplier, depthMultiplier, nEpochs, batchSize,
                    imageSize, seed, lrBase, lrClass, momentum, patience, maxBatches, tta, augment, dataDir, preset,
                    testSplits, labelColumn, biasColumn, pretrained, codeVersion, unlearning);
        }
    }
}
