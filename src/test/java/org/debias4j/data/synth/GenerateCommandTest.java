package org.debias4j.data.synth;

import org.debias4j.cli.GenerateCommand;
import org.debias4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new GenerateCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void userError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.err());
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "stderr lacks '" + s + "': " + r.err());
        }
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void generatesPrintsSummaryAndReuses(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bench");
        Path preview = tmp.resolve("sheet.png");
        Run r = run("--out", out.toString(), "--preset", "tiny", "--n-train", "40", "--preview", preview.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("generated 104 images"), r.out());
        assertTrue(r.out().contains("train") && r.out().contains("test_flipped"), r.out());
        assertTrue(Files.exists(out.resolve("train.csv")));
        assertTrue(Files.exists(preview));
        assertEquals(41, Files.readAllLines(out.resolve("train.csv")).size());
        SyntheticSpec written = Json.read(out.resolve("benchmark.json"), SyntheticSpec.class);
        assertEquals(40, written.split("train").size());

        Run again = run("--out", out.toString(), "--preset", "tiny", "--n-train", "40");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("reused"), again.out());

        // the written spec reproduces the benchmark
        Run fromSpec = run("--out", out.toString(), "--spec", out.resolve("benchmark.json").toString());
        assertEquals(0, fromSpec.code(), fromSpec.err());
        assertTrue(fromSpec.out().contains("reused"), fromSpec.out());

        userError(run("--out", out.toString(), "--preset", "tiny", "--seed", "3"), "different", "--force");
        Run forced = run("--out", out.toString(), "--preset", "tiny", "--seed", "3", "--force");
        assertEquals(0, forced.code(), forced.err());
    }

    @Test
    void dryRunAppliesKnobsAndWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("none");
        Run r = run("--out", out.toString(), "--dry-run", "--preset", "default", "--image-size", "96",
                "--n-test", "200", "--corr", "ruler=0.9", "--corr", "test_flipped.ruler=0.1", "--corr", "marked=none");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(out));
        String json = r.out().substring(0, r.out().indexOf("\n}\n") + 2);
        SyntheticSpec s = Json.MAPPER.convertValue(Json.MAPPER.valueToTree(parse(json)), SyntheticSpec.class);
        assertEquals(96, s.imageSize());
        assertEquals(200, s.split("test_unbiased").size());
        assertEquals(200, s.split("test_flipped").size());
        assertEquals(0.9, s.split("train").ruler());
        assertEquals(0.9, s.split("val").ruler());
        assertEquals(0.1, s.split("test_flipped").ruler());
        assertEquals(null, s.split("train").marked());
        assertEquals(0.05, s.split("test_flipped").marked());
    }

    private static SyntheticSpec parse(String json) {
        try {
            return Json.MAPPER.readValue(json, SyntheticSpec.class);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    @Test
    void specFileOverridesThePreset(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("s.json");
        Files.writeString(f, "{\"seed\": 5, \"numClasses\": 4, \"baseRates\": {\"marked\": 0.4}}");
        Run r = run("--out", tmp.resolve("o").toString(), "--spec", f.toString(), "--preset", "tiny", "--dry-run");
        assertEquals(0, r.code(), r.err());
        SyntheticSpec s = parse(r.out().substring(0, r.out().indexOf("\n}\n") + 2));
        assertEquals(5, s.seed());
        assertEquals(4, s.numClasses());
        assertEquals(32, s.imageSize());
        assertEquals(0.4, s.baseRates().marked());
        assertEquals(0.2, s.baseRates().ruler());
    }

    @Test
    void userErrorsExitWithTwoAndNameTheArgument(@TempDir Path tmp) throws Exception {
        String out = tmp.resolve("o").toString();
        userError(run("--out", out, "--preset", "bogus"), "bogus", "default, rulers, instrument, skin, unbiased, tiny");
        userError(run("--out", out, "--image-size", "20"), "--image-size", "32", "512", "20");
        userError(run("--out", out, "--n-train", "-1"), "--n-train");
        userError(run("--out", out, "--devices", "9"), "--devices");
        userError(run("--out", out, "--num-classes", "1"), "--num-classes");
        userError(run("--out", out, "--cue-strength", "0"), "--cue-strength");
        userError(run("--out", out, "--corr", "hat=0.5"), "--corr", "marked, ruler, device, skin");
        userError(run("--out", out, "--corr", "marked=1.5"), "--corr", "[0, 1]");
        userError(run("--out", out, "--corr", "nosplit.marked=0.5"), "nosplit", "train, val");
        userError(run("--out", out, "--seed", "abc"), "--seed");
        userError(run("--image-size", "64"), "--out");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"imageSize\": 7}");
        userError(run("--out", out, "--spec", bad.toString()), "--spec", "imageSize");
        Files.writeString(bad, "{\"colour\": 1}");
        userError(run("--out", out, "--spec", bad.toString()), "--spec", "colour");
        Files.writeString(bad, "{not json");
        userError(run("--out", out, "--spec", bad.toString()), "--spec", "JSON");
        userError(run("--out", out, "--spec", tmp.resolve("missing.json").toString()), "--spec", "cannot read");
        Path file = tmp.resolve("afile");
        Files.writeString(file, "x");
        userError(run("--out", file.toString(), "--preset", "tiny"), "not a directory");
    }
}
