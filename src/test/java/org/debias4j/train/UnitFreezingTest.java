package org.debias4j.train;

import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.nn.UnitMask;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Frozen units' weights and batch-norm statistics never change; the other units keep learning. */
class UnitFreezingTest {
    @Test
    void frozenUnitsKeepWeightsAndStatistics() {
        Model m = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 8, 0.25, 1.0),
                List.of(HeadSpec.linear("main", 1)), 4));
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable loss = m.sd().loss().sigmoidCrossEntropy("l", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("l", loss),
                List.of(new ParamGroup("g", Optim.adam(0.05, 0.01), m.parameterNames())), 0.1);
        UnitMask mask = m.masks().get("layer1.0.units");
        assertTrue(mask.owners().contains(new UnitMask.Owner("layer1.0.conv1.weight", 3)), mask.owners().toString());
        boolean[] frozen = {true, false, true, false};
        r.freezeUnits(mask, frozen);
        INDArray w0 = m.param("layer1.0.conv1.weight").dup();
        INDArray g0 = m.param("layer1.0.bn1.weight").dup();
        INDArray rm0 = m.batchNorm("layer1.0.bn1").runningMean().dup();
        Step s = new Step("s", Map.of("l", 1.0), List.of("g"));
        for (int i = 0; i < 3; i++) {
            r.run(s, Map.of(Model.INPUT, Nd4j.rand(DataType.FLOAT, 4, 3, 8, 8), "y",
                    Nd4j.createFromArray(new float[][]{{1}, {0}, {1}, {0}})), 0);
        }
        INDArray w1 = m.param("layer1.0.conv1.weight");
        for (int u = 0; u < 4; u++) {
            INDArray before = w0.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(u));
            INDArray after = w1.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(u));
            if (frozen[u]) {
                assertEquals(before, after, "frozen unit " + u + " weights");
                assertEquals(g0.getDouble(u), m.param("layer1.0.bn1.weight").getDouble(u), 0.0);
                assertEquals(rm0.getDouble(u), m.batchNorm("layer1.0.bn1").runningMean().getDouble(u), 0.0);
            } else {
                assertNotEquals(before, after, "free unit " + u + " weights should learn");
                assertNotEquals(rm0.getDouble(u), m.batchNorm("layer1.0.bn1").runningMean().getDouble(u));
            }
        }
    }
}
