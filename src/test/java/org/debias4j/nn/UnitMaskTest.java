package org.debias4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A masked unit contributes exactly nothing downstream, for every block type: with the unit
 * masked, randomly perturbing everything that computes the unit (its conv filters, BN
 * parameters and statistics) leaves every unit activation, the features and the logits
 * bit-identical, while the same perturbation without the mask changes them; the unit's
 * activation reads exactly 0.
 */
class UnitMaskTest {
    /** A parameter or BN statistic computing unit channels, with the axis that indexes the channel. */
    record Incoming(String name, int axis) {
    }

    static List<Incoming> conv(String conv) {
        return List.of(new Incoming(conv + ".weight", 3));
    }

    static List<Incoming> bn(String bn) {
        return List.of(new Incoming(bn + ".weight", 0), new Incoming(bn + ".bias", 0),
                new Incoming(bn + ".running_mean", 0), new Incoming(bn + ".running_var", 0));
    }

    @SafeVarargs
    static List<Incoming> all(List<Incoming>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    private static INDArray array(Model m, String name) {
        for (BatchNormStats.Layer l : m.batchNorms()) {
            if (name.equals(l.name() + ".running_mean")) {
                return l.runningMean();
            }
            if (name.equals(l.name() + ".running_var")) {
                return l.runningVar();
            }
        }
        assertTrue(m.parameterNames().contains(name), "no parameter " + name + " in " + m.parameterNames());
        return m.param(name);
    }

    private static void perturb(Model m, List<Incoming> incoming, int unit, long seed) {
        Random r = new Random(seed);
        for (Incoming in : incoming) {
            INDArray a = array(m, in.name());
            org.nd4j.linalg.indexing.INDArrayIndex[] ix = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
            for (int d = 0; d < a.rank(); d++) {
                ix[d] = d == in.axis() ? NDArrayIndex.point(unit) : NDArrayIndex.all();
            }
            INDArray view = a.get(ix);
            INDArray before = view.dup();
            INDArray noise = Nd4j.create(a.dataType(), view.shape());
            TestModels.fill(noise, r, 0.5, 2.0);
            view.addi(noise);
            assertNotEquals(before, a.get(ix), "perturbation did not reach " + in.name());
        }
    }

    /** Exact comparison (INDArray.equals tolerates 1e-5). */
    static double maxDiff(INDArray a, INDArray b) {
        float[] x = a.dup().data().asFloat();
        float[] y = b.dup().data().asFloat();
        assertEquals(x.length, y.length);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs((double) x[i] - y[i]));
        }
        return d;
    }

    private static Map<String, INDArray> run(Model m, INDArray x) {
        List<String> outs = new java.util.ArrayList<>(m.unitActivations());
        outs.add(m.evalFeatures().name());
        outs.add(m.evalLogits("main").name());
        return m.sd().output(Map.of(Model.INPUT, x), outs.toArray(new String[0]));
    }

    /** Largest difference over every unit activation, the features and the logits. */
    private static double maxDiff(Map<String, INDArray> a, Map<String, INDArray> b) {
        double d = 0;
        for (String k : a.keySet()) {
            d = Math.max(d, maxDiff(a.get(k), b.get(k)));
        }
        return d;
    }

    static Model model(String family) {
        Model m = Model.create(TestModels.small(family, 3));
        TestModels.randomiseBatchNorms(m, 11);
        return m;
    }

    /**
     * Masks the most active unit of {@code mask} and checks that it reads 0 and that perturbing
     * what computes it changes no unit activation, feature or logit by even one bit.
     */
    private static void check(Model m, String family, String mask, List<Incoming> incoming) {
        INDArray x = TestModels.images(2, m.spec().backbone().imageSize(), 5);
        UnitMask um = m.masks().get(mask);
        assertNotNull(um, "no mask " + mask + " in " + m.masks().keySet());
        String act = Model.EVAL + "/" + mask;
        assertTrue(m.unitActivations().contains(act), act + " not in " + m.unitActivations());

        Map<String, INDArray> unmasked = run(m, x);
        INDArray perUnit = unmasked.get(act).mean(0, 2, 3);
        int unit = perUnit.argMax().getInt(0);
        assertTrue(perUnit.getDouble(unit) > 0, mask + " has no active unit");
        boolean[] keep = um.get();
        keep[unit] = false;
        um.set(keep);
        Map<String, INDArray> masked = run(m, x);
        assertEquals(0.0, masked.get(act).get(NDArrayIndex.all(), NDArrayIndex.point(unit)).amaxNumber().doubleValue(), 0.0,
                "masked unit's activation must be exactly 0");
        Map<String, INDArray> others = new java.util.HashMap<>(unmasked);
        others.remove(act);
        Map<String, INDArray> othersMasked = new java.util.HashMap<>(masked);
        othersMasked.remove(act);
        double effect = maxDiff(others, othersMasked);
        assertTrue(effect > 0, "masking a unit should change what follows it");

        perturb(m, incoming, unit, 3);
        Map<String, INDArray> maskedPerturbed = run(m, x);
        assertEquals(0.0, maxDiff(masked, maskedPerturbed), 0.0, family + ": a masked unit must contribute nothing downstream");

        um.reset();
        Map<String, INDArray> unmaskedPerturbed = run(m, x);
        double matters = maxDiff(unmasked, unmaskedPerturbed);
        assertTrue(matters > 0, family + ": the perturbation matters when the unit is kept");
        System.out.printf("%s %s[%d]: masking changes later activations by up to %.3g, perturbing the kept unit by %.3g, the masked one by 0%n",
                family, mask, unit, effect, matters);
    }

    @Test
    void basicBlockUnitsAreTheFirstConvsChannels() {
        check(model("basic"), "basic", "layer2.0.units", all(conv("layer2.0.conv1"), bn("layer2.0.bn1")));
    }

    @Test
    void bottleneckHasMasksOnItsFirstTwoConvs() {
        // Width 0.5: 64 channels in 32 groups of 2, so conv2 runs as split / 32 convs / concat.
        Model m = model("bottleneck");
        check(m, "bottleneck", "layer2.0.conv1.units", all(conv("layer2.0.conv1"), bn("layer2.0.bn1")));
        check(m, "bottleneck", "layer2.0.conv2.units", all(conv("layer2.0.conv2"), bn("layer2.0.bn2")));
    }

    @Test
    void mbconvUnitsAreTheExpandedChannels() {
        Model m = model("mbconv");
        check(m, "mbconv", "features.2.0.units", all(conv("features.2.0.block.0.0"), bn("features.2.0.block.0.1"),
                conv("features.2.0.block.1.0"), bn("features.2.0.block.1.1")));
        // Stage 1 has no expansion: its units are the depthwise channels.
        check(m, "mbconv", "features.1.0.units", all(conv("features.1.0.block.0.0"), bn("features.1.0.block.0.1")));
    }

    @Test
    void denseLayerUnitsAreTheBottleneckChannels() {
        check(model("dense"), "dense", "features.denseblock2.denselayer1.units",
                all(conv("features.denseblock2.denselayer1.conv1"), bn("features.denseblock2.denselayer1.norm2")));
    }

    @Test
    void inceptionUnitsAreBranchInternalChannels() {
        Model m = model("inception");
        for (String unit : List.of("Mixed_5b.branch3x3dbl_2", "Mixed_6b.branch7x7dbl_3", "Mixed_7a.branch7x7x3_2", "Mixed_7b.branch3x3_1")) {
            check(m, "inception", unit + ".units", all(conv(unit + ".conv"), bn(unit + ".bn")));
        }
    }
}
