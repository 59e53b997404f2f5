package org.debias4j.nn;

import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.StepRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oneDNN training op ({@link TrainGraph}) against SameDiff's training branch on the same weights: pooled
 * features, loss, the gradient of EVERY parameter (one SGD step with learning rate 1 and no momentum, so the
 * update is the gradient) and the running-statistics update, with batch norms far from identity and masked
 * units. Tolerance: each tensor within {@value #TOL} of its own largest magnitude (float32 with different
 * summation orders; batches of 2-4 at 16 px (CIFAR) and 64 px (resnet18) keep batch-norm gradients well
 * conditioned). Measured: at most 7e-6.
 */
class TrainGraphTest {
    static final double TOL = 5e-5;
    static double worst;

    private static Model build(boolean dnnl, String backbone, int size, double width) {
        String old = System.getProperty("debias4j.dnnlTrain");
        System.setProperty("debias4j.dnnlTrain", Boolean.toString(dnnl));
        try {
            Model m = Model.create(new ModelSpec(new BackboneSpec(backbone, size, width, 1.0),
                    List.of(HeadSpec.linear("main", 3)), 5));
            TestModels.randomiseBatchNorms(m, 11);
            int i = 0;
            for (UnitMask mask : m.masks().values()) {
                boolean[] keep = new boolean[mask.units()];
                for (int u = 0; u < keep.length; u++) {
                    keep[u] = (u + i) % 3 != 0; // a third of every block's units masked, different ones per block
                }
                mask.set(keep);
                i++;
            }
            return m;
        } finally {
            if (old == null) {
                System.clearProperty("debias4j.dnnlTrain");
            } else {
                System.setProperty("debias4j.dnnlTrain", old);
            }
        }
    }

    private static boolean usesTrainGraph(Model m) {
        return java.util.Arrays.stream(m.sd().ops()).anyMatch(o -> o instanceof TrainGraph.Forward);
    }

    private static void close(String what, INDArray expected, INDArray actual) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-12);
        double err = expected.sub(actual).amaxNumber().doubleValue();
        worst = Math.max(worst, err / scale);
        assertTrue(err <= TOL * scale, what + ": max error " + err + " vs scale " + scale);
    }

    @ParameterizedTest
    @CsvSource({"resnet20_cifar, 16, 0.5", "resnet20_cifar, 16, 0.25", "resnet18, 64, 0.25"})
    void matchesSameDiffInFeaturesLossGradientsAndStatistics(String backbone, int size, double width) {
        Model ref = build(false, backbone, size, width);
        Model dn = build(true, backbone, size, width);
        assertFalse(usesTrainGraph(ref));
        assertTrue(usesTrainGraph(dn), "the oneDNN op was not built");
        assertEquals(ref.parameterNames(), dn.parameterNames());
        for (String p : ref.parameterNames()) {
            assertEquals(ref.param(p), dn.param(p), "initial " + p);
        }

        INDArray x = TestModels.images(4, size, 3);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        close("features", ref.sd().output(Map.of(Model.INPUT, x), "train/features").get("train/features"),
                dn.sd().output(Map.of(Model.INPUT, x), "train/features").get("train/features"));

        Map<String, INDArray> before = new HashMap<>();
        for (String p : ref.parameterNames()) {
            before.put(p, ref.param(p).dup());
        }
        double lossRef = step(ref, x, y);
        double lossDn = step(dn, x, y);
        assertEquals(lossRef, lossDn, TOL * Math.abs(lossRef), "loss");
        int checked = 0;
        for (String p : ref.parameterNames()) {
            INDArray gRef = before.get(p).sub(ref.param(p));
            INDArray gDn = before.get(p).sub(dn.param(p));
            close("gradient of " + p, gRef, gDn);
            checked++;
        }
        assertEquals(ref.parameterNames().size(), checked);
        // masked units get no gradient in either path: layer1.0's unit 0 is masked ((0 + 0) % 3 == 0)
        INDArray g0 = before.get("layer1.0.bn1.weight").sub(dn.param("layer1.0.bn1.weight"));
        assertEquals(0.0, g0.getDouble(0), 0.0);
        for (BatchNormStats.Layer l : ref.batchNorms()) {
            BatchNormStats.Layer d = dn.batchNorm(l.name());
            close("running mean of " + l.name(), l.runningMean(), d.runningMean());
            close("running var of " + l.name(), l.runningVar(), d.runningVar());
        }
        // a second step after the update: the op reads the updated weights
        close("loss after one step", Nd4j.scalar(step(ref, x, y)), Nd4j.scalar(step(dn, x, y)));
        // other batch sizes (a third shape evicts the oldest plan) and back: still the same step. With learning
        // rate 1 float32 differences compound from step to step, so each step starts from the same weights.
        for (int n : new int[]{2, 3, 4}) {
            for (String p : ref.parameterNames()) {
                dn.param(p).assign(ref.param(p));
            }
            INDArray xn = TestModels.images(n, size, 20 + n);
            INDArray yn = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            close("loss at batch " + n, Nd4j.scalar(step(ref, xn, yn)), Nd4j.scalar(step(dn, xn, yn)));
            for (String p : ref.parameterNames()) {
                close("weights after a step at batch " + n + ": " + p, ref.param(p), dn.param(p));
            }
        }
        System.out.printf("TrainGraphTest %s width %.2f: largest relative error %.2e over %d tensors%n", backbone, width, worst, checked);
        worst = 0;
    }

    private static double step(Model m, INDArray x, INDArray y) {
        SDVariable yv = m.sd().hasVariable("y") ? m.sd().getVariable("y") : m.sd().placeHolder("y", DataType.FLOAT, -1, 3);
        if (runners.get(m) == null) {
            SDVariable loss = m.sd().loss().softmaxCrossEntropy("ce", yv, m.trainLogits("main"), null);
            runners.put(m, new StepRunner(m, Map.of("ce", loss),
                    List.of(new ParamGroup("all", Optim.sgd(1.0, 0.0), m.parameterNames())), 0.1));
        }
        return runners.get(m).run(new Step("s", Map.of("ce", 1.0), List.of("all")), Map.of(Model.INPUT, x, "y", y), 0)
                .get("ce");
    }

    private static final Map<Model, StepRunner> runners = new java.util.IdentityHashMap<>();

    /**
     * The image gradient (nothing in training needs it, the image being a placeholder, but SameDiff asks the op for
     * it; the 3-channel stem computes it in a jit layout and reorders it): with the input turned into a variable,
     * SameDiff's branch and the oneDNN op give the same gradient of sum(features * r).
     */
    @ParameterizedTest
    @CsvSource({"resnet20_cifar, 16, 0.5", "resnet18, 64, 0.25"})
    void imageGradientMatchesSameDiff(String backbone, int size, double width) {
        INDArray x = TestModels.images(3, size, 9);
        Nd4j.getRandom().setSeed(4);
        INDArray r = Nd4j.rand(DataType.FLOAT, 3, 128).subi(0.5);
        INDArray[] g = new INDArray[2];
        for (int k = 0; k < 2; k++) {
            Model m = build(k == 1, backbone, size, width);
            assertEquals(k == 1, usesTrainGraph(m));
            SDVariable in = m.sd().getVariable(Model.INPUT);
            in.setArray(x.dup());
            m.sd().convertToVariable(in);
            INDArray rr = r.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m.featureWidth())).dup();
            SDVariable loss = m.sd().getVariable("train/features").mul(m.sd().constant(rr)).sum();
            m.sd().setLossVariables(loss);
            g[k] = m.sd().calculateGradients(Map.of(), Model.INPUT).get(Model.INPUT);
        }
        close(backbone + ": image gradient", g[0], g[1]);
        assertTrue(g[0].amaxNumber().doubleValue() > 0);
    }
}
