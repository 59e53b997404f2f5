package org.debias4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/** The analytic multiply-add count equals what a forward pass executes. */
class ModelCostTest {
    @ParameterizedTest
    @ValueSource(strings = {"basic", "bottleneck", "mbconv", "dense", "inception"})
    void countedMultiplyAddsEqualExecutedOnes(String family) {
        ModelSpec spec = TestModels.small(family, 5);
        Model m = Model.create(spec);
        BlockBackbone b = (BlockBackbone) Backbones.create(spec.backbone());
        long counted = b.cost(spec.backbone().imageSize(), 5).macs();
        long executed = ModelCost.measureMacs(m);
        assertEquals(executed, counted, family);
    }
}
