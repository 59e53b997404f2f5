package org.debias4j.data.synth;

import org.debias4j.util.UserException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The four attributes whose correlation with the label a {@link SplitSpec} controls.
 * Binary attributes are "present" when drawn (ink marking, ruler, dark skin); the device is K-valued
 * and "aligned" means it comes from the half of the devices assigned to the sample's class group.
 */
public enum BiasAttribute {
    /** Surgical-marking ink near the lesion (CSV column {@code marked}). */
    MARKED("marked"),
    /** Ruler strip at an image edge (CSV column {@code scale}). */
    RULER("ruler"),
    /** Imaging device 0..K-1 (CSV columns {@code device} and {@code size}). */
    DEVICE("device"),
    /** Skin tone, present = dark (CSV column {@code skin_tone}). */
    SKIN("skin");

    private final String key;

    BiasAttribute(String key) {
        this.key = key;
    }

    /** The name used in spec JSON files and on the command line. */
    public String key() {
        return key;
    }

    public static BiasAttribute parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (BiasAttribute a : values()) {
            if (a.key.equals(t)) {
                return a;
            }
        }
        throw new UserException("Unknown bias attribute '" + text + "'; expected one of " + keys());
    }

    public static String keys() {
        return Arrays.stream(values()).map(BiasAttribute::key).collect(Collectors.joining(", "));
    }
}
