package org.debias4j.data.synth;

import java.util.List;

/**
 * The fixed look of imaging device k: vignetting, a circular dermoscope field of view, colour cast,
 * contrast, resolution loss (downsample + bilinear upsample by {@code blurFactor}) and sensor noise.
 * Written to the CSV as the ISIC {@code size} column {@link #isicSize()}, so the reference's
 * instrument mapping (size column, 8 values in sorted-string order) recovers k exactly.
 *
 * @param index      device k
 * @param vignette   darkening at the corners (0 = none)
 * @param fov        radius of a circular field of view relative to half the image width (0 = none)
 * @param gainR      colour cast (channel gains)
 * @param contrast   contrast around mid-grey (1 = unchanged)
 * @param blurFactor resolution loss: 1 = none, f = downsample by f then upsample
 * @param noise      standard deviation of Gaussian sensor noise (0..1 intensity scale)
 */
public record Device(int index, double vignette, double fov, double gainR, double gainG, double gainB,
                     double contrast, double blurFactor, double noise) {

    /**
     * The ISIC 2020 image widths in sorted-string order, as the reference maps them to instrument
     * classes: device k is written as {@code ISIC_SIZES.get(k)}.
     */
    public static final List<Integer> ISIC_SIZES = List.of(1024, 1872, 2592, 3264, 4288, 5184, 6000, 640);

    private static final List<Device> TABLE = List.of(
            new Device(0, 0.40, 0.00, 1.07, 1.00, 0.90, 1.00, 1.6, 0.012),
            new Device(1, 0.10, 0.00, 0.93, 1.00, 1.09, 1.06, 1.0, 0.030),
            new Device(2, 0.00, 0.96, 1.00, 1.05, 0.95, 1.00, 1.0, 0.008),
            new Device(3, 0.55, 0.00, 1.06, 0.94, 1.05, 0.94, 2.0, 0.018),
            new Device(4, 0.20, 0.00, 1.00, 1.00, 1.00, 1.14, 1.0, 0.045),
            new Device(5, 0.00, 1.02, 1.09, 1.04, 0.88, 1.00, 1.3, 0.005),
            new Device(6, 0.28, 0.00, 0.91, 1.02, 1.06, 1.10, 1.0, 0.000),
            new Device(7, 0.30, 0.88, 1.03, 0.97, 0.97, 0.92, 2.6, 0.025));

    /** Device k (0..7). */
    public static Device of(int k) {
        if (k < 0 || k >= TABLE.size()) {
            throw new IllegalArgumentException("device must be 0.." + (TABLE.size() - 1) + ", got " + k);
        }
        return TABLE.get(k);
    }

    /** The ISIC {@code size} column value for this device. */
    public int isicSize() {
        return ISIC_SIZES.get(index);
    }

    /** Inverse of {@link #isicSize()}: the device written as this size, or -1. */
    public static int fromIsicSize(int size) {
        return ISIC_SIZES.indexOf(size);
    }
}
