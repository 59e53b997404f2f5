package org.debias4j.data.datasets;

import org.debias4j.eval.MetricTable;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes an {@link LffBenchmark.Result} as the CSV folder `train --csv-dir` reads: one SPLIT.csv per split
 * with image_name (relative to the image folder), patient_id (the group), target (0/1), bias (0/1; aligned
 * when equal to target), label (class index in the source dataset) and every attribute of the samples, plus
 * benchmark.json (what was built and the cell counts). {@code images} in the folder links to the source
 * image folder, so `train --csv-dir OUT` finds the images without copying them.
 */
public final class BenchmarkWriter {
    public static final String SPEC_FILE = "benchmark.json";

    private BenchmarkWriter() {
    }

    /** Refuses a non-empty folder that is not an earlier benchmark: the tool never overwrites other files. */
    public static void checkOutput(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a file; expected a folder");
        }
        try (var s = Files.list(out)) {
            if (s.findAny().isPresent() && !Files.exists(out.resolve(SPEC_FILE))) {
                throw new UserException("--out " + out + " is not empty and holds no " + SPEC_FILE
                        + "; choose a new or empty folder (nothing is overwritten)");
            }
        } catch (IOException e) {
            throw new UserException("Cannot list " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the splits (call {@link #checkOutput} first). {@code imageDir} is the source image folder (image names are written relative to it);
     * {@code link} makes out/images a symbolic link to it (when the file system allows; otherwise train needs
     * --image-dir, which the returned note says).
     */
    public static String write(Path out, LffBenchmark.Result result, Path imageDir, boolean link, Map<String, Object> info) {
        Path base = imageDir.toAbsolutePath().normalize();
        TreeSet<String> attributes = new TreeSet<>();
        for (List<LffBenchmark.Item> items : result.splits().values()) {
            for (LffBenchmark.Item i : items) {
                attributes.addAll(i.sample().bias().keySet());
                attributes.addAll(i.sample().sensitive().keySet());
            }
        }
        attributes.removeAll(List.of("target", "bias", "label", "image_name", "patient_id"));
        for (Map.Entry<String, List<LffBenchmark.Item>> e : result.splits().entrySet()) {
            StringBuilder sb = new StringBuilder("image_name,patient_id,target,bias,label");
            for (String a : attributes) {
                sb.append(',').append(a);
            }
            sb.append('\n');
            for (LffBenchmark.Item i : e.getValue()) {
                Sample s = i.sample();
                String name = base.relativize(s.image().toAbsolutePath().normalize()).toString().replace('\\', '/');
                sb.append(quote(name)).append(',').append(quote(s.group())).append(',').append(i.target()).append(',')
                        .append(i.bias()).append(',').append(s.label());
                for (String a : attributes) {
                    sb.append(',').append(s.hasAttribute(a) ? s.attribute(a) : -1);
                }
                sb.append('\n');
            }
            AtomicFiles.writeString(out.resolve(e.getKey() + ".csv"), sb.toString());
        }
        String note = null;
        Path images = out.resolve("images");
        if (images.toAbsolutePath().normalize().equals(base)) {
            // the images are the benchmark's own (drawn by --inject): nothing to link
        } else if (link) {
            try {
                if (Files.isSymbolicLink(images)) {
                    Files.delete(images); // our own link from an earlier run; never a real folder
                }
                if (!Files.exists(images)) {
                    Files.createSymbolicLink(images, base);
                } else if (!Files.isSameFile(images, base)) {
                    note = out.resolve("images") + " exists and is not the image folder: train with --image-dir " + base;
                }
            } catch (IOException | UnsupportedOperationException e) {
                note = "could not link " + images + " to the images (" + e.getMessage() + "): train with --image-dir " + base;
            }
        } else {
            note = "train with --image-dir " + base;
        }
        Map<String, Object> spec = new LinkedHashMap<>(info);
        spec.put("imageDir", base.toString());
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String split : result.splits().keySet()) {
            int[] c = result.cells(split);
            counts.put(split, Map.of("n", result.splits().get(split).size(), "cells_target_bias_00_01_10_11", c));
        }
        spec.put("counts", counts);
        Json.write(out.resolve(SPEC_FILE), spec);
        return note;
    }

    /** The count table: per split, samples, groups, the four (target, bias) cells and the aligned fraction. */
    public static MetricTable table(String title, LffBenchmark.Result result, String target0, String target1,
                                    String bias0, String bias1) {
        List<String> cols = new ArrayList<>(List.of("split", "n", "groups"));
        cols.add(target0 + " & " + bias0);
        cols.add(target0 + " & " + bias1);
        cols.add(target1 + " & " + bias0);
        cols.add(target1 + " & " + bias1);
        cols.add("aligned");
        MetricTable t = new MetricTable(title, cols.toArray(String[]::new)).digits(3);
        for (Map.Entry<String, List<LffBenchmark.Item>> e : result.splits().entrySet()) {
            int[] c = result.cells(e.getKey());
            int n = e.getValue().size();
            long groups = e.getValue().stream().map(i -> i.sample().group()).distinct().count();
            t.row(e.getKey(), n, (int) groups, c[0], c[1], c[2], c[3], n == 0 ? Double.NaN : (c[0] + c[3]) / (double) n);
        }
        return t;
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
