package org.debias4j.tune;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.cli.Main;
import org.debias4j.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end on the tiny synthetic benchmark (48 training images, 16 px, a quarter-width ResNet-20,
 * one epoch): a 6-candidate search stopped by its wall-time budget after 1 candidate, then by a
 * candidate budget after 3, resumes and runs only the other 3,
 * and the best configuration's preset retrains to the same score.
 */
class TuneTest {
    @TempDir
    static Path dir;
    static Path data;

    record Out(int code, String out, String err) {
    }

    static Out run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void tinyBenchmark() {
        data = dir.resolve("data");
        Out o = run("generate", "--out", data.toString(), "--preset", "tiny");
        assertEquals(0, o.code(), o.err());
    }

    static Path space(String name, String params) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, """
                {"description": "tiny search for the test",
                 "command": "train",
                 "args": ["--arch", "resnet20_cifar", "--width-mult", "0.25", "--image-size", "16", "--n-epochs", "1",
                          "--batch-size", "16", "--seed", "3", "--no-tta", "--csv-dir", "%s"],
                 "score": "tests.test_flipped.metrics.auc",
                 "candidates": 6, "seed": 11,
                 "parameters": {%s}}
                """.formatted(data.toString().replace("\\", "\\\\"), params));
        return f;
    }

    static final String PARAMS = "\"--lr-base\": {\"type\": \"continuous\", \"min\": 0.001, \"max\": 0.1, \"log\": true},"
            + "\"--momentum\": {\"type\": \"discrete\", \"values\": [0.5, 0.9]}";

    static List<JsonNode> lines(Path jsonl) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(jsonl)) {
            out.add(Json.MAPPER.readTree(l));
        }
        return out;
    }

    @Test
    void interruptedSearchResumesOnlyTheRestAndTheBestPresetRetrainsToItsScore() throws Exception {
        Path space = space("lr.json", PARAMS);
        Path out = dir.resolve("search");
        // A wall-time budget far shorter than one candidate: exactly one runs, the search stops cleanly.
        Out timed = run("tune", "--space", space.toString(), "--out", out.toString(), "--max-minutes", "0.0001");
        assertEquals(0, timed.code(), timed.err() + timed.out());
        assertTrue(timed.out().contains("wall-time budget of 0.0001 min spent; 5 candidate(s) not started"), timed.out());
        assertEquals(1, lines(out.resolve("candidates.jsonl")).size());
        long first1 = Files.getLastModifiedTime(out.resolve("runs/1/metrics.json")).toMillis();
        // A search stopped after 3 of its candidates (the budget of 3 stands in for a kill) ...
        Out first = run("tune", "--space", space.toString(), "--out", out.toString(), "--candidates", "3");
        assertEquals(0, first.code(), first.err() + first.out());
        assertTrue(first.out().contains("3 candidates (1 finished earlier, 2 to run)"), first.out());
        assertEquals(first1, Files.getLastModifiedTime(out.resolve("runs/1/metrics.json")).toMillis());
        assertEquals(3, lines(out.resolve("candidates.jsonl")).size());
        long[] mtimes = new long[3];
        for (int n = 1; n <= 3; n++) {
            mtimes[n - 1] = Files.getLastModifiedTime(out.resolve("runs/" + n + "/metrics.json")).toMillis();
        }
        // ... and candidate 4 killed mid-run after leaving a metrics file behind: it must be rerun, not scored.
        Files.createDirectories(out.resolve("runs/4"));
        Files.writeString(out.resolve("runs/4/metrics.json"), "{\"tests\": {\"test_flipped\": {\"metrics\": {\"auc\": 42}}}}");

        Out second = run("tune", "--space", space.toString(), "--out", out.toString());
        assertEquals(0, second.code(), second.err() + second.out());
        assertTrue(second.out().contains("6 candidates (3 finished earlier, 3 to run)"), second.out());
        List<String> ran = second.out().lines().filter(l -> l.startsWith("tune: candidate ")).toList();
        assertEquals(3, ran.size(), second.out());
        for (int i = 0; i < 3; i++) {
            assertTrue(ran.get(i).startsWith("tune: candidate " + (i + 4) + "/6 "), ran.get(i));
        }
        for (int n = 1; n <= 3; n++) {
            assertEquals(mtimes[n - 1], Files.getLastModifiedTime(out.resolve("runs/" + n + "/metrics.json")).toMillis(),
                    "candidate " + n + " was rerun");
        }
        List<JsonNode> recs = lines(out.resolve("candidates.jsonl"));
        assertEquals(6, recs.size());
        // The resumed search is the same sequence a single 6-candidate search draws (same seed).
        SearchSpec spec = SearchSpec.load(space);
        List<Candidates.Config> expected = Candidates.generate(spec);
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 6; i++) {
            JsonNode r = recs.get(i);
            assertEquals(i + 1, r.get("n").asInt());
            assertEquals("ok", r.get("status").asText(), r.toString());
            assertEquals(Json.MAPPER.valueToTree(expected.get(i).values()), r.get("params"));
            double s = r.get("score").asDouble();
            assertTrue(s >= 0 && s <= 1, "an AUC, not the stale 42: " + r);
            best = Math.max(best, s);
        }
        assertTrue(second.out().contains("rank") && second.out().contains("--lr-base"), second.out());
        assertEquals(6 + 2, Files.readAllLines(out.resolve("results.md")).stream().filter(l -> l.startsWith("|")).count());
        assertTrue(Files.size(out.resolve("plots/score-vs-lr-base.png")) > 1000);
        assertTrue(Files.size(out.resolve("plots/score-vs-momentum.png")) > 1000);

        // The best configuration as a preset retrains to the same score (same seed, deterministic CPU run).
        Path preset = out.resolve("best-preset.json");
        Out retrain = run("train", "--preset", preset.toString(), "--test-no", "99", "--results-dir",
                dir.resolve("retrain").toString());
        assertEquals(0, retrain.code(), retrain.err());
        double again = Score.parse(spec.score()).evaluate(Json.MAPPER.readTree(
                dir.resolve("retrain/99/metrics.json").toFile()), "retrain");
        assertEquals(best, again, 1e-12);

        // Another score over the same finished candidates: rescored from their metrics files, nothing reruns.
        Out rescored = run("tune", "--space", space.toString(), "--out", out.toString(), "--score",
                "tests.test_unbiased.metrics.auc", "--minimize");
        assertEquals(0, rescored.code(), rescored.err() + rescored.out());
        assertTrue(rescored.out().contains("(6 finished earlier, 0 to run)"), rescored.out());
        double lowest = Double.POSITIVE_INFINITY;
        for (JsonNode r : lines(out.resolve("candidates.jsonl"))) {
            assertEquals("runs/" + r.get("n").asInt() + "/metrics.json", r.get("metrics").asText(), "relative to the folder");
            double u = Json.MAPPER.readTree(out.resolve(r.get("metrics").asText()).toFile())
                    .at("/tests/test_unbiased/metrics/auc").asDouble();
            assertEquals(u, r.get("score").asDouble(), 1e-12);
            assertEquals("tests.test_unbiased.metrics.auc", r.get("score_expression").asText());
            lowest = Math.min(lowest, u);
        }
        assertTrue(rescored.out().contains("tests.test_unbiased.metrics.auc = " + Tuner.fmt(lowest)), rescored.out());

        // The same folder with another seed is another search: refused before anything runs.
        Out other = run("tune", "--space", space.toString(), "--out", out.toString(), "--seed", "12");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("holds a different search (seed changed)"), other.err());
    }

    @Test
    void aMisspeltParameterStopsTheSearchBeforeAnyTraining() throws Exception {
        Path space = space("bad.json", "\"--lr\": {\"type\": \"continuous\", \"min\": 0.001, \"max\": 0.1}");
        Path out = dir.resolve("bad-search");
        Out o = run("tune", "--space", space.toString(), "--out", out.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("not a valid 'train' command line") && o.err().contains("--lr"), o.err());
        assertFalse(Files.exists(out), "nothing written");
        Out self = run("tune", "--space", space.toString(), "--out", out.toString(), "--", "tune", "--space", "x.json");
        assertEquals(2, self.code());
        assertTrue(self.err().contains("is 'tune' itself"), self.err());
    }

    @Test
    void aBaseCommandLineAfterDoubleDashMayUseATrainPreset() throws Exception {
        Path preset = dir.resolve("tiny-train.json");
        Files.writeString(preset, "{\"command\": \"train\", \"args\": [\"--arch\", \"resnet20_cifar\"]}");
        Path space = space("base.json", "\"--lr\": {\"type\": \"continuous\", \"min\": 0.001, \"max\": 0.1}");
        // '--preset' after '--' belongs to the base command line, not to tune: the train preset expands
        // and the misspelt parameter is what gets reported.
        Out o = run("tune", "--space", space.toString(), "--out", dir.resolve("base-search").toString(), "--",
                "train", "--preset", preset.toString(), "--n-epochs", "1");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("not a valid 'train' command line") && o.err().contains("'--lr'"), o.err());
    }

    @Test
    void malformedSpaceFilesFailWithTheParameterAndProblem() throws Exception {
        Path f = dir.resolve("neg.json");
        Files.writeString(f, "{\"score\": \"avg_acc\", \"parameters\": {\"--pruning_ratio\": "
                + "{\"type\": \"continuous\", \"min\": 0, \"max\": 0.5, \"log\": true}}}");
        Out o = run("tune", "--space", f.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("parameter '--pruning_ratio': log scale needs min > 0"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }
}
