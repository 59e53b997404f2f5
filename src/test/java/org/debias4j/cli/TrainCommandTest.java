package org.debias4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TrainCommandTest {
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

    @Test
    void helpListsTheReferenceFlags() {
        Out o = run("train", "--help");
        assertEquals(0, o.code());
        for (String flag : new String[]{"--test-no", "--arch", "--enet-type", "--n-epochs", "--batch-size", "--image-size",
                "--seed", "--DEBUG", "--test-only", "--lr-base", "--lr-class", "--momentum", "--debias-config", "--GRL",
                "--switch-heads", "--deep-aux", "--marked", "--rulers", "--instrument", "--num-aux", "--num-aux2",
                "--lambdaa", "--alpha", "--skew", "--heid-test_marked", "--heid-test_rulers", "--cv", "--tune",
                "--num-workers", "--CUDA_VISIBLE_DEVICES", "--image-dir", "--csv-dir", "--resume", "--results-dir"}) {
            assertTrue(o.out().contains(flag), "train --help lacks " + flag);
        }
    }

    @Test
    void misspeltFlagIsAnErrorNamingIt() {
        Out o = run("train", "--test-no", "1", "--n-epoch", "4");
        assertNotEquals(0, o.code());
        assertTrue(o.err().contains("--n-epoch"), o.err());
    }

    @Test
    void flagsOfLaterMethodsSayNotAvailableYet(@TempDir Path dir) {
        Out o = run("train", "--test-no", "10", "--n-epochs", "4", "--out-dim", "2", "--save-epoch", "2",
                "--results-dir", dir.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("not available yet") && o.err().contains("--out-dim 2")
                && o.err().contains("--save-epoch"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void missingDataFolderIsAClearError(@TempDir Path dir) {
        Out o = run("train", "--test-no", "1", "--csv-dir", dir.resolve("nope").toString(), "--results-dir",
                dir.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("nope") && o.err().contains("train.csv"), o.err());
    }

    @Test
    void trainsAndEvaluatesOnATinyBenchmarkAndWritesResults(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("generate", "--out", data.toString(), "--preset", "tiny").code());
        Out o = run("train", "--test-no", "3", "--arch", "resnet20_cifar", "--width-mult", "0.25", "--image-size", "32",
                "--n-epochs", "1", "--batch-size", "16", "--lr-base", "0.01", "--csv-dir", data.toString(),
                "--results-dir", dir.resolve("results").toString(), "--no-tta");
        assertEquals(0, o.code(), o.err());
        Path run = dir.resolve("results").resolve("3");
        for (String f : new String[]{"config.json", "log.txt", "metrics.json", "model.safetensors", "report.md",
                "report.html", "checkpoints/checkpoint-last.safetensors"}) {
            assertTrue(Files.exists(run.resolve(f)), "missing " + f);
        }
        assertTrue(o.out().contains("test_flipped") && o.out().contains("AUC"), o.out());
        Out e = run("evaluate", "--test-no", "3", "--results-dir", dir.resolve("results").toString(), "--no-tta");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test_unbiased"), e.out());
    }
}
