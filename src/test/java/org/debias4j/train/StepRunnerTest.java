package org.debias4j.train;

import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class StepRunnerTest {
    @Test
    void sgdStepsReduceTheLossAndUpdateRunningStatistics() {
        Model m = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 16, 0.5, 1.0),
                List.of(new HeadSpec("main", 1, 0, 0.0)), 1));
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable bce = m.sd().loss().sigmoidCrossEntropy("bce", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("bce", bce),
                List.of(new ParamGroup("all", Optim.sgd(0.05, 0.9), m.parameterNames())), 0.1);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 16, 16);
        INDArray labels = Nd4j.createFromArray(new float[][]{{1}, {0}, {1}, {0}, {1}, {0}, {1}, {0}});
        Step step = new Step("s", Map.of("bce", 1.0), List.of("all"));
        double first = r.run(step, Map.of(Model.INPUT, x, "y", labels), 0).get("bce");
        INDArray rm = m.batchNorms().iterator().next().runningMean().dup();
        double last = first;
        for (int i = 0; i < 30; i++) {
            last = r.run(step, Map.of(Model.INPUT, x, "y", labels), 0).get("bce");
        }
        System.out.println("loss " + first + " -> " + last + " rm " + rm + " -> " + m.batchNorms().iterator().next().runningMean());
        assertTrue(last < first * 0.5, "loss should fall on a memorisable batch: " + first + " -> " + last);
        assertNotEquals(rm, m.batchNorms().iterator().next().runningMean());
        INDArray out = m.predict(x, "main").get("main");
        assertArrayEquals(new long[]{8, 1}, out.shape());
    }
}
