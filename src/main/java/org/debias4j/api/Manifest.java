package org.debias4j.api;

import org.debias4j.nn.ModelSpec;

import java.util.List;
import java.util.Map;

/**
 * manifest.json of a bundle (format {@link Bundle#FORMAT_VERSION}). Internal: the public view is
 * {@link ModelInfo}. Free-form parts (fairness, test metrics, training configuration, data
 * fingerprint) are kept as JSON maps exactly as the training run wrote them.
 *
 * @param kind "single" (one network); "biaspruner" (a multi-task model with per-task subnetworks)
 * @param multitask for "biaspruner": the method, inference rule and tasks (name, global class ids and names,
 *                  head, sensitive attribute); null for "single"
 */
record Manifest(int formatVersion, String kind, String name, String created, String debias4jVersion,
                Graph graph, Preprocessing preprocessing, List<String> classes,
                List<SensitiveAttribute> sensitiveAttributes, Map<String, Object> fairness,
                Map<String, Object> testMetrics, Map<String, Object> training, Map<String, Object> data,
                Map<String, Object> multitask) {

    /**
     * @param weights  the bundle entry holding the state dict (safetensors: weights, BN statistics, unit masks)
     * @param mainHead the head whose output is the prediction
     * @param output   "sigmoid" (one logit: probability of classes[1]) or "softmax" (one logit per class)
     */
    record Graph(ModelSpec spec, String weights, String mainHead, String output) {
    }

    /**
     * How an image becomes the network input; {@link Model} applies exactly this.
     *
     * @param ttaViews 1 = the image as is; 8 = mean probability over the 8 flips/transposes (the reference's TTA)
     */
    record Preprocessing(int imageSize, String resize, String channelOrder, double pixelScale, float[] mean,
                         float[] std, int ttaViews) {
    }

    /** An attribute the model's fairness was measured across (or a bias it was tested against). */
    record SensitiveAttribute(String name, String role, List<String> groups, String description) {
    }
}
