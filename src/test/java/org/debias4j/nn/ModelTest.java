package org.debias4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelTest {
    private static Model tiny(long seed) {
        return Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 16, 0.5, 1.0),
                List.of(new HeadSpec("main", 3, 0, 0.0)), seed));
    }

    @Test
    void cifarResNetHasTheTextbookParameterCount() {
        // ResNet-56 (He et al. 2016, table 6): 0.85M parameters; with a 10-class fc: 853,018 (option A shortcuts).
        Model m = Model.create(new ModelSpec(BackboneSpec.of("resnet56_cifar", 32), List.of(HeadSpec.linear("fc", 10)), 0));
        assertEquals(853_018, m.parameterCount());
        assertEquals(27, m.masks().size());
        assertEquals(64, m.featureWidth());
    }

    @Test
    void saveAndLoadGiveIdenticalOutputs(@TempDir Path dir) {
        Model m = tiny(1);
        m.masks().values().iterator().next().set(new boolean[]{true, false, true, true, false, true, true, true});
        m.batchNorms().iterator().next().runningMean().assign(0.3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
        INDArray before = m.predict(x, "main").get("main");
        m.save(dir.resolve("m.safetensors"));
        Model loaded = Model.load(dir.resolve("m.safetensors"));
        assertEquals(before, loaded.predict(x, "main").get("main"));
        assertFalse(loaded.masks().values().iterator().next().get()[1]);
    }

    @Test
    void maskedUnitContributesNothingDownstream() {
        Model m = tiny(2);
        UnitMask mask = m.masks().get("layer1.0.units");
        boolean[] keep = {true, true, false, true, true, true, true, true};
        mask.set(keep);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
        INDArray masked = m.predict(x, "main").get("main").dup();
        // Whatever the masked unit's incoming weights are, the output does not change...
        INDArray w = m.param("layer1.0.conv1.weight"); // [kH, kW, in, out]
        w.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(2)).assign(5.0);
        assertEquals(masked, m.predict(x, "main").get("main"));
        // ...and its activation is exactly zero.
        Map<String, INDArray> acts = m.sd().output(Map.of(Model.INPUT, x), "eval/layer1.0.units");
        INDArray unit = acts.get("eval/layer1.0.units").get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2));
        assertEquals(0.0, unit.amaxNumber().doubleValue());
        // Unmasking changes the output again.
        mask.reset();
        assertNotEquals(masked, m.predict(x, "main").get("main"));
    }

    @Test
    void loadingReportsMissingUnexpectedAndMisshapedTensors() {
        Model m = tiny(3);
        Map<String, INDArray> state = new java.util.LinkedHashMap<>(m.stateDict());
        state.remove("conv1.weight");
        state.put("bogus.weight", Nd4j.zeros(2));
        state.put("bn1.bias", Nd4j.zeros(5));
        org.debias4j.util.UserException e = assertThrows(org.debias4j.util.UserException.class,
                () -> tiny(4).loadStateDict(state, "test.safetensors"));
        assertTrue(e.getMessage().contains("missing (1): conv1.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected (1): bogus.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("bn1.bias [5] (expected [8])"), e.getMessage());
    }

    @Test
    void sameSeedSameWeights() {
        assertEquals(tiny(9).param("layer2.0.conv1.weight"), tiny(9).param("layer2.0.conv1.weight"));
        assertNotEquals(tiny(9).param("layer2.0.conv1.weight"), tiny(10).param("layer2.0.conv1.weight"));
    }
}
