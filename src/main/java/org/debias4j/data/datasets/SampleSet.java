package org.debias4j.data.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of one dataset file, with the names of its label and attribute codes.
 *
 * @param name     dataset name (HAM10000, AtlasDerm, NIH, ...)
 * @param csv      the CSV read
 * @param classes  class names: label k is classes.get(k)
 * @param codes    for each bias label / sensitive attribute, the names of its codes (value k = codes.get(k));
 *                 numeric attributes (age in years) have no entry
 * @param samples  the samples, in CSV order (skipped rows left out)
 * @param skipped  one message per row left out with --skip-bad-rows
 */
public record SampleSet(String name, Path csv, List<String> classes, Map<String, List<String>> codes,
                        List<Sample> samples, List<String> skipped) {
    public SampleSet {
        classes = List.copyOf(classes);
        codes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(codes));
        samples = List.copyOf(samples);
        skipped = List.copyOf(skipped);
    }

    public int size() {
        return samples.size();
    }

    /** The samples matching a condition, under a new name. */
    public SampleSet filter(String newName, Predicate<Sample> keep) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (keep.test(s)) {
                out.add(s);
            }
        }
        return new SampleSet(newName, csv, classes, codes, out, skipped);
    }

    /** How many samples have each label. */
    public int[] labelCounts() {
        int[] n = new int[classes.size()];
        for (Sample s : samples) {
            if (s.label() >= 0) {
                n[s.label()]++;
            }
        }
        return n;
    }

    /**
     * The samples as an {@link org.debias4j.data.ImageDataset} for training or evaluation: label = {@link
     * Sample#label()}, and every bias label and sensitive attribute as an integer attribute (-1 = unknown).
     * Every sample needs an image (read with {@link ReadOptions#images}) and a single label.
     */
    public org.debias4j.data.ImageDataset toImageDataset(String datasetName) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Sample s : samples) {
            names.addAll(s.bias().keySet());
            names.addAll(s.sensitive().keySet());
        }
        List<Path> images = new ArrayList<>(samples.size());
        int[] labels = new int[samples.size()];
        Map<String, int[]> attrs = new LinkedHashMap<>();
        for (String n : names) {
            attrs.put(n, new int[samples.size()]);
        }
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (s.image() == null) {
                throw new org.debias4j.util.UserException(csv + " line " + s.line() + ": no image for '" + s.id()
                        + "' (read the dataset with its image folder)");
            }
            if (s.label() < 0) {
                throw new org.debias4j.util.UserException(csv + " line " + s.line() + ": '" + s.id()
                        + "' has no single label (e.g. several NIH findings); filter such samples out first");
            }
            images.add(s.image());
            labels[i] = s.label();
            for (Map.Entry<String, int[]> e : attrs.entrySet()) {
                e.getValue()[i] = s.hasAttribute(e.getKey()) ? s.attribute(e.getKey()) : -1;
            }
        }
        return new org.debias4j.data.ImageDataset(datasetName, images, labels, attrs);
    }

    /** Number of distinct groups (patients, lesions). */
    public int groups() {
        return (int) samples.stream().map(Sample::group).distinct().count();
    }
}
