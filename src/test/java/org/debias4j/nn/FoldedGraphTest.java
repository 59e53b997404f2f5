package org.debias4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The folded oneDNN inference graph computes what SameDiff's eval branch computes (1e-5 relative to
 * the largest magnitude of each output), for every output the engine reads (logits, features, unit
 * activations), with batch norms far from identity and masked units; it follows in-place changes of
 * weights, statistics and masks without a rebuild; graphs it cannot translate fall back to SameDiff.
 */
class FoldedGraphTest {
    private static final double TOL = 1e-5;

    private static List<String> outputs(Model m) {
        List<String> outs = new ArrayList<>(List.of(m.evalLogits("main").name(), m.evalFeatures().name()));
        outs.addAll(m.unitActivations());
        return outs;
    }

    private static void maskSome(Model m, int every) {
        for (UnitMask u : m.masks().values()) {
            boolean[] keep = new boolean[u.units()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = i % every != 0;
            }
            u.set(keep);
        }
    }

    private static void assertSame(Model m, FoldedGraph f, INDArray x, String what) {
        List<String> outs = outputs(m);
        Map<String, INDArray> ref = m.sd().output(Map.of(Model.INPUT, x), outs.toArray(new String[0]));
        Map<String, INDArray> got = f.output(x);
        for (String o : outs) {
            INDArray r = ref.get(o);
            INDArray g = got.get(o);
            assertArrayEquals(r.shape(), g.shape(), what + ": shape of " + o);
            double scale = Math.max(1e-6, r.amaxNumber().doubleValue());
            double diff = r.sub(g).amaxNumber().doubleValue();
            assertTrue(diff <= TOL * scale, what + ": " + o + " differs by " + diff + " (max |value| " + scale + ")");
        }
    }

    private static Model model(String name, int size, double width, double depth) {
        Model m = Model.create(new ModelSpec(new BackboneSpec(name, size, width, depth), List.of(HeadSpec.linear("main", 3)), 7));
        TestModels.randomiseBatchNorms(m, 11);
        maskSome(m, 3);
        return m;
    }

    @Test
    void cifarResNetMatchesEvalBranchAndFollowsInPlaceChanges() {
        Model m = model("resnet20_cifar", 16, 0.5, 1.0);
        FoldedGraph f = FoldedGraph.compile(m.sd(), Model.INPUT, outputs(m));
        assertNotNull(f, FoldedGraph.lastReason());
        INDArray x = TestModels.images(4, 16, 1);
        assertSame(m, f, x, "initial");

        // Weights, running statistics, BN affine parameters and masks change in place (training, BiasPruner's
        // per-task swaps): the next call must use them, with no rebuild.
        Random r = new Random(5);
        TestModels.fill(m.param("layer1.0.conv1.weight"), r, -0.3, 0.3);
        TestModels.fill(m.param("head.main.fc.bias"), r, -1, 1);
        TestModels.randomiseBatchNorms(m, 12);
        maskSome(m, 2);
        assertSame(m, f, x, "after in-place changes");
        for (UnitMask u : m.masks().values()) {
            u.reset();
        }
        assertSame(m, f, x, "masks reset");

        // other batch sizes get their own plans; the first one still works afterwards
        assertSame(m, f, TestModels.images(1, 16, 2), "batch 1");
        assertSame(m, f, TestModels.images(7, 16, 3), "batch 7");
        assertSame(m, f, x, "batch 4 again");
        // more batch sizes than plans kept: old plans are freed and rebuilt when needed
        for (int n : new int[]{2, 3, 5, 6}) {
            assertSame(m, f, TestModels.images(n, 16, 10 + n), "batch " + n);
        }
        assertSame(m, f, x, "batch 4 after the plan cache was emptied");
    }

    @Test
    void maskedUnitsAreExactlyZero() {
        Model m = model("resnet20_cifar", 16, 0.5, 1.0);
        String units = m.unitActivations().get(0);
        INDArray a = m.evalOutputs(TestModels.images(2, 16, 4), units).get(units);
        for (int c = 0; c < a.size(1); c += 3) {
            assertEquals(0.0, a.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .amaxNumber().doubleValue(), 0.0, "masked unit " + c);
        }
    }

    @Test
    void everyTorchvisionFamilyMatches() {
        // basic and bottleneck (grouped) ResNets, EfficientNet (depthwise, squeeze-excitation, SiLU),
        // DenseNet (batch norm before conv: a per-channel scale/shift; concatenation), Inception v3
        for (String family : List.of("basic", "bottleneck", "mbconv", "dense", "inception")) {
            Model m = Model.create(TestModels.small(family, 3));
            TestModels.randomiseBatchNorms(m, 3);
            maskSome(m, 3);
            FoldedGraph f = FoldedGraph.compile(m.sd(), Model.INPUT, outputs(m));
            assertNotNull(f, family + ": " + FoldedGraph.lastReason());
            int size = m.spec().backbone().imageSize();
            assertSame(m, f, TestModels.images(2, size, 6), family);
        }
    }

    /** A backbone with an op the folded graph does not translate (tanh). */
    private static final class TanhNet implements Backbone {
        @Override
        public int featureWidth() {
            return 4;
        }

        @Override
        public org.nd4j.autodiff.samediff.SDVariable features(GraphBuilder g, org.nd4j.autodiff.samediff.SDVariable input) {
            org.nd4j.autodiff.samediff.SDVariable x = Layers.conv(g, "conv1", input, 3, 4, 3, 1, 1);
            return Layers.globalAvgPool(g, g.sd().math().tanh(x));
        }
    }

    @Test
    void untranslatedGraphsFallBackToSameDiff() {
        Backbones.register("test_tanh_net", s -> new TanhNet());
        Model m = Model.create(new ModelSpec(new BackboneSpec("test_tanh_net", 8, 1.0, 1.0), List.of(HeadSpec.linear("main", 3)), 7));
        String logits = m.evalLogits("main").name();
        assertNull(FoldedGraph.compile(m.sd(), Model.INPUT, List.of(logits)));
        assertTrue(FoldedGraph.lastReason().contains("tanh"), FoldedGraph.lastReason());
        INDArray x = TestModels.images(2, 8, 8);
        INDArray ref = m.sd().output(Map.of(Model.INPUT, x), logits).get(logits);
        assertEquals(0.0, UnitMaskTest.maxDiff(ref, m.predict(x, "main").get("main")), "fallback is SameDiff itself");
    }

    @Test
    void predictUsesTheFoldedGraphAndCanBeSwitchedOff() {
        Model m = model("resnet20_cifar", 16, 0.5, 1.0);
        INDArray x = TestModels.images(3, 16, 9);
        INDArray folded = m.predict(x, "main").get("main");
        m.setFoldedInference(false);
        INDArray plain = m.predict(x, "main").get("main");
        double scale = plain.amaxNumber().doubleValue();
        assertTrue(folded.sub(plain).amaxNumber().doubleValue() <= TOL * scale);
        // the two paths round differently: equal bits would mean the switch did nothing
        assertNotEquals(0.0, UnitMaskTest.maxDiff(folded, plain), "folded and SameDiff paths gave identical bits");
    }

    @Test
    void fixedWeightsSkipTheChangeCheckUntilReleased() {
        Model m = model("resnet20_cifar", 16, 0.5, 1.0);
        INDArray x = TestModels.images(2, 16, 4);
        m.setFixedWeights(true);
        INDArray before = m.predict(x, "main").get("main").dup();
        TestModels.fill(m.param("head.main.fc.bias"), new Random(6), -1, 1);
        // the promise is taken at its word: the change is not seen
        assertEquals(0.0, UnitMaskTest.maxDiff(before, m.predict(x, "main").get("main")), "fixed weights were re-checked");
        m.setFixedWeights(false);
        INDArray after = m.predict(x, "main").get("main");
        m.setFoldedInference(false);
        INDArray plain = m.predict(x, "main").get("main");
        assertTrue(after.sub(plain).amaxNumber().doubleValue() <= TOL * plain.amaxNumber().doubleValue(),
                "after setFixedWeights(false) the changed bias is folded in");
        assertNotEquals(0.0, UnitMaskTest.maxDiff(before, after));
    }
}
