package org.debias4j.data.synth;

import org.debias4j.util.UserException;

import java.util.regex.Pattern;

/**
 * One split of the benchmark: its name, its number of images and, per bias attribute, the
 * correlation with the label, defined as P(attribute aligned with the label).
 * <ul>
 *   <li>binary attribute (marked, ruler, skin = dark): p means P(present | aligned class) = p and
 *       P(present | other class) = 1 - p. The aligned class is melanoma for binary benchmarks and
 *       the first half of the class list (indices 0..numClasses/2-1) for multi-class ones.</li>
 *   <li>device: with probability p an aligned-class image comes from devices 0..K/2-1 and any
 *       other image from K/2..K-1 (else from the other half), uniform within the half.</li>
 *   <li>null: independent of the label, at the base rate ({@link BaseRates}; device uniform).</li>
 * </ul>
 * 0.5 is independent, 0.05 reversed ("flipped"). Counts are exact per class (rounded), not drawn.
 */
public record SplitSpec(String name, int size, Double marked, Double ruler, Double device, Double skin) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_]*");
    public static final int MAX_SIZE = 1_000_000;

    public SplitSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UserException("split name must match [a-z0-9][a-z0-9_]* (e.g. train), got '" + name + "'");
        }
        if (size < 0 || size > MAX_SIZE) {
            throw new UserException("split '" + name + "': size must be 0.." + MAX_SIZE + ", got " + size);
        }
        check(name, "marked", marked);
        check(name, "ruler", ruler);
        check(name, "device", device);
        check(name, "skin", skin);
    }

    private static void check(String split, String attr, Double p) {
        if (p != null && !(p >= 0 && p <= 1)) {
            throw new UserException("split '" + split + "': correlation " + attr
                    + " must be null (independent) or a probability in [0, 1], got " + p);
        }
    }

    /** The correlation of one attribute, null = independent at the base rate. */
    public Double correlation(BiasAttribute a) {
        return switch (a) {
            case MARKED -> marked;
            case RULER -> ruler;
            case DEVICE -> device;
            case SKIN -> skin;
        };
    }

    public SplitSpec withCorrelation(BiasAttribute a, Double p) {
        return new SplitSpec(name, size,
                a == BiasAttribute.MARKED ? p : marked,
                a == BiasAttribute.RULER ? p : ruler,
                a == BiasAttribute.DEVICE ? p : device,
                a == BiasAttribute.SKIN ? p : skin);
    }

    public SplitSpec withSize(int n) {
        return new SplitSpec(name, n, marked, ruler, device, skin);
    }

    /** A split where every attribute is independent of the label. */
    public static SplitSpec independent(String name, int size) {
        return new SplitSpec(name, size, null, null, null, null);
    }
}
