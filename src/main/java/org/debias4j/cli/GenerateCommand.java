package org.debias4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.debias4j.data.synth.BiasAttribute;
import org.debias4j.data.synth.GeneratedBenchmark;
import org.debias4j.data.synth.SampleAttributes;
import org.debias4j.data.synth.SplitStats;
import org.debias4j.data.synth.SyntheticBenchmark;
import org.debias4j.data.synth.SyntheticSpec;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code generate}: writes the synthetic biased-lesion benchmark (PNG images, one ISIC-style CSV
 * per split, benchmark.json) and prints its composition. Exit codes: 0 done (or reused), 2 user
 * error (message on stderr), 1 I/O failure.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Generate the synthetic biased-lesion benchmark: dermoscopy-like PNGs whose class shows in "
                        + "visual cues, with ink markings, rulers, imaging devices and skin tone correlated with "
                        + "the label per split; one ISIC-style CSV per split and benchmark.json (the spec).",
                "Presets: default (marked), rulers, instrument (device), skin, unbiased (control), tiny (tests), "
                        + "multiclass (6 classes, skin).",
                "An existing generation of the same spec in --out is reused."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:benchmark written or reused", "1:I/O failure", "2:bad arguments or spec"})
public class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "default",
            description = "Built-in spec (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--spec", paramLabel = "FILE.json",
            description = "Spec JSON; its fields override the preset's (e.g. a benchmark.json written before).")
    Path specFile;

    @Option(names = "--seed", paramLabel = "N", description = "Master seed.")
    Long seed;

    @Option(names = "--image-size", paramLabel = "PX", description = "Image width = height, 32..512.")
    Integer imageSize;

    @Option(names = "--n-train", paramLabel = "N", description = "Images in the train split.")
    Integer nTrain;

    @Option(names = "--n-val", paramLabel = "N", description = "Images in the val split.")
    Integer nVal;

    @Option(names = "--n-test", paramLabel = "N", description = "Images in each test split (test_unbiased, test_flipped).")
    Integer nTest;

    @Option(names = "--num-classes", paramLabel = "N", description = "Lesion classes, 2 (benign/melanoma) to 6.")
    Integer numClasses;

    @Option(names = "--devices", paramLabel = "K", description = "Imaging devices, 2..8.")
    Integer devices;

    @Option(names = "--cue-strength", paramLabel = "X",
            description = "Separation of the class cues, (0, 4]; 1 = default difficulty, higher = easier.")
    Double cueStrength;

    @Option(names = "--corr", paramLabel = "[SPLIT.]ATTR=P",
            description = "Correlation P(attribute aligned with the label) of marked|ruler|device|skin, 0..1 or "
                    + "'none' (independent at the base rate). Without SPLIT it applies to train and val. Repeatable.")
    List<String> correlations = new ArrayList<>();

    @Option(names = "--force", description = "Replace a different benchmark already in --out.")
    boolean force;

    @Option(names = "--preview", paramLabel = "FILE.png", description = "Also write a 4x4 contact sheet of the first split.")
    Path preview;

    @Option(names = "--dry-run", description = "Print the resolved spec and composition; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter err = command.commandLine().getErr();
        PrintWriter outw = command.commandLine().getOut();
        try {
            SyntheticSpec spec = resolveSpec();
            Map<String, List<SampleAttributes>> samples;
            String headline;
            if (dryRun) {
                outw.println(Json.write(spec));
                samples = SyntheticBenchmark.samples(spec);
                headline = "dry run: nothing written";
            } else {
                if (Files.exists(out) && !Files.isDirectory(out)) {
                    throw new UserException("--out " + out + ": exists and is not a directory");
                }
                GeneratedBenchmark g = SyntheticBenchmark.generate(spec, out, force);
                samples = g.samples();
                long n = spec.totalImages();
                headline = g.reused()
                        ? "reused the existing generation in " + g.dir() + " (same spec; nothing regenerated)"
                        : String.format(Locale.ROOT, "generated %d images in %.1f s (%.0f images/s) into %s", n,
                        g.millis() / 1000.0, n * 1000.0 / Math.max(1, g.millis()), g.dir());
                if (preview != null) {
                    List<SampleAttributes> first = samples.values().iterator().next();
                    List<SampleAttributes> pick = first.subList(0, Math.min(16, first.size()));
                    byte[] png = SyntheticBenchmark.png(SyntheticBenchmark.contactSheet(spec, pick, 4, 128));
                    AtomicFiles.write(preview, o -> o.write(png));
                    headline += "\npreview: " + preview;
                }
            }
            printSummary(outw, spec, samples, headline);
            outw.flush();
            return 0;
        } catch (UserException e) {
            err.println("generate: " + e.getMessage());
            err.flush();
            return 2;
        } catch (UncheckedIOException e) {
            err.println("generate: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    // ------------------------------------------------------------------ spec resolution

    SyntheticSpec resolveSpec() {
        SyntheticSpec spec = SyntheticSpec.preset(preset);
        if (specFile != null) {
            spec = mergeSpecFile(spec, specFile);
        }
        if (seed != null) {
            spec = spec.withSeed(seed);
        }
        if (imageSize != null) {
            range("--image-size", imageSize, SyntheticSpec.MIN_IMAGE_SIZE, SyntheticSpec.MAX_IMAGE_SIZE, "pixels");
            spec = spec.withImageSize(imageSize);
        }
        if (numClasses != null) {
            range("--num-classes", numClasses, 2, SyntheticSpec.MAX_CLASSES, "classes");
            spec = spec.withNumClasses(numClasses);
        }
        if (devices != null) {
            range("--devices", devices, 2, SyntheticSpec.MAX_DEVICES, "devices");
            spec = spec.withDevices(devices);
        }
        if (cueStrength != null) {
            if (!(cueStrength > 0 && cueStrength <= 4)) {
                throw new UserException("--cue-strength: expected a number in (0, 4], got " + cueStrength);
            }
            spec = spec.withCueStrength(cueStrength);
        }
        spec = size(spec, "--n-train", nTrain, SyntheticSpec.TRAIN);
        spec = size(spec, "--n-val", nVal, SyntheticSpec.VAL);
        spec = size(spec, "--n-test", nTest, SyntheticSpec.TEST_UNBIASED, SyntheticSpec.TEST_FLIPPED);
        for (String c : correlations) {
            spec = applyCorrelation(spec, c);
        }
        return spec;
    }

    private static void range(String option, int value, int min, int max, String unit) {
        if (value < min || value > max) {
            throw new UserException(option + ": expected an integer from " + min + " to " + max + " (" + unit
                    + "), got " + value);
        }
    }

    private static SyntheticSpec size(SyntheticSpec spec, String option, Integer n, String... splits) {
        if (n == null) {
            return spec;
        }
        range(option, n, 0, 1_000_000, "images");
        for (String s : splits) {
            if (!spec.splitNames().contains(s)) {
                throw new UserException(option + ": the spec has no split '" + s + "' (splits: "
                        + String.join(", ", spec.splitNames()) + ")");
            }
            spec = spec.withSplitSize(s, n);
        }
        return spec;
    }

    private static SyntheticSpec applyCorrelation(SyntheticSpec spec, String text) {
        String expected = "expected [SPLIT.]ATTR=P with ATTR one of " + BiasAttribute.keys()
                + " and P in [0, 1] or 'none'";
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new UserException("--corr '" + text + "': " + expected);
        }
        String key = text.substring(0, eq).trim();
        String value = text.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
        List<String> splits;
        String attrName;
        int dot = key.lastIndexOf('.');
        if (dot >= 0) {
            String split = key.substring(0, dot);
            if (!spec.splitNames().contains(split)) {
                throw new UserException("--corr '" + text + "': unknown split '" + split + "'; splits: "
                        + String.join(", ", spec.splitNames()));
            }
            splits = List.of(split);
            attrName = key.substring(dot + 1);
        } else {
            splits = new ArrayList<>();
            for (String s : List.of(SyntheticSpec.TRAIN, SyntheticSpec.VAL)) {
                if (spec.splitNames().contains(s)) {
                    splits.add(s);
                }
            }
            attrName = key;
        }
        BiasAttribute attr;
        try {
            attr = BiasAttribute.parse(attrName);
        } catch (UserException e) {
            throw new UserException("--corr '" + text + "': " + e.getMessage());
        }
        Double p;
        if (value.equals("none") || value.equals("null") || value.equals("independent")) {
            p = null;
        } else {
            try {
                p = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new UserException("--corr '" + text + "': " + expected);
            }
            if (!(p >= 0 && p <= 1)) {
                throw new UserException("--corr '" + text + "': " + expected);
            }
        }
        for (String s : splits) {
            spec = spec.withCorrelation(s, attr, p);
        }
        return spec;
    }

    /** The file's JSON fields replace the preset's (objects merged field by field, arrays replaced). */
    static SyntheticSpec mergeSpecFile(SyntheticSpec base, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("--spec " + file + ": cannot read the file (" + e.getMessage() + ")");
        }
        JsonNode overlay;
        try {
            overlay = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserException("--spec " + file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (overlay == null || !overlay.isObject()) {
            throw new UserException("--spec " + file + ": expected a JSON object with spec fields such as "
                    + "imageSize, seed, splits");
        }
        ObjectNode merged = Json.MAPPER.valueToTree(base);
        if (overlay.has("numClasses") && !overlay.has("classPrevalence")) {
            merged.putNull("classPrevalence"); // the preset's prevalence is for its own number of classes
        }
        merge(merged, (ObjectNode) overlay);
        try {
            return Json.MAPPER.treeToValue(merged, SyntheticSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable c = e.getCause();
            while (c != null && !(c instanceof UserException)) {
                c = c.getCause();
            }
            String msg = c != null ? c.getMessage()
                    : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new UserException("--spec " + file + ": " + msg);
        }
    }

    private static void merge(ObjectNode target, ObjectNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> it = overlay.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) {
                merge(eo, vo);
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    // ------------------------------------------------------------------ summary

    static void printSummary(PrintWriter w, SyntheticSpec spec, Map<String, List<SampleAttributes>> samples,
                             String headline) {
        w.printf(Locale.ROOT, "Synthetic benchmark '%s' (fingerprint %s): %dx%d px, seed %d, %d classes %s, %d devices%n",
                spec.name(), spec.fingerprint(), spec.imageSize(), spec.imageSize(), spec.seed(), spec.numClasses(),
                spec.classNames(), spec.devices());
        w.println(headline);
        String a;
        String o;
        if (spec.numClasses() == 2) {
            a = "melanoma";
            o = "benign";
        } else {
            a = "classes 0-" + (spec.numClasses() / 2 - 1);
            o = "classes " + (spec.numClasses() / 2) + "-" + (spec.numClasses() - 1);
        }
        String dev = "dev<" + (spec.devices() / 2);
        String groupHead = String.format(Locale.ROOT, "%6s %6s %6s %6s", "marked", "ruler", "dark", dev);
        w.printf(Locale.ROOT, "%-14s %6s %6s | %-27s | %-27s%n", "", "", "", a, o);
        w.printf(Locale.ROOT, "%-14s %6s %6s | %s | %s%n", "split", "count", "prev", groupHead, groupHead);
        for (SplitStats s : SyntheticBenchmark.stats(spec, samples)) {
            w.printf(Locale.ROOT, "%-14s %6d %6.3f | %s | %s%n", s.split(), s.count(), s.prevalence(),
                    group(s.aligned()), group(s.other()));
        }
        w.println("prev = fraction melanoma (target 1); other columns: fraction of the group's images with ink "
                + "marking, ruler, dark skin, a device from the first half.");
    }

    private static String group(SplitStats.Group g) {
        return String.format(Locale.ROOT, "%6.3f %6.3f %6.3f %6.3f", g.marked(), g.ruler(), g.darkSkin(),
                g.deviceFirstHalf());
    }
}
