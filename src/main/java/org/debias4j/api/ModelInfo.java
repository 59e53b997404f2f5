package org.debias4j.api;

import java.util.List;

/**
 * What a loaded bundle says about its model. {@link #manifestJson()} has everything, including the
 * fairness figures and test metrics measured at training time, the training configuration and the
 * data fingerprint.
 *
 * @param sha256              SHA-256 of the bundle file
 * @param ttaViews            views averaged per prediction (1, or 8 for the reference's test-time augmentation)
 * @param sensitiveAttributes attributes the model's fairness was measured across at training time
 * @param instances           graph copies serving predictions in parallel
 */
public record ModelInfo(String file, String sha256, int formatVersion, String kind, String name,
                        String debias4jVersion, String created, String backbone, int imageSize,
                        List<String> classes, int ttaViews, List<String> sensitiveAttributes, int instances,
                        String manifestJson) {
    /** One network, one prediction. */
    public static final String KIND_SINGLE = "single";
    /** BiasPruner's multi-task model: a prediction also names the subnetwork used. */
    public static final String KIND_BIASPRUNER = "biaspruner";
}
