package org.debias4j.data.synth;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws one dermoscopy-like image: textured skin, a lesion whose look depends on its class through
 * cue strengths drawn from overlapping distributions, optional hair, ink marking and ruler, then the
 * device's optics (colour cast, contrast, vignetting, field of view, resolution loss, noise).
 * <p>
 * Every component draws from its own random stream split off the image seed in a fixed order, so
 * switching an artefact on or off changes only the pixels that artefact covers (and, for the
 * device, the global look). Transcendental functions use {@link StrictMath}, so pixels are the same
 * on every platform.
 */
final class LesionRenderer {
    private static final double TAU = 2 * Math.PI;
    private static final int ANGLES = 256;

    private LesionRenderer() {
    }

    static BufferedImage render(SyntheticSpec spec, SampleAttributes a, long seed) {
        return draw(spec, a, seed).toImage();
    }

    static Canvas draw(SyntheticSpec spec, SampleAttributes a, long seed) {
        if (a.label() < 0 || a.label() >= spec.numClasses()) {
            throw new IllegalArgumentException("label " + a.label() + " outside 0.." + (spec.numClasses() - 1));
        }
        if (a.device() < 0 || a.device() >= spec.devices()) {
            throw new IllegalArgumentException("device " + a.device() + " outside 0.." + (spec.devices() - 1));
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom skinRng = root.split();
        SplittableRandom lesionRng = root.split();
        SplittableRandom hairRng = root.split();
        SplittableRandom inkRng = root.split();
        SplittableRandom rulerRng = root.split();
        SplittableRandom deviceRng = root.split();

        Canvas cv = new Canvas(spec.imageSize());
        double skinLum = drawSkin(cv, skinRng, a.skinTone() == 1);
        Lesion lesion = drawLesion(cv, lesionRng, a.lesionClass(), skinLum, spec.cueStrength());
        if (hairRng.nextDouble() < spec.baseRates().hair()) {
            drawHair(cv, hairRng);
        }
        if (a.marked()) {
            drawInk(cv, inkRng, lesion);
        }
        if (a.ruler()) {
            drawRuler(cv, rulerRng);
        }
        applyDevice(cv, Device.of(a.device()), deviceRng);
        return cv;
    }

    // ------------------------------------------------------------------ helpers

    private static double uniform(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    private static double normal(SplittableRandom r, double mean, double sd) {
        return mean + sd * r.nextGaussian();
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    // ------------------------------------------------------------------ skin

    /** Skin colour ramp from very light (t = 0) to very dark (t = 1). */
    private static final double[][] SKIN_RAMP = {
            {0.96, 0.83, 0.76}, {0.92, 0.74, 0.63}, {0.84, 0.63, 0.50},
            {0.66, 0.46, 0.33}, {0.48, 0.32, 0.22}, {0.33, 0.22, 0.16}};

    /** Draws the skin background; returns its mean luminance. */
    private static double drawSkin(Canvas cv, SplittableRandom rng, boolean dark) {
        double tri = (rng.nextDouble() + rng.nextDouble()) / 2;
        double t = dark ? 0.62 + 0.38 * tri : 0.02 + 0.36 * tri;
        double pos = t * (SKIN_RAMP.length - 1);
        int k = Math.min(SKIN_RAMP.length - 2, (int) pos);
        double f = pos - k;
        double br = lerp(SKIN_RAMP[k][0], SKIN_RAMP[k + 1][0], f) * (1 + normal(rng, 0, 0.025));
        double bg = lerp(SKIN_RAMP[k][1], SKIN_RAMP[k + 1][1], f) * (1 + normal(rng, 0, 0.025));
        double bb = lerp(SKIN_RAMP[k][2], SKIN_RAMP[k + 1][2], f) * (1 + normal(rng, 0, 0.035));
        double erythema = uniform(rng, 0, 0.07);
        double gradAngle = uniform(rng, 0, TAU);
        double gradStrength = uniform(rng, 0, 0.08);
        double gx = StrictMath.cos(gradAngle) * gradStrength;
        double gy = StrictMath.sin(gradAngle) * gradStrength;
        double texAmp = uniform(rng, 0.03, 0.06);
        double redAmp = uniform(rng, 0.03, 0.08);
        Noise.Fbm texture = new Noise.Fbm(rng, 3, uniform(rng, 1.5, 2.5));
        Noise.Fbm redness = new Noise.Fbm(rng, 2, uniform(rng, 0.8, 1.4));
        Noise fine = new Noise(rng);
        // fine skin texture at about 3 pixels per cell, but never finer than the lattice allows
        double fineFreq = Math.min(7.5, cv.size / 6.0);
        double fineAmp = uniform(rng, 0.010, 0.025);
        int s = cv.size;
        for (int y = 0; y < s; y++) {
            double v = cv.norm(y);
            for (int x = 0; x < s; x++) {
                double u = cv.norm(x);
                double light = 1 + gx * u + gy * v + texAmp * texture.at(u, v) + fineAmp * fine.at(u * fineFreq, v * fineFreq);
                double red = erythema + redAmp * (0.5 + 0.5 * redness.at(u, v));
                int i = y * s + x;
                cv.r[i] = (float) (br * light);
                cv.g[i] = (float) (bg * light * (1 - 0.55 * red));
                cv.b[i] = (float) (bb * light * (1 - 0.45 * red));
            }
        }
        return 0.30 * br + 0.59 * bg + 0.11 * bb;
    }

    // ------------------------------------------------------------------ lesion

    /** Geometry of the drawn lesion, used to place ink near it. */
    record Lesion(double cx, double cy, double meanRadius, double maxRadius) {
    }

    /** A soft region that either adds pigment density or blends towards a colour. */
    private record Blob(double x, double y, double radius, double density, double[] colour, double weight,
                        boolean sharp) {
    }

    /** A small sharp dot drawn on top of the lesion. */
    private record Dot(double x, double y, double radius, double[] colour, double alpha) {
    }

    /** All parameters of one lesion; filled per class. */
    private static final class Style {
        double radius;
        double elongation = 1;
        double rotation;
        double asymmetry;   // 0..1: low-order shape harmonics and off-centre colour
        double irregularity; // 0..1: high-order harmonics, edge roughness, abrupt border
        double edgeWidth = 0.2;
        double edgeVariation;
        double[] transmittance = {0.62, 0.47, 0.36};
        double density = 1;
        double centreDark;
        double texture = 0.1;
        double network;
        double networkIrregularity;
        boolean ringProfile;
        double[] overlay;
        double overlayAlpha;
        double sheen;
        double gradX;
        double gradY;
        double fissures;
        final List<Blob> blobs = new ArrayList<>();
        final List<Dot> dots = new ArrayList<>();
        final List<double[]> vessels = new ArrayList<>(); // segments x0,y0,x1,y1 in lesion-relative units
        double vesselAlpha;
    }

    private static final double[] BLACK = {0.10, 0.07, 0.07};
    private static final double[] BLUE_GREY = {0.40, 0.46, 0.57};
    private static final double[] REGRESSION = {0.88, 0.83, 0.83};
    private static final double[] RED = {0.72, 0.28, 0.26};
    private static final double[] DARK_DOT = {0.20, 0.12, 0.08};
    private static final double[] MILIA = {0.96, 0.93, 0.80};

    private static Lesion drawLesion(Canvas cv, SplittableRandom rng, LesionClass cls, double skinLum, double cue) {
        Style st = new Style();
        // scale factor that keeps added colours plausible on dark skin
        double shade = clamp(skinLum / 0.74, 0.45, 1.1);
        switch (cls) {
            case NEVUS, MELANOMA -> melanocytic(st, rng, cls == LesionClass.MELANOMA, cue, shade);
            case SEBORRHEIC_KERATOSIS -> seborrheicKeratosis(st, rng, cue, shade);
            case VASCULAR -> vascular(st, rng, cue, shade);
            case BCC -> bcc(st, rng, cue, shade);
            case DERMATOFIBROMA -> dermatofibroma(st, rng, cue, shade);
        }
        return paintLesion(cv, rng, st);
    }

    /** Nevus vs melanoma: one latent atypia drawn from overlapping class distributions drives all cues. */
    private static void melanocytic(Style st, SplittableRandom rng, boolean melanoma, double cue, double shade) {
        double sep = 0.20 * cue;
        double atypia = clamp(normal(rng, melanoma ? 0.46 + sep : 0.46 - sep, 0.15), 0, 1);
        double asym = clamp(atypia + normal(rng, 0, 0.12), 0, 1);
        double irr = clamp(atypia + normal(rng, 0, 0.12), 0, 1);
        double varg = clamp(atypia + normal(rng, 0, 0.12), 0, 1);
        double sizeCue = clamp(atypia + normal(rng, 0, 0.10 + 0.10 * atypia), 0, 1);
        double dark = clamp(atypia + normal(rng, 0, 0.15), 0, 1);
        st.radius = clamp(0.24 + 0.36 * sizeCue + normal(rng, 0, 0.03), 0.15, 0.72);
        st.elongation = 1 + uniform(rng, 0, 0.22) + 0.25 * asym;
        st.rotation = uniform(rng, 0, Math.PI);
        st.asymmetry = asym;
        st.irregularity = irr;
        st.edgeWidth = clamp(0.30 - 0.22 * irr + normal(rng, 0, 0.04), 0.05, 0.40);
        st.edgeVariation = 0.9 * irr;
        st.transmittance = new double[]{0.62 + normal(rng, 0, 0.02), 0.47 + normal(rng, 0, 0.02),
                0.36 + normal(rng, 0, 0.02)};
        st.density = 0.7 + uniform(rng, 0, 0.5) + 0.55 * dark;
        st.centreDark = (1 - asym) * uniform(rng, 0.15, 0.6);
        st.texture = 0.1 + 0.9 * StrictMath.pow(varg, 1.5);
        st.network = uniform(rng, 0.0, 0.3);
        st.networkIrregularity = irr;
        // colour blobs: more, and more atypical colours, with variegation; off-centre with asymmetry
        double asymDir = uniform(rng, 0, TAU);
        double ax = StrictMath.cos(asymDir) * asym * 0.40;
        double ay = StrictMath.sin(asymDir) * asym * 0.40;
        // colour asymmetry: one side darker than the other
        st.gradX = StrictMath.cos(asymDir) * 0.9 * asym * asym;
        st.gradY = StrictMath.sin(asymDir) * 0.9 * asym * asym;
        int blobs = (int) clamp(Math.round(varg * 7 + normal(rng, 0, 0.8)), 0, 9);
        for (int j = 0; j < blobs; j++) {
            double[] p = inDisc(rng, 0.55);
            double x = ax + p[0];
            double y = ay + p[1];
            double radius = uniform(rng, 0.25, 0.6);
            double w = uniform(rng, 0.6, 1.0);
            if (rng.nextDouble() < 1.1 * varg - 0.1) {
                double pick = rng.nextDouble();
                if (pick < 0.30) {
                    st.blobs.add(new Blob(x, y, radius, uniform(rng, 0.8, 1.5), null, w, false));
                } else if (pick < 0.47) {
                    st.blobs.add(new Blob(x, y, radius * 0.8, 0, scale(BLACK, shade), w, false));
                } else if (pick < 0.70) {
                    st.blobs.add(new Blob(x, y, radius, 0, scale(BLUE_GREY, shade), 0.85 * w, false));
                } else if (pick < 0.82) {
                    st.blobs.add(new Blob(x, y, radius, -0.6, null, w, false));
                } else if (pick < 0.92) {
                    st.blobs.add(new Blob(x, y, radius, 0, scale(REGRESSION, shade), 0.7 * w, false));
                } else {
                    st.blobs.add(new Blob(x, y, radius, 0, scale(RED, shade), 0.6 * w, false));
                }
            } else {
                // same-hue shading, as in a uniformly coloured nevus
                st.blobs.add(new Blob(x * 0.5, y * 0.5, radius, uniform(rng, -0.25, 0.4), null, w, false));
            }
        }
        // irregular black dots (atypical) or a regular ring of peripheral globules (benign)
        int dots = (int) Math.round(Math.max(0, irr + varg - 0.75) * 10 * rng.nextDouble());
        for (int j = 0; j < dots; j++) {
            double ang = uniform(rng, 0, TAU);
            double rr = uniform(rng, 0.3, 1.1);
            st.dots.add(new Dot(rr * StrictMath.cos(ang), rr * StrictMath.sin(ang), uniform(rng, 0.025, 0.045),
                    scale(BLACK, shade), uniform(rng, 0.6, 0.95)));
        }
        if (rng.nextDouble() < 0.35 * (1 - atypia)) {
            int n = 8 + rng.nextInt(7);
            double off = uniform(rng, 0, TAU);
            for (int j = 0; j < n; j++) {
                double ang = off + TAU * j / n + normal(rng, 0, 0.05);
                st.dots.add(new Dot(0.8 * StrictMath.cos(ang), 0.8 * StrictMath.sin(ang), uniform(rng, 0.025, 0.035),
                        scale(DARK_DOT, shade), 0.6));
            }
        }
    }

    private static double classFeature(SplittableRandom rng, double cue) {
        return clamp(normal(rng, 0.45 + 0.25 * cue, 0.22), 0, 1);
    }

    private static void seborrheicKeratosis(Style st, SplittableRandom rng, double cue, double shade) {
        double s = classFeature(rng, cue);
        st.radius = uniform(rng, 0.24, 0.48);
        st.elongation = uniform(rng, 1.1, 1.6);
        st.rotation = uniform(rng, 0, Math.PI);
        st.asymmetry = uniform(rng, 0.05, 0.35);
        st.irregularity = uniform(rng, 0.3, 0.6);
        st.edgeWidth = uniform(rng, 0.04, 0.10);
        st.edgeVariation = 0.3;
        st.transmittance = new double[]{0.70, 0.57, 0.46};
        st.density = uniform(rng, 0.7, 2.0);
        st.texture = 0.3;
        st.fissures = 0.4 + 0.8 * s;
        int milia = (int) Math.round(1 + 7 * s * uniform(rng, 0.5, 1));
        for (int j = 0; j < milia; j++) {
            double[] p = inDisc(rng, 0.75);
            st.dots.add(new Dot(p[0], p[1], uniform(rng, 0.025, 0.045), scale(MILIA, Math.sqrt(shade)),
                    0.5 + 0.4 * s));
        }
        int comedones = (int) Math.round(1 + 5 * s * rng.nextDouble());
        for (int j = 0; j < comedones; j++) {
            double[] p = inDisc(rng, 0.75);
            st.dots.add(new Dot(p[0], p[1], uniform(rng, 0.02, 0.04), scale(DARK_DOT, shade), 0.8));
        }
        st.blobs.add(new Blob(uniform(rng, -0.3, 0.3), uniform(rng, -0.3, 0.3), 0.5, uniform(rng, -0.3, 0.4), null, 1,
                false));
    }

    private static void vascular(Style st, SplittableRandom rng, double cue, double shade) {
        double s = classFeature(rng, cue);
        st.radius = uniform(rng, 0.16, 0.36);
        st.elongation = uniform(rng, 1.0, 1.3);
        st.rotation = uniform(rng, 0, Math.PI);
        st.asymmetry = uniform(rng, 0.05, 0.15);
        st.irregularity = uniform(rng, 0.1, 0.25);
        st.edgeWidth = uniform(rng, 0.05, 0.12);
        st.transmittance = new double[]{0.85, 0.62, 0.65};
        st.density = 0.3;
        st.texture = 0.15;
        double h = rng.nextDouble();
        double[] base = {lerp(0.74, 0.44, h), lerp(0.16, 0.13, h), lerp(0.22, 0.36, h)};
        st.overlay = scale(base, Math.sqrt(shade));
        st.overlayAlpha = 0.45 + 0.45 * s;
        double[] lacuna = scale(st.overlay, 0.62);
        int n = (int) Math.round(4 + 8 * s * rng.nextDouble());
        for (int j = 0; j < n; j++) {
            double[] p = inDisc(rng, 0.72);
            st.blobs.add(new Blob(p[0], p[1], uniform(rng, 0.13, 0.28), 0, lacuna, 0.55 + 0.4 * s, true));
        }
    }

    private static void bcc(Style st, SplittableRandom rng, double cue, double shade) {
        double s = classFeature(rng, cue);
        st.radius = uniform(rng, 0.25, 0.48);
        st.elongation = uniform(rng, 1.0, 1.4);
        st.rotation = uniform(rng, 0, Math.PI);
        st.asymmetry = uniform(rng, 0.1, 0.35);
        st.irregularity = uniform(rng, 0.15, 0.4);
        st.edgeWidth = uniform(rng, 0.08, 0.18);
        st.transmittance = new double[]{0.80, 0.66, 0.62};
        st.density = 0.3;
        st.texture = 0.12;
        st.overlay = scale(new double[]{0.94, 0.75, 0.75}, Math.sqrt(shade));
        st.overlayAlpha = 0.5 + 0.35 * s;
        st.sheen = 0.10 * s;
        st.vesselAlpha = 0.5 + 0.45 * s;
        int trees = 1 + (int) Math.round(3 * s * rng.nextDouble());
        for (int t = 0; t < trees; t++) {
            double[] p = inDisc(rng, 0.6);
            double dir = uniform(rng, 0, TAU);
            branch(st.vessels, rng, p[0], p[1], dir, uniform(rng, 0.5, 0.9), 2);
        }
        int nests = (int) Math.round(3 * s * uniform(rng, 0.3, 1));
        for (int j = 0; j < nests; j++) {
            double[] p = inDisc(rng, 0.65);
            st.blobs.add(new Blob(p[0], p[1], uniform(rng, 0.10, 0.22), 0, scale(BLUE_GREY, shade), 0.75, true));
        }
        if (rng.nextDouble() < 0.3 * s) {
            double[] p = inDisc(rng, 0.4);
            st.blobs.add(new Blob(p[0], p[1], uniform(rng, 0.15, 0.28), 0, scale(new double[]{0.38, 0.10, 0.08}, shade),
                    0.85, false));
        }
    }

    /** An arborizing vessel: a wiggly branch that forks into thinner children. */
    private static void branch(List<double[]> out, SplittableRandom rng, double x, double y, double dir, double len,
                               int depth) {
        int steps = 4;
        double step = len / steps;
        for (int k = 0; k < steps; k++) {
            dir += normal(rng, 0, 0.35);
            double nx = x + step * StrictMath.cos(dir);
            double ny = y + step * StrictMath.sin(dir);
            out.add(new double[]{x, y, nx, ny, depth});
            if (depth > 0 && k >= 1 && rng.nextDouble() < 0.45) {
                branch(out, rng, nx, ny, dir + (rng.nextBoolean() ? 1 : -1) * uniform(rng, 0.5, 1.1), len * 0.5,
                        depth - 1);
            }
            x = nx;
            y = ny;
        }
    }

    private static void dermatofibroma(Style st, SplittableRandom rng, double cue, double shade) {
        double s = classFeature(rng, cue);
        st.radius = uniform(rng, 0.14, 0.30);
        st.elongation = uniform(rng, 1.0, 1.3);
        st.rotation = uniform(rng, 0, Math.PI);
        st.asymmetry = uniform(rng, 0.05, 0.2);
        st.irregularity = uniform(rng, 0.05, 0.2);
        st.edgeWidth = uniform(rng, 0.2, 0.35);
        st.transmittance = new double[]{0.68, 0.53, 0.43};
        st.density = uniform(rng, 0.6, 1.2);
        st.texture = 0.1;
        st.ringProfile = true;
        st.network = 0.3;
        st.networkIrregularity = 0.1;
        double[] p = inDisc(rng, 0.15);
        st.blobs.add(new Blob(p[0], p[1], 0.3 + 0.25 * s, 0, scale(new double[]{0.93, 0.87, 0.86}, Math.sqrt(shade)),
                0.35 + 0.55 * s, false));
    }

    private static double[] inDisc(SplittableRandom rng, double radius) {
        double r = radius * Math.sqrt(rng.nextDouble());
        double a = uniform(rng, 0, TAU);
        return new double[]{r * StrictMath.cos(a), r * StrictMath.sin(a)};
    }

    private static double[] scale(double[] c, double f) {
        return new double[]{c[0] * f, c[1] * f, c[2] * f};
    }

    /** Paints the lesion described by the style onto the skin. */
    private static Lesion paintLesion(Canvas cv, SplittableRandom rng, Style st) {
        // centre, radial profile r(theta) = R * ellipse * (1 + low-order + high-order harmonics)
        double cx = clamp(normal(rng, 0, 0.07), -0.18, 0.18);
        double cy = clamp(normal(rng, 0, 0.07), -0.18, 0.18);
        double[] low = new double[4];
        double[] lowPhase = new double[4];
        for (int k = 1; k <= 3; k++) {
            low[k] = 0.28 * st.asymmetry * uniform(rng, 0.3, 1.0) / k;
            lowPhase[k] = uniform(rng, 0, TAU);
        }
        int highMax = 9;
        double[] high = new double[highMax + 1];
        double[] highPhase = new double[highMax + 1];
        double irrAmp = 0.38 * StrictMath.pow(st.irregularity, 1.3);
        for (int k = 4; k <= highMax; k++) {
            high[k] = irrAmp * rng.nextDouble() / StrictMath.pow(k, 0.8);
            highPhase[k] = uniform(rng, 0, TAU);
        }
        double edgePhase = uniform(rng, 0, TAU);
        double[] table = new double[ANGLES + 1];
        double[] edge = new double[ANGLES + 1];
        double maxR = 0;
        double sumR = 0;
        double e = st.elongation;
        for (int j = 0; j <= ANGLES; j++) {
            double th = -Math.PI + TAU * j / ANGLES;
            double c = DetMath.cos(th - st.rotation);
            double sn = DetMath.cos(th - st.rotation - Math.PI / 2);
            double ell = Math.sqrt(e) / Math.sqrt(c * c + e * e * sn * sn);
            double h = 1;
            for (int k = 1; k <= 3; k++) {
                h += low[k] * DetMath.cos(k * th + lowPhase[k]);
            }
            for (int k = 4; k <= highMax; k++) {
                h += high[k] * DetMath.cos(k * th + highPhase[k]);
            }
            table[j] = st.radius * ell * Math.max(0.3, h);
            edge[j] = st.edgeWidth * Math.max(0.15, 1 + st.edgeVariation * DetMath.cos(2 * th + edgePhase));
            if (j < ANGLES) {
                maxR = Math.max(maxR, table[j]);
                sumR += table[j];
            }
        }
        double meanR = sumR / ANGLES;
        Noise.Fbm texture = new Noise.Fbm(rng, 3, uniform(rng, 3, 5) / st.radius * 0.5);
        Noise edgeNoise = new Noise(rng);
        double edgeFreq = 3 / st.radius;
        Noise warp = new Noise(rng);
        Noise netWarp = new Noise(rng);
        Noise netBreak = new Noise(rng);
        Noise.Fbm ridges = new Noise.Fbm(rng, 2, 4 / st.radius);
        double netAngle = uniform(rng, 0, Math.PI);
        double netCos = StrictMath.cos(netAngle);
        double netSin = StrictMath.sin(netAngle);
        double netC2 = StrictMath.cos(netAngle + TAU / 3);
        double netS2 = StrictMath.sin(netAngle + TAU / 3);
        double netC3 = StrictMath.cos(netAngle + 2 * TAU / 3);
        double netS3 = StrictMath.sin(netAngle + 2 * TAU / 3);
        // pigment network period: about 0.075 units, never below 4 pixels
        double period = Math.max(0.075, 4 * cv.unit);
        DetMath.ExpTable expR = new DetMath.ExpTable(StrictMath.log(st.transmittance[0]), 12, 320);
        DetMath.ExpTable expG = new DetMath.ExpTable(StrictMath.log(st.transmittance[1]), 12, 320);
        DetMath.ExpTable expB = new DetMath.ExpTable(StrictMath.log(st.transmittance[2]), 12, 320);
        // blob and dot positions are relative to the lesion (units of the mean radius)
        int s = cv.size;
        double reach = maxR * (1 + 2 * st.edgeWidth) + 2 * cv.unit;
        int x0 = Math.max(0, (int) Math.floor(cv.pix(cx - reach)));
        int x1 = Math.min(s - 1, (int) Math.ceil(cv.pix(cx + reach)));
        int y0 = Math.max(0, (int) Math.floor(cv.pix(cy - reach)));
        int y1 = Math.min(s - 1, (int) Math.ceil(cv.pix(cy + reach)));
        Shader sh = new Shader(cv, st, cx, cy, meanR, table, edge, texture, edgeNoise, edgeFreq, warp, netWarp,
                netBreak, ridges, period, new double[]{netCos, netSin, netC2, netS2, netC3, netS3}, expR, expG, expB);
        for (int y = y0; y <= y1; y++) {
            double v = cv.norm(y);
            for (int x = x0; x <= x1; x++) {
                sh.pixel(y * s + x, cv.norm(x), v);
            }
        }
        // vessels (thin red lines) and dots, on top, relative to the lesion centre and mean radius
        if (!st.vessels.isEmpty()) {
            float[] m = new float[s * s];
            for (double[] seg : st.vessels) {
                double hw = Math.max(0.45, cv.size * (0.004 + 0.002 * seg[4]));
                Canvas.capsule(m, s, cv.pix(cx + seg[0] * meanR), cv.pix(cy + seg[1] * meanR),
                        cv.pix(cx + seg[2] * meanR), cv.pix(cy + seg[3] * meanR), hw);
            }
            for (int i = 0; i < m.length; i++) {
                if (m[i] > 0) {
                    cv.blend(i, 0.70, 0.10, 0.14, st.vesselAlpha * m[i]);
                }
            }
        }
        float[] dm = st.dots.isEmpty() ? null : new float[s * s];
        for (Dot dot : st.dots) {
            double px = cv.pix(cx + dot.x * meanR);
            double py = cv.pix(cy + dot.y * meanR);
            double hw = Math.max(0.55, dot.radius * meanR / cv.unit * 2.2);
            Canvas.capsule(dm, s, px, py, px, py, hw);
            int r = (int) Math.ceil(hw + 2);
            for (int y = Math.max(0, (int) py - r); y <= Math.min(s - 1, (int) py + r); y++) {
                for (int x = Math.max(0, (int) px - r); x <= Math.min(s - 1, (int) px + r); x++) {
                    int i = y * s + x;
                    if (dm[i] > 0) {
                        cv.blend(i, dot.colour[0], dot.colour[1], dot.colour[2], dot.alpha * dm[i]);
                        dm[i] = 0;
                    }
                }
            }
        }
        return new Lesion(cx, cy, meanR, maxR);
    }

    /** Per-pixel lesion shading, kept in its own small method so the JIT compiles it early and well. */
    private static final class Shader {
        private final Canvas cv;
        private final Style st;
        private final double cx;
        private final double cy;
        private final double meanR;
        private final double[] table;
        private final double[] edge;
        private final Noise.Fbm texture;
        private final Noise edgeNoise;
        private final double edgeFreq;
        private final Noise warp;
        private final Noise netWarp;
        private final Noise netBreak;
        private final Noise.Fbm ridges;
        private final double period;
        private final double netCos;
        private final double netSin;
        private final double netC2;
        private final double netS2;
        private final double netC3;
        private final double netS3;
        private final DetMath.ExpTable expR;
        private final DetMath.ExpTable expG;
        private final DetMath.ExpTable expB;

        Shader(Canvas cv, Style st, double cx, double cy, double meanR, double[] table, double[] edge,
               Noise.Fbm texture, Noise edgeNoise, double edgeFreq, Noise warp, Noise netWarp, Noise netBreak,
               Noise.Fbm ridges, double period, double[] net, DetMath.ExpTable expR, DetMath.ExpTable expG,
               DetMath.ExpTable expB) {
            this.cv = cv;
            this.st = st;
            this.cx = cx;
            this.cy = cy;
            this.meanR = meanR;
            this.table = table;
            this.edge = edge;
            this.texture = texture;
            this.edgeNoise = edgeNoise;
            this.edgeFreq = edgeFreq;
            this.warp = warp;
            this.netWarp = netWarp;
            this.netBreak = netBreak;
            this.ridges = ridges;
            this.period = period;
            this.netCos = net[0];
            this.netSin = net[1];
            this.netC2 = net[2];
            this.netS2 = net[3];
            this.netC3 = net[4];
            this.netS3 = net[5];
            this.expR = expR;
            this.expG = expG;
            this.expB = expB;
        }

        void pixel(int i, double u, double v) {
            double dx = u - cx;
            double dy = v - cy;
            double dist = Math.sqrt(dx * dx + dy * dy);
            double pos = (DetMath.atan2(dy, dx) + Math.PI) / TAU * ANGLES;
            int j = Math.min(ANGLES - 1, (int) pos);
            double f = pos - j;
            double rt = table[j] + (table[j + 1] - table[j]) * f;
            double w = edge[j] + (edge[j + 1] - edge[j]) * f;
            double d = dist / rt + 0.07 * st.irregularity * edgeNoise.at(u * edgeFreq, v * edgeFreq);
            if (d > 1 + w) {
                return;
            }
            double mask = 1 - Canvas.smoothstep(1 - w, 1 + w, d);
            if (mask <= 0) {
                return;
            }
            double lx = dx / meanR;
            double ly = dy / meanR;
            double dc = Math.min(d, 1);
            double dens = st.density * (1 + st.centreDark * (1 - dc * dc));
            if (st.ringProfile) {
                dens *= 0.25 + 0.75 * Canvas.smoothstep(0.1, 0.7, dc);
            }
            dens += st.texture * texture.at(u, v) + st.gradX * lx + st.gradY * ly;
            if (st.network > 0) {
                // hexagonal net (three plane waves 60 degrees apart), warped; lines between holes
                double warpAmp = 0.6 * (0.6 + st.networkIrregularity);
                double wu = u / period + warpAmp * netWarp.at(u * 5, v * 5);
                double wv = v / period + warpAmp * netWarp.at(v * 5 + 11, u * 5 + 5);
                double h = DetMath.cos(TAU * (wu * netCos + wv * netSin))
                        + DetMath.cos(TAU * (wu * netC2 + wv * netS2))
                        + DetMath.cos(TAU * (wu * netC3 + wv * netS3));
                double line = 1 - Canvas.smoothstep(-1.2, 0.6, h);
                double broken = st.networkIrregularity > 0.4
                        ? Canvas.smoothstep(-0.2, 0.3, netBreak.at(u * 4, v * 4)) : 1;
                dens += st.network * line * broken * (1 - Canvas.smoothstep(0.7, 1.0, d));
            }
            if (st.fissures > 0) {
                double rdg = 1 - Math.abs(ridges.at(u, v)) * 3;
                if (rdg > 0) {
                    dens += st.fissures * rdg * rdg * rdg;
                }
            }
            double cr = 0;
            double cg = 0;
            double cb = 0;
            double colourWeight = 0;
            for (Blob bl : st.blobs) {
                double bx = lx - bl.x;
                double by = ly - bl.y;
                double bd = Math.sqrt(bx * bx + by * by) / bl.radius;
                if (bd >= 1.4) {
                    continue;
                }
                bd *= 1 + 0.35 * warp.at(u * 5 + bl.x * 7, v * 5 + bl.y * 7);
                if (bd >= 1) {
                    continue;
                }
                double fall = bl.sharp ? 1 - Canvas.smoothstep(0.75, 1.0, bd)
                        : (bl.colour == null ? (1 - bd * bd) * (1 - bd * bd) : 1 - Canvas.smoothstep(0.3, 1.0, bd));
                if (bl.colour == null) {
                    dens += bl.density * bl.weight * fall;
                } else {
                    double a = bl.weight * fall;
                    cr += bl.colour[0] * a;
                    cg += bl.colour[1] * a;
                    cb += bl.colour[2] * a;
                    colourWeight += a;
                }
            }
            if (dens < 0) {
                dens = 0;
            }
            double lr = cv.r[i] * expR.at(dens);
            double lg = cv.g[i] * expG.at(dens);
            double lb = cv.b[i] * expB.at(dens);
            if (st.overlay != null) {
                double oa = st.overlayAlpha * (0.85 + 0.15 * texture.at(v, u));
                lr += (st.overlay[0] - lr) * oa;
                lg += (st.overlay[1] - lg) * oa;
                lb += (st.overlay[2] - lb) * oa;
            }
            if (colourWeight > 0) {
                double a = Math.min(1, colourWeight);
                lr += (cr / colourWeight - lr) * a;
                lg += (cg / colourWeight - lg) * a;
                lb += (cb / colourWeight - lb) * a;
            }
            if (st.sheen > 0) {
                double sh = st.sheen * (1 - dc * dc);
                lr += (1 - lr) * sh;
                lg += (1 - lg) * sh;
                lb += (1 - lb) * sh;
            }
            cv.blend(i, lr, lg, lb, mask);
        }
    }

    // ------------------------------------------------------------------ hair

    private static void drawHair(Canvas cv, SplittableRandom rng) {
        int n = 1 + rng.nextInt(4);
        int s = cv.size;
        float[] m = new float[s * s];
        for (int h = 0; h < n; h++) {
            double ax = uniform(rng, -1.2, 1.2);
            double ay = uniform(rng, -1.2, 1.2);
            double dir = uniform(rng, 0, TAU);
            double len = uniform(rng, 0.8, 2.0);
            double bx = ax + len * StrictMath.cos(dir);
            double by = ay + len * StrictMath.sin(dir);
            double bend = uniform(rng, -0.35, 0.35);
            double mx = (ax + bx) / 2 - StrictMath.sin(dir) * bend;
            double my = (ay + by) / 2 + StrictMath.cos(dir) * bend;
            double hw = Math.max(0.35, s * uniform(rng, 0.004, 0.007));
            double px = ax;
            double py = ay;
            for (int k = 1; k <= 16; k++) {
                double t = k / 16.0;
                double qx = (1 - t) * (1 - t) * ax + 2 * (1 - t) * t * mx + t * t * bx;
                double qy = (1 - t) * (1 - t) * ay + 2 * (1 - t) * t * my + t * t * by;
                Canvas.capsule(m, s, cv.pix(px), cv.pix(py), cv.pix(qx), cv.pix(qy), hw);
                px = qx;
                py = qy;
            }
        }
        double alpha = uniform(rng, 0.7, 0.9);
        for (int i = 0; i < m.length; i++) {
            if (m[i] > 0) {
                cv.blend(i, 0.13, 0.09, 0.07, alpha * m[i]);
            }
        }
    }

    // ------------------------------------------------------------------ ink marking

    private static final double[][] INK = {{0.40, 0.16, 0.52}, {0.30, 0.18, 0.56}, {0.18, 0.22, 0.58}};

    static void drawInk(Canvas cv, SplittableRandom rng, Lesion les) { // package-private: Artefacts draws it on real images
        int s = cv.size;
        float[] m = new float[s * s];
        double hw = Math.max(0.7, s * uniform(rng, 0.011, 0.02));
        double rho = clamp(les.maxRadius() * uniform(rng, 1.12, 1.45) + 0.04, 0.2, 0.95);
        double style = rng.nextDouble();
        double lim = 0.93;
        if (style < 0.45) {
            // circle or open arc around the lesion, sometimes dashed
            double ox = les.cx() + normal(rng, 0, 0.03);
            double oy = les.cy() + normal(rng, 0, 0.03);
            double ry = rho * uniform(rng, 0.85, 1.1);
            double start = uniform(rng, 0, TAU);
            double span = TAU * uniform(rng, 0.6, 1.0);
            boolean dashed = rng.nextDouble() < 0.3;
            int segs = 64;
            double px = ox + rho * StrictMath.cos(start);
            double py = oy + ry * StrictMath.sin(start);
            for (int k = 1; k <= segs; k++) {
                double a = start + span * k / segs;
                double qx = ox + rho * StrictMath.cos(a) + 0.01 * normal(rng, 0, 1);
                double qy = oy + ry * StrictMath.sin(a) + 0.01 * normal(rng, 0, 1);
                if (!dashed || (k / 4) % 2 == 0) {
                    Canvas.capsule(m, s, cv.pix(px), cv.pix(py), cv.pix(qx), cv.pix(qy), hw);
                }
                px = qx;
                py = qy;
            }
        } else if (style < 0.75) {
            // dots around the lesion
            int n = 3 + rng.nextInt(5);
            double off = uniform(rng, 0, TAU);
            for (int k = 0; k < n; k++) {
                double a = off + TAU * k / n + normal(rng, 0, 0.15);
                double rr = rho * uniform(rng, 0.95, 1.1);
                double x = clamp(les.cx() + rr * StrictMath.cos(a), -lim, lim);
                double y = clamp(les.cy() + rr * StrictMath.sin(a), -lim, lim);
                Canvas.capsule(m, s, cv.pix(x), cv.pix(y), cv.pix(x), cv.pix(y), hw * uniform(rng, 1.0, 1.6));
            }
        } else {
            // one or two strokes pointing at the lesion, sometimes with an arrow head
            int n = 1 + rng.nextInt(2);
            for (int k = 0; k < n; k++) {
                double a = uniform(rng, 0, TAU);
                double len = uniform(rng, 0.25, 0.45);
                double x0 = clamp(les.cx() + rho * StrictMath.cos(a), -lim, lim);
                double y0 = clamp(les.cy() + rho * StrictMath.sin(a), -lim, lim);
                double x1 = clamp(les.cx() + (rho + len) * StrictMath.cos(a), -lim, lim);
                double y1 = clamp(les.cy() + (rho + len) * StrictMath.sin(a), -lim, lim);
                Canvas.capsule(m, s, cv.pix(x0), cv.pix(y0), cv.pix(x1), cv.pix(y1), hw);
                if (rng.nextDouble() < 0.4) {
                    for (int side = -1; side <= 1; side += 2) {
                        double b = a + side * 0.5;
                        double hx = x0 + 0.09 * StrictMath.cos(b);
                        double hy = y0 + 0.09 * StrictMath.sin(b);
                        Canvas.capsule(m, s, cv.pix(x0), cv.pix(y0), cv.pix(hx), cv.pix(hy), hw);
                    }
                }
            }
        }
        double[] ink = INK[rng.nextInt(INK.length)];
        double alpha = uniform(rng, 0.6, 0.9);
        Noise tex = new Noise(rng);
        double f = 8;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int i = y * s + x;
                if (m[i] > 0) {
                    double lum = 0.3 * cv.r[i] + 0.59 * cv.g[i] + 0.11 * cv.b[i];
                    double k = 0.55 + 0.45 * Math.min(1, lum / 0.7);
                    double a = alpha * (0.8 + 0.2 * tex.at(cv.norm(x) * f, cv.norm(y) * f)) * m[i];
                    cv.blend(i, ink[0] * k, ink[1] * k, ink[2] * k, a);
                }
            }
        }
    }

    // ------------------------------------------------------------------ ruler

    static void drawRuler(Canvas cv, SplittableRandom rng) { // package-private: Artefacts draws it on real images
        int s = cv.size;
        int side = rng.nextInt(4); // 0 top, 1 bottom, 2 left, 3 right
        double thick = s * uniform(rng, 0.11, 0.17);
        double inset = s * uniform(rng, 0.0, 0.03);
        double tilt = uniform(rng, -0.05, 0.05);
        double spacing = Math.max(2.6, s * uniform(rng, 0.045, 0.065));
        double tickHalf = Math.max(0.45, s * 0.006);
        double offset = uniform(rng, 0, spacing);
        boolean ticksInside = rng.nextBoolean();
        double[] body = rng.nextDouble() < 0.7 ? new double[]{0.93, 0.93, 0.89} : new double[]{0.95, 0.92, 0.78};
        double alpha = uniform(rng, 0.7, 0.88);
        // the strip's centre line: along direction (dx, dy), normal (nx, ny) pointing into the image
        double cxl;
        double cyl;
        double dx;
        double dy;
        double nx;
        double ny;
        double c = StrictMath.cos(tilt);
        double sn = StrictMath.sin(tilt);
        double mid = inset + thick / 2;
        switch (side) {
            case 0 -> { cxl = s / 2.0; cyl = mid; dx = c; dy = sn; nx = -sn; ny = c; }
            case 1 -> { cxl = s / 2.0; cyl = s - mid; dx = c; dy = sn; nx = sn; ny = -c; }
            case 2 -> { cxl = mid; cyl = s / 2.0; dx = -sn; dy = c; nx = c; ny = sn; }
            default -> { cxl = s - mid; cyl = s / 2.0; dx = -sn; dy = c; nx = -c; ny = -sn; }
        }
        double half = thick / 2;
        for (int y = 0; y < s; y++) {
            double py = y + 0.5 - cyl;
            for (int x = 0; x < s; x++) {
                double px = x + 0.5 - cxl;
                double t = px * nx + py * ny;       // across: -half (outer edge) .. +half (inner edge)
                if (t > half + 1 || t < -half - 1 - inset) {
                    continue;
                }
                int i = y * s + x;
                double along = px * dx + py * dy;
                double cover = Canvas.clamp01(half - Math.abs(t) + 0.5);
                if (cover > 0) {
                    cv.blend(i, body[0], body[1], body[2], alpha * cover);
                    // thin darker rim on the inner edge
                    double rim = Canvas.clamp01(1 - Math.abs(t - half + 0.5));
                    cv.blend(i, 0.55, 0.55, 0.52, 0.5 * rim);
                    // ticks: every 5th longer, every 10th longest
                    double rel = (along - offset) / spacing;
                    long k = Math.round(rel);
                    double dAlong = Math.abs(rel - k) * spacing;
                    double tc = Canvas.clamp01(tickHalf - dAlong + 0.5);
                    if (tc > 0) {
                        double frac = k % 10 == 0 ? 0.75 : (k % 5 == 0 ? 0.55 : 0.32);
                        double from = ticksInside ? half - frac * thick : -half;
                        double to = ticksInside ? half : -half + frac * thick;
                        double lc = Canvas.clamp01(Math.min(t - from, to - t) + 0.5);
                        cv.blend(i, 0.08, 0.08, 0.10, 0.9 * tc * lc);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ device optics

    private static void applyDevice(Canvas cv, Device dev, SplittableRandom rng) {
        int s = cv.size;
        for (int y = 0; y < s; y++) {
            double v = cv.norm(y);
            for (int x = 0; x < s; x++) {
                double u = cv.norm(x);
                int i = y * s + x;
                double rr = (u * u + v * v) / 2; // 0 centre .. 1 corner
                double vig = 1 - dev.vignette() * rr * rr * 1.6;
                if (vig < 0.05) {
                    vig = 0.05;
                }
                double fov = 1;
                if (dev.fov() > 0) {
                    double rad = Math.sqrt(u * u + v * v);
                    fov = 1 - Canvas.smoothstep(dev.fov() - 0.04, dev.fov() + 0.02, rad);
                }
                double k = vig * fov;
                double r = (0.5 + (cv.r[i] * dev.gainR() - 0.5) * dev.contrast()) * k;
                double g = (0.5 + (cv.g[i] * dev.gainG() - 0.5) * dev.contrast()) * k;
                double b = (0.5 + (cv.b[i] * dev.gainB() - 0.5) * dev.contrast()) * k;
                double dark = 0.03 * (1 - fov);
                cv.r[i] = (float) (r + dark);
                cv.g[i] = (float) (g + dark);
                cv.b[i] = (float) (b + dark);
            }
        }
        if (dev.blurFactor() > 1) {
            resample(cv, cv.r, dev.blurFactor());
            resample(cv, cv.g, dev.blurFactor());
            resample(cv, cv.b, dev.blurFactor());
        }
        if (dev.noise() > 0) {
            for (int i = 0; i < s * s; i++) {
                double lumNoise = dev.noise() * 0.6 * rng.nextGaussian();
                double chroma = dev.noise() * 0.5 * rng.nextGaussian();
                cv.r[i] = (float) (cv.r[i] + lumNoise + chroma);
                cv.g[i] = (float) (cv.g[i] + lumNoise);
                cv.b[i] = (float) (cv.b[i] + lumNoise - chroma);
            }
        }
    }

    /** Resolution loss: box-average down to size/factor, then bilinear back up. */
    private static void resample(Canvas cv, float[] ch, double factor) {
        int s = cv.size;
        int m = Math.max(8, (int) Math.round(s / factor));
        double[] low = new double[m * m];
        int[] count = new int[m * m];
        for (int y = 0; y < s; y++) {
            int ly = (int) ((long) y * m / s);
            for (int x = 0; x < s; x++) {
                int lx = (int) ((long) x * m / s);
                low[ly * m + lx] += ch[y * s + x];
                count[ly * m + lx]++;
            }
        }
        for (int i = 0; i < low.length; i++) {
            low[i] /= Math.max(1, count[i]);
        }
        double ratio = (double) m / s;
        for (int y = 0; y < s; y++) {
            double sy = clamp((y + 0.5) * ratio - 0.5, 0, m - 1);
            int y0 = Math.min(m - 2, (int) sy);
            double fy = sy - y0;
            for (int x = 0; x < s; x++) {
                double sx = clamp((x + 0.5) * ratio - 0.5, 0, m - 1);
                int x0 = Math.min(m - 2, (int) sx);
                double fx = sx - x0;
                double a = low[y0 * m + x0] + (low[y0 * m + x0 + 1] - low[y0 * m + x0]) * fx;
                double b = low[(y0 + 1) * m + x0] + (low[(y0 + 1) * m + x0 + 1] - low[(y0 + 1) * m + x0]) * fx;
                ch[y * s + x] = (float) (a + (b - a) * fy);
            }
        }
    }
}
