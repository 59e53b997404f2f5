package org.debias4j.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.data.ImagePipeline;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.ModelSpec;
import org.debias4j.nn.SafeTensors;
import org.debias4j.prune.MultiTaskModel;
import org.debias4j.util.CodeVersion;
import org.debias4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates model bundles (see {@link Model} for loading them). */
public final class Bundles {
    private Bundles() {
    }

    /**
     * Bundles a finished training run: results/TEST_NO/ with config.json, metrics.json and
     * model.safetensors, as `train` writes them. The weights are loaded once to check they fit their spec.
     *
     * @param out     the bundle file; ".d4j" is appended when it has no extension
     * @param name    the model's name in the manifest (null: the output file's name)
     * @param classes class names (null: "benign", "melanoma" for the reference's binary target)
     * @return the written file
     */
    public static Path fromRun(Path runDir, Path out, String name, List<String> classes) {
        Path config = require(runDir, "config.json");
        Path metrics = require(runDir, "metrics.json");
        if (!out.getFileName().toString().contains(".")) {
            out = out.resolveSibling(out.getFileName() + Bundle.EXTENSION);
        }
        if (Files.isRegularFile(runDir.resolve(MultiTaskModel.FILE))) {
            return fromPrunerRun(runDir, config, metrics, out, name, classes);
        }
        Path weights = require(runDir, "model.safetensors");
        JsonNode cfg = readJson(config);
        JsonNode met = readJson(metrics);
        ModelSpec spec = specOf(weights);
        // Loading rebuilds the graph and checks every tensor against the spec: a bundle that would not load is never written.
        org.debias4j.nn.Model check = org.debias4j.nn.Model.load(weights);
        Graphs.release(check);

        String mainHead = spec.heads().stream().anyMatch(h -> h.name().equals("main")) ? "main" : spec.heads().get(0).name();
        HeadSpec head = spec.head(mainHead);
        String output = head.outputs() == 1 ? "sigmoid" : "softmax";
        int k = head.outputs() == 1 ? 2 : head.outputs();
        if (classes == null) {
            classes = new ArrayList<>();
            if (k == 2 && "target".equals(cfg.path("labelColumn").asText("target"))) {
                classes.addAll(List.of("benign", "melanoma"));
            } else {
                for (int i = 0; i < k; i++) {
                    classes.add("class" + i);
                }
            }
        } else if (classes.size() != k) {
            throw new BundleException("--classes names " + classes.size() + " classes but head " + mainHead + " of "
                    + runDir + " predicts " + k);
        }
        int views = cfg.path("tta").asBoolean(true) ? 8 : 1;
        Manifest.Preprocessing pre = new Manifest.Preprocessing(spec.backbone().imageSize(),
                "centre-crop to a square, then resize to imageSize x imageSize (OpenCV, DataVec NativeImageLoader)",
                "RGB", 255.0, ImagePipeline.MEAN.clone(), ImagePipeline.STD.clone(), views);

        Map<String, Object> fairness = toMap(met.get("fairness"));
        List<Manifest.SensitiveAttribute> attrs = new ArrayList<>();
        if (!fairness.isEmpty()) {
            attrs.add(new Manifest.SensitiveAttribute("skin_tone", "sensitive", List.of("light", "dark"),
                    "skin tone (0 light, 1 dark); fairness holds the per-test-split group metrics across it"));
        }
        String bias = cfg.path("biasColumn").asText("");
        if (!bias.isEmpty()) {
            attrs.add(new Manifest.SensitiveAttribute(bias, "bias", List.of("aligned", "conflicting"),
                    "artefact whose agreement with the label splits test samples into bias-aligned and -conflicting;"
                            + " testMetrics holds the accuracy of each"));
        }
        Map<String, Object> data = met.has("data") ? toMap(met.get("data"))
                : Map.of("note", "not recorded by this training run (it predates data fingerprints)");
        Manifest m = new Manifest(Bundle.FORMAT_VERSION, ModelInfo.KIND_SINGLE,
                name != null ? name : stripExtension(out.getFileName().toString()),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), CodeVersion.get(),
                new Manifest.Graph(spec, Bundle.WEIGHTS, mainHead, output), pre, classes, attrs, fairness,
                toMap(met.get("tests")), toMap(cfg), data, null);

        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(Bundle.MANIFEST, Bundle.manifestBytes(m));
        entries.put(Bundle.WEIGHTS, bytes(weights));
        entries.put("config.json", bytes(config));
        entries.put("metrics.json", bytes(metrics));
        Bundle.write(out, entries);
        return out;
    }

    /** A `biaspruner` run: multitask.safetensors (shared weights, per-task masks and BN state, task list). */
    private static Path fromPrunerRun(Path runDir, Path config, Path metrics, Path out, String name, List<String> classes) {
        Path weights = runDir.resolve(MultiTaskModel.FILE);
        JsonNode cfg = readJson(config);
        JsonNode met = readJson(metrics);
        MultiTaskModel check = MultiTaskModel.load(weights);
        ModelSpec spec = check.model().spec();
        MultiTaskModel.Info info = check.info();
        Graphs.release(check.model());
        // Global class ids across tasks; each task names its own.
        int k = info.tasks().stream().flatMap(t -> t.classes().stream()).mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] names = new String[k];
        List<String> sensitive = new ArrayList<>();
        for (MultiTaskModel.TaskInfo t : info.tasks()) {
            for (int c = 0; c < t.classes().size(); c++) {
                int id = t.classes().get(c);
                if (names[id] == null) {
                    names[id] = c < t.classNames().size() ? t.classNames().get(c) : "class" + id;
                }
            }
            if (t.sensitive() != null && !t.sensitive().isEmpty() && !sensitive.contains(t.sensitive())) {
                sensitive.add(t.sensitive());
            }
        }
        for (int i = 0; i < k; i++) {
            if (names[i] == null) {
                names[i] = "class" + i;
            }
        }
        if (classes == null) {
            classes = List.of(names);
        } else if (classes.size() != k) {
            throw new BundleException("--classes names " + classes.size() + " classes but the tasks of " + runDir
                    + " cover " + k);
        }
        Manifest.Preprocessing pre = new Manifest.Preprocessing(spec.backbone().imageSize(),
                "centre-crop to a square, then resize to imageSize x imageSize (OpenCV, DataVec NativeImageLoader)",
                "RGB", 255.0, ImagePipeline.MEAN.clone(), ImagePipeline.STD.clone(), 1);
        List<Manifest.SensitiveAttribute> attrs = new ArrayList<>();
        for (String s : sensitive) {
            attrs.add(new Manifest.SensitiveAttribute(s, "sensitive", List.of(),
                    "fairness per task on this attribute, averaged over tasks (see fairness)"));
        }
        Map<String, Object> fairness = new LinkedHashMap<>();
        Map<String, Object> tests = new LinkedHashMap<>();
        Map<String, Object> all = toMap(met);
        for (String key : List.of("eodd", "eopp0", "eopp1", "equalized_odds_difference", "demographic_parity_difference",
                "worst_group_acc", "per_task_after_last")) {
            if (all.containsKey(key)) {
                fairness.put(key, all.get(key));
            }
        }
        for (String key : List.of("avg_acc", "bwt", "forgetting", "task_selection_acc", "oracle", "acc_matrix")) {
            if (all.containsKey(key)) {
                tests.put(key, all.get(key));
            }
        }
        Map<String, Object> multitask = new LinkedHashMap<>();
        multitask.put("method", info.method());
        multitask.put("inference", info.inference());
        multitask.put("tasks", Json.MAPPER.convertValue(info.tasks(), List.class));
        Map<String, Object> data = met.has("data") ? toMap(met.get("data"))
                : Map.of("note", "not recorded by biaspruner runs; training.config names the task sequence and data");
        Manifest m = new Manifest(Bundle.FORMAT_VERSION, ModelInfo.KIND_BIASPRUNER,
                name != null ? name : stripExtension(out.getFileName().toString()),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), CodeVersion.get(),
                new Manifest.Graph(spec, MultiTaskModel.FILE, null, "task-agnostic"), pre, classes, attrs, fairness,
                tests, toMap(cfg), data, multitask);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(Bundle.MANIFEST, Bundle.manifestBytes(m));
        entries.put(MultiTaskModel.FILE, bytes(weights));
        entries.put("config.json", bytes(config));
        entries.put("metrics.json", bytes(metrics));
        Bundle.write(out, entries);
        return out;
    }

    private static ModelSpec specOf(Path weights) {
        String json = SafeTensors.read(weights).metadata().get("debias4j.model_spec");
        if (json == null) {
            throw new BundleException(weights + " has no debias4j model spec in its metadata; is it a debias4j model?");
        }
        try {
            return Json.MAPPER.readValue(json, ModelSpec.class);
        } catch (IOException e) {
            throw new BundleException(weights + ": unreadable model spec: " + e.getMessage(), e);
        }
    }

    private static Path require(Path runDir, String file) {
        Path p = runDir.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new BundleException("The run folder " + runDir + " has no " + file + " (expected a finished "
                    + "`train` run: config.json, metrics.json, model.safetensors)");
        }
        return p;
    }

    private static JsonNode readJson(Path p) {
        try {
            return Json.MAPPER.readTree(p.toFile());
        } catch (IOException e) {
            throw new BundleException("Cannot read " + p + " as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> toMap(JsonNode n) {
        if (n == null || !n.isObject()) {
            return Map.of();
        }
        return Json.MAPPER.convertValue(n, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    private static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new BundleException("Cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static String stripExtension(String f) {
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
