package org.debias4j.unlearn;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** GRL sign and scale, and the aux losses' values on a known input. */
class UnlearnLossesTest {
    static final double[][] LOGITS = {{1, 2, 3}, {0, 0, 0}, {-1, 0.5, 2}};

    static double[] logSoftmax(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : z) {
            s += Math.exp(v - m);
        }
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - m - Math.log(s);
        }
        return out;
    }

    static double eval(SameDiff sd, SDVariable v, Map<String, INDArray> ph) {
        return sd.output(ph, v.name()).get(v.name()).getDouble(0);
    }

    @Test
    void gradientReversalIsIdentityForwardAndMinusScaleBackward() {
        for (double scale : new double[]{0.1, 1.0}) {
            SameDiff sd = SameDiff.create();
            INDArray x0 = Nd4j.create(new double[][]{{0.5, -1.5, 2.0}, {3.0, 0.25, -0.75}});
            INDArray c = Nd4j.create(new double[][]{{1, 2, 3}, {-4, 5, -6}});
            SDVariable x = sd.var("x", x0.dup());
            SDVariable y = Grl.reverse(sd, "y", x, scale);
            SDVariable loss = sd.sum("loss", y.mul(sd.constant("c", c)));
            sd.setLossVariables(loss);
            INDArray yv = sd.output(Map.of(), "y").get("y");
            assertTrue(x0.equalsWithEps(yv, 1e-5), "forward is the identity: " + yv);
            INDArray g = sd.calculateGradients(Map.of(), List.of("x")).get("x");
            assertTrue(c.mul(-scale).equalsWithEps(g, 1e-6), "gradient is -" + scale + " * upstream: " + g);
            // without the layer the gradient would be +c: check the sign is really reversed
            assertTrue(g.getDouble(0, 0) < 0 && g.getDouble(1, 0) > 0);
        }
    }

    @Test
    void negativeEntropyConfusionAndWeightedCrossEntropyValues() {
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.placeHolder("z", DataType.DOUBLE, -1, 3);
        SDVariable t = sd.placeHolder("t", DataType.DOUBLE, -1, 3);
        SDVariable y = sd.placeHolder("y", DataType.DOUBLE, -1, 3);
        SDVariable w = sd.placeHolder("w", DataType.DOUBLE, 3);
        SDVariable negent = UnlearnLosses.negativeEntropy(sd, "negent", z);
        SDVariable conf = UnlearnLosses.confusion(sd, "conf", z, t);
        SDVariable ce = UnlearnLosses.weightedCrossEntropy(sd, "ce", z, y, w);
        double[][] target = {{1 / 3.0, 1 / 3.0, 1 / 3.0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}};
        double[][] noise = {{0.2, 0.9, 0.4}, {0.7, 0.1, 0.5}, {0.3, 0.6, 0.8}};
        double[][] oneHot = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}};
        double[] weights = {0.5, 0.3, 0.2};
        int[] labels = {2, 0, 1};

        double expNegent = 0;
        double expConf = 0;
        double expNoise = 0;
        double num = 0;
        double den = 0;
        for (int b = 0; b < 3; b++) {
            double[] lp = logSoftmax(LOGITS[b]);
            for (int k = 0; k < 3; k++) {
                expNegent += Math.exp(lp[k]) * lp[k] / 3;
                expConf += -lp[k] / 3 / 3;
                expNoise += -noise[b][k] * lp[k] / 3;
            }
            num += weights[labels[b]] * -lp[labels[b]];
            den += weights[labels[b]];
        }
        Map<String, INDArray> ph = Map.of("z", Nd4j.create(LOGITS), "t", Nd4j.create(target),
                "y", Nd4j.create(oneHot), "w", Nd4j.create(weights));
        assertEquals(expNegent, eval(sd, negent, ph), 1e-9);
        assertEquals(expConf, eval(sd, conf, ph), 1e-9);
        assertEquals(num / den, eval(sd, ce, ph), 1e-9);
        // hand-checked anchor: uniform logits (row 2) have negative entropy -log 3 and confusion log 3
        assertEquals(-Math.log(3), logSoftmax(LOGITS[1])[0] * 1.0, 1e-12);
        Map<String, INDArray> noisy = Map.of("z", Nd4j.create(LOGITS), "t", Nd4j.create(noise),
                "y", Nd4j.create(oneHot), "w", Nd4j.create(weights));
        assertEquals(expNoise, eval(sd, conf, noisy), 1e-9);
        // the uniform-target confusion is minimal (log K) exactly when the aux softmax is uniform
        Map<String, INDArray> uniform = Map.of("z", Nd4j.zeros(DataType.DOUBLE, 3, 3), "t", Nd4j.create(target),
                "y", Nd4j.create(oneHot), "w", Nd4j.create(weights));
        assertEquals(Math.log(3), eval(sd, conf, uniform), 1e-9);
        assertEquals(-Math.log(3), eval(sd, negent, uniform), 1e-9);
    }

    @Test
    void classWeightsAreInverseFrequenciesNormalisedToOne() {
        float[] w = AuxLabels.classWeights(new int[]{0, 0, 0, 1}, 2, "test");
        assertArrayEquals(new float[]{0.25f, 0.75f}, w, 1e-6f);
        float[] w3 = AuxLabels.classWeights(new int[]{0, 2, 2, 2}, 3, "test");
        assertArrayEquals(new float[]{0.75f, 0f, 0.25f}, w3, 1e-6f, "absent class weighs 0");
        assertThrows(org.debias4j.util.UserException.class, () -> AuxLabels.classWeights(new int[]{0, 5}, 2, "t"));
    }

    @Test
    void labelSelectionPaperVersusReference() {
        UnlearnOptions.Builder b = UnlearnOptions.builder();
        UnlearnMethod.Kind dbl = UnlearnMethod.Kind.DOUBLE_TABE;
        // instrument + rulers: the paper unlearns instrument and rulers; the reference's branch is unreachable
        assertEquals(List.of(new AuxLabels("instrument", "instrument"), new AuxLabels("scale", "scale")),
                AuxLabels.select(dbl, b.instrument(true).rulers(true).build()));
        assertEquals(List.of(new AuxLabels("instrument", "instrument"), new AuxLabels("marked", "marked")),
                AuxLabels.select(dbl, b.referenceBehaviour(true).build()));
        // single head with --rulers: ruler labels; the reference keeps the markings' class weights
        UnlearnOptions.Builder r = UnlearnOptions.builder().rulers(true);
        assertEquals(List.of(new AuxLabels("scale", "scale")), AuxLabels.select(UnlearnMethod.Kind.TABE, r.build()));
        assertEquals(List.of(new AuxLabels("scale", "marked")),
                AuxLabels.select(UnlearnMethod.Kind.TABE, r.referenceBehaviour(true).build()));
        // --switch-heads swaps labels and weights
        assertEquals(List.of(new AuxLabels("marked", "marked"), new AuxLabels("instrument", "instrument")),
                AuxLabels.select(UnlearnMethod.Kind.BOTH, UnlearnOptions.builder().instrument(true).switchHeads(true).build()));
        assertEquals(List.of(new AuxLabels("marked", "marked")),
                AuxLabels.select(UnlearnMethod.Kind.LNTL, UnlearnOptions.builder().marked(true).build()));
    }

    @Test
    void linearProbeReadsALinearAttributeAndNotNoise() {
        Random r = new Random(5);
        int n = 400;
        double[][] x = new double[n][4];
        int[] y = new int[n];
        int[] noise = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            noise[i] = r.nextInt(2);
            for (int j = 0; j < 4; j++) {
                x[i][j] = r.nextGaussian();
            }
            x[i][2] += y[i] == 1 ? 2.5 : -2.5;
        }
        double[][] xa = java.util.Arrays.copyOfRange(x, 0, 200);
        double[][] xb = java.util.Arrays.copyOfRange(x, 200, n);
        LinearProbe p = LinearProbe.fit(xa, java.util.Arrays.copyOfRange(y, 0, 200), 2, 1e-3, 300, 0.5);
        assertTrue(p.accuracy(xb, java.util.Arrays.copyOfRange(y, 200, n))[0] > 0.95);
        LinearProbe q = LinearProbe.fit(xa, java.util.Arrays.copyOfRange(noise, 0, 200), 2, 1e-3, 300, 0.5);
        assertTrue(Math.abs(q.accuracy(xb, java.util.Arrays.copyOfRange(noise, 200, n))[0] - 0.5) < 0.12);
    }
}
