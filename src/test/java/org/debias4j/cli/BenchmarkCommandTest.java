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
        Path ham = tinyHam();
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
}
