package org.debias4j.nn;

import java.util.Arrays;

/**
 * torchvision's DenseNet-BC: a 7x7 stride-2 stem with max pooling, dense blocks whose layers
 * (BN-ReLU-1x1 conv to bnSize x growth, BN-ReLU-3x3 conv to growth) see the concatenation of all
 * earlier outputs, transitions (BN-ReLU-1x1 conv halving the channels, 2x2 average pooling), a
 * final BN and ReLU. Names are torchvision's current ones ("features.denseblock1.denselayer1.norm1");
 * {@link TorchvisionImport} also accepts the old "norm.1"-style names of early checkpoints.
 *
 * <p>Units: each dense layer's bottleneck channels (the 1x1 conv's outputs,
 * "features.denseblock1.denselayer1.units"), masked at norm2.
 */
public final class DenseNet extends BlockBackbone {
    private final int growth;
    private final int[] blocks;
    private final int initFeatures;
    private final int bnSize;

    public DenseNet(int growth, int[] blocks, int initFeatures, int bnSize) {
        if (growth < 1 || initFeatures < 1 || bnSize < 1 || blocks.length == 0 || Arrays.stream(blocks).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("invalid DenseNet: growth " + growth + ", blocks " + Arrays.toString(blocks)
                    + ", initial features " + initFeatures + ", bn size " + bnSize);
        }
        this.growth = growth;
        this.blocks = blocks.clone();
        this.initFeatures = initFeatures;
        this.bnSize = bnSize;
    }

    /** A registry variant: the width multiplier scales growth rate and stem, the depth multiplier layers per block. */
    static DenseNet of(int growth, int[] blocks, int initFeatures, BackboneSpec s) {
        int[] l = new int[blocks.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.max(1, (int) Math.round(blocks[i] * s.depthMultiplier()));
        }
        return new DenseNet(Math.max(1, (int) Math.round(growth * s.widthMultiplier())), l,
                Math.max(1, (int) Math.round(initFeatures * s.widthMultiplier())), 4);
    }

    @Override
    protected Blocks.Fmap body(Blocks b, Blocks.Fmap input) {
        return b.scoped("features", () -> {
            Blocks.Fmap x = b.conv("conv0", input, initFeatures, 7, 2, 3);
            x = b.maxPool(b.relu(b.bn("norm0", x, null)), 3, 2, 1);
            for (int i = 0; i < blocks.length; i++) {
                int layers = blocks[i];
                Blocks.Fmap in = x;
                x = b.scoped("denseblock" + (i + 1), () -> {
                    Blocks.Fmap cur = in;
                    for (int j = 0; j < layers; j++) {
                        Blocks.Fmap prev = cur;
                        Blocks.Fmap next = b.scoped("denselayer" + (j + 1), () -> denseLayer(b, prev));
                        cur = b.concat(cur, next);
                    }
                    return cur;
                });
                if (i != blocks.length - 1) {
                    Blocks.Fmap t = x;
                    x = b.scoped("transition" + (i + 1), () -> {
                        Blocks.Fmap h = b.relu(b.bn("norm", t, null));
                        h = b.conv("conv", h, t.c() / 2, 1, 1, 0);
                        return b.avgPool(h, 2, 2, 0);
                    });
                }
            }
            return b.relu(b.bn("norm5", x, null));
        });
    }

    private Blocks.Fmap denseLayer(Blocks b, Blocks.Fmap x) {
        int bottleneck = bnSize * growth;
        UnitMask m = b.mask(null, bottleneck);
        Blocks.Fmap h = b.relu(b.bn("norm1", x, null));
        h = b.conv("conv1", h, bottleneck, 1, 1, 0);
        h = b.units(null, b.relu(b.bn("norm2", h, m)));
        return b.conv("conv2", h, growth, 3, 1, 1);
    }
}
