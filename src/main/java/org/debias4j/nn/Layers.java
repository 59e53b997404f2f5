package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;

/**
 * SameDiff building blocks, NCHW. Parameter names follow torchvision's (conv1.weight, bn1.weight,
 * bn1.bias, bn1.running_mean, fc.weight ...) so that torchvision state dicts map onto them.
 */
public final class Layers {
    public static final double BN_EPS = 1e-5;

    private Layers() {
    }

    /** Convolution without bias; weight "{name}.weight" in YXIO layout [kH, kW, in, out]. */
    public static SDVariable conv(GraphBuilder g, String name, SDVariable x, int in, int out, int k, int stride,
                                  int pad) {
        SDVariable w = g.param(name + ".weight", new long[]{k, k, in, out}, GraphBuilder.Init.kaimingConvFanOut(), Layout.CONV_YXIO);
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).build();
        SDVariable y = g.sd().cnn().conv2d(x, w, cfg);
        g.producedBy(y, w.name(), 3);
        return y;
    }

    /**
     * Batch norm from primitives, with an optional unit mask folded into its scale and shift
     * (relu(z * m) == relu(z) * m for m in {0,1}, so a masked unit outputs exactly 0). Training: one
     * moments op (its outputs feed {@link BatchNormStats}) and one fused native batch-norm op ({@link NativeOps})
     * whose backward is the native batchnorm_bp; inference: the fused op with the running statistics.
     */
    public static SDVariable batchNorm(GraphBuilder g, String name, SDVariable x, int channels, UnitMask mask) {
        return batchNorm(g, name, x, channels, mask, BN_EPS, Double.NaN);
    }

    /** As above with the layer's own epsilon and running-average momentum (NaN = the engine's default). */
    public static SDVariable batchNorm(GraphBuilder g, String name, SDVariable x, int channels, UnitMask mask,
                                       double eps, double momentum) {
        SameDiff sd = g.sd();
        SDVariable gamma = g.param(name + ".weight", new long[]{channels}, GraphBuilder.Init.constant(1));
        SDVariable beta = g.param(name + ".bias", new long[]{channels}, GraphBuilder.Init.constant(0));
        BatchNormStats.Layer stats = g.batchNorm(g.scope() + name, channels);
        stats.momentum = momentum;
        SDVariable mean;
        SDVariable var;
        if (g.training()) {
            SDVariable[] m = NativeOps.batchMoments(sd, g.act(name + "/mean"), g.act(name + "/var"), x);
            stats.batchMeanVar = m[0].name();
            mean = m[0];
            var = m[1];
        } else {
            mean = g.state(name + ".running_mean", stats.runningMean);
            var = g.state(name + ".running_var", stats.runningVar);
        }
        SDVariable scale = gamma;
        SDVariable shift = beta;
        if (mask != null) {
            mask.addOwner(gamma.name(), 0);
            mask.addOwner(beta.name(), 0);
            mask.addBatchNorm(stats.name());
            UnitMask.Owner conv = g.producer(x);
            if (conv != null) {
                mask.addOwner(conv.param(), conv.axis());
            }
            scale = scale.mul(mask.variable());
            shift = shift.mul(mask.variable());
        }
        // One native op forward and one backward (batchnorm_bp, full gradient through the batch statistics):
        // the primitive form (rsqrt, broadcast multiply by [1,C,1,1], bias add) spent half of a training step
        // in the broadcast multiply's backward (shared/notes/dl4j-m2.1.md).
        return NativeOps.batchNorm(sd, x, mean, var, scale, shift, eps);
    }

    public static SDVariable relu(GraphBuilder g, SDVariable x) {
        return NativeOps.relu(g.sd(), x);
    }

    public static SDVariable maxPool(GraphBuilder g, SDVariable x, int k, int stride, int pad) {
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad)
                .paddingMode(PaddingMode.VALID).isNHWC(false).build();
        return g.sd().cnn().maxPooling2d(x, cfg);
    }

    /** Global average pooling to [N, C]. */
    public static SDVariable globalAvgPool(GraphBuilder g, SDVariable x) {
        return x.mean(2, 3);
    }

    /** Linear layer, weight "{name}.weight" as [in, out] (transposed from torchvision's [out, in]). */
    public static SDVariable linear(GraphBuilder g, String name, SDVariable x, int in, int out) {
        SDVariable w = g.param(name + ".weight", new long[]{in, out}, GraphBuilder.Init.linearUniform(in), Layout.LINEAR_IO);
        SDVariable b = g.param(name + ".bias", new long[]{out}, GraphBuilder.Init.linearUniform(in));
        return x.mmul(w).add(b);
    }

    /**
     * Inverted dropout with the keep mask fed as a placeholder "{name}/keep" [N, width] (values 0 or
     * 1/(1-p)): the engine draws it from the run's seeded RNG, so a run is reproducible and the
     * gradient is exact. The inference branch has no dropout.
     */
    public static SDVariable dropout(GraphBuilder g, String name, SDVariable x, int width) {
        if (!g.training()) {
            return x;
        }
        SDVariable keep = g.sd().placeHolder(g.act(name + "/keep"), g.dtype(), -1, width);
        return x.mul(keep);
    }
}
