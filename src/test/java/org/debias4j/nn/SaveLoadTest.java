package org.debias4j.nn;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Model.save / Model.load round trip per family: weights, BN statistics, masks and spec, identical outputs. */
class SaveLoadTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"basic", "bottleneck", "mbconv", "dense", "inception"})
    void roundTripGivesIdenticalOutputs(String family) {
        Model m = Model.create(TestModels.small(family, 4));
        TestModels.randomiseBatchNorms(m, 21);
        UnitMask mask = m.masks().values().iterator().next();
        boolean[] keep = mask.get();
        keep[0] = false;
        keep[keep.length - 1] = false;
        mask.set(keep);
        INDArray x = TestModels.images(2, m.spec().backbone().imageSize(), 9);
        INDArray before = m.predict(x, "main").get("main");

        Path file = tmp.resolve(family + ".safetensors");
        m.save(file);
        Model loaded = Model.load(file);

        assertEquals(m.spec(), loaded.spec());
        assertEquals(m.parameterNames(), loaded.parameterNames());
        assertArrayEquals(keep, loaded.masks().get(mask.name()).get());
        for (Map.Entry<String, UnitMask> e : m.masks().entrySet()) {
            assertArrayEquals(e.getValue().get(), loaded.masks().get(e.getKey()).get(), e.getKey());
        }
        INDArray after = loaded.predict(x, "main").get("main");
        assertEquals(0.0, UnitMaskTest.maxDiff(before, after), 0.0, family + ": outputs differ after save/load");
    }
}
