package org.debias4j.data.synth;

import java.util.SplittableRandom;

/** Periodic 2-D value noise (32x32 lattice, smoothstep interpolation), roughly in [-1, 1]. */
final class Noise {
    private static final int N = 32;
    private static final int MASK = N - 1;
    private final float[] v = new float[N * N];
    private final double ox;
    private final double oy;

    Noise(SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        ox = rng.nextDouble() * N;
        oy = rng.nextDouble() * N;
    }

    /** Noise at lattice coordinates (x, y). */
    double at(double x, double y) {
        x += ox;
        y += oy;
        double fx0 = Math.floor(x);
        double fy0 = Math.floor(y);
        int xi = (int) fx0;
        int yi = (int) fy0;
        double fx = x - fx0;
        double fy = y - fy0;
        fx = fx * fx * (3 - 2 * fx);
        fy = fy * fy * (3 - 2 * fy);
        int x0 = xi & MASK;
        int x1 = (xi + 1) & MASK;
        int y0 = (yi & MASK) * N;
        int y1 = ((yi + 1) & MASK) * N;
        double a = v[y0 + x0] + (v[y0 + x1] - v[y0 + x0]) * fx;
        double b = v[y1 + x0] + (v[y1 + x1] - v[y1 + x0]) * fx;
        return a + (b - a) * fy;
    }

    /** Fractal sum of octaves: octave i has frequency f0 * 2^i (cells per normalised unit). */
    static final class Fbm {
        private final Noise[] octaves;
        private final double f0;
        private final double norm;

        Fbm(SplittableRandom rng, int count, double f0) {
            octaves = new Noise[count];
            double n = 0;
            for (int i = 0; i < count; i++) {
                octaves[i] = new Noise(rng);
                n += StrictMath.pow(0.5, i);
            }
            this.f0 = f0;
            this.norm = 1 / n;
        }

        double at(double u, double v) {
            double s = 0;
            double f = f0;
            double a = 1;
            for (Noise o : octaves) {
                s += a * o.at(u * f, v * f);
                f *= 2;
                a *= 0.5;
            }
            return s * norm;
        }
    }
}
