package org.debias4j.data.synth;

/**
 * Fast deterministic approximations for the per-pixel loops (pure Java arithmetic, hence the same
 * result on every platform): table cosine, polynomial atan2, and exp by table for a bounded range.
 */
final class DetMath {
    private static final int COS_N = 4096;
    private static final double[] COS = new double[COS_N + 1];
    private static final double TAU = 2 * Math.PI;

    static {
        for (int i = 0; i <= COS_N; i++) {
            COS[i] = StrictMath.cos(TAU * i / COS_N);
        }
    }

    private DetMath() {
    }

    /** cos(x), absolute error below 1.2e-6. */
    static double cos(double x) {
        double t = x / TAU;
        t -= Math.floor(t);
        double p = t * COS_N;
        int i = (int) p;
        if (i >= COS_N) {
            i = COS_N - 1;
        }
        double f = p - i;
        return COS[i] + (COS[i + 1] - COS[i]) * f;
    }

    /** atan2(y, x) in (-pi, pi], absolute error below 1e-5. */
    static double atan2(double y, double x) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        if (ax == 0 && ay == 0) {
            return 0;
        }
        double a = Math.min(ax, ay) / Math.max(ax, ay);
        double s = a * a;
        // minimax polynomial for atan on [0, 1]
        double r = ((((-0.0117212 * s + 0.05265332) * s - 0.11643287) * s + 0.19354346) * s - 0.33262347) * s
                + 0.99997726;
        r *= a;
        if (ay > ax) {
            r = Math.PI / 2 - r;
        }
        if (x < 0) {
            r = Math.PI - r;
        }
        return y < 0 ? -r : r;
    }

    /** exp(k * d) for d in [0, max], by a table with linear interpolation (clamped outside). */
    static final class ExpTable {
        private final double[] v;
        private final double scale;
        private final int n;

        ExpTable(double k, double max, int n) {
            this.n = n;
            this.v = new double[n + 1];
            this.scale = n / max;
            for (int i = 0; i <= n; i++) {
                v[i] = StrictMath.exp(k * i / scale);
            }
        }

        double at(double d) {
            double p = d * scale;
            if (p <= 0) {
                return v[0];
            }
            if (p >= n) {
                return v[n];
            }
            int i = (int) p;
            return v[i] + (v[i + 1] - v[i]) * (p - i);
        }
    }
}
