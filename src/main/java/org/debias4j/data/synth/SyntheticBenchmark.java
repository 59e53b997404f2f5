package org.debias4j.data.synth;

import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The synthetic biased-lesion benchmark: procedurally drawn dermoscopy-like images whose class
 * shows in visual cues, with surgical-marking ink, rulers, imaging devices and skin tone correlated
 * with the label per split as the {@link SyntheticSpec} says.
 * <p>
 * On disk ({@link #generate}): {@code images/<image_name>.png}, one {@code <split>.csv} per split
 * with {@link #CSV_COLUMNS}, and {@code benchmark.json} (the spec, written last). Everything is a
 * pure function of the spec: same spec, same CSV bytes and same pixels.
 */
public final class SyntheticBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticBenchmark.class);

    public static final String SPEC_FILE = "benchmark.json";
    public static final String IMAGE_DIR = "images";
    public static final int YEAR = 2020;

    /** The ISIC training CSV columns, then skin_tone, device, label, split. */
    public static final List<String> CSV_COLUMNS = List.of("image_name", "patient_id", "sex", "age_approx",
            "anatom_site_general_challenge", "diagnosis", "benign_malignant", "target", "tfrecord", "width", "height",
            "year", "scale", "marked", "size", "skin_tone", "device", "label", "split");

    private SyntheticBenchmark() {
    }

    // ------------------------------------------------------------------ in memory

    /** All samples of every split, in split order, without drawing or writing anything. */
    public static Map<String, List<SampleAttributes>> samples(SyntheticSpec spec) {
        Map<String, List<SampleAttributes>> out = new LinkedHashMap<>();
        for (SplitSpec s : spec.splits()) {
            out.put(s.name(), Sampler.sample(spec, s));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The samples of one split, in CSV row order. */
    public static List<SampleAttributes> samples(SyntheticSpec spec, String split) {
        return Sampler.sample(spec, spec.split(split));
    }

    /**
     * Draws one image of {@code spec.imageSize()} pixels. The label, skin tone, marking, ruler and
     * device come from {@code a}; everything else (lesion shape and colours, skin shade, where the
     * ink and ruler go) from {@code seed}. Rendering the same sample with an artefact switched off
     * changes only the pixels that artefact covers.
     */
    public static BufferedImage render(SyntheticSpec spec, SampleAttributes a, long seed) {
        return LesionRenderer.render(spec, a, seed);
    }

    /** Draws a sample as {@link #generate} does, with its own {@link SampleAttributes#renderSeed()}. */
    public static BufferedImage render(SyntheticSpec spec, SampleAttributes a) {
        return render(spec, a, a.renderSeed());
    }

    /** The CSV text of one split: header and one line per sample. */
    public static String csv(SyntheticSpec spec, String split) {
        return csv(spec, samples(spec, split));
    }

    static String csv(SyntheticSpec spec, List<SampleAttributes> samples) {
        StringBuilder sb = new StringBuilder(samples.size() * 140 + 256);
        sb.append(String.join(",", CSV_COLUMNS)).append('\n');
        for (SampleAttributes a : samples) {
            csvLine(sb, spec, a);
        }
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, SyntheticSpec spec, SampleAttributes a) {
        LesionClass cls = a.lesionClass();
        String diagnosis = cls.diagnosis();
        sb.append(a.imageName()).append(',')
                .append(a.patientId()).append(',')
                .append(a.sex()).append(',')
                .append(a.ageApprox()).append(".0,")
                .append(a.site()).append(',')
                .append(diagnosis).append(',')
                .append(cls.malignant() ? "malignant" : "benign").append(',')
                .append(a.target()).append(',')
                .append(a.tfrecord()).append(',')
                .append(spec.imageSize()).append(',')
                .append(spec.imageSize()).append(',')
                .append(YEAR).append(',')
                .append(a.ruler() ? 1 : 0).append(',')
                .append(a.marked() ? 1 : 0).append(',')
                .append(Device.of(a.device()).isicSize()).append(',')
                .append(a.skinTone()).append(',')
                .append(a.device()).append(',')
                .append(a.label()).append(',')
                .append(a.split()).append('\n');
    }

    /** PNG bytes of an RGB image (8 bits per channel; alpha, if any, is dropped). */
    public static byte[] png(BufferedImage img) {
        return Png.encode(img);
    }

    /** Per split: size, prevalence and attribute fractions per class group. */
    public static List<SplitStats> stats(SyntheticSpec spec, Map<String, List<SampleAttributes>> samples) {
        List<SplitStats> out = new ArrayList<>();
        samples.forEach((split, list) -> out.add(SplitStats.of(spec, split, list)));
        return out;
    }

    // ------------------------------------------------------------------ on disk

    /** A directory under root named after the spec's name and fingerprint, for caching generations. */
    public static Path cacheDir(Path root, SyntheticSpec spec) {
        String name = spec.name() == null ? "synth" : spec.name().replaceAll("[^A-Za-z0-9_.-]", "_");
        return root.resolve(name + "-" + spec.fingerprint());
    }

    /**
     * Writes the benchmark into outDir, or reuses it if outDir already holds a complete generation
     * of the same spec (the name may differ). A directory holding a different benchmark is refused
     * with a {@link UserException}; use {@link #generate(SyntheticSpec, Path, boolean)} to replace it.
     */
    public static GeneratedBenchmark generate(SyntheticSpec spec, Path outDir) {
        return generate(spec, outDir, false);
    }

    /**
     * As {@link #generate(SyntheticSpec, Path)}; with {@code overwrite}, a different benchmark in
     * outDir is replaced (its benchmark.json is removed first, and images of ours that the new spec
     * does not have are deleted). Every file is written atomically and benchmark.json last, so a
     * killed generation is never mistaken for a complete one.
     */
    public static GeneratedBenchmark generate(SyntheticSpec spec, Path outDir, boolean overwrite) {
        long t0 = System.nanoTime();
        Path dir = outDir.toAbsolutePath().normalize();
        Path specFile = dir.resolve(SPEC_FILE);
        Map<String, List<SampleAttributes>> samples = samples(spec);
        Map<String, Path> csvFiles = new LinkedHashMap<>();
        for (String s : spec.splitNames()) {
            csvFiles.put(s, dir.resolve(s + ".csv"));
        }
        if (Files.exists(specFile)) {
            SyntheticSpec existing = null;
            String problem = null;
            try {
                existing = Json.read(specFile, SyntheticSpec.class);
            } catch (UserException e) {
                problem = e.getMessage();
            }
            if (existing != null && existing.sameGeneration(spec)) {
                String missing = firstMissing(dir, csvFiles, samples);
                if (missing == null) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    LOG.info("Reusing the existing synthetic benchmark in {} (same spec, fingerprint {}); "
                            + "not regenerating", dir, spec.fingerprint());
                    return new GeneratedBenchmark(dir, existing.withName(spec.name()), true, csvFiles, samples, ms);
                }
                LOG.warn("{} matches the spec but {} is missing: regenerating", specFile, missing);
            } else if (!overwrite) {
                throw new UserException(dir + " already holds a different synthetic benchmark ("
                        + (existing != null ? "preset " + existing.name() + ", fingerprint " + existing.fingerprint()
                        : "unreadable benchmark.json: " + problem)
                        + "; requested fingerprint " + spec.fingerprint()
                        + "). Choose another output directory, or overwrite it (--force).");
            }
            try {
                Files.delete(specFile);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove " + specFile + ": " + e.getMessage(), e);
            }
        }
        Path images = dir.resolve(IMAGE_DIR);
        try {
            Files.createDirectories(images);
        } catch (IOException e) {
            throw new UserException("Cannot create " + images + ": " + e.getMessage(), e);
        }
        List<SampleAttributes> all = new ArrayList<>();
        samples.values().forEach(all::addAll);
        all.parallelStream().forEach(a -> {
            byte[] bytes = png(render(spec, a));
            AtomicFiles.write(images.resolve(a.imageName() + ".png"), out -> out.write(bytes));
        });
        if (overwrite) {
            removeStaleImages(images, all);
        }
        for (String s : spec.splitNames()) {
            AtomicFiles.writeString(csvFiles.get(s), csv(spec, samples.get(s)));
        }
        Json.write(specFile, spec);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("Generated synthetic benchmark '{}' ({} images of {}x{}) in {} in {} ms", spec.name(), all.size(),
                spec.imageSize(), spec.imageSize(), dir, ms);
        return new GeneratedBenchmark(dir, spec, false, csvFiles, samples, ms);
    }

    private static String firstMissing(Path dir, Map<String, Path> csvFiles, Map<String, List<SampleAttributes>> samples) {
        for (Path p : csvFiles.values()) {
            if (!Files.isRegularFile(p)) {
                return p.getFileName().toString();
            }
        }
        Path images = dir.resolve(IMAGE_DIR);
        for (List<SampleAttributes> list : samples.values()) {
            for (SampleAttributes a : list) {
                Path p = images.resolve(a.imageName() + ".png");
                if (!Files.isRegularFile(p)) {
                    return IMAGE_DIR + "/" + p.getFileName();
                }
            }
        }
        return null;
    }

    /** Deletes syn_*.png files in images/ that are not part of the current sample set. */
    private static void removeStaleImages(Path images, List<SampleAttributes> all) {
        Set<String> keep = new HashSet<>();
        for (SampleAttributes a : all) {
            keep.add(a.imageName() + ".png");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(images, "syn_*.png")) {
            for (Path p : ds) {
                if (!keep.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean " + images + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ preview

    /**
     * A contact sheet: the samples in a grid of {@code columns}, each drawn and scaled to cell x cell
     * pixels with a caption (class, skin, marked/ruler, device).
     */
    public static BufferedImage contactSheet(SyntheticSpec spec, List<SampleAttributes> samples, int columns, int cell) {
        int rows = (samples.size() + columns - 1) / columns;
        int caption = 14;
        BufferedImage sheet = new BufferedImage(columns * cell, Math.max(1, rows) * (cell + caption),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            List<String> names = spec.classNames();
            for (int k = 0; k < samples.size(); k++) {
                SampleAttributes a = samples.get(k);
                int x = (k % columns) * cell;
                int y = (k / columns) * (cell + caption);
                g.drawImage(render(spec, a), x, y, cell, cell, null);
                String name = names.get(a.label());
                String text = String.format(Locale.ROOT, "%s %s%s%s d%d", name.length() > 8 ? name.substring(0, 8) : name,
                        a.skinTone() == 1 ? "dark" : "light", a.marked() ? " ink" : "", a.ruler() ? " rul" : "",
                        a.device());
                g.setColor(Color.BLACK);
                g.drawString(text, x + 3, y + cell + caption - 3);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
