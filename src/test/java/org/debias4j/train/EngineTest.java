package org.debias4j.train;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.data.synth.SyntheticBenchmark;
import org.debias4j.data.synth.SyntheticSpec;
import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The engine on the tiny synthetic benchmark: checkpoints, resume, early stopping, determinism. */
class EngineTest {
    @TempDir
    static Path dir;
    static ImageDataset train;
    static ImageDataset val;

    @BeforeAll
    static void data() {
        SyntheticSpec spec = SyntheticSpec.preset("tiny");
        Path data = dir.resolve("data");
        SyntheticBenchmark.generate(spec, data);
        train = ImageDataset.fromCsv("train", data.resolve("train.csv"), null, "target", DataSource.ATTRIBUTES);
        val = ImageDataset.fromCsv("val", data.resolve("val.csv"), null, "target", DataSource.ATTRIBUTES);
    }

    static TrainConfig config(int epochs, int patience) {
        return TrainConfig.builder().arch("resnet20_cifar").widthMultiplier(0.25).nEpochs(epochs).batchSize(8)
                .imageSize(32).seed(5).lrBase(0.05).patience(patience).tta(false).preset("tiny").testSplits(List.of())
                .codeVersion("test").build();
    }

    static Engine engine(TrainConfig c, Path checkpoints) {
        Method m = new Baseline(c);
        Model model = Model.create(new ModelSpec(new BackboneSpec(c.arch(), c.imageSize(), c.widthMultiplier(), 1.0),
                m.heads(), c.seed()));
        return new Engine(c, m, model, checkpoints, new RunLog(null, false));
    }

    @Test
    void resumedRunEndsWhereAnUninterruptedRunEnds() {
        ImagePipeline p = new ImagePipeline(32, true, 1);
        TrainConfig c = config(3, 0);
        Engine whole = engine(c, dir.resolve("whole"));
        whole.fit(train, val, p, false);

        Engine first = engine(c, dir.resolve("killed"));
        first.stopAfterEpochs(1); // as if killed during epoch 2: only epoch 1's checkpoint exists
        first.fit(train, val, p, false);
        assertTrue(Files.exists(dir.resolve("killed").resolve(Engine.LAST)));

        Engine resumed = engine(c, dir.resolve("killed"));
        List<Checkpoint.EpochStats> h = resumed.fit(train, val, p, true);
        assertEquals(3, h.size());
        for (String name : whole.model().parameterNames()) {
            assertEquals(whole.model().param(name), resumed.model().param(name), name);
        }
        assertEquals(whole.model().batchNorms().iterator().next().runningVar(),
                resumed.model().batchNorms().iterator().next().runningVar());
    }

    @Test
    void resumeRefusesOtherSettings() {
        ImagePipeline p = new ImagePipeline(32, true, 1);
        Engine e = engine(config(1, 0), dir.resolve("other"));
        e.fit(train, val, p, false);
        org.debias4j.util.UserException ex = assertThrows(org.debias4j.util.UserException.class,
                () -> engine(config(2, 0), dir.resolve("other")).fit(train, val, p, true));
        assertTrue(ex.getMessage().contains("other settings"), ex.getMessage());
    }

    @Test
    void earlyStoppingStopsPatienceEpochsAfterTheBestEpoch() {
        ImagePipeline p = new ImagePipeline(32, true, 1);
        TrainConfig c = config(12, 2).toBuilder().lrBase(1e-6).momentum(0).build();
        // With a negligible learning rate the validation score hardly moves: the run must stop
        // exactly 2 epochs after its best epoch (first strict maximum), long before epoch 12.
        List<Checkpoint.EpochStats> h = engine(c, dir.resolve("early")).fit(train, val, p, false);
        int best = 0;
        for (int i = 1; i < h.size(); i++) {
            if (h.get(i).valAuc() > h.get(best).valAuc()) {
                best = i;
            }
        }
        assertTrue(h.size() < 12, "stopped early: " + h.size() + " epochs");
        assertEquals(best + 1 + 2, h.size());
    }
}
