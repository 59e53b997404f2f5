package org.debias4j.data.synth;

import java.util.List;

/**
 * Realised composition of one split: size, positives, and per class group the fraction of samples
 * with each bias attribute. The groups are the aligned classes (melanoma in a binary benchmark, the
 * first half of the classes otherwise) and the other classes.
 */
public record SplitStats(String split, int count, int melanoma, Group aligned, Group other) {

    /** Fractions within one class group ({@code n} samples). */
    public record Group(int n, double marked, double ruler, double darkSkin, double deviceFirstHalf) {
    }

    /** Fraction of melanoma images (target = 1). */
    public double prevalence() {
        return count == 0 ? 0 : (double) melanoma / count;
    }

    public static SplitStats of(SyntheticSpec spec, String split, List<SampleAttributes> samples) {
        int mel = 0;
        for (SampleAttributes a : samples) {
            mel += a.target();
        }
        return new SplitStats(split, samples.size(), mel, group(spec, samples, true), group(spec, samples, false));
    }

    private static Group group(SyntheticSpec spec, List<SampleAttributes> samples, boolean aligned) {
        int n = 0;
        int marked = 0;
        int ruler = 0;
        int dark = 0;
        int first = 0;
        int half = spec.devices() / 2;
        for (SampleAttributes a : samples) {
            if (spec.alignedClass(a.label()) != aligned) {
                continue;
            }
            n++;
            marked += a.marked() ? 1 : 0;
            ruler += a.ruler() ? 1 : 0;
            dark += a.skinTone();
            first += a.device() < half ? 1 : 0;
        }
        double d = Math.max(1, n);
        return new Group(n, marked / d, ruler / d, dark / d, first / d);
    }
}
