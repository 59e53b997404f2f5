package org.debias4j.nn;

import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.StepRunner;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Running statistics follow torch.nn.BatchNorm2d: momentum 0.1, unbiased variance, frozen channels untouched. */
class BatchNormStatsTest {
    @Test
    void oneTrainingStepUpdatesRunningStatisticsAsPyTorch() {
        Model m = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 8, 0.25, 1.0),
                List.of(HeadSpec.linear("main", 1)), 3));
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable loss = m.sd().loss().sigmoidCrossEntropy("l", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("l", loss),
                List.of(new ParamGroup("g", Optim.sgd(1e-30, 0), m.parameterNames())), 0.1);
        BatchNormStats.Layer bn1 = m.batchNorms().iterator().next();
        assertEquals("bn1", bn1.name());
        INDArray freeze = Nd4j.createFromArray(1f, 0f, 1f, 1f);
        bn1.setUpdatable(freeze);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3, 8, 8);
        r.run(new Step("s", Map.of("l", 1.0), List.of("g")), Map.of(Model.INPUT, x, "y", Nd4j.ones(DataType.FLOAT, 5, 1)), 0);

        // the stem conv's output (the train branch's, or with the oneDNN training op the eval branch's: same weights)
        String convOut = java.util.Arrays.stream(m.sd().ops())
                .filter(o -> o instanceof org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D && o.arg(0).name().equals(Model.INPUT))
                .findFirst().orElseThrow().outputVariable().name();
        INDArray z = m.sd().output(Map.of(Model.INPUT, x), convOut).get(convOut); // [5, 4, 8, 8]
        long n = 5 * 8 * 8;
        for (int c = 0; c < 4; c++) {
            double[] v = z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c))
                    .dup().data().asDouble();
            double mean = 0;
            for (double d : v) {
                mean += d;
            }
            mean /= n;
            double ss = 0;
            for (double d : v) {
                ss += (d - mean) * (d - mean);
            }
            double unbiased = ss / (n - 1);
            double expMean = c == 1 ? 0 : 0.1 * mean;
            double expVar = c == 1 ? 1 : 0.9 + 0.1 * unbiased;
            assertEquals(expMean, bn1.runningMean().getDouble(c), 1e-5, "running mean, channel " + c);
            assertEquals(expVar, bn1.runningVar().getDouble(c), 1e-4, "running var, channel " + c);
        }
    }
}
