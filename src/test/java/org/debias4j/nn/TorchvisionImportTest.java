package org.debias4j.nn;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Import of torchvision-named state dicts, without ../shared: files are made from our own models. */
class TorchvisionImportTest {
    @TempDir
    Path tmp;

    /** A model's state dict as torchvision would save it (classifier as "fc.*", no masks, with num_batches_tracked). */
    static Map<String, INDArray> asTorchvision(Model m, String classifier) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : m.stateDict().entrySet()) {
            String k = e.getKey();
            if (k.endsWith(".units")) {
                continue;
            }
            if (k.startsWith("head.main.fc.")) {
                k = classifier + "." + k.substring("head.main.fc.".length());
            }
            out.put(k, e.getValue().dup());
            if (k.endsWith(".running_var")) {
                out.put(k.replace(".running_var", ".num_batches_tracked"), Nd4j.scalar(DataType.LONG, 3L));
            }
        }
        return out;
    }

    private static ModelSpec spec(String backbone, int classes) {
        return new ModelSpec(new BackboneSpec(backbone, 32, 0.25, 0.5), List.of(HeadSpec.linear("main", classes)), 3);
    }

    @Test
    void torchvisionFileLoadsWithItsClassifierAsTheMainHead() {
        Model source = Model.create(spec("resnet18", 5));
        TestModels.randomiseBatchNorms(source, 1);
        Map<String, INDArray> tv = asTorchvision(source, "fc");
        tv.put("AuxLogits.fc.weight", Nd4j.ones(DataType.FLOAT, 2, 2));
        Path file = tmp.resolve("resnet.safetensors");
        SafeTensors.write(file, tv, Map.of("format", "pt"));

        Model target = Model.create(new ModelSpec(source.spec().backbone(), source.spec().heads(), 99));
        INDArray x = TestModels.images(2, 32, 4);
        assertTrue(UnitMaskTest.maxDiff(source.predict(x, "main").get("main"), target.predict(x, "main").get("main")) > 0);
        TorchvisionImport.Report r = TorchvisionImport.load(target, file, "main", TorchvisionImport.Classifier.LOAD);
        assertTrue(r.classifierLoaded());
        assertEquals(List.of("AuxLogits.fc.weight"), r.ignored());
        assertEquals(0.0, UnitMaskTest.maxDiff(source.predict(x, "main").get("main"), target.predict(x, "main").get("main")), 0.0);
    }

    @Test
    void classifierWithOtherClassCountIsSkippedUnderAutoAndAnErrorUnderLoad() {
        Model imagenet = Model.create(spec("resnet18", 10));
        Map<String, INDArray> tv = asTorchvision(imagenet, "fc");
        Model task = Model.create(spec("resnet18", 3));
        INDArray headBefore = task.param("head.main.fc.weight").dup();
        TorchvisionImport.Report r = TorchvisionImport.load(task, tv, "mem", "main", TorchvisionImport.Classifier.AUTO);
        assertFalse(r.classifierLoaded());
        assertTrue(r.note().contains("classifier not loaded"), r.note());
        assertEquals(headBefore, task.param("head.main.fc.weight"));
        assertEquals(imagenet.param("conv1.weight"), task.param("conv1.weight"));

        UserException e = assertThrows(UserException.class,
                () -> TorchvisionImport.load(task, tv, "mem", "main", TorchvisionImport.Classifier.LOAD));
        assertTrue(e.getMessage().contains("classifier does not fit"), e.getMessage());
    }

    @Test
    void errorListsMissingUnexpectedAndMisshapedTensors() {
        Model m = Model.create(spec("resnet18", 4));
        Map<String, INDArray> tv = asTorchvision(m, "fc");
        tv.remove("layer1.0.bn1.running_mean");
        tv.put("layer9.0.conv1.weight", Nd4j.zeros(DataType.FLOAT, 1));
        tv.put("layer2.0.conv2.weight", Nd4j.zeros(DataType.FLOAT, 3, 3, 3, 3));
        UserException e = assertThrows(UserException.class,
                () -> TorchvisionImport.load(m, tv, "weights.safetensors", "main", TorchvisionImport.Classifier.AUTO));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing (1): layer1.0.bn1.running_mean"), msg);
        assertTrue(msg.contains("unexpected (1): layer9.0.conv1.weight"), msg);
        assertTrue(msg.contains("wrong shape (1): layer2.0.conv2.weight [3, 3, 3, 3]"), msg);
    }

    @Test
    void efficientNetAndDenseNetClassifierNamesAndOldDenseNetNamesMap() {
        Model eff = Model.create(new ModelSpec(new BackboneSpec("efficientnet_b0", 32, 0.25, 0.3), List.of(HeadSpec.linear("main", 3)), 1));
        Model eff2 = Model.create(new ModelSpec(eff.spec().backbone(), eff.spec().heads(), 2));
        assertTrue(TorchvisionImport.load(eff2, asTorchvision(eff, "classifier.1"), "mem", "main",
                TorchvisionImport.Classifier.LOAD).classifierLoaded());
        assertEquals(eff.param("head.main.fc.weight"), eff2.param("head.main.fc.weight"));

        Model dense = Model.create(new ModelSpec(new BackboneSpec("densenet121", 32, 0.25, 0.2), List.of(HeadSpec.linear("main", 3)), 1));
        Map<String, INDArray> old = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : asTorchvision(dense, "classifier").entrySet()) {
            old.put(e.getKey().replaceAll("(denselayer\\d+\\.(norm|conv))([12])\\.", "$1.$3."), e.getValue());
        }
        assertTrue(old.containsKey("features.denseblock1.denselayer1.norm.1.weight"));
        Model dense2 = Model.create(new ModelSpec(dense.spec().backbone(), dense.spec().heads(), 2));
        TorchvisionImport.load(dense2, old, "mem", "main", TorchvisionImport.Classifier.LOAD);
        assertEquals(dense.param("features.denseblock1.denselayer1.conv2.weight"),
                dense2.param("features.denseblock1.denselayer1.conv2.weight"));
    }

    @Test
    void importKeepsMasksAndOtherHeads() {
        ModelSpec two = new ModelSpec(new BackboneSpec("resnet18", 32, 0.25, 0.5),
                List.of(HeadSpec.linear("main", 4), HeadSpec.linear("bias", 2)), 5);
        Model m = Model.create(two);
        UnitMask mask = m.masks().get("layer1.0.units");
        boolean[] keep = mask.get();
        keep[1] = false;
        mask.set(keep);
        INDArray biasHead = m.param("head.bias.fc.weight").dup();
        TorchvisionImport.load(m, asTorchvision(Model.create(spec("resnet18", 4)), "fc"), "mem", "main",
                TorchvisionImport.Classifier.AUTO);
        assertArrayEquals(keep, mask.get());
        assertEquals(biasHead, m.param("head.bias.fc.weight"));
    }

    @Test
    void imagenetSpecHasTorchvisionsClassifier() {
        ModelSpec s = TorchvisionImport.imagenetSpec("efficientnet_b3", 0);
        assertEquals(300, s.backbone().imageSize());
        assertEquals(1000, s.head("main").outputs());
        assertEquals(0.3, s.head("main").dropout());
        assertEquals(299, TorchvisionImport.imagenetSpec("inception_v3", 0).backbone().imageSize());
        assertThrows(UserException.class, () -> TorchvisionImport.imagenetSpec("resnet56_cifar", 0));
    }
}
