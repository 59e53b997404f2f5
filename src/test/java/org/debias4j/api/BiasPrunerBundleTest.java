package org.debias4j.api;

import org.debias4j.cli.Main;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.prune.MultiTaskModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** A tiny `biaspruner` run bundled as kind "biaspruner": the API answers what the multi-task model answers, and names the subnetwork. */
class BiasPrunerBundleTest {
    @Test
    void biasPrunerRunBundlesAndPredictsWithItsSubnetwork(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        assertEquals(0, Main.run("biaspruner", "--tasks", "2", "--arch", "resnet20_cifar", "--width-mult", "0.25",
                "--image-size", "32", "--batch", "16", "--num_epochs", "1", "--train-size", "48", "--val-size", "16",
                "--test-size", "16", "--DEBUG", "--test-no", "1", "--results-dir", results.toString()));
        Path run = results.resolve("1");
        Path bundle = Bundles.fromRun(run, dir.resolve("bp"), null, null);
        assertEquals("bp.d4j", bundle.getFileName().toString());

        MultiTaskModel direct = MultiTaskModel.load(run);
        List<String> taskNames = direct.info().tasks().stream().map(MultiTaskModel.TaskInfo::name).toList();
        List<Path> images;
        try (var s = Files.walk(Path.of("data", "synthetic"))) {
            images = s.filter(p -> p.toString().endsWith(".png")).sorted().limit(8).toList();
        }
        assertFalse(images.isEmpty());
        MultiTaskModel.Prediction ref = direct.predict(new ImagePipeline(32, false, 1).batch(
                new ImageDataset("x", images, new int[images.size()], Map.of()), java.util.stream.IntStream.range(0,
                        images.size()).toArray(), 0, null));

        try (Model m = Model.load(bundle, new Model.Options(2, 0))) {
            assertEquals(ModelInfo.KIND_BIASPRUNER, m.info().kind());
            assertEquals(1, m.info().ttaViews());
            assertTrue(m.info().manifestJson().contains("\"multitask\""));
            List<Prediction> single = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Prediction p = m.predict(images.get(i));
                single.add(p);
                assertEquals(taskNames.get(ref.task()[i]), p.subnetwork(), "image " + i + " subnetwork");
                assertEquals(ref.globalClass()[i], p.classIndex(), "image " + i + " class");
                assertEquals(1.0, java.util.Arrays.stream(p.probabilities()).sum(), 1e-9);
                assertEquals(ref.probs()[i][java.util.Arrays.asList(direct.info().tasks().get(ref.task()[i]).classes()
                        .toArray()).indexOf(p.classIndex())], p.confidence(), 1e-5);
            }
            // From 4 threads at once: the same answers (each graph copy switches subnetworks on its own).
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Prediction>>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        List<Prediction> out = new ArrayList<>();
                        for (Path p : images) {
                            out.add(m.predict(p));
                        }
                        return out;
                    }));
                }
                for (Future<List<Prediction>> f : fs) {
                    assertEquals(single, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThrows(IllegalArgumentException.class, () -> Model.load(bundle, new Model.Options(1, 8)));
        } finally {
            Graphs.release(direct.model());
        }
    }
}
