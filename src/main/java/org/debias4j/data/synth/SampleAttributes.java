package org.debias4j.data.synth;

/**
 * Everything that is decided about one image before it is drawn: the label and the bias attributes
 * (what the CSV records) plus plausible ISIC metadata and the seed of its pixels. Obtain them with
 * {@link SyntheticBenchmark#samples(SyntheticSpec)}; draw one with
 * {@link SyntheticBenchmark#render(SyntheticSpec, SampleAttributes, long)}.
 *
 * @param split      split name
 * @param index      index within the split (0-based)
 * @param imageName  file stem, unique over the benchmark (images/&lt;imageName&gt;.png)
 * @param label      class index 0..numClasses-1 ({@link LesionClass#forLabel})
 * @param skinTone   0 light, 1 dark
 * @param marked     surgical-marking ink present
 * @param ruler      ruler present
 * @param device     imaging device 0..K-1
 * @param renderSeed seed of everything random in the pixels (derived from seed, split and index)
 */
public record SampleAttributes(String split, int index, String imageName, int label, int skinTone, boolean marked,
                               boolean ruler, int device, String patientId, String sex, int ageApprox, String site,
                               long renderSeed) {

    /** ISIC {@code target}: 1 for melanoma (label 1 in every benchmark), else 0. */
    public int target() {
        return label == LesionClass.MELANOMA.ordinal() ? 1 : 0;
    }

    /** ISIC {@code tfrecord}: index % 15, so the reference's 2020 fold map applies. */
    public int tfrecord() {
        return index % 15;
    }

    public LesionClass lesionClass() {
        return LesionClass.forLabel(label);
    }

    public SampleAttributes withLabel(int l) {
        return new SampleAttributes(split, index, imageName, l, skinTone, marked, ruler, device, patientId, sex,
                ageApprox, site, renderSeed);
    }

    public SampleAttributes withSkinTone(int tone) {
        return new SampleAttributes(split, index, imageName, label, tone, marked, ruler, device, patientId, sex,
                ageApprox, site, renderSeed);
    }

    public SampleAttributes withMarked(boolean m) {
        return new SampleAttributes(split, index, imageName, label, skinTone, m, ruler, device, patientId, sex,
                ageApprox, site, renderSeed);
    }

    public SampleAttributes withRuler(boolean r) {
        return new SampleAttributes(split, index, imageName, label, skinTone, marked, r, device, patientId, sex,
                ageApprox, site, renderSeed);
    }

    public SampleAttributes withDevice(int d) {
        return new SampleAttributes(split, index, imageName, label, skinTone, marked, ruler, d, patientId, sex,
                ageApprox, site, renderSeed);
    }

    /** A sample with the given visible attributes and neutral metadata, for drawing single images. */
    public static SampleAttributes of(int label, int skinTone, boolean marked, boolean ruler, int device) {
        return new SampleAttributes("adhoc", 0, "adhoc_000000", label, skinTone, marked, ruler, device, "IP_0000000",
                "female", 50, "torso", 0L);
    }
}
