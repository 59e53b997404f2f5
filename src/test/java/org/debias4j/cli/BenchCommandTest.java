package org.debias4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

/** The bench command's plumbing on a tiny model (no timing is asserted: numbers on a shared machine mean nothing). */
class BenchCommandTest {
    private static String run(String... args) {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand()).setOut(new PrintWriter(sw));
        assertEquals(0, cl.execute(args), sw.toString());
        return sw.toString();
    }

    @Test
    void jsonReportsTrainAndInferenceFiguresForOneModel() throws Exception {
        String out = run("--model", "resnet20_cifar", "--image-size", "16", "--batch-size", "2", "--warmup", "0",
                "--steps", "1", "--json");
        JsonNode r = Json.MAPPER.readTree(out).get("results").get(0);
        assertEquals("train", r.get("kind").asText());
        assertTrue(r.get("train_img_per_s").asDouble() > 0, out);
        assertTrue(r.get("infer_img_per_s").asDouble() > 0, out);
        assertTrue(r.get("peak_rss_bytes").asLong() > 0, out);
        assertFalse(r.has("train_ratio_to_pytorch"), "no PyTorch reference for resnet20_cifar at 16 px");
    }

    @Test
    void scoringAndUnlearningCasesRun() throws Exception {
        JsonNode score = Json.MAPPER.readTree(run("--model", "resnet20_cifar", "--kind", "score", "--image-size", "16",
                "--batch-size", "2", "--warmup", "0", "--steps", "1", "--json")).get("results").get(0);
        assertTrue(score.get("infer_img_per_s").asDouble() > 0);
        assertFalse(score.has("train_img_per_s"));
        String table = run("--model", "resnet20_cifar", "--kind", "unlearn", "--image-size", "16", "--batch-size", "2",
                "--warmup", "0", "--steps", "1");
        assertTrue(table.contains("resnet20_cifar unlearning step"), table);
    }

    @Test
    void memoryModeReportsGrowth() throws Exception {
        JsonNode m = Json.MAPPER.readTree(run("--memory", "--model", "resnet20_cifar", "--image-size", "16",
                "--batch-size", "2", "--warmup", "2", "--steps", "3", "--json"));
        assertEquals(2, m.get("warmup_steps").asInt(), "an explicit --warmup is used as given");
        assertEquals(3, m.get("steps").asInt());
        assertTrue(m.get("rss_after_warmup_bytes").asLong() > 0);
        assertTrue(m.has("rss_growth") && m.has("flat"));
        assertEquals((m.get("rss_end_bytes").asDouble() - m.get("rss_after_warmup_bytes").asDouble())
                / m.get("rss_after_warmup_bytes").asDouble(), m.get("rss_end_growth").asDouble(), 1e-12);
        // every step's resident memory and committed heap; the maximum is the largest per-step sample
        assertEquals(3, m.get("rss_every_step_bytes").size());
        assertEquals(3, m.get("heap_committed_every_step_bytes").size());
        long max = m.get("rss_after_warmup_bytes").asLong();
        for (JsonNode v : m.get("rss_every_step_bytes")) {
            assertTrue(v.asLong() > 0 && m.get("heap_committed_every_step_bytes").get(0).asLong() > 0);
            max = Math.max(max, v.asLong());
        }
        assertEquals(max, m.get("rss_max_after_warmup_bytes").asLong());
        assertTrue(m.get("guard_collections").asInt() >= 0 && m.has("jvm_args") && m.get("collectors").size() > 0);
    }

    @Test
    void memoryModeWarmsUpPastTheJitByDefault() throws Exception {
        JsonNode m = Json.MAPPER.readTree(run("--memory", "--model", "resnet20_cifar", "--image-size", "8",
                "--batch-size", "1", "--steps", "1", "--json"));
        int w = m.get("warmup_steps").asInt();
        assertTrue(w >= BenchCommand.MEMORY_WARMUP && w <= BenchCommand.MEMORY_WARMUP + BenchCommand.MEMORY_WARMUP_EXTRA,
                "100 steps, then until the JIT is quiet, at most 300 more: " + w);
        assertEquals(1, m.get("jit_ms_every_step").size());
    }

    @Test
    void badArgumentsAreUserErrors() {
        assertEquals(2, Main.run("bench", "--model", "no_such_net"));
        assertEquals(2, Main.run("bench", "--model", "resnet20_cifar", "--kind", "fly"));
        assertEquals(2, Main.run("bench", "--steps", "0"));
    }
}
