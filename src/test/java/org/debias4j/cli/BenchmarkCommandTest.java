package org.debias4j.cli;

import org.debias4j.data.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `benchmark` on a tiny HAM10000-like folder, then `train` on what it wrote. */
class BenchmarkCommandTest {
    @TempDir
    Path dir;

    static TrainCommandTest.Out run(String... args) {
        return TrainCommandTest.run(args);
    }

    private Path tinyHam() {
        return org.debias4j.data.datasets.TinyDataAccess.ham(dir.resolve("ham"), 240);
    }

    @Test
    void buildsGroupedSplitsWithTheAskedAlignmentAndTrainRunsOnThem() throws Exception {
        Path ham = tinyHam();
        Path out = dir.resolve("bench");
        TrainCommandTest.Out o = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--negative", "nv",
                "--attribute", "sex", "--aligned-value", "male", "--aligned-fraction", "0.8", "--seed", "3",
                "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("nv & sex=female") && o.out().contains("mel & sex=male"), o.out());
        Map<String, String> groupSplit = new HashMap<>();
        for (String split : List.of("train", "val", "test_unbiased", "test_flipped", "train_unbiased")) {
            CsvTable t = CsvTable.read(out.resolve(split + ".csv"));
            assertTrue(t.size() > 0, split);
            int[] cells = new int[4];
            for (int r = 0; r < t.size(); r++) {
                cells[2 * t.getInt(r, "target") + t.getInt(r, "bias")]++;
                // male is the aligned value: bias = sex
                assertEquals(t.getInt(r, "sex"), t.getInt(r, "bias"));
                assertEquals(t.getInt(r, "target") == 1 ? 4 : 5, t.getInt(r, "label"));
                String pool = split.startsWith("test") ? "test" : split.equals("train_unbiased") ? "train" : split;
                String before = groupSplit.putIfAbsent(t.get(r, "patient_id"), pool);
                assertTrue(before == null || before.equals(pool), "lesion " + t.get(r, "patient_id") + " in " + before
                        + " and " + pool);
            }
            double aligned = (cells[0] + cells[3]) / (double) t.size();
            switch (split) {
                case "train", "val" -> {
                    // per class, round(n p) aligned
                    assertEquals(Math.round((cells[2] + cells[3]) * 0.8), cells[3], split + " positives");
                    assertEquals(Math.round((cells[0] + cells[1]) * 0.8), cells[0], split + " negatives");
                    assertTrue(cells[2] > 0 && cells[1] > 0, split + " has conflicting samples");
                }
                case "test_unbiased", "train_unbiased" -> assertTrue(cells[0] == cells[1] && cells[1] == cells[2]
                        && cells[2] == cells[3], split);
                case "test_flipped" -> assertTrue(aligned < 0.3, split + " aligned " + aligned);
                default -> throw new AssertionError(split);
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("benchmark.json")));
        // same seed, same bytes; another seed, other splits
        Path again = dir.resolve("again");
        run("benchmark", "--data", ham.toString(), "--positive", "mel", "--negative", "nv", "--attribute", "sex",
                "--aligned-value", "male", "--aligned-fraction", "0.8", "--seed", "3", "--out", again.toString());
        assertEquals(Files.readString(out.resolve("train.csv")), Files.readString(again.resolve("train.csv")));
        Path other = dir.resolve("other");
        run("benchmark", "--data", ham.toString(), "--positive", "mel", "--negative", "nv", "--attribute", "sex",
                "--aligned-value", "male", "--aligned-fraction", "0.8", "--seed", "4", "--out", other.toString());
        assertTrue(!Files.readString(out.resolve("train.csv")).equals(Files.readString(other.resolve("train.csv"))));

        TrainCommandTest.Out t = run("train", "--test-no", "1", "--csv-dir", out.toString(), "--bias-column", "bias",
                "--arch", "resnet20_cifar", "--width-mult", "0.25", "--image-size", "16", "--n-epochs", "1",
                "--batch-size", "16", "--DEBUG", "--no-tta", "--results-dir", dir.resolve("results").toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("test_flipped"), t.out());
        assertTrue(Files.isRegularFile(dir.resolve("results/1/metrics.json")));
    }

    @Test
    void ageBenchmarkAndClearErrors() {
        Path ham = tinyHam();
        TrainCommandTest.Out o = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--attribute",
                "age_group", "--aligned-value", ">=60", "--out", dir.resolve("age").toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("mel & age_group=>=60"), o.out());

        o = run("benchmark", "--data", ham.toString(), "--positive", "melanoma", "--attribute", "sex",
                "--out", dir.resolve("x").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--positive: unknown class 'melanoma' for HAM10000; its classes are [akiec,"), o.err());
        o = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--attribute", "colour",
                "--out", dir.resolve("x").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("no attribute 'colour'"), o.err());
        o = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--attribute", "sex",
                "--aligned-value", "other", "--out", dir.resolve("x").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--aligned-value 'other' is not a value of sex; its values are [female, male]"), o.err());
        // the tiny set has no akiec: the positive cells are empty
        o = run("benchmark", "--data", ham.toString(), "--positive", "akiec", "--negative", "nv", "--attribute", "sex",
                "--out", dir.resolve("x").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("would be empty"), o.err());
        assertTrue(!o.err().contains("Exception"), o.err());
    }

    @Test
    void refusesToWriteIntoAFolderOfOtherFiles() throws Exception {
        Path ham = org.debias4j.data.datasets.TinyDataAccess.ham(dir.resolve("ham"), 40);
        Path out = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "user file");
        TrainCommandTest.Out o = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--attribute", "sex",
                "--out", out.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("is not empty and holds no benchmark.json"), o.err());
        assertEquals("user file", Files.readString(out.resolve("notes.txt")));
        Set<String> files = new HashSet<>();
        try (var s = Files.list(out)) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertEquals(Set.of("notes.txt"), files);
    }

    @Test
    void injectedMarkingsAreDrawnOnTheBiasOneImagesOnly() throws Exception {
        Path ham = org.debias4j.data.datasets.TinyDataAccess.ham(dir.resolve("ham"), 100);
        Path out = dir.resolve("ink");
        TrainCommandTest.Out o = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--negative", "nv",
                "--inject", "markings", "--image-size", "32", "--aligned-fraction", "0.8", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("mel & marked=1"), o.out());
        CsvTable t = CsvTable.read(out.resolve("train.csv"));
        int[] cells = new int[4];
        int changedPixels = 0;
        for (int r = 0; r < t.size(); r++) {
            int y = t.getInt(r, "target");
            int b = t.getInt(r, "bias");
            assertEquals(b, t.getInt(r, "marked"));
            String name = t.get(r, "image_name");
            assertTrue(name.endsWith("_marked" + b + ".png"), name);
            cells[2 * y + b]++;
            {
                java.awt.image.BufferedImage marked = javax.imageio.ImageIO.read(out.resolve("images").resolve(name).toFile());
                java.awt.image.BufferedImage plain = org.debias4j.data.datasets.ImageOps.resize(
                        org.debias4j.data.datasets.ImageOps.cropSquare(javax.imageio.ImageIO.read(
                                ham.resolve("images").resolve(name.replace("_marked" + b + ".png", ".jpg")).toFile())), 32, 32);
                assertEquals(32, marked.getWidth());
                int changed = 0;
                for (int y2 = 0; y2 < 32; y2++) {
                    for (int x = 0; x < 32; x++) {
                        if (marked.getRGB(x, y2) != plain.getRGB(x, y2)) {
                            changed++;
                        }
                    }
                }
                if (b == 0) {
                    assertEquals(0, changed, name + " has no artefact: it is the plain crop");
                } else {
                    assertTrue(changed > 0, name + " shows its ink");
                    changedPixels += changed;
                }
            }
        }
        // every sample of the pool is used; per class round(n p) aligned
        assertEquals(Math.round((cells[2] + cells[3]) * 0.8), cells[3]);
        assertEquals(Math.round((cells[0] + cells[1]) * 0.8), cells[0]);
        assertTrue(changedPixels / (double) (cells[1] + cells[3]) > 10, "ink covers more than 10 of 1024 pixels on average");
        assertTrue(Files.isRegularFile(out.resolve("images").resolve(t.get(0, "image_name"))));
        TrainCommandTest.Out rerun = run("benchmark", "--data", ham.toString(), "--positive", "mel", "--negative", "nv",
                "--inject", "rulers", "--attribute", "sex", "--out", out.toString());
        assertEquals(2, rerun.code());
        assertTrue(rerun.err().contains("give either --attribute"), rerun.err());
    }

    @Test
    void decodeRateRunsThroughTheTrainingPipeline() {
        Path ham = org.debias4j.data.datasets.TinyDataAccess.ham(dir.resolve("ham"), 80);
        TrainCommandTest.Out o = run("benchmark", "--data", ham.toString(), "--decode-rate", "40", "--decode-size", "16");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("40 HAM10000 images") && o.out().contains("1 thread: ")
                && o.out().contains("2 threads: ") && o.out().contains("images/s"), o.out());
        o = run("benchmark", "--data", ham.toString(), "--attribute", "sex");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--positive and --out are required"), o.err());
    }
}
