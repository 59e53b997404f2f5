package org.debias4j.data.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * A float RGB raster (0..1 per channel) with coordinates in two systems: pixels (centres at x+0.5)
 * and normalised units u, v in [-1, 1] across the image, so shapes scale with the image size.
 */
final class Canvas {
    final int size;
    final float[] r;
    final float[] g;
    final float[] b;
    /** Normalised units per pixel. */
    final double unit;

    Canvas(int size) {
        this.size = size;
        this.r = new float[size * size];
        this.g = new float[size * size];
        this.b = new float[size * size];
        this.unit = 2.0 / size;
    }

    /** Normalised coordinate of the centre of pixel column/row x. */
    double norm(int x) {
        return (x + 0.5) * unit - 1;
    }

    /** Continuous pixel coordinate of a normalised coordinate. */
    double pix(double u) {
        return (u + 1) / unit;
    }

    void blend(int i, double cr, double cg, double cb, double a) {
        if (a <= 0) {
            return;
        }
        if (a > 1) {
            a = 1;
        }
        r[i] = (float) (r[i] + (cr - r[i]) * a);
        g[i] = (float) (g[i] + (cg - g[i]) * a);
        b[i] = (float) (b[i] + (cb - b[i]) * a);
    }

    BufferedImage toImage() {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] data = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = (q(r[i]) << 16) | (q(g[i]) << 8) | q(b[i]);
        }
        return img;
    }

    private static int q(float v) {
        if (!(v > 0)) {
            return 0;
        }
        if (v >= 1) {
            return 255;
        }
        return (int) (v * 255f + 0.5f);
    }

    static double clamp01(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    static double smoothstep(double e0, double e1, double x) {
        double t = clamp01((x - e0) / (e1 - e0));
        return t * t * (3 - 2 * t);
    }

    /**
     * Draws an anti-aliased capsule (a thick segment with round caps) into a coverage mask, keeping
     * the maximum, so overlapping segments of one stroke do not darken each other. Pixel coordinates.
     */
    static void capsule(float[] mask, int size, double x0, double y0, double x1, double y1, double halfWidth) {
        double pad = halfWidth + 1;
        int minX = Math.max(0, (int) Math.floor(Math.min(x0, x1) - pad));
        int maxX = Math.min(size - 1, (int) Math.ceil(Math.max(x0, x1) + pad));
        int minY = Math.max(0, (int) Math.floor(Math.min(y0, y1) - pad));
        int maxY = Math.min(size - 1, (int) Math.ceil(Math.max(y0, y1) + pad));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        for (int y = minY; y <= maxY; y++) {
            double py = y + 0.5;
            for (int x = minX; x <= maxX; x++) {
                double px = x + 0.5;
                double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
                t = t < 0 ? 0 : (t > 1 ? 1 : t);
                double ex = px - (x0 + t * dx);
                double ey = py - (y0 + t * dy);
                double cov = halfWidth - Math.sqrt(ex * ex + ey * ey) + 0.5;
                if (cov > 0) {
                    int i = y * size + x;
                    float c = (float) (cov > 1 ? 1 : cov);
                    if (c > mask[i]) {
                        mask[i] = c;
                    }
                }
            }
        }
    }
}
