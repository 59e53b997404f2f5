package org.debias4j.cli;

import org.debias4j.data.datasets.BenchmarkWriter;
import org.debias4j.data.datasets.Datasets;
import org.debias4j.data.datasets.ImageHeader;
import org.debias4j.data.datasets.LffBenchmark;
import org.debias4j.data.datasets.Sample;
import org.debias4j.data.datasets.SampleSet;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code benchmark}: a Learning-from-Failure bias benchmark from a real dataset (biased train with aligned
 * fraction p, unbiased and flipped tests, grouped by patient or lesion), written as the CSV folder that
 * {@code train --csv-dir} reads, with a count table per (target, bias) cell.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a bias benchmark (Learning-from-Failure splits) from a real dataset: train with a "
                + "fraction p of bias-aligned samples per class, val like train, test_unbiased with equal "
                + "(target, bias) cells, test_flipped with the correlation reversed, train_unbiased; by seed; no "
                + "patient or lesion in two splits. Writes OUT/SPLIT.csv for `train --csv-dir OUT --bias-column bias`.",
                "Example: benchmark --dataset ham10000 --data ../shared/data/ham10000 --positive mel --negative nv "
                        + "--attribute sex --aligned-value male --out data/ham-sex"})
public final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "ham10000", description = "ham10000, fitzpatrick17k, nih, biaspruner, isic (default ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--data", required = true, description = "ham10000: its folder; others: the CSV file")
    Path data;
    @Option(names = "--image-dir", description = "image folder (ham10000: default DATA/images)")
    Path imageDir;
    @Option(names = "--labels", description = "fitzpatrick17k label: three (default), nine or condition")
    String labels;
    @Option(names = "--positive", split = ",", description = "classes of target 1 (names or indices), e.g. mel (required)")
    List<String> positive;
    @Option(names = "--negative", split = ",", description = "classes of target 0 (default: every other class)")
    List<String> negative;
    @Option(names = "--attribute", description = "bias attribute: sex, age_group, skin_tone, marked, ... (or --inject)")
    String attribute;
    @Option(names = "--inject", description = "markings or rulers: draw the synthetic generator's artefact on the images "
            + "of the bias-1 samples (the bias is assigned, not read) and write the images into OUT/images")
    String inject;
    @Option(names = "--image-size", defaultValue = "128", description = "side of the images drawn with --inject (default ${DEFAULT-VALUE})")
    int injectSize;
    @Option(names = "--aligned-value", defaultValue = "1",
            description = "attribute value that goes with the positive class (name or code; default ${DEFAULT-VALUE}); bias = 1 for it, 0 for other known values")
    String alignedValue;
    @Option(names = "--aligned-fraction", defaultValue = "0.9", description = "p: bias-aligned fraction per class in train (default ${DEFAULT-VALUE})")
    double alignedFraction;
    @Option(names = "--val-fraction", defaultValue = "0.1", description = "share of the samples (by group) for validation (default ${DEFAULT-VALUE})")
    double valFraction;
    @Option(names = "--test-fraction", defaultValue = "0.2", description = "share of the samples (by group) for the tests (default ${DEFAULT-VALUE})")
    double testFraction;
    @Option(names = "--unbiased-val", description = "validation with equal cells instead of biased like train")
    boolean unbiasedVal;
    @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", description = "output folder (new, empty, or an earlier benchmark; required)")
    Path out;
    @Option(names = "--no-image-link", description = "do not link OUT/images to the image folder (train then needs --image-dir)")
    boolean noLink;
    @Option(names = "--skip-bad-rows", description = "leave out rows with unknown labels or missing/corrupt/too large images, and report them")
    boolean skipBadRows;
    @Option(names = "--max-pixels", defaultValue = "" + ImageHeader.MAX_PIXELS, description = "largest image (width*height) accepted (default ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(names = "--decode-rate", paramLabel = "N", defaultValue = "0",
            description = "instead of building: decode and resize the first N images of the dataset through the "
                    + "training pipeline and print images/s")
    int decodeRate;
    @Option(names = "--decode-size", defaultValue = "256", description = "with --decode-rate: output side (default ${DEFAULT-VALUE})")
    int decodeSize;
    @Option(names = "--num-workers", defaultValue = "2", description = "with --decode-rate: decoding threads (default ${DEFAULT-VALUE})")
    int numWorkers;

    @Override
    public Integer call() {
        SampleSet set = Datasets.load(dataset, data, imageDir, labels, skipBadRows);
        if (decodeRate > 0) {
            return decodeRate(set);
        }
        if (positive == null || out == null) {
            throw new UserException("--positive and --out are required to build a benchmark");
        }
        BenchmarkWriter.checkOutput(out); // before any work: never write into a folder of other files
        List<String> skipped = new ArrayList<>(set.skipped());
        List<Sample> ok = checkImages(set, skipped);
        int[] pos = classes(set, positive, "--positive");
        int[] neg = negative == null ? null : classes(set, negative, "--negative");
        if ((attribute == null) == (inject == null)) {
            throw new UserException("give either --attribute (a bias the dataset records) or --inject markings|rulers");
        }
        if (inject != null) {
            return injected(set, ok, pos, neg, skipped);
        }
        int aligned = attributeValue(set);
        List<LffBenchmark.Item> items = new ArrayList<>();
        int unknown = 0;
        for (Sample s : ok) {
            if (!s.hasAttribute(attribute)) {
                throw new UserException(set.csv() + " line " + s.line() + ": no attribute '" + attribute + "'; this dataset has "
                        + attributes(s));
            }
            int y = contains(pos, s.label()) ? 1 : (neg == null ? s.label() >= 0 : contains(neg, s.label())) ? 0 : -1;
            int a = s.attribute(attribute);
            if (y < 0) {
                continue;
            }
            if (a < 0) {
                unknown++;
                continue;
            }
            items.add(new LffBenchmark.Item(s, y, a == aligned ? 1 : 0));
        }
        LffBenchmark.Spec spec = new LffBenchmark.Spec(alignedFraction, valFraction, testFraction, unbiasedVal, seed);
        LffBenchmark.Result r = LffBenchmark.build(items, spec, set.name() + " (" + set.csv() + ")");
        Map<String, Object> info = info(set, pos, neg, skipped, "attribute", attribute, "alignedValue", alignedValue);
        Path images = Datasets.imageDir(dataset, data, imageDir);
        BenchmarkWriter.checkOutput(out);
        String note = BenchmarkWriter.write(out, r, images, !noLink, info);

        String target1 = String.join("+", names(set, pos));
        String target0 = neg == null ? "other" : String.join("+", names(set, neg));
        List<String> codes = set.codes().get(attribute);
        String bias1 = attribute + "=" + (codes != null && aligned < codes.size() ? codes.get(aligned) : aligned);
        String bias0 = codes != null && codes.size() == 2 && aligned < 2 ? attribute + "=" + codes.get(1 - aligned) : attribute + "!=" + bias1.substring(attribute.length() + 1);
        System.out.println(BenchmarkWriter.table(String.format(Locale.ROOT, "%s benchmark: %s vs %s, bias %s, p = %.3f, seed %d (%d candidates%s)",
                set.name(), target1, target0, attribute, alignedFraction, seed, items.size(),
                unknown > 0 ? ", " + unknown + " with unknown " + attribute + " left out" : ""), r, target0, target1, bias0, bias1).toText());
        printSkipped(skipped);
        System.out.println("Wrote " + String.join(", ", r.splits().keySet().stream().map(s -> s + ".csv").toList()) + " to "
                + out.toAbsolutePath().normalize());
        if (note != null) {
            System.out.println("Note: " + note);
        }
        System.out.println("Train: debias4j train --test-no N --csv-dir " + out + " --bias-column bias");
        return 0;
    }

    /**
     * Decode + centre-crop + resize rate of the training pipeline (DataVec NativeImageLoader, no cache), over the
     * first N images, once with one thread and once with --num-workers; a warm-up of 50 images first.
     */
    private Integer decodeRate(SampleSet set) {
        List<Path> files = set.samples().stream().map(Sample::image).filter(java.util.Objects::nonNull).limit(decodeRate + 50L).toList();
        if (files.size() <= 50) {
            throw new UserException("--decode-rate needs more than 50 images; " + set.name() + " has " + files.size());
        }
        List<Path> warm = files.subList(0, 50);
        List<Path> timed = files.subList(50, files.size());
        System.out.printf(Locale.ROOT, "Decode + centre crop + resize to %d px (DataVec NativeImageLoader, the training pipeline), "
                + "%d %s images:%n", decodeSize, timed.size(), set.name());
        for (int workers : numWorkers > 1 ? new int[]{1, numWorkers} : new int[]{1}) {
            org.debias4j.data.ImagePipeline pipe = new org.debias4j.data.ImagePipeline(decodeSize, false, workers);
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(workers);
            try {
                pool.submit(() -> warm.parallelStream().forEach(pipe::pixels)).get();
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                pool.submit(() -> timed.parallelStream().forEach(pipe::pixels)).get();
                double s = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuNanos() - c0) / 1e9;
                // per CPU-second too: wall time on a shared machine follows the other processes' load
                System.out.printf(Locale.ROOT, "  %d thread%s: %.1f images/s (%.2f s), %.1f images per CPU-second%n",
                        workers, workers == 1 ? "" : "s", timed.size() / s, s, cpu > 0 ? timed.size() / cpu : Double.NaN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserException("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdown();
            }
        }
        return 0;
    }

    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private Integer injected(SampleSet set, List<Sample> ok, int[] pos, int[] neg, List<String> skipped) {
        String attr = org.debias4j.data.datasets.ArtefactInjection.attribute(inject);
        if (injectSize < 16 || injectSize > 1024) {
            throw new UserException("--image-size must be between 16 and 1024, got " + injectSize);
        }
        List<LffBenchmark.Item> items = new ArrayList<>();
        for (Sample s : ok) {
            int y = contains(pos, s.label()) ? 1 : (neg == null ? s.label() >= 0 : contains(neg, s.label())) ? 0 : -1;
            if (y >= 0) {
                items.add(new LffBenchmark.Item(s, y, 0));
            }
        }
        LffBenchmark.Spec spec = new LffBenchmark.Spec(alignedFraction, valFraction, testFraction, unbiasedVal, seed);
        LffBenchmark.Result r = LffBenchmark.assigned(items, spec, set.name() + " (" + set.csv() + ")");
        BenchmarkWriter.checkOutput(out);
        Path images = out.resolve("images");
        if (java.nio.file.Files.isSymbolicLink(images)) {
            throw new UserException(images + " is a link (an earlier benchmark without --inject): choose another --out");
        }
        int n = org.debias4j.data.datasets.ArtefactInjection.images(r, attr);
        System.out.println("Drawing " + n + " images (" + injectSize + " px, " + attr + " on the bias-1 ones) into " + images);
        try (me.tongfei.progressbar.ProgressBar bar = PreprocessCommand.progress("inject", n)) {
            r = org.debias4j.data.datasets.ArtefactInjection.render(r, attr, images, injectSize, seed, maxPixels,
                    bar == null ? null : d -> bar.step());
        }
        Map<String, Object> info = info(set, pos, neg, skipped, "inject", attr, "imageSize", injectSize);
        BenchmarkWriter.write(out, r, images, false, info);
        String target1 = String.join("+", names(set, pos));
        String target0 = neg == null ? "other" : String.join("+", names(set, neg));
        System.out.println(BenchmarkWriter.table(String.format(Locale.ROOT,
                "%s benchmark with injected %s: %s vs %s, p = %.3f, seed %d (%d candidates)", set.name(), attr, target1,
                target0, alignedFraction, seed, items.size()), r, target0, target1, attr + "=0", attr + "=1").toText());
        printSkipped(skipped);
        System.out.println("Wrote " + String.join(", ", r.splits().keySet().stream().map(s -> s + ".csv").toList())
                + " and images/ to " + out.toAbsolutePath().normalize());
        System.out.println("Train: debias4j train --test-no N --csv-dir " + out + (attr.equals("marked") ? " --marked" : " --rulers"));
        return 0;
    }

    /** What benchmark.json records about how the splits were made; {@code kind} is (key, value) pairs of the variant. */
    private Map<String, Object> info(SampleSet set, int[] pos, int[] neg, List<String> skipped, Object... kind) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("dataset", set.name());
        info.put("source", set.csv().toAbsolutePath().normalize().toString());
        info.put("positive", names(set, pos));
        info.put("negative", neg == null ? "every other class" : names(set, neg));
        for (int i = 0; i < kind.length; i += 2) {
            info.put((String) kind[i], kind[i + 1]);
        }
        info.put("alignedFraction", alignedFraction);
        info.put("valFraction", valFraction);
        info.put("testFraction", testFraction);
        info.put("unbiasedVal", unbiasedVal);
        info.put("seed", seed);
        info.put("skippedRows", skipped.size());
        info.put("skipped", skipped);
        return info;
    }

    private void printSkipped(List<String> skipped) {
        if (!skipped.isEmpty()) {
            System.out.println("Skipped " + skipped.size() + " bad rows (--skip-bad-rows):");
            skipped.stream().limit(20).forEach(m -> System.out.println("  " + m));
            if (skipped.size() > 20) {
                System.out.println("  ... and " + (skipped.size() - 20) + " more (see " + out.resolve(BenchmarkWriter.SPEC_FILE) + ")");
            }
        }
    }

    /** Every image's header must be a JPEG or PNG of at most --max-pixels; bad ones stop or are skipped. */
    private List<Sample> checkImages(SampleSet set, List<String> skipped) {
        List<Sample> ok = new ArrayList<>(set.size());
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean[] good = new boolean[set.size()];
        java.util.stream.IntStream.range(0, set.size()).parallel().forEach(i -> {
            Sample s = set.samples().get(i);
            try {
                if (s.image() != null) {
                    ImageHeader.requireDecodable(s.image(), maxPixels);
                }
                good[i] = true;
            } catch (UserException e) {
                problems.add(set.csv() + " line " + s.line() + ": " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            problems.sort(null);
            if (!skipBadRows) {
                throw new UserException(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1)
                        + " more bad images; --skip-bad-rows leaves them out)" : ""));
            }
            skipped.addAll(problems);
        }
        for (int i = 0; i < good.length; i++) {
            if (good[i]) {
                ok.add(set.samples().get(i));
            }
        }
        return ok;
    }

    private static int[] classes(SampleSet set, List<String> names, String option) {
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            String n = names.get(i).strip();
            int k = -1;
            for (int c = 0; c < set.classes().size(); c++) {
                if (set.classes().get(c).equalsIgnoreCase(n)) {
                    k = c;
                }
            }
            if (k < 0 && n.matches("\\d+") && Integer.parseInt(n) < set.classes().size()) {
                k = Integer.parseInt(n);
            }
            if (k < 0) {
                throw new UserException(option + ": unknown class '" + n + "' for " + set.name() + "; its classes are "
                        + set.classes());
            }
            out[i] = k;
        }
        return out;
    }

    private int attributeValue(SampleSet set) {
        List<String> codes = set.codes().get(attribute);
        if (codes != null) {
            for (int k = 0; k < codes.size(); k++) {
                if (codes.get(k).equalsIgnoreCase(alignedValue.strip())) {
                    return k;
                }
            }
        }
        try {
            return Integer.parseInt(alignedValue.strip());
        } catch (NumberFormatException e) {
            throw new UserException("--aligned-value '" + alignedValue + "' is not a value of " + attribute
                    + (codes != null ? "; its values are " + codes + " (or their codes 0.." + (codes.size() - 1) + ")" : "; give its integer code"));
        }
    }

    private static String attributes(Sample s) {
        List<String> a = new ArrayList<>(s.bias().keySet());
        a.addAll(s.sensitive().keySet());
        return a.toString();
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static List<String> names(SampleSet set, int[] k) {
        List<String> out = new ArrayList<>();
        for (int i : k) {
            out.add(set.classes().get(i));
        }
        return out;
    }
}
