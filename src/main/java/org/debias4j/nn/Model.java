package org.debias4j.nn;

import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backbone with its heads as one SameDiff graph holding two branches that share weights:
 * "train/..." (batch statistics, dropout) and "eval/..." (running statistics). The training
 * engine differentiates losses built on the train branch; prediction reads the eval branch.
 * Parameter names follow torchvision's ("layer1.0.conv1.weight", "head.main.fc.weight").
 */
public final class Model {
    public static final String INPUT = "input";
    public static final String TRAIN = "train";
    public static final String EVAL = "eval";

    private final ModelSpec spec;
    private final SameDiff sd;
    private final GraphBuilder g;
    private final Backbone backbone;
    private final Map<String, SDVariable> trainLogits = new LinkedHashMap<>();
    private final Map<String, SDVariable> evalLogits = new LinkedHashMap<>();
    private final List<Dropout> dropouts = new ArrayList<>();
    private SDVariable trainFeatures;
    private SDVariable evalFeatures;
    private boolean foldedInference = !"false".equals(System.getProperty("debias4j.folded"));
    /** Folded graphs by requested outputs (empty: the graph has an op the folded graph cannot translate). */
    private final Map<List<String>, java.util.Optional<FoldedGraph>> folded = new java.util.HashMap<>();
    private boolean fixedWeights;

    private Model(ModelSpec spec) {
        this.spec = spec;
        this.sd = SameDiff.create();
        this.g = new GraphBuilder(sd, spec.seed(), DataType.FLOAT);
        this.backbone = Backbones.create(spec.backbone());
        int size = spec.backbone().imageSize();
        SDVariable input = sd.placeHolder(INPUT, DataType.FLOAT, -1, 3, size, size);
        for (String branch : List.of(TRAIN, EVAL)) {
            g.branch(branch, branch.equals(TRAIN));
            SDVariable f = sd.identity(branch + "/features", backbone.features(g, input));
            if (branch.equals(TRAIN)) {
                trainFeatures = f;
            } else {
                evalFeatures = f;
            }
            for (HeadSpec h : spec.heads()) {
                SDVariable logits = g.scoped("head." + h.name(), () -> head(h, f));
                logits = sd.identity(branch + "/head." + h.name(), logits);
                (branch.equals(TRAIN) ? trainLogits : evalLogits).put(h.name(), logits);
            }
        }
    }

    /** Builds a freshly initialised model (weights drawn from {@code spec.seed()}). */
    public static Model create(ModelSpec spec) {
        return new Model(spec);
    }

    private SDVariable head(HeadSpec h, SDVariable features) {
        int width = backbone.featureWidth();
        SDVariable x = features;
        if (h.hidden() > 0) {
            x = Layers.relu(g, Layers.linear(g, "hidden", x, width, h.hidden()));
            width = h.hidden();
        }
        if (h.dropout() > 0) {
            x = Layers.dropout(g, "dropout", x, width);
            if (g.training()) {
                dropouts.add(new Dropout(g.act("dropout/keep"), width, h.dropout()));
            }
        }
        return Layers.linear(g, "fc", x, width, h.outputs());
    }

    /**
     * Applies head {@code head} (its own weights, shared) to other training-branch features, e.g.
     * the features after a gradient reversal layer, so one graph serves a step that trains the head
     * on plain features and one that trains it through the reversal. {@code tag} names the copy.
     */
    public SDVariable trainHead(String head, SDVariable features, String tag) {
        HeadSpec h = spec.head(head);
        String oldBranch = g.branchName();
        boolean oldTraining = g.training();
        g.branch(TRAIN + "/" + tag, true);
        try {
            SDVariable logits = g.scoped("head." + h.name(), () -> head(h, features));
            return sd.identity(TRAIN + "/" + tag + "/head." + h.name(), logits);
        } finally {
            g.branch(oldBranch, oldTraining);
        }
    }

    /** A dropout layer of the training branch: its keep-mask placeholder, width and drop probability. */
    public record Dropout(String placeholder, int width, double p) {
    }

    /** Dropout keep masks the training engine must feed each step. */
    public List<Dropout> dropouts() {
        return List.copyOf(dropouts);
    }

    public ModelSpec spec() {
        return spec;
    }

    public SameDiff sd() {
        return sd;
    }

    public int featureWidth() {
        return backbone.featureWidth();
    }

    public SDVariable trainLogits(String head) {
        return require(trainLogits, head);
    }

    public SDVariable evalLogits(String head) {
        return require(evalLogits, head);
    }

    public SDVariable trainFeatures() {
        return trainFeatures;
    }

    public SDVariable evalFeatures() {
        return evalFeatures;
    }

    private static SDVariable require(Map<String, SDVariable> m, String head) {
        SDVariable v = m.get(head);
        if (v == null) {
            throw new IllegalArgumentException("model has no head '" + head + "'; heads: " + m.keySet());
        }
        return v;
    }

    /** Trainable parameter names in creation order. */
    public List<String> parameterNames() {
        return new ArrayList<>(g.params().keySet());
    }

    /** Parameters of the backbone (everything not under "head."). */
    public List<String> backboneParameters() {
        return parameterNames().stream().filter(n -> !n.startsWith("head.")).toList();
    }

    public List<String> headParameters(String head) {
        String prefix = "head." + head + ".";
        return parameterNames().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    public long parameterCount() {
        long n = 0;
        for (String p : g.params().keySet()) {
            n += sd.getVariable(p).getArr().length();
        }
        return n;
    }

    public INDArray param(String name) {
        return sd.getVariable(name).getArr();
    }

    public BatchNormStats.Layer batchNorm(String name) {
        BatchNormStats.Layer l = g.batchNorms().get(name);
        if (l == null) {
            throw new IllegalArgumentException("no batch norm " + name);
        }
        return l;
    }

    public Collection<BatchNormStats.Layer> batchNorms() {
        return g.batchNorms().values();
    }

    public Map<String, UnitMask> masks() {
        return g.masks();
    }

    /** Names of the per-block unit activations in the eval branch ("eval/layer1.0.units"). */
    public List<String> unitActivations() {
        List<String> out = new ArrayList<>();
        for (String mask : g.masks().keySet()) {
            String block = mask.substring(0, mask.length() - ".units".length());
            out.add(EVAL + "/" + block + ".units");
        }
        return out;
    }

    /** Eval-branch logits of the given heads for a normalised image batch [N, 3, H, W]. */
    public synchronized Map<String, INDArray> predict(INDArray images, String... heads) {
        List<String> outs = new ArrayList<>();
        for (String h : heads) {
            outs.add(evalLogits(h).name());
        }
        Map<String, INDArray> raw = evalOutputs(images, outs.toArray(new String[0]));
        Map<String, INDArray> byHead = new LinkedHashMap<>();
        for (String h : heads) {
            byHead.put(h, raw.get(evalLogits(h).name()));
        }
        return byHead;
    }

    /**
     * Values of eval-branch variables (logits, "eval/features", unit activations) for a normalised image
     * batch. Runs the {@link FoldedGraph} (batch norm and masks folded into the convolutions, oneDNN
     * primitives; built once per set of outputs) and falls back to SameDiff where the graph holds an op
     * the folded graph does not translate, or when folding is switched off.
     */
    public synchronized Map<String, INDArray> evalOutputs(INDArray images, String... names) {
        if (foldedInference) {
            List<String> key = List.of(names);
            java.util.Optional<FoldedGraph> f = folded.get(key);
            if (f == null) {
                String why;
                try {
                    f = java.util.Optional.ofNullable(FoldedGraph.compile(sd, INPUT, key));
                    f.ifPresent(x -> x.setFixedWeights(fixedWeights));
                    why = FoldedGraph.lastReason();
                } catch (LinkageError e) {
                    // no oneDNN native library for this platform/backend (e.g. a CUDA build)
                    f = java.util.Optional.empty();
                    why = "oneDNN not available: " + e;
                }
                if (f.isEmpty()) {
                    org.slf4j.LoggerFactory.getLogger(Model.class).info("{}: inference through SameDiff ({})",
                            spec.backbone().name(), why);
                }
                folded.put(key, f);
            }
            if (f.isPresent()) {
                return f.get().output(images);
            }
        }
        return sd.output(Map.of(INPUT, images), names);
    }

    /**
     * Whether inference uses the {@link FoldedGraph} (default: on, unless the system property
     * {@code debias4j.folded} is "false"). Off = SameDiff's eval branch, for comparisons.
     */
    public synchronized void setFoldedInference(boolean on) {
        this.foldedInference = on;
    }

    public synchronized boolean foldedInference() {
        return foldedInference;
    }

    /**
     * Promises that parameters, batch-norm statistics and masks will not change any more (a loaded model
     * that only predicts), so the folded graph skips its per-call change check after folding once
     * ({@link FoldedGraph#setFixedWeights}). Changing weights after this gives stale predictions.
     */
    public synchronized void setFixedWeights(boolean fixed) {
        this.fixedWeights = fixed;
        for (java.util.Optional<FoldedGraph> f : folded.values()) {
            f.ifPresent(x -> x.setFixedWeights(fixed));
        }
    }

    /**
     * Everything that defines the model's outputs in torchvision layout: weights, batch-norm
     * running statistics ("...running_mean", "...running_var") and unit masks ("....units").
     */
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Layout> e : g.params().entrySet()) {
            out.put(e.getKey(), e.getValue().toTorch(param(e.getKey())));
        }
        for (BatchNormStats.Layer l : g.batchNorms().values()) {
            out.put(l.name() + ".running_mean", l.runningMean());
            out.put(l.name() + ".running_var", l.runningVar());
        }
        for (UnitMask m : g.masks().values()) {
            out.put(m.name(), m.values());
        }
        return out;
    }

    /**
     * Copies tensors into the model. Strict: every parameter and statistic must be present with the
     * right shape, and nothing else; the error lists what is missing, unexpected or mis-shaped.
     * Masks are optional (absent = all units kept).
     */
    public void loadStateDict(Map<String, INDArray> state, String source) {
        Map<String, long[]> expected = new LinkedHashMap<>();
        Map<String, INDArray> targets = new LinkedHashMap<>();
        Map<String, Layout> layouts = new LinkedHashMap<>();
        for (Map.Entry<String, Layout> e : g.params().entrySet()) {
            INDArray a = param(e.getKey());
            expected.put(e.getKey(), e.getValue().torchShape(a.shape()));
            targets.put(e.getKey(), a);
            layouts.put(e.getKey(), e.getValue());
        }
        for (BatchNormStats.Layer l : g.batchNorms().values()) {
            for (INDArray a : List.of(l.runningMean(), l.runningVar())) {
                String n = l.name() + (a == l.runningMean() ? ".running_mean" : ".running_var");
                expected.put(n, a.shape());
                targets.put(n, a);
                layouts.put(n, Layout.PLAIN);
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            INDArray a = state.get(e.getKey());
            if (a == null) {
                missing.add(e.getKey());
            } else if (!java.util.Arrays.equals(a.shape(), e.getValue())) {
                misshaped.add(e.getKey() + " " + java.util.Arrays.toString(a.shape()) + " (expected "
                        + java.util.Arrays.toString(e.getValue()) + ")");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!expected.containsKey(k) && !g.masks().containsKey(k) && !k.endsWith("num_batches_tracked")) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !misshaped.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder("Weights in " + source + " do not fit " + spec.backbone().name() + ":");
            if (!missing.isEmpty()) {
                sb.append("\n  missing (").append(missing.size()).append("): ").append(abbreviate(missing));
            }
            if (!unexpected.isEmpty()) {
                sb.append("\n  unexpected (").append(unexpected.size()).append("): ").append(abbreviate(unexpected));
            }
            if (!misshaped.isEmpty()) {
                sb.append("\n  wrong shape (").append(misshaped.size()).append("): ").append(abbreviate(misshaped));
            }
            throw new UserException(sb.toString());
        }
        for (Map.Entry<String, INDArray> e : targets.entrySet()) {
            e.getValue().assign(layouts.get(e.getKey()).fromTorch(state.get(e.getKey())).castTo(e.getValue().dataType()));
        }
        for (UnitMask m : g.masks().values()) {
            INDArray a = state.get(m.name());
            if (a != null) {
                m.values().assign(a);
            } else {
                m.reset();
            }
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 12 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 12)) + ", ... (" + (names.size() - 12) + " more)";
    }

    /** Saves spec (as metadata) and state dict to one safetensors file. */
    public void save(Path file) {
        SafeTensors.write(file, stateDict(), Map.of("debias4j.model_spec", Json.write(spec), "format", "pt"));
    }

    /** Rebuilds the graph from the saved spec and loads the saved state. */
    public static Model load(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        String specJson = c.metadata().get("debias4j.model_spec");
        if (specJson == null) {
            throw new UserException(file + " has no debias4j model spec in its metadata; is it a debias4j model?");
        }
        ModelSpec spec;
        try {
            spec = Json.MAPPER.readValue(specJson, ModelSpec.class);
        } catch (Exception e) {
            throw new UserException(file + ": unreadable model spec: " + e.getMessage(), e);
        }
        Model m = create(spec);
        m.loadStateDict(c.tensors(), file.toString());
        return m;
    }
}
