package org.debias4j.nn;

/**
 * torchvision's Inception v3 without the auxiliary classifier (aux_logits=False): the stem
 * (Conv2d_1a_3x3 ... Conv2d_4a_3x3, two max pools), Mixed_5b-5d (InceptionA), Mixed_6a (B),
 * Mixed_6b-6e (C, factorised 1x7/7x1 convs), Mixed_7a (D), Mixed_7b-7c (E). Every conv is a
 * BasicConv2d ("{name}.conv", "{name}.bn" with epsilon 1e-3, ReLU). Average pools in the
 * branches count padding, as PyTorch's default. Needs inputs of at least 75x75 (default 299).
 *
 * <p>{@code transformInput} is torchvision's transform_input, which torchvision switches on when
 * it loads its ImageNet weights: it maps ImageNet-normalised inputs to the [-1, 1] scaling the
 * ported Google weights expect. The registry's inception_v3 has it on, so imported torchvision
 * weights see the inputs they were trained on; the parameter count is unaffected.
 *
 * <p>Units: the branch-internal convs' output channels, i.e. every BasicConv2d whose output feeds
 * another conv of its branch rather than the module's concatenation ("Mixed_5b.branch5x5_1.units").
 * The width multiplier scales every channel count; the depth multiplier the number of A, C and E
 * modules (at least one each; names continue Mixed_5b, 5c, ...).
 */
public final class InceptionV3 extends BlockBackbone {
    private static final double[] TRANSFORM_SCALE = {0.229 / 0.5, 0.224 / 0.5, 0.225 / 0.5};
    private static final double[] TRANSFORM_SHIFT = {(0.485 - 0.5) / 0.5, (0.456 - 0.5) / 0.5, (0.406 - 0.5) / 0.5};

    private final boolean transformInput;
    private final double widthMultiplier;
    private final int nA;
    private final int nC;
    private final int nE;

    public InceptionV3(boolean transformInput, double widthMultiplier, double depthMultiplier) {
        this.transformInput = transformInput;
        this.widthMultiplier = widthMultiplier;
        this.nA = Math.max(1, (int) Math.round(3 * depthMultiplier));
        this.nC = Math.max(1, (int) Math.round(4 * depthMultiplier));
        this.nE = Math.max(1, (int) Math.round(2 * depthMultiplier));
    }

    private int s(int c) {
        return Math.max(1, (int) Math.round(c * widthMultiplier));
    }

    @Override
    protected Blocks configure(Blocks b) {
        return b.eps(1e-3);
    }

    @Override
    protected int nominalSize() {
        return 299;
    }

    /** BasicConv2d: conv without bias, BN, ReLU; {@code inner} convs carry a unit mask. */
    private Blocks.Fmap bc(Blocks b, String name, Blocks.Fmap x, int out, int kh, int kw, int stride, int ph, int pw,
                           boolean inner) {
        int o = s(out);
        return b.scoped(name, () -> {
            UnitMask m = inner ? b.mask(null, o) : null;
            Blocks.Fmap h = b.conv("conv", x, o, kh, kw, stride, ph, pw, 1, false);
            h = b.relu(b.bn("bn", h, m));
            return inner ? b.units(null, h) : h;
        });
    }

    private Blocks.Fmap bc(Blocks b, String name, Blocks.Fmap x, int out, int k, int stride, int pad, boolean inner) {
        return bc(b, name, x, out, k, k, stride, pad, pad, inner);
    }

    @Override
    protected Blocks.Fmap body(Blocks b, Blocks.Fmap x) {
        if (transformInput) {
            x = b.affine(x, TRANSFORM_SCALE, TRANSFORM_SHIFT);
        }
        x = bc(b, "Conv2d_1a_3x3", x, 32, 3, 2, 0, false);
        x = bc(b, "Conv2d_2a_3x3", x, 32, 3, 1, 0, false);
        x = bc(b, "Conv2d_2b_3x3", x, 64, 3, 1, 1, false);
        x = b.maxPool(x, 3, 2, 0);
        x = bc(b, "Conv2d_3b_1x1", x, 80, 1, 1, 0, false);
        x = bc(b, "Conv2d_4a_3x3", x, 192, 3, 1, 0, false);
        x = b.maxPool(x, 3, 2, 0);
        for (int i = 0; i < nA; i++) {
            Blocks.Fmap in = x;
            int pool = i == 0 ? 32 : 64;
            x = b.scoped("Mixed_5" + (char) ('b' + i), () -> inceptionA(b, in, pool));
        }
        Blocks.Fmap a = x;
        x = b.scoped("Mixed_6a", () -> inceptionB(b, a));
        for (int i = 0; i < nC; i++) {
            Blocks.Fmap in = x;
            int c7 = i == 0 ? 128 : i == nC - 1 ? 192 : 160;
            x = b.scoped("Mixed_6" + (char) ('b' + i), () -> inceptionC(b, in, c7));
        }
        Blocks.Fmap c = x;
        x = b.scoped("Mixed_7a", () -> inceptionD(b, c));
        for (int i = 0; i < nE; i++) {
            Blocks.Fmap in = x;
            x = b.scoped("Mixed_7" + (char) ('b' + i), () -> inceptionE(b, in));
        }
        return x;
    }

    private Blocks.Fmap inceptionA(Blocks b, Blocks.Fmap x, int poolFeatures) {
        Blocks.Fmap b1 = bc(b, "branch1x1", x, 64, 1, 1, 0, false);
        Blocks.Fmap b5 = bc(b, "branch5x5_1", x, 48, 1, 1, 0, true);
        b5 = bc(b, "branch5x5_2", b5, 64, 5, 1, 2, false);
        Blocks.Fmap b3 = bc(b, "branch3x3dbl_1", x, 64, 1, 1, 0, true);
        b3 = bc(b, "branch3x3dbl_2", b3, 96, 3, 1, 1, true);
        b3 = bc(b, "branch3x3dbl_3", b3, 96, 3, 1, 1, false);
        Blocks.Fmap bp = bc(b, "branch_pool", b.avgPool(x, 3, 1, 1), poolFeatures, 1, 1, 0, false);
        return b.concat(b1, b5, b3, bp);
    }

    private Blocks.Fmap inceptionB(Blocks b, Blocks.Fmap x) {
        Blocks.Fmap b3 = bc(b, "branch3x3", x, 384, 3, 2, 0, false);
        Blocks.Fmap bd = bc(b, "branch3x3dbl_1", x, 64, 1, 1, 0, true);
        bd = bc(b, "branch3x3dbl_2", bd, 96, 3, 1, 1, true);
        bd = bc(b, "branch3x3dbl_3", bd, 96, 3, 2, 0, false);
        return b.concat(b3, bd, b.maxPool(x, 3, 2, 0));
    }

    private Blocks.Fmap inceptionC(Blocks b, Blocks.Fmap x, int c7) {
        Blocks.Fmap b1 = bc(b, "branch1x1", x, 192, 1, 1, 0, false);
        Blocks.Fmap b7 = bc(b, "branch7x7_1", x, c7, 1, 1, 0, true);
        b7 = bc(b, "branch7x7_2", b7, c7, 1, 7, 1, 0, 3, true);
        b7 = bc(b, "branch7x7_3", b7, 192, 7, 1, 1, 3, 0, false);
        Blocks.Fmap bd = bc(b, "branch7x7dbl_1", x, c7, 1, 1, 0, true);
        bd = bc(b, "branch7x7dbl_2", bd, c7, 7, 1, 1, 3, 0, true);
        bd = bc(b, "branch7x7dbl_3", bd, c7, 1, 7, 1, 0, 3, true);
        bd = bc(b, "branch7x7dbl_4", bd, c7, 7, 1, 1, 3, 0, true);
        bd = bc(b, "branch7x7dbl_5", bd, 192, 1, 7, 1, 0, 3, false);
        Blocks.Fmap bp = bc(b, "branch_pool", b.avgPool(x, 3, 1, 1), 192, 1, 1, 0, false);
        return b.concat(b1, b7, bd, bp);
    }

    private Blocks.Fmap inceptionD(Blocks b, Blocks.Fmap x) {
        Blocks.Fmap b3 = bc(b, "branch3x3_1", x, 192, 1, 1, 0, true);
        b3 = bc(b, "branch3x3_2", b3, 320, 3, 2, 0, false);
        Blocks.Fmap b7 = bc(b, "branch7x7x3_1", x, 192, 1, 1, 0, true);
        b7 = bc(b, "branch7x7x3_2", b7, 192, 1, 7, 1, 0, 3, true);
        b7 = bc(b, "branch7x7x3_3", b7, 192, 7, 1, 1, 3, 0, true);
        b7 = bc(b, "branch7x7x3_4", b7, 192, 3, 2, 0, false);
        return b.concat(b3, b7, b.maxPool(x, 3, 2, 0));
    }

    private Blocks.Fmap inceptionE(Blocks b, Blocks.Fmap x) {
        Blocks.Fmap b1 = bc(b, "branch1x1", x, 320, 1, 1, 0, false);
        Blocks.Fmap b3 = bc(b, "branch3x3_1", x, 384, 1, 1, 0, true);
        b3 = b.concat(bc(b, "branch3x3_2a", b3, 384, 1, 3, 1, 0, 1, false),
                bc(b, "branch3x3_2b", b3, 384, 3, 1, 1, 1, 0, false));
        Blocks.Fmap bd = bc(b, "branch3x3dbl_1", x, 448, 1, 1, 0, true);
        bd = bc(b, "branch3x3dbl_2", bd, 384, 3, 1, 1, true);
        bd = b.concat(bc(b, "branch3x3dbl_3a", bd, 384, 1, 3, 1, 0, 1, false),
                bc(b, "branch3x3dbl_3b", bd, 384, 3, 1, 1, 1, 0, false));
        Blocks.Fmap bp = bc(b, "branch_pool", b.avgPool(x, 3, 1, 1), 192, 1, 1, 0, false);
        return b.concat(b1, b3, bd, bp);
    }
}
