package org.debias4j.nn;

import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.StepRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The train branch differentiates through every block type (grouped conv as split/concat,
 * depthwise conv, squeeze-excitation, SiLU, stochastic depth), updates BN statistics with each
 * layer's momentum, and stochastic depth acts in the train branch only.
 */
class TrainBranchTest {
    static StepRunner runner(Model m, double lr, double bnMomentum) {
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, m.spec().head("main").outputs());
        SDVariable loss = m.sd().loss().softmaxCrossEntropy("ce", y, m.trainLogits("main"), null);
        return new StepRunner(m, Map.of("ce", loss), List.of(new ParamGroup("all", Optim.sgd(lr, 0.0), m.parameterNames())),
                bnMomentum);
    }

    static Map<String, INDArray> batch(Model m, int n) {
        INDArray x = TestModels.images(n, m.spec().backbone().imageSize(), 17);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, m.spec().head("main").outputs());
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % y.size(1), 1.0);
        }
        return Map.of(Model.INPUT, x, "y", y);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bottleneck", "mbconv", "dense", "inception"})
    void everyWeightGetsAGradient(String family) {
        Model m = Model.create(TestModels.small(family, 3));
        Map<String, INDArray> before = new HashMap<>();
        for (String p : m.parameterNames()) {
            before.put(p, m.param(p).dup());
        }
        StepRunner r = runner(m, 0.05, 0.1);
        double loss = r.run(new Step("s", Map.of("ce", 1.0), List.of("all")), batch(m, 4), 0).get("ce");
        assertTrue(Double.isFinite(loss), family + " loss " + loss);
        // Every conv, squeeze-excitation and linear weight must move. (Some BN affine parameters have
        // an exactly zero gradient in any framework: a bias whose channel only reaches batch-statistics
        // BNs through linear maps, e.g. an MBConv projection without residual.)
        List<String> weights = m.parameterNames().stream().filter(p -> p.endsWith(".weight") && m.param(p).rank() > 1).toList();
        assertTrue(weights.size() > 10, family + ": " + weights.size());
        List<String> unchanged = weights.stream().filter(p -> before.get(p).equals(m.param(p))).toList();
        assertTrue(unchanged.isEmpty(), family + ": no update for " + unchanged);
        long moved = m.parameterNames().stream().filter(p -> !before.get(p).equals(m.param(p))).count();
        System.out.printf("%s: loss %.4f, %d of %d parameter tensors updated%n", family, loss, moved, m.parameterNames().size());
    }

    @Test
    void efficientNetB5UsesMomentum001() {
        Model m = Model.create(new ModelSpec(new BackboneSpec("efficientnet_b5", 32, 0.1, 0.1),
                List.of(HeadSpec.linear("main", 3)), 1));
        for (BatchNormStats.Layer l : m.batchNorms()) {
            assertEquals(0.01, l.momentum(), l.name());
        }
        Model b0 = Model.create(new ModelSpec(new BackboneSpec("efficientnet_b0", 32, 0.25, 0.3),
                List.of(HeadSpec.linear("main", 3)), 1));
        assertTrue(Double.isNaN(b0.batchNorms().iterator().next().momentum()));

        Map<String, INDArray> ph = batch(m, 4);
        INDArray batchMean = m.sd().output(Map.of(Model.INPUT, ph.get(Model.INPUT)), "train/features.0.1/mean")
                .get("train/features.0.1/mean");
        StepRunner r = runner(m, 1e-3, 0.1); // moments come from the forward pass, before the update
        r.run(new Step("s", Map.of("ce", 1.0), List.of("all")), ph, 0);
        BatchNormStats.Layer stem = m.batchNorms().iterator().next();
        assertEquals("features.0.1", stem.name());
        INDArray expected = batchMean.reshape(stem.runningMean().shape()).mul(0.01);
        assertTrue(UnitMaskTest.maxDiff(expected, stem.runningMean()) < 1e-6,
                "running mean " + stem.runningMean() + " expected " + expected);
    }

    @Test
    void stochasticDepthActsInTheTrainBranchOnly() {
        Model m = Model.create(new ModelSpec(new BackboneSpec("efficientnet_b0", 32, 0.25, 0.5),
                List.of(HeadSpec.linear("main", 3)), 1));
        INDArray x = TestModels.images(16, 32, 3);
        String train = m.trainFeatures().name();
        String eval = m.evalFeatures().name();
        Map<String, INDArray> a = m.sd().output(Map.of(Model.INPUT, x), train, eval);
        Map<String, INDArray> b = m.sd().output(Map.of(Model.INPUT, x), train, eval);
        assertEquals(0.0, UnitMaskTest.maxDiff(a.get(eval), b.get(eval)), 0.0, "eval branch is deterministic");
        assertTrue(UnitMaskTest.maxDiff(a.get(train), b.get(train)) > 0, "train branch drops residual branches at random");

        Backbones.register("efficientnet_b0_no_drop_path", s -> new EfficientNet(0.25, 0.5, 0.0, 1e-5, Double.NaN), 32);
        Model nodrop = Model.create(new ModelSpec(new BackboneSpec("efficientnet_b0_no_drop_path", 32, 1, 1),
                List.of(HeadSpec.linear("main", 3)), 1));
        String t = nodrop.trainFeatures().name();
        assertEquals(0.0, UnitMaskTest.maxDiff(nodrop.sd().output(Map.of(Model.INPUT, x), t).get(t),
                nodrop.sd().output(Map.of(Model.INPUT, x), t).get(t)), 0.0, "without stochastic depth the train branch is deterministic");
    }
}
