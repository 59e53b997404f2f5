package org.debias4j.train;

import com.fasterxml.jackson.core.type.TypeReference;
import org.debias4j.nn.Model;
import org.debias4j.nn.SafeTensors;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of a run after a completed epoch: model weights and statistics, optimizer state, and the
 * engine's progress (epoch, iteration, history, best score, early-stopping counter), in one
 * safetensors file written atomically. A killed run resumes from it with the same result it would
 * have reached uninterrupted (the batch order and dropout masks derive from (seed, epoch)).
 */
public record Checkpoint(int epochsDone, int iteration, List<EpochStats> history, double bestScore, int bestEpoch,
                         int badEpochs, boolean finished, String configJson) {

    public static final String META = "debias4j.checkpoint";

    public void save(Path file, Model model, Iterable<ParamGroup> groups) {
        Map<String, INDArray> t = new LinkedHashMap<>(model.stateDict());
        for (ParamGroup g : groups) {
            t.putAll(g.stateDict());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("debias4j.model_spec", Json.write(model.spec()));
        meta.put(META, Json.write(this));
        SafeTensors.write(file, t, meta);
    }

    /** Reads the progress record and restores weights and optimizer state into model and groups. */
    public static Checkpoint restore(Path file, Model model, Iterable<ParamGroup> groups) {
        SafeTensors.Contents c = SafeTensors.read(file);
        String meta = c.metadata().get(META);
        if (meta == null) {
            throw new UserException(file + " is not a debias4j training checkpoint");
        }
        Checkpoint cp;
        try {
            cp = Json.MAPPER.readValue(meta, new TypeReference<Checkpoint>() {
            });
        } catch (Exception e) {
            throw new UserException(file + ": unreadable checkpoint record: " + e.getMessage(), e);
        }
        Map<String, INDArray> modelState = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : c.tensors().entrySet()) {
            if (!e.getKey().startsWith("opt.")) {
                modelState.put(e.getKey(), e.getValue());
            }
        }
        model.loadStateDict(modelState, file.toString());
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String p : model.parameterNames()) {
            params.put(p, model.param(p));
        }
        for (ParamGroup g : groups) {
            g.loadStateDict(c.tensors(), params);
        }
        return cp;
    }

    /** Statistics of one epoch, as logged and plotted. */
    public record EpochStats(int epoch, Map<String, Double> trainLoss, double valAuc, double valAccuracy,
                             double seconds) {
    }
}
