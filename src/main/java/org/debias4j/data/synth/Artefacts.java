package org.debias4j.data.synth;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * The synthetic generator's artefacts drawn onto real images: surgical-marking ink around the lesion and a
 * ruler along an edge, with the same strokes, colours and randomness as in the synthetic benchmark, so an
 * artefact-biased benchmark can be built from real dermoscopy (HAM10000) by `benchmark --inject`.
 */
public final class Artefacts {
    private Artefacts() {
    }

    /**
     * A copy of a square RGB image with ink ({@code marked}) and/or a ruler drawn on it. Where the ink goes
     * comes from the lesion found in the image (the centroid and size of its darker-than-usual pixels;
     * the centre when none stand out); everything else from {@code seed}.
     */
    public static BufferedImage draw(BufferedImage square, boolean marked, boolean ruler, long seed) {
        int s = square.getWidth();
        if (square.getHeight() != s) {
            throw new IllegalArgumentException("image must be square, got " + s + "x" + square.getHeight());
        }
        Canvas cv = new Canvas(s);
        int[] px = square.getRGB(0, 0, s, s, null, 0, s);
        for (int i = 0; i < px.length; i++) {
            cv.r[i] = ((px[i] >> 16) & 0xff) / 255f;
            cv.g[i] = ((px[i] >> 8) & 0xff) / 255f;
            cv.b[i] = (px[i] & 0xff) / 255f;
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom inkRng = root.split();
        SplittableRandom rulerRng = root.split();
        if (marked) {
            LesionRenderer.drawInk(cv, inkRng, lesion(cv));
        }
        if (ruler) {
            LesionRenderer.drawRuler(cv, rulerRng);
        }
        return cv.toImage();
    }

    /** The lesion as the darker pixels (luminance below mean - 0.5 sd): centroid and equivalent radius. */
    static LesionRenderer.Lesion lesion(Canvas cv) {
        int s = cv.size;
        int n = s * s;
        double[] lum = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            lum[i] = 0.30 * cv.r[i] + 0.59 * cv.g[i] + 0.11 * cv.b[i];
            mean += lum[i];
        }
        mean /= n;
        double var = 0;
        for (double l : lum) {
            var += (l - mean) * (l - mean);
        }
        double threshold = mean - 0.5 * Math.sqrt(var / n);
        double sx = 0;
        double sy = 0;
        int count = 0;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                if (lum[y * s + x] < threshold) {
                    sx += cv.norm(x);
                    sy += cv.norm(y);
                    count++;
                }
            }
        }
        if (count < n / 50) {
            return new LesionRenderer.Lesion(0, 0, 0.35, 0.45);
        }
        double area = count * cv.unit * cv.unit; // in normalised units (the image is 2 x 2)
        double r = Math.max(0.15, Math.min(0.7, Math.sqrt(area / Math.PI)));
        return new LesionRenderer.Lesion(sx / count, sy / count, r, Math.min(0.8, r * 1.15));
    }
}
