package org.debias4j.nn;

import org.debias4j.util.UserException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The layer vocabulary of the torchvision backbones (NCHW), with static shape tracking. Every
 * layer knows its output shape [C, H, W], so the same block code either builds SameDiff ops
 * (through a {@link GraphBuilder}: parameters shared by the train and eval branches) or, in
 * counting mode, only adds up parameters, multiply-adds and prunable units without allocating
 * anything. Parameter names and layouts are torchvision's.
 *
 * <p>What SameDiff M2.1 lacks is written here (shared/notes/dl4j-m2.1.md): grouped convolution
 * as split / G convolutions / concat (exact parameters and FLOPs), batch norm from primitives
 * with a unit mask folded into its scale and shift, and stochastic depth.
 */
public final class Blocks {
    /** A feature map: its graph variable (null when counting) and its static shape [C, H, W]. */
    public record Fmap(SDVariable v, int c, int h, int w) {
    }

    /** What a network costs: trainable parameters, multiply-adds per image, masks and their units. */
    public record Cost(long params, long macs, List<String> masks, long units) {
        public double gflops() {
            return macs / 1e9;
        }
    }

    /**
     * Stochastic depth draws its per-sample keep flags from a fixed-size random vector (SameDiff
     * M2.1's random ops with a run-time shape return the same values on every execution; those
     * with a static shape advance the global RNG) and slices the batch's rows from it, so a
     * training batch may hold at most this many samples.
     */
    public static final int DROP_PATH_MAX_BATCH = 16384;

    private final GraphBuilder g;
    private final boolean counting;
    private double eps = 1e-5;
    private double momentum = Double.NaN;
    private long params;
    private long macs;
    private long units;
    private final List<String> maskNames = new ArrayList<>();

    private Blocks(GraphBuilder g, boolean counting) {
        this.g = g;
        this.counting = counting;
    }

    /** Builds ops into {@code g}'s current branch. */
    public static Blocks building(GraphBuilder g) {
        return new Blocks(g, false);
    }

    /** Counts parameters, multiply-adds and units without building or allocating anything. */
    public static Blocks counting() {
        return new Blocks(new GraphBuilder(SameDiff.create(), 0, DataType.FLOAT), true);
    }

    public boolean isCounting() {
        return counting;
    }

    public GraphBuilder graph() {
        return g;
    }

    /** Batch-norm epsilon for the layers built next (PyTorch default 1e-5; Inception 1e-3). */
    public Blocks eps(double eps) {
        this.eps = eps;
        return this;
    }

    /** Batch-norm running-average momentum for the layers built next (NaN = the trainer's default). */
    public Blocks momentum(double momentum) {
        this.momentum = momentum;
        return this;
    }

    public Cost cost() {
        return new Cost(params, macs, List.copyOf(maskNames), units);
    }

    /** The network input [N, 3, H, W] as a feature map (H and W from the placeholder's shape). */
    public Fmap input(SDVariable x) {
        long[] s = x.getShape();
        if (s == null || s.length != 4 || s[1] <= 0 || s[2] <= 0 || s[3] <= 0) {
            throw new IllegalArgumentException("backbone input must have a static shape [N, C, H, W], got "
                    + Arrays.toString(s));
        }
        return new Fmap(x, (int) s[1], (int) s[2], (int) s[3]);
    }

    /** A counting-mode input of the given size. */
    public Fmap input(int channels, int height, int width) {
        return new Fmap(null, channels, height, width);
    }

    public <T> T scoped(String name, Supplier<T> body) {
        return g.scoped(name, body);
    }

    private static int outSize(int in, int k, int stride, int pad, String what) {
        int o = Math.floorDiv(in + 2 * pad - k, stride) + 1;
        if (o < 1) {
            throw new UserException("input too small: " + what + " (kernel " + k + ", stride " + stride + ", padding "
                    + pad + ") gets a " + in + "-pixel feature map; use a larger image size");
        }
        return o;
    }

    /** Square convolution without bias, groups 1: "{name}.weight". */
    public Fmap conv(String name, Fmap x, int out, int k, int stride, int pad) {
        return conv(name, x, out, k, k, stride, pad, pad, 1, false);
    }

    /**
     * Convolution "{name}.weight" (YXIO [kH, kW, in/groups, out], torchvision OIHW
     * [out, in/groups, kH, kW]) and optional "{name}.bias". groups == in == out is a depthwise
     * convolution; other groups are split into G convolutions and concatenated.
     */
    public Fmap conv(String name, Fmap x, int out, int kh, int kw, int stride, int ph, int pw, int groups, boolean bias) {
        int in = x.c();
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(g.scope() + name + ": " + in + " in / " + out + " out channels do not split into "
                    + groups + " groups");
        }
        int ho = outSize(x.h(), kh, stride, ph, g.scope() + name);
        int wo = outSize(x.w(), kw, stride, pw, g.scope() + name);
        long[] shape = {kh, kw, in / groups, out};
        params += (long) kh * kw * (in / groups) * out + (bias ? out : 0);
        macs += (long) ho * wo * out * (in / groups) * kh * kw;
        if (counting) {
            return new Fmap(null, out, ho, wo);
        }
        SameDiff sd = g.sd();
        SDVariable w = g.param(name + ".weight", shape, GraphBuilder.Init.kaimingConvFanOut(), Layout.CONV_YXIO);
        SDVariable b = bias ? g.param(name + ".bias", new long[]{out}, GraphBuilder.Init.constant(0)) : null;
        Conv2DConfig cfg = Conv2DConfig.builder().kH(kh).kW(kw).sH(stride).sW(stride).pH(ph).pW(pw)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).build();
        SDVariable y;
        if (groups == 1) {
            y = b == null ? sd.cnn().conv2d(x.v(), w, cfg) : sd.cnn().conv2d(x.v(), w, b, cfg);
        } else if (groups == in && out == in) {
            // [kH, kW, 1, C] holds the same elements in the same order as depthwise [kH, kW, C, 1].
            SDVariable dw = sd.reshape(w, kh, kw, in, 1);
            y = b == null ? sd.cnn().depthWiseConv2d(x.v(), dw, cfg) : sd.cnn().depthWiseConv2d(x.v(), dw, b, cfg);
        } else {
            SDVariable[] xs = sd.split(x.v(), groups, 1);
            SDVariable[] ws = sd.split(w, groups, 3);
            SDVariable[] ys = new SDVariable[groups];
            for (int i = 0; i < groups; i++) {
                ys[i] = sd.cnn().conv2d(xs[i], ws[i], cfg);
            }
            y = sd.concat(1, ys);
            if (b != null) {
                y = y.add(sd.reshape(b, 1, out, 1, 1));
            }
        }
        return new Fmap(y, out, ho, wo);
    }

    /**
     * Batch norm "{name}.weight/.bias/.running_mean/.running_var" from primitives (batch moments
     * in the train branch, running statistics in the eval branch) with this builder's epsilon and
     * momentum, and an optional unit mask folded into scale and shift: a masked channel is exactly
     * 0 after it, and stays 0 through ReLU and SiLU.
     */
    public Fmap bn(String name, Fmap x, UnitMask mask) {
        int c = x.c();
        params += 2L * c;
        if (counting) {
            return x;
        }
        return with(x, Layers.batchNorm(g, name, x.v(), c, mask, eps, momentum));
    }

    private static Fmap with(Fmap x, SDVariable v) {
        return new Fmap(v, x.c(), x.h(), x.w());
    }

    public Fmap relu(Fmap x) {
        return counting ? x : with(x, NativeOps.relu(g.sd(), x.v()));
    }

    /** SiLU (swish): x * sigmoid(x). */
    public Fmap silu(Fmap x) {
        return counting ? x : with(x, g.sd().nn().swish(x.v()));
    }

    public Fmap maxPool(Fmap x, int k, int stride, int pad) {
        int ho = outSize(x.h(), k, stride, pad, g.scope() + "max pool");
        int wo = outSize(x.w(), k, stride, pad, g.scope() + "max pool");
        if (counting) {
            return new Fmap(null, x.c(), ho, wo);
        }
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad)
                .type(Pooling2D.Pooling2DType.MAX).paddingMode(PaddingMode.VALID).isNHWC(false).build();
        return new Fmap(g.sd().cnn().maxPooling2d(x.v(), cfg), x.c(), ho, wo);
    }

    /** Average pooling counting padded zeros in the divisor, as PyTorch's default count_include_pad=True. */
    public Fmap avgPool(Fmap x, int k, int stride, int pad) {
        int ho = outSize(x.h(), k, stride, pad, g.scope() + "average pool");
        int wo = outSize(x.w(), k, stride, pad, g.scope() + "average pool");
        if (counting) {
            return new Fmap(null, x.c(), ho, wo);
        }
        // extra = 1: libnd4j's avgpool2d divides by the full window including padding.
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad)
                .type(Pooling2D.Pooling2DType.AVG).extra(1).paddingMode(PaddingMode.VALID).isNHWC(false).build();
        return new Fmap(g.sd().cnn().avgPooling2d(x.v(), cfg), x.c(), ho, wo);
    }

    /** Concatenation along channels. */
    public Fmap concat(Fmap... xs) {
        int c = 0;
        for (Fmap x : xs) {
            if (x.h() != xs[0].h() || x.w() != xs[0].w()) {
                throw new IllegalStateException(g.scope() + ": concatenating " + x.h() + "x" + x.w() + " with "
                        + xs[0].h() + "x" + xs[0].w());
            }
            c += x.c();
        }
        if (counting) {
            return new Fmap(null, c, xs[0].h(), xs[0].w());
        }
        SDVariable[] vs = new SDVariable[xs.length];
        for (int i = 0; i < xs.length; i++) {
            vs[i] = xs[i].v();
        }
        return new Fmap(g.sd().concat(1, vs), c, xs[0].h(), xs[0].w());
    }

    public Fmap add(Fmap a, Fmap b) {
        if (a.c() != b.c() || a.h() != b.h() || a.w() != b.w()) {
            throw new IllegalStateException(g.scope() + ": adding " + a + " and " + b);
        }
        return counting ? a : with(a, a.v().add(b.v()));
    }

    /** Per-channel affine map with constant coefficients (Inception's transform_input). */
    public Fmap affine(Fmap x, double[] scale, double[] shift) {
        if (counting) {
            return x;
        }
        SameDiff sd = g.sd();
        SDVariable s = sd.constant(Nd4j.createFromArray(toFloat(scale)).reshape(1, scale.length, 1, 1));
        SDVariable t = sd.constant(Nd4j.createFromArray(toFloat(shift)).reshape(1, shift.length, 1, 1));
        return with(x, x.v().mul(s).add(t));
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * torchvision's SqueezeExcitation with SiLU: global mean, "fc1" (1x1 conv C -> squeeze, with
     * bias), SiLU, "fc2" (squeeze -> C, with bias), sigmoid, channel-wise scale. The 1x1 convs on
     * a 1x1 map run as matrix products; their weights keep the conv layouts.
     */
    public Fmap squeezeExcite(Fmap x, int squeeze) {
        int c = x.c();
        params += 2L * c * squeeze + squeeze + c;
        macs += 2L * c * squeeze;
        if (counting) {
            return x;
        }
        SameDiff sd = g.sd();
        SDVariable w1 = g.param("fc1.weight", new long[]{1, 1, c, squeeze}, GraphBuilder.Init.kaimingConvFanOut(), Layout.CONV_YXIO);
        SDVariable b1 = g.param("fc1.bias", new long[]{squeeze}, GraphBuilder.Init.constant(0));
        SDVariable w2 = g.param("fc2.weight", new long[]{1, 1, squeeze, c}, GraphBuilder.Init.kaimingConvFanOut(), Layout.CONV_YXIO);
        SDVariable b2 = g.param("fc2.bias", new long[]{c}, GraphBuilder.Init.constant(0));
        SDVariable s = x.v().mean(2, 3);
        s = sd.nn().swish(s.mmul(sd.reshape(w1, c, squeeze)).add(b1));
        s = sd.nn().sigmoid(s.mmul(sd.reshape(w2, squeeze, c)).add(b2));
        return with(x, x.v().mul(sd.reshape(s, -1, c, 1, 1)));
    }

    /**
     * Stochastic depth, torchvision's "row" mode: in the train branch each sample's residual branch
     * is kept with probability 1 - p and scaled by 1 / (1 - p); identity in the eval branch. The
     * flags come from the global ND4J RNG (seed it for reproducible runs).
     */
    public Fmap dropPath(Fmap x, double p) {
        if (counting || !g.training() || p <= 0) {
            return x;
        }
        SameDiff sd = g.sd();
        double keep = 1.0 - p;
        SDVariable flags = sd.random().bernoulli(keep, x.v().dataType(), DROP_PATH_MAX_BATCH);
        SDVariable n = sd.slice(sd.shape(x.v()).castTo(DataType.INT), new int[]{0}, 1);
        SDVariable rows = sd.slice(flags, sd.constant(Nd4j.createFromArray(0)), n);
        SDVariable mask = new StopGradient(sd, sd.reshape(rows, -1, 1, 1, 1).mul(1.0 / keep)).outputVariable();
        return with(x, x.v().mul(mask));
    }

    /** Global average pooling to [N, C] (null when counting). */
    public SDVariable globalAvgPool(Fmap x) {
        return counting ? null : x.v().mean(2, 3);
    }

    /**
     * The unit mask of the current scope ("{scope}units"), or of the sub-scope {@code sub}
     * ("{scope}{sub}.units") when a block has several. Null when counting.
     */
    public UnitMask mask(String sub, int n) {
        maskNames.add(g.scope() + (sub == null ? "" : sub + ".") + "units");
        units += n;
        if (counting) {
            return null;
        }
        return sub == null ? g.mask("units", n) : g.scoped(sub, () -> g.mask("units", n));
    }

    /** Names a mask's unit activation "{branch}/{scope}[{sub}.]units", as {@link Model#unitActivations()} expects. */
    public Fmap units(String sub, Fmap x) {
        if (counting) {
            return x;
        }
        SDVariable v = sub == null ? g.sd().identity(g.act("units"), x.v())
                : g.scoped(sub, () -> g.sd().identity(g.act("units"), x.v()));
        return with(x, v);
    }
}
