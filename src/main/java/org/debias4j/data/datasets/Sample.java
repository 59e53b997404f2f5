package org.debias4j.data.datasets;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * One sample of any real dataset, the common record every reader yields.
 *
 * @param line      line of the sample in its CSV (header = line 1), for messages
 * @param id        the sample's id in its dataset (image_name, image_id, md5hash, Image Index)
 * @param image     the image file (null when the dataset's images are not available, e.g. Heidelberg)
 * @param label     class index into {@link SampleSet#classes()} (-1 when the sample has no single label,
 *                  e.g. an NIH image with several findings)
 * @param labels    multi-hot over {@link SampleSet#classes()} for multi-label datasets (NIH), else null
 * @param bias      bias labels (artefacts: marked, scale, instrument), codes named in {@link SampleSet#codes()}
 * @param sensitive sensitive attributes (sex, age_group, skin_type, ...), -1 = unknown
 * @param group     the unit a split must not cut (patient_id, lesion_id; the id itself when there is none)
 */
public record Sample(int line, String id, Path image, int label, int[] labels, Map<String, Integer> bias,
                     Map<String, Integer> sensitive, String group) {
    public Sample {
        bias = Map.copyOf(bias);
        sensitive = Map.copyOf(sensitive);
        labels = labels == null ? null : labels.clone();
    }

    @Override
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** A bias label or sensitive attribute by name (-1 when the sample has it as unknown). */
    public int attribute(String name) {
        Integer v = bias.get(name);
        if (v == null) {
            v = sensitive.get(name);
        }
        if (v == null) {
            throw new IllegalArgumentException("no attribute '" + name + "' (bias " + bias.keySet() + ", sensitive "
                    + sensitive.keySet() + ")");
        }
        return v;
    }

    public boolean hasAttribute(String name) {
        return bias.containsKey(name) || sensitive.containsKey(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && line == s.line && label == s.label && id.equals(s.id)
                && java.util.Objects.equals(image, s.image) && Arrays.equals(labels, s.labels) && bias.equals(s.bias)
                && sensitive.equals(s.sensitive) && group.equals(s.group);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(line, id, image, label, Arrays.hashCode(labels), bias, sensitive, group);
    }

    @Override
    public String toString() {
        return "Sample[line=" + line + ", id=" + id + ", label=" + label + (labels != null ? ", labels="
                + Arrays.toString(labels) : "") + ", bias=" + bias + ", sensitive=" + sensitive + ", group=" + group + "]";
    }
}
