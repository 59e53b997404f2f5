package org.debias4j.data.synth;

import org.debias4j.util.UserException;

/**
 * Probabilities used for an attribute whose correlation is null (absent) in a split: the attribute
 * is then independent of the label and present with this rate in every class. The device has no
 * base rate: an uncorrelated device is uniform over 0..K-1. {@code hair} is a label-independent
 * nuisance (a few dark hairs), never correlated and not in the CSV.
 */
public record BaseRates(double marked, double ruler, double darkSkin, double hair) {
    public static final BaseRates DEFAULT = new BaseRates(0.2, 0.2, 0.3, 0.2);

    public BaseRates {
        check("marked", marked);
        check("ruler", ruler);
        check("darkSkin", darkSkin);
        check("hair", hair);
    }

    private static void check(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new UserException("baseRates." + name + " must be a probability in [0, 1], got " + p);
        }
    }

    /** Base rate of a binary attribute; not defined for the device. */
    public double of(BiasAttribute a) {
        return switch (a) {
            case MARKED -> marked;
            case RULER -> ruler;
            case SKIN -> darkSkin;
            case DEVICE -> throw new IllegalArgumentException("the device has no base rate (uniform)");
        };
    }
}
