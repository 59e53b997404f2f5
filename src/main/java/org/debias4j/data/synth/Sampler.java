package org.debias4j.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decides labels and attributes of every sample of a split. Counts are exact: class counts by
 * largest remainder of size x prevalence, and per class the number of samples with an attribute is
 * round(rate x class count); which samples get it is a seeded shuffle. Metadata and the render seed
 * come from a per-image stream derived from (seed, split, index).
 */
final class Sampler {
    private static final long P_LABELS = 1;
    private static final long P_IMAGE = 2;
    private static final long P_ATTRIBUTE = 16; // + attribute ordinal

    private static final String[] SITES = {"torso", "lower extremity", "upper extremity", "head/neck", "palms/soles",
            "oral/genital"};
    private static final double[] SITE_WEIGHTS = {0.50, 0.25, 0.15, 0.06, 0.02, 0.02};

    private Sampler() {
    }

    static List<SampleAttributes> sample(SyntheticSpec spec, SplitSpec split) {
        int n = split.size();
        int[] labels = labels(spec, split);
        boolean[] marked = binary(spec, split, labels, BiasAttribute.MARKED);
        boolean[] ruler = binary(spec, split, labels, BiasAttribute.RULER);
        boolean[] dark = binary(spec, split, labels, BiasAttribute.SKIN);
        int[] device = devices(spec, split, labels);
        List<SampleAttributes> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = Seeds.rng(spec.seed(), split.name(), i, P_IMAGE);
            String patient = String.format("IP_%07d", rng.nextInt(10_000_000));
            String sex = rng.nextDouble() < 0.52 ? "male" : "female";
            double age = 50 + 16 * rng.nextGaussian();
            int ageApprox = (int) Math.max(15, Math.min(90, 5 * Math.round(age / 5)));
            String site = SITES[pick(rng.nextDouble(), SITE_WEIGHTS)];
            long renderSeed = rng.nextLong();
            String name = String.format("syn_%s_%06d", split.name(), i);
            out.add(new SampleAttributes(split.name(), i, name, labels[i], dark[i] ? 1 : 0, marked[i], ruler[i],
                    device[i], patient, sex, ageApprox, site, renderSeed));
        }
        return out;
    }

    private static int pick(double u, double[] weights) {
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Exact class counts (largest remainder), shuffled. */
    static int[] labels(SyntheticSpec spec, SplitSpec split) {
        int n = split.size();
        int k = spec.numClasses();
        int[] counts = new int[k];
        double[] rem = new double[k];
        int assigned = 0;
        for (int c = 0; c < k; c++) {
            double exact = n * spec.classPrevalence().get(c);
            counts[c] = (int) Math.floor(exact);
            rem[c] = exact - counts[c];
            assigned += counts[c];
        }
        while (assigned < n) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (rem[c] > rem[best] + 1e-12) {
                    best = c;
                }
            }
            counts[best]++;
            rem[best] = -1;
            assigned++;
        }
        int[] labels = new int[n];
        int p = 0;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < counts[c]; j++) {
                labels[p++] = c;
            }
        }
        shuffle(labels, Seeds.rng(spec.seed(), split.name(), -1, P_LABELS));
        return labels;
    }

    /** Indices of the samples of class c, in a seeded random order specific to the attribute. */
    private static int[] classMembers(SyntheticSpec spec, SplitSpec split, int[] labels, int c, BiasAttribute a) {
        int count = 0;
        for (int l : labels) {
            if (l == c) {
                count++;
            }
        }
        int[] idx = new int[count];
        int p = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == c) {
                idx[p++] = i;
            }
        }
        shuffle(idx, Seeds.rng(spec.seed(), split.name(), c, P_ATTRIBUTE + a.ordinal()));
        return idx;
    }

    /** The rate of a binary attribute for class c in this split. */
    static double presentRate(SyntheticSpec spec, SplitSpec split, BiasAttribute a, int c) {
        Double p = split.correlation(a);
        if (p == null) {
            return spec.baseRates().of(a);
        }
        return spec.alignedClass(c) ? p : 1 - p;
    }

    private static boolean[] binary(SyntheticSpec spec, SplitSpec split, int[] labels, BiasAttribute a) {
        boolean[] out = new boolean[labels.length];
        for (int c = 0; c < spec.numClasses(); c++) {
            int[] idx = classMembers(spec, split, labels, c, a);
            long k = Math.round(presentRate(spec, split, a, c) * idx.length);
            for (int j = 0; j < k; j++) {
                out[idx[j]] = true;
            }
        }
        return out;
    }

    private static int[] devices(SyntheticSpec spec, SplitSpec split, int[] labels) {
        int kDev = spec.devices();
        int half = kDev / 2;
        Double p = split.correlation(BiasAttribute.DEVICE);
        int[] out = new int[labels.length];
        for (int c = 0; c < spec.numClasses(); c++) {
            int[] idx = classMembers(spec, split, labels, c, BiasAttribute.DEVICE);
            SplittableRandom rng = Seeds.rng(spec.seed(), split.name(), c, P_ATTRIBUTE + 8);
            if (p == null) {
                int off = rng.nextInt(kDev);
                for (int j = 0; j < idx.length; j++) {
                    out[idx[j]] = (off + j) % kDev;
                }
                continue;
            }
            // own half: devices 0..K/2-1 for the aligned class group, K/2..K-1 for the others
            int ownStart = spec.alignedClass(c) ? 0 : half;
            int ownSize = spec.alignedClass(c) ? half : kDev - half;
            int otherStart = spec.alignedClass(c) ? half : 0;
            int otherSize = kDev - ownSize;
            long kOwn = Math.round(p * idx.length);
            int offOwn = rng.nextInt(ownSize);
            int offOther = rng.nextInt(otherSize);
            for (int j = 0; j < idx.length; j++) {
                out[idx[j]] = j < kOwn
                        ? ownStart + (int) ((offOwn + j) % ownSize)
                        : otherStart + (int) ((offOther + j - kOwn) % otherSize);
            }
        }
        return out;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
