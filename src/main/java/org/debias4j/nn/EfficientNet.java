package org.debias4j.nn;

/**
 * torchvision's EfficientNet B0-B7 (V1): a 3x3 stride-2 stem, seven stages of MBConv blocks
 * (1x1 expansion, depthwise kxk, squeeze-excitation with SiLU, 1x1 projection), a 1x1 head conv
 * to 4x the last width, SiLU throughout. Widths are rounded to multiples of 8 and depths rounded
 * up as torchvision does; stochastic depth (linearly increasing to 0.2) acts in the train branch
 * only; B5-B7 use batch-norm epsilon 1e-3 and momentum 0.01, the others PyTorch's defaults.
 *
 * <p>Units: an MBConv block's expanded channels ("features.2.0.units"), masked after both the
 * expansion and the depthwise batch norm; the unit activation is the depthwise output (after
 * SiLU, before squeeze-excitation). A masked unit feeds exactly zero to the squeeze-excitation
 * pooling and the projection.
 */
public final class EfficientNet extends BlockBackbone {
    /** One stage of the B0 table: expansion ratio, kernel, stride, in and out channels, blocks. */
    record Stage(double expand, int kernel, int stride, int in, int out, int layers) {
    }

    static final Stage[] B0 = {
            new Stage(1, 3, 1, 32, 16, 1),
            new Stage(6, 3, 2, 16, 24, 2),
            new Stage(6, 5, 2, 24, 40, 2),
            new Stage(6, 3, 2, 40, 80, 3),
            new Stage(6, 5, 1, 80, 112, 3),
            new Stage(6, 5, 2, 112, 192, 4),
            new Stage(6, 3, 1, 192, 320, 1),
    };

    /** Width and depth coefficients and classifier dropout of B0..B7, as torchvision. */
    static final double[][] COMPOUND = {
            {1.0, 1.0, 0.2}, {1.0, 1.1, 0.2}, {1.1, 1.2, 0.3}, {1.2, 1.4, 0.3},
            {1.4, 1.8, 0.4}, {1.6, 2.2, 0.4}, {1.8, 2.6, 0.5}, {2.0, 3.1, 0.5},
    };

    private final double widthMult;
    private final double depthMult;
    private final double stochasticDepth;
    private final double bnEps;
    private final double bnMomentum;

    /**
     * @param stochasticDepth the last block's drop probability (torchvision 0.2; 0 disables)
     * @param bnMomentum      NaN = the trainer's default (PyTorch's 0.1)
     */
    public EfficientNet(double widthMult, double depthMult, double stochasticDepth, double bnEps, double bnMomentum) {
        this.widthMult = widthMult;
        this.depthMult = depthMult;
        this.stochasticDepth = stochasticDepth;
        this.bnEps = bnEps;
        this.bnMomentum = bnMomentum;
    }

    /** efficientnet_b{index}, with the spec's multipliers applied on top of the compound coefficients. */
    public static EfficientNet b(int index, BackboneSpec s) {
        double[] c = COMPOUND[index];
        boolean large = index >= 5;
        return new EfficientNet(c[0] * s.widthMultiplier(), c[1] * s.depthMultiplier(), 0.2,
                large ? 1e-3 : 1e-5, large ? 0.01 : Double.NaN);
    }

    /** torchvision's classifier dropout for efficientnet_b{index}. */
    public static double classifierDropout(int index) {
        return COMPOUND[index][2];
    }

    /** torchvision's _make_divisible(v, 8). */
    static int makeDivisible(double v, int divisor) {
        int nv = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (nv < 0.9 * v) {
            nv += divisor;
        }
        return nv;
    }

    private int width(int c) {
        return makeDivisible(c * widthMult, 8);
    }

    private int depth(int n) {
        return (int) Math.ceil(n * depthMult);
    }

    @Override
    protected Blocks configure(Blocks b) {
        return b.eps(bnEps).momentum(bnMomentum);
    }

    @Override
    protected Blocks.Fmap body(Blocks b, Blocks.Fmap input) {
        int stem = width(B0[0].in());
        Blocks.Fmap x = b.scoped("features.0", () -> b.silu(b.bn("1", b.conv("0", input, stem, 3, 2, 1), null)));
        int total = 0;
        for (Stage s : B0) {
            total += depth(s.layers());
        }
        int id = 0;
        for (int si = 0; si < B0.length; si++) {
            Stage s = B0[si];
            int out = width(s.out());
            for (int i = 0; i < depth(s.layers()); i++) {
                int in = i == 0 ? width(s.in()) : out;
                int stride = i == 0 ? s.stride() : 1;
                double p = stochasticDepth * id / total;
                Blocks.Fmap blockIn = x;
                x = b.scoped("features." + (si + 1) + "." + i, () -> mbconv(b, blockIn, in, out, s.expand(), s.kernel(), stride, p));
                id++;
            }
        }
        int last = 4 * width(B0[B0.length - 1].out());
        Blocks.Fmap top = x;
        return b.scoped("features." + (B0.length + 1), () -> b.silu(b.bn("1", b.conv("0", top, last, 1, 1, 0), null)));
    }

    private static Blocks.Fmap mbconv(Blocks b, Blocks.Fmap x, int in, int out, double expand, int k, int stride, double p) {
        if (x.c() != in) {
            throw new IllegalStateException("MBConv expects " + in + " channels, got " + x.c());
        }
        int expanded = makeDivisible(in * expand, 8);
        UnitMask m = b.mask(null, expanded);
        int idx = 0;
        Blocks.Fmap h = x;
        if (expanded != in) {
            Blocks.Fmap e = h;
            h = b.scoped("block.0", () -> b.silu(b.bn("1", b.conv("0", e, expanded, 1, 1, 0), m)));
            idx++;
        }
        Blocks.Fmap d = h;
        h = b.scoped("block." + idx++, () -> b.silu(b.bn("1",
                b.conv("0", d, expanded, k, k, stride, (k - 1) / 2, (k - 1) / 2, expanded, false), m)));
        h = b.units(null, h);
        Blocks.Fmap se = h;
        h = b.scoped("block." + idx++, () -> b.squeezeExcite(se, Math.max(1, in / 4)));
        Blocks.Fmap pr = h;
        h = b.scoped("block." + idx, () -> b.bn("1", b.conv("0", pr, out, 1, 1, 0), null));
        if (stride == 1 && in == out) {
            h = b.add(b.dropPath(h, p), x);
        }
        return h;
    }
}
