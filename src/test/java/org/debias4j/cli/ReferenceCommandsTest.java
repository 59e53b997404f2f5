package org.debias4j.cli;

import org.debias4j.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every training command of the Skin Deep Unlearning README (tests 1-12, and 21-27 of both
 * double-header lists) is a preset; each runs end to end on the tiny synthetic benchmark with
 * --DEBUG, the command as written giving the same configuration as its preset. CPU-sized overrides
 * are appended (later arguments win): a ResNet-20 at quarter width instead of ResNeXt-101 /
 * EfficientNet-B3, 32 px, batch 4, one epoch, no TTA, no saliency maps.
 */
class ReferenceCommandsTest {
    static final List<String> PRESETS = List.of("test-1", "test-2", "test-3", "test-4", "test-5", "test-6", "test-7",
            "test-8", "test-9", "test-10", "test-11", "test-12", "test-21", "test-22", "test-23", "test-24", "test-25",
            "test-26", "test-27", "test-21-rulers", "test-22-rulers", "test-23-rulers", "test-24-rulers",
            "test-25-rulers", "test-26-rulers", "test-27-rulers");
    static final Path README = Path.of("..", "shared", "seeds", "skin-deep-unlearning-README.txt");

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void tinyBenchmark() {
        data = dir.resolve("data");
        assertEquals(0, Main.run("generate", "--out", data.toString(), "--preset", "tiny"));
    }

    static List<String> overrides(Path results) {
        return List.of("--arch", "resnet20_cifar", "--width-mult", "0.25", "--image-size", "32", "--batch-size", "4",
                "--n-epochs", "1", "--DEBUG", "--no-tta", "--saliency", "0", "--num-workers", "1",
                "--csv-dir", data.toString(), "--results-dir", results.toString());
    }

    static TrainConfig config(List<String> args) {
        TrainCommand cmd = new TrainCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setOverwrittenOptionsAllowed(true);
        cl.parseArgs(args.toArray(String[]::new));
        return cmd.config().toBuilder().codeVersion("x").build();
    }

    @Test
    void everyReferenceCommandRunsThroughItsPresetAndAsWritten() throws Exception {
        Path results = dir.resolve("results");
        for (String name : PRESETS) {
            Presets.Preset p = Presets.load(name);
            assertEquals("train", p.command(), name);
            List<String> asWritten = new ArrayList<>(p.args());
            asWritten.addAll(overrides(results));
            List<String> viaPreset = new ArrayList<>(List.of("--preset", name));
            viaPreset.addAll(overrides(results));
            String[] expanded = Presets.expand(Stream.concat(Stream.of("train"), viaPreset.stream()).toArray(String[]::new));
            assertEquals(config(asWritten), config(Arrays.asList(expanded).subList(1, expanded.length)),
                    name + ": the preset and the command as written differ");

            String[] argv = Stream.concat(Stream.of("train"), asWritten.stream()).toArray(String[]::new);
            TrainCommandTest.Out o = TrainCommandTest.run(argv);
            assertEquals(0, o.code(), name + ": " + o.err());
            TrainConfig c = config(asWritten);
            Path run = results.resolve(String.valueOf(c.testNo()));
            assertTrue(Files.exists(run.resolve("metrics.json")), name);
            assertTrue(Files.exists(run.resolve("weights/encoder.safetensors")), name);
            assertTrue(Files.exists(run.resolve("weights/head-main.safetensors")), name);
            int aux = c.method().equals("baseline") ? 0 : c.method().startsWith("double") || c.method().equals("both") ? 2 : 1;
            for (int h = 1; h <= 2; h++) {
                assertEquals(h <= aux, Files.exists(run.resolve("weights/head-aux" + h + ".safetensors")), name + " aux" + h);
            }
            String log = Files.readString(run.resolve("log.txt"));
            assertTrue(log.contains("test test_flipped"), name + " log: " + log);
            if (aux > 0) {
                assertTrue(log.contains("aux/ce1"), name + " logs the aux loss: " + log);
            }
        }
    }

    @Test
    void presetsAreTheReadmeCommandsAsWritten() throws Exception {
        assumeTrue(Files.isRegularFile(README), "reference README not available");
        Pattern cmd = Pattern.compile("python train.py (.*?)\\s*$");
        Map<String, List<String>> readme = new LinkedHashMap<>();
        boolean rulers = false;
        for (String line : Files.readAllLines(README)) {
            if (line.contains("removing instrument and ruler bias")) {
                rulers = true;
            }
            Matcher m = cmd.matcher(line);
            if (m.find()) {
                List<String> args = List.of(m.group(1).trim().split("\\s+"));
                String no = args.get(args.indexOf("--test-no") + 1);
                readme.put("test-" + no + (rulers ? "-rulers" : ""), args);
            }
        }
        assertEquals(PRESETS.size(), readme.size());
        for (String name : PRESETS) {
            assertEquals(readme.get(name), Presets.load(name).args(), name);
        }
    }

    @Test
    void crossValidationKeepsTheBestWeightsOfEachFold() throws Exception {
        Path results = dir.resolve("cv");
        List<String> args = new ArrayList<>(List.of("train", "--test-no", "40", "--debias-config", "TABE", "--GRL",
                "--marked", "--cv"));
        args.addAll(overrides(results));
        TrainCommandTest.Out o = TrainCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        for (int k = 0; k < 5; k++) {
            Path fold = results.resolve("40").resolve("fold" + k);
            assertTrue(Files.exists(fold.resolve("model.safetensors")), "fold " + k);
            String log = Files.readString(fold.resolve("log.txt"));
            assertTrue(log.contains("val_fold" + k) || log.contains("val "), log);
        }
        assertTrue(o.out().contains("5 folds"), o.out());
    }
}
