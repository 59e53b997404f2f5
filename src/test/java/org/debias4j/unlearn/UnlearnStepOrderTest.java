package org.debias4j.unlearn;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.train.Step;
import org.debias4j.train.StepRunner;
import org.debias4j.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which parameters move in each phase of a batch, per method, on a tiny model: the main step moves
 * encoder and main head but never an aux head; the aux step moves the aux heads, and the encoder
 * only with --GRL (or always under --reference-behaviour, as the reference code).
 */
class UnlearnStepOrderTest {
    static final int N = 8;

    record Moved(boolean encoder, boolean main, boolean aux1, boolean aux2) {
    }

    static ImageDataset data() {
        Random r = new Random(1);
        int[] y = new int[N];
        int[] marked = new int[N];
        int[] scale = new int[N];
        int[] device = new int[N];
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            y[i] = i % 2;
            marked[i] = (i / 2) % 2;
            scale[i] = r.nextInt(2);
            device[i] = i % 8;
            images.add(Path.of("img" + i + ".png")); // never read: the batch carries the pixels
        }
        return new ImageDataset("train", images, y, Map.of("marked", marked, "scale", scale, "device", device));
    }

    static TrainConfig config(String method, UnlearnOptions o) {
        return TrainConfig.builder().method(method).arch("resnet20_cifar").imageSize(16).lrBase(0.01).lrClass(0.03)
                .unlearning(o).codeVersion("test").build();
    }

    /** Runs one batch (main step, then aux step) and reports which parameter sets changed in each. */
    static List<Moved> phases(String method, UnlearnOptions o) {
        TrainConfig c = config(method, o);
        UnlearnMethod m = new UnlearnMethod(c, UnlearnMethod.Kind.of(method));
        Model model = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 16, 0.25, 1.0), m.heads(), 3));
        StepRunner runner = new StepRunner(model, m.losses(model), m.paramGroups(model), 0.1);
        ImageDataset ds = data();
        int[] rows = new int[N];
        for (int i = 0; i < N; i++) {
            rows[i] = i;
        }
        INDArray images = Nd4j.rand(DataType.FLOAT, N, 3, 16, 16).subi(0.5);
        List<Moved> out = new ArrayList<>();
        for (Step s : m.steps()) {
            Map<String, INDArray> before = snapshot(model);
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(Model.INPUT, images);
            m.feed(ds, new Batches.Batch(rows, images), ph);
            for (Model.Dropout d : model.dropouts()) {
                ph.put(d.placeholder(), Nd4j.ones(DataType.FLOAT, N, d.width()));
            }
            Map<String, Double> losses = runner.run(s, ph, 0);
            for (Map.Entry<String, Double> e : losses.entrySet()) {
                assertTrue(Double.isFinite(e.getValue()), method + " " + s.name() + " loss " + e);
            }
            out.add(new Moved(moved(model, before, model.backboneParameters()),
                    moved(model, before, model.headParameters("main")),
                    moved(model, before, model.headParameters("aux1")),
                    m.kind().heads() > 1 && moved(model, before, model.headParameters("aux2"))));
        }
        return out;
    }

    static Map<String, INDArray> snapshot(Model model) {
        Map<String, INDArray> s = new LinkedHashMap<>();
        for (String p : model.parameterNames()) {
            s.put(p, model.param(p).dup());
        }
        return s;
    }

    static boolean moved(Model model, Map<String, INDArray> before, List<String> params) {
        assertFalse(params.isEmpty());
        for (String p : params) {
            if (before.get(p).sub(model.param(p)).amaxNumber().doubleValue() > 0) {
                return true;
            }
        }
        return false;
    }

    static UnlearnOptions.Builder opts() {
        return UnlearnOptions.builder();
    }

    @Test
    void lntlWithGrl() {
        List<Moved> p = phases("LNTL", opts().grl(true).build());
        assertEquals(new Moved(true, true, false, false), p.get(0), "main step");
        // encoder through the reversal; main head by the momentum of "optimizer" (torch semantics, zero gradient)
        assertEquals(new Moved(true, true, true, false), p.get(1), "aux step");
    }

    @Test
    void tabeLeavesTheEncoderAloneInTheAuxStepByDefault() {
        List<Moved> p = phases("TABE", opts().build());
        assertEquals(new Moved(true, true, false, false), p.get(0));
        assertEquals(new Moved(false, false, true, false), p.get(1));
    }

    @Test
    void tabeReferenceBehaviourStepsTheEncoderInTheAuxStep() {
        List<Moved> p = phases("TABE", opts().referenceBehaviour(true).build());
        assertEquals(new Moved(true, true, false, false), p.get(0));
        assertEquals(new Moved(true, true, true, false), p.get(1));
    }

    @Test
    void clgrIsTabeWithTheEncoderLearningThroughTheReversal() {
        List<Moved> p = phases("TABE", opts().grl(true).build());
        assertEquals(new Moved(true, true, false, false), p.get(0));
        assertEquals(new Moved(true, true, true, false), p.get(1));
    }

    @Test
    void doubleHeads() {
        for (String method : List.of("both", "doubleTABE", "doubleLNTL")) {
            List<Moved> p = phases(method, opts().grl(true).instrument(true).numAux(8).build());
            assertEquals(new Moved(true, true, false, false), p.get(0), method + " main step");
            assertEquals(new Moved(true, true, true, true), p.get(1), method + " aux step");
        }
        List<Moved> p = phases("doubleTABE", opts().instrument(true).numAux(8).build());
        assertEquals(new Moved(false, false, true, true), p.get(1), "doubleTABE without GRL: aux step");
    }

    @Test
    void optimizersAndStepsFollowTheReference() {
        UnlearnMethod tabe = new UnlearnMethod(config("TABE", opts().build()), UnlearnMethod.Kind.TABE);
        assertEquals(List.of("optimizer", "optimizer_confusion"), tabe.steps().get(0).groups());
        assertEquals(Map.of("bce", 1.0, "conf1", 0.03), tabe.steps().get(0).lossWeights());
        assertEquals(List.of("optimizer_aux"), tabe.steps().get(1).groups());
        UnlearnMethod lntl = new UnlearnMethod(config("LNTL", opts().grl(true).build()), UnlearnMethod.Kind.LNTL);
        assertEquals(List.of("optimizer"), lntl.steps().get(0).groups());
        assertEquals(Map.of("bce", 1.0, "negent1", 0.01), lntl.steps().get(0).lossWeights());
        assertEquals(List.of("optimizer", "optimizer_aux"), lntl.steps().get(1).groups());
        assertEquals(Map.of("ce1", 1.0), lntl.steps().get(1).lossWeights());
        // both: LNTL on head 1, confusion on head 2; the reference puts both terms on head 1
        UnlearnMethod both = new UnlearnMethod(config("both", opts().build()), UnlearnMethod.Kind.BOTH);
        assertEquals(Map.of("bce", 1.0, "negent1", 0.01, "conf2", 0.03), both.steps().get(0).lossWeights());
        UnlearnMethod bothRef = new UnlearnMethod(config("both", opts().referenceBehaviour(true).build()),
                UnlearnMethod.Kind.BOTH);
        assertEquals(Map.of("bce", 1.0, "negent1", 0.01, "conf1", 0.03), bothRef.steps().get(0).lossWeights());
        assertEquals(Map.of("ce1", 1.0, "ce2", 1.0), both.steps().get(1).lossWeights());
    }

    @Test
    void auxOptimizerLearningRatesFollowTheHeadRole() {
        Model model = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 16, 0.25, 1.0),
                new UnlearnMethod(config("both", opts().build()), UnlearnMethod.Kind.BOTH).heads(), 3));
        Map<String, Double> lr = new HashMap<>();
        new UnlearnMethod(config("both", opts().build()), UnlearnMethod.Kind.BOTH).paramGroups(model)
                .forEach(g -> lr.put(g.name(), g.optim().lr()));
        assertEquals(Map.of("optimizer", 0.01, "optimizer_confusion", 0.03, "optimizer_aux", 0.01,
                "optimizer_aux2", 0.03), lr);
    }
}
