package org.debias4j.nn;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The four small torchvision models in ../shared/fixtures/torchvision (random weights and BN
 * statistics, 7 classes, 64x64): imported weights must reproduce torchvision's eval-mode logits.
 * Skipped when ../shared is absent (a user's fresh checkout).
 */
class TorchvisionFixtureTest {
    static final double TOLERANCE = 1e-4;

    /** The fixtures' architectures, registered under the fixture names. */
    static void registerFixtureBackbones() {
        Backbones.register("resnet_basic_1111", s -> new ResNet(ResNet.Block.BASIC, new int[]{1, 1, 1, 1}, 1, 64, 1.0), 64);
        Backbones.register("resnext_32x4d_1111", s -> new ResNet(ResNet.Block.BOTTLENECK, new int[]{1, 1, 1, 1}, 32, 4, 1.0), 64);
        Backbones.register("densenet_g12_2222", s -> new DenseNet(12, new int[]{2, 2, 2, 2}, 16, 4), 64);
    }

    static Path fixtures() {
        String shared = System.getProperty("debias4j.shared", "../shared");
        Path dir = Path.of(shared, "fixtures", "torchvision");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no torchvision fixtures at " + dir);
        return dir;
    }

    @BeforeAll
    static void register() {
        registerFixtureBackbones();
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet_basic_1111", "resnext_32x4d_1111", "efficientnet_b0", "densenet_g12_2222"})
    void importedWeightsReproduceTorchvisionLogits(String name) {
        Path dir = fixtures();
        INDArray input = Npy.read(dir.resolve(name + ".input.npy")).castTo(DataType.FLOAT);
        INDArray expected = Npy.read(dir.resolve(name + ".logits.npy"));
        Model m = Model.create(new ModelSpec(new BackboneSpec(name, (int) input.size(2), 1.0, 1.0),
                List.of(HeadSpec.linear("main", (int) expected.size(1))), 0));
        TorchvisionImport.Report r = TorchvisionImport.load(m, dir.resolve(name + ".safetensors"), "main",
                TorchvisionImport.Classifier.LOAD);
        assertTrue(r.classifierLoaded());
        INDArray logits = m.predict(input, "main").get("main");
        double err = logits.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        System.out.printf("fixture %s: %d tensors, max |logit error| %.3g%n", name, r.tensorsLoaded(), err);
        assertTrue(err <= TOLERANCE, name + ": max abs logit error " + err + "\nours " + logits + "\ntorchvision " + expected);
    }
}
