package org.debias4j.train;

import java.util.List;

/**
 * Everything a training run depends on, saved as config.json next to its results so that every
 * number can be traced to its settings. Field names follow the reference's flags.
 *
 * @param dataDir      folder with train.csv, val.csv, the test CSVs and images/ (the synthetic
 *                     benchmark's layout); null = generate the embedded synthetic benchmark
 * @param preset       synthetic benchmark preset used when dataDir is null
 * @param testSplits   names of the test CSVs (without .csv) evaluated at the end
 * @param labelColumn  binary label column (target)
 * @param biasColumn   attribute whose alignment with the label defines bias-aligned vs -conflicting
 * @param maxBatches   batches per epoch cap (--DEBUG: 3), 0 = all
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
        String dataDir,
        String preset,
        List<String> testSplits,
        String labelColumn,
        String biasColumn,
        String pretrained,
        String codeVersion) {

    public TrainConfig {
        testSplits = List.copyOf(testSplits);
        if (nEpochs < 1) {
            throw new IllegalArgumentException("--n-epochs must be at least 1, got " + nEpochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (imageSize < 16) {
            throw new IllegalArgumentException("--image-size must be at least 16, got " + imageSize);
        }
    }

    /** The same run with another test number / results identity (used by the demo's rows). */
    public TrainConfig withTestNo(int n) {
        return new TrainConfig(n, method, arch, widthMultiplier, depthMultiplier, nEpochs, batchSize, imageSize, seed,
                lrBase, lrClass, momentum, patience, maxBatches, tta, dataDir, preset, testSplits, labelColumn,
                biasColumn, pretrained, codeVersion);
    }
}
