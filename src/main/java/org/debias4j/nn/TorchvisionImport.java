package org.debias4j.nn;

import org.debias4j.util.UserException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads torchvision weights saved as .safetensors (a torchvision model's state_dict() with its
 * own names, BN running statistics included) into a {@link Model}.
 *
 * <p>Name mapping: backbone tensors keep torchvision's names ("layer1.0.conv1.weight",
 * "features.1.0.block.0.0.weight", ...). The torchvision classifier is a debias4j head: its
 * "fc.weight/bias" (ResNet, ResNeXt, Inception), "classifier.1.weight/bias" (EfficientNet) or
 * "classifier.weight/bias" (DenseNet) become "head.{head}.fc.weight/bias" (head "main" by
 * default). Also accepted: DenseNet's old "denselayer1.norm.1.weight" names (as torchvision's own
 * loader does), and ignored: "num_batches_tracked" and Inception's "AuxLogits.*" (the registry's
 * inception_v3 has no auxiliary classifier).
 *
 * <p>Everything else must match exactly: a missing, unexpected or mis-shaped tensor is an error
 * that lists all of them. The classifier is the one exception under {@link Classifier#AUTO}: when
 * the model has no such head or its class count differs (ImageNet's 1000 vs a 7-class task), the
 * head keeps its fresh initialisation and the report says so. Other heads (e.g. bias heads) and
 * unit masks are never in torchvision files and keep their current values.
 */
public final class TorchvisionImport {
    public static final String DEFAULT_HEAD = "main";

    /** What to do with the file's classifier. */
    public enum Classifier {
        /** The classifier must load into the head (same class count), else error. */
        LOAD,
        /** Ignore the file's classifier; the head keeps its current weights. */
        SKIP,
        /** Load it if the head exists with the same shape, otherwise keep the head (reported). */
        AUTO
    }

    /** What an import did. */
    public record Report(String source, int tensorsLoaded, boolean classifierLoaded, List<String> ignored, String note) {
    }

    private static final List<String> CLASSIFIER_PREFIXES = List.of("fc.", "classifier.1.", "classifier.");
    private static final Pattern OLD_DENSENET = Pattern.compile(
            "^(.*denselayer\\d+\\.(?:norm|relu|conv))\\.((?:[12])\\.(?:weight|bias|running_mean|running_var))$");

    private TorchvisionImport() {
    }

    /**
     * The spec of a torchvision ImageNet classifier: the registered backbone at its default size
     * and a 1000-class head "main" with torchvision's classifier dropout.
     */
    public static ModelSpec imagenetSpec(String name, long seed) {
        TorchvisionModels.Info info = TorchvisionModels.info(name);
        if (info == null) {
            throw new UserException("'" + name + "' is not a torchvision ImageNet architecture; known: "
                    + String.join(", ", TorchvisionModels.all().keySet()));
        }
        return new ModelSpec(BackboneSpec.of(name, info.imageSize()),
                List.of(new HeadSpec(DEFAULT_HEAD, 1000, 0, info.dropout())), seed);
    }

    /** Reads {@code file} and loads it into {@code model} (head "main", classifier AUTO). */
    public static Report load(Model model, Path file) {
        return load(model, file, DEFAULT_HEAD, Classifier.AUTO);
    }

    public static Report load(Model model, Path file, String head, Classifier mode) {
        return load(model, SafeTensors.read(file).tensors(), file.toString(), head, mode);
    }

    /** Loads a torchvision-named state dict into {@code model}; see the class comment for the mapping. */
    public static Report load(Model model, Map<String, INDArray> tensors, String source, String head, Classifier mode) {
        String headPrefix = "head." + head + ".fc.";
        Map<String, INDArray> renamed = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("num_batches_tracked")) {
                continue;
            }
            if (k.startsWith("AuxLogits.")) {
                ignored.add(k);
                continue;
            }
            String to = k;
            for (String p : CLASSIFIER_PREFIXES) {
                String rest = k.substring(Math.min(k.length(), p.length()));
                if (k.startsWith(p) && (rest.equals("weight") || rest.equals("bias"))) {
                    to = headPrefix + rest;
                    break;
                }
            }
            Matcher m = OLD_DENSENET.matcher(to);
            if (m.matches()) {
                to = m.group(1) + m.group(2);
            }
            if (renamed.put(to, e.getValue()) != null) {
                throw new UserException(source + ": both " + origin.get(to) + " and " + k + " map to " + to);
            }
            origin.put(to, k);
        }

        Map<String, INDArray> current = model.stateDict();
        boolean hasHead = model.spec().heads().stream().anyMatch(h -> h.name().equals(head));
        boolean fileHasClassifier = renamed.containsKey(headPrefix + "weight") || renamed.containsKey(headPrefix + "bias");
        boolean classifierLoaded = false;
        String note = "";
        if (fileHasClassifier) {
            String why = null;
            if (mode == Classifier.SKIP) {
                why = "skipped as asked";
            } else if (!hasHead) {
                why = "the model has no head '" + head + "'";
            } else {
                for (String part : List.of("weight", "bias")) {
                    INDArray f = renamed.get(headPrefix + part);
                    INDArray c = current.get(headPrefix + part);
                    if (f == null || c == null || !Arrays.equals(f.shape(), c.shape())) {
                        why = "file " + origin.get(headPrefix + part) + " " + (f == null ? "absent" : Arrays.toString(f.shape()))
                                + " vs head " + head + " " + (c == null ? "absent" : Arrays.toString(c.shape()));
                        break;
                    }
                }
            }
            if (why == null) {
                classifierLoaded = true;
            } else if (mode == Classifier.LOAD) {
                throw new UserException("Weights in " + source + ": the torchvision classifier does not fit: " + why);
            } else {
                for (String part : List.of("weight", "bias")) {
                    if (renamed.remove(headPrefix + part) != null) {
                        ignored.add(origin.get(headPrefix + part));
                    }
                }
                note = "classifier not loaded (" + why + "); head '" + head + "' keeps its initial weights";
            }
        } else if (mode == Classifier.LOAD) {
            throw new UserException("Weights in " + source + " have no classifier (fc.*, classifier.*, classifier.1.*)");
        } else {
            note = "no classifier in the file; heads keep their initial weights";
        }
        int fromFile = renamed.size();
        // Heads other than the loaded classifier, and unit masks, are not torchvision's: keep ours.
        for (String p : model.parameterNames()) {
            if (p.startsWith("head.") && !renamed.containsKey(p)) {
                renamed.put(p, current.get(p));
            }
        }
        for (UnitMask m : model.masks().values()) {
            renamed.put(m.name(), m.values().dup());
        }
        try {
            model.loadStateDict(renamed, source);
        } catch (UserException e) {
            throw new UserException(e.getMessage() + "\n  (torchvision names; fc.*, classifier.* and classifier.1.* were mapped to "
                    + headPrefix + "*)", e);
        }
        return new Report(source, fromFile, classifierLoaded, ignored, note);
    }
}
