package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * CIFAR-style ResNet (He et al. 2016, section 4.2): a 3x3 stem, three stages of n BasicBlocks with
 * widths 16/32/64 (times a width multiplier), depth 6n+2, and the parameter-free "option A"
 * shortcut (stride-2 subsampling, zero-padded channels), as the common PyTorch implementation
 * that BiasPruner's ResNet-56 uses. Each block's first conv output channels are its prunable units.
 */
public final class CifarResNet implements Backbone {
    private final int blocksPerStage;
    private final int[] widths;

    public CifarResNet(int depth, double widthMultiplier) {
        if ((depth - 2) % 6 != 0 || depth < 8) {
            throw new IllegalArgumentException("CIFAR ResNet depth must be 6n+2 (20, 32, 44, 56, 110), got " + depth);
        }
        this.blocksPerStage = (depth - 2) / 6;
        this.widths = new int[]{scale(16, widthMultiplier), scale(32, widthMultiplier), scale(64, widthMultiplier)};
    }

    private static int scale(int w, double m) {
        return Math.max(1, (int) Math.round(w * m));
    }

    @Override
    public int featureWidth() {
        return widths[2];
    }

    @Override
    public SDVariable features(GraphBuilder g, SDVariable input) {
        if (TrainGraph.available(g)) {
            // the whole training branch as one op run by oneDNN (same parameters, masks and statistics)
            return TrainGraph.cifarResNet(g, input, blocksPerStage, widths);
        }
        SDVariable x = Layers.conv(g, "conv1", input, 3, widths[0], 3, 1, 1);
        x = Layers.relu(g, Layers.batchNorm(g, "bn1", x, widths[0], null));
        int in = widths[0];
        for (int stage = 0; stage < 3; stage++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                int out = widths[stage];
                final SDVariable blockIn = x;
                final int cin = in;
                x = g.scoped("layer" + (stage + 1) + "." + b, () -> basicBlock(g, blockIn, cin, out, stride));
                in = out;
            }
        }
        return Layers.globalAvgPool(g, x);
    }

    private static SDVariable basicBlock(GraphBuilder g, SDVariable x, int in, int out, int stride) {
        UnitMask mask = g.mask("units", out);
        SDVariable h = Layers.conv(g, "conv1", x, in, out, 3, stride, 1);
        h = Layers.relu(g, Layers.batchNorm(g, "bn1", h, out, mask));
        h = g.sd().identity(g.act("units"), h);
        h = Layers.conv(g, "conv2", h, out, out, 3, 1, 1);
        h = Layers.batchNorm(g, "bn2", h, out, null);
        SDVariable shortcut = x;
        if (stride != 1 || in != out) {
            // Option A: x[:, :, ::2, ::2] zero-padded from `in` to `out` channels.
            SDVariable sub = g.sd().stridedSlice(x, new long[]{0, 0, 0, 0}, new long[]{0, 0, 0, 0},
                    new long[]{1, 1, stride, stride}, 15, 15, 0, 0, 0);
            int padBefore = (out - in) / 2;
            int padAfter = out - in - padBefore;
            SDVariable pads = g.sd().constant(org.nd4j.linalg.factory.Nd4j.createFromArray(
                    new int[][]{{0, 0}, {padBefore, padAfter}, {0, 0}, {0, 0}}));
            shortcut = g.sd().nn().pad(sub, pads, 0.0);
        }
        return Layers.relu(g, h.add(shortcut));
    }
}
