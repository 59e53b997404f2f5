package org.debias4j.nn;

import java.util.Arrays;

/**
 * torchvision's ResNet and ResNeXt (ResNet v1.5: the stride sits on the 3x3 conv of a
 * Bottleneck): a 7x7 stride-2 stem with max pooling, four stages of BasicBlocks or Bottlenecks
 * with 64/128/256/512 planes, projection shortcuts ("downsample.0" conv, "downsample.1" BN).
 * Names and layouts are torchvision's, so its state dicts load directly.
 *
 * <p>Units: a BasicBlock's are its first conv's output channels ("layer1.0.units"); a
 * Bottleneck has two masks, the first and second convs' output channels ("layer1.0.conv1.units",
 * "layer1.0.conv2.units"). A ResNeXt Bottleneck's grouped 3x3 conv is exact (G convolutions).
 */
public final class ResNet extends BlockBackbone {
    public enum Block { BASIC, BOTTLENECK }

    private final Block block;
    private final int[] layers;
    private final int groups;
    private final int widthPerGroup;
    private final double widthMultiplier;

    /**
     * @param layers          blocks per stage (resnet50: 3, 4, 6, 3)
     * @param groups          groups of the Bottleneck's 3x3 conv (ResNeXt 32x4d: 32)
     * @param widthPerGroup   channels per group at 64 planes (ResNeXt 32x4d: 4; ResNet: 64)
     * @param widthMultiplier scales the stem and every stage's planes (1 = torchvision)
     */
    public ResNet(Block block, int[] layers, int groups, int widthPerGroup, double widthMultiplier) {
        if (layers.length != 4 || Arrays.stream(layers).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("ResNet needs four stages of at least one block, got " + Arrays.toString(layers));
        }
        if (block == Block.BASIC && (groups != 1 || widthPerGroup != 64)) {
            throw new IllegalArgumentException("BasicBlock only supports groups=1 and widthPerGroup=64");
        }
        this.block = block;
        this.layers = layers.clone();
        this.groups = groups;
        this.widthPerGroup = widthPerGroup;
        this.widthMultiplier = widthMultiplier;
    }

    /** A registry variant: depth multiplier scales blocks per stage (at least one). */
    static ResNet of(Block block, int[] layers, int groups, int widthPerGroup, BackboneSpec s) {
        int[] l = new int[4];
        for (int i = 0; i < 4; i++) {
            l[i] = Math.max(1, (int) Math.round(layers[i] * s.depthMultiplier()));
        }
        return new ResNet(block, l, groups, widthPerGroup, s.widthMultiplier());
    }

    private int scale(int c) {
        return Math.max(1, (int) Math.round(c * widthMultiplier));
    }

    @Override
    protected org.nd4j.autodiff.samediff.SDVariable trainGraph(GraphBuilder g, org.nd4j.autodiff.samediff.SDVariable input) {
        if (block != Block.BASIC || !TrainGraph.available(g)) {
            return null; // Bottleneck / ResNeXt: SameDiff layers
        }
        int[] planes = new int[4];
        for (int stage = 0; stage < 4; stage++) {
            planes[stage] = scale(64 << stage);
        }
        return TrainGraph.basicResNet(g, input, scale(64), planes, layers);
    }

    @Override
    protected Blocks.Fmap body(Blocks b, Blocks.Fmap x) {
        int stem = scale(64);
        x = b.conv("conv1", x, stem, 7, 2, 3);
        x = b.relu(b.bn("bn1", x, null));
        x = b.maxPool(x, 3, 2, 1);
        for (int stage = 0; stage < 4; stage++) {
            int planes = scale(64 << stage);
            for (int i = 0; i < layers[stage]; i++) {
                int stride = (stage > 0 && i == 0) ? 2 : 1;
                Blocks.Fmap in = x;
                x = b.scoped("layer" + (stage + 1) + "." + i, () -> block == Block.BASIC
                        ? basic(b, in, planes, stride) : bottleneck(b, in, planes, stride));
            }
        }
        return x;
    }

    private static Blocks.Fmap basic(Blocks b, Blocks.Fmap x, int planes, int stride) {
        UnitMask m = b.mask(null, planes);
        Blocks.Fmap h = b.conv("conv1", x, planes, 3, stride, 1);
        h = b.units(null, b.relu(b.bn("bn1", h, m)));
        h = b.conv("conv2", h, planes, 3, 1, 1);
        h = b.bn("bn2", h, null);
        return b.relu(b.add(h, shortcut(b, x, planes, stride)));
    }

    private Blocks.Fmap bottleneck(Blocks b, Blocks.Fmap x, int planes, int stride) {
        int width = Math.max(1, (int) (planes * (widthPerGroup / 64.0))) * groups;
        int out = planes * 4;
        UnitMask m1 = b.mask("conv1", width);
        Blocks.Fmap h = b.conv("conv1", x, width, 1, 1, 0);
        h = b.units("conv1", b.relu(b.bn("bn1", h, m1)));
        UnitMask m2 = b.mask("conv2", width);
        h = b.conv("conv2", h, width, 3, 3, stride, 1, 1, groups, false);
        h = b.units("conv2", b.relu(b.bn("bn2", h, m2)));
        h = b.conv("conv3", h, out, 1, 1, 0);
        h = b.bn("bn3", h, null);
        return b.relu(b.add(h, shortcut(b, x, out, stride)));
    }

    private static Blocks.Fmap shortcut(Blocks b, Blocks.Fmap x, int out, int stride) {
        if (stride == 1 && x.c() == out) {
            return x;
        }
        return b.bn("downsample.1", b.conv("downsample.0", x, out, 1, stride, 0), null);
    }
}
