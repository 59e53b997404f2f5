package org.debias4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.api.Model;
import org.debias4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/** train -> bundle -> predict on a tiny run: the same pipeline that made the shipped bundle, which still loads. */
class BundleCommandTest {
    static final Path SHIPPED = Path.of("models", "demo-resnet20.d4j");

    static JsonNode manifest(Path bundle) throws Exception {
        try (ZipFile z = new ZipFile(bundle.toFile()); InputStream in = z.getInputStream(z.getEntry("manifest.json"))) {
            return Json.MAPPER.readTree(in);
        }
    }

    static TreeSet<String> keys(JsonNode n) {
        TreeSet<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void trainBundlePredictAndTheShippedBundleMatchesTheFormat(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, TrainCommandTest.run("generate", "--out", data.toString(), "--preset", "tiny").code());
        TrainCommandTest.Out t = TrainCommandTest.run("train", "--test-no", "1", "--arch", "resnet20_cifar", "--width-mult",
                "0.25", "--image-size", "16", "--n-epochs", "1", "--batch-size", "16", "--DEBUG", "--lr-base", "0.01",
                "--csv-dir", data.toString(), "--results-dir", dir.resolve("results").toString());
        assertEquals(0, t.code(), t.err());
        Path out = dir.resolve("models").resolve("tiny");
        TrainCommandTest.Out b = TrainCommandTest.run("bundle", "--run", dir.resolve("results/1").toString(),
                "--out", out.toString());
        assertEquals(0, b.code(), b.err());
        Path bundle = dir.resolve("models").resolve("tiny.d4j");
        assertTrue(Files.isRegularFile(bundle) && b.out().contains("sha256"), b.out());

        JsonNode fresh = manifest(bundle);
        JsonNode shipped = manifest(SHIPPED);
        assertEquals(keys(shipped), keys(fresh), "the shipped bundle has the current manifest fields");
        assertEquals(8, fresh.path("preprocessing").path("ttaViews").asInt(), "trained with TTA: bundle says 8 views");
        assertEquals(16, fresh.path("preprocessing").path("imageSize").asInt());
        assertEquals(Json.MAPPER.readTree(Files.readString(dir.resolve("results/1/config.json"))), fresh.path("training"));
        assertTrue(fresh.path("data").path("files").has("train"), "data fingerprint per split");

        Path img = Files.list(data.resolve("images")).sorted().findFirst().orElseThrow();
        TrainCommandTest.Out p = TrainCommandTest.run("predict", "--model", bundle.toString(), "--json", img.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode pj = Json.MAPPER.readTree(p.out());
        JsonNode probs = pj.path("predictions").get(0).path("probabilities");
        assertEquals(1.0, probs.path("benign").asDouble() + probs.path("melanoma").asDouble(), 1e-9);
        try (Model m = Model.load(bundle, new Model.Options(1, 0))) {
            assertEquals(m.predict(img).probability("melanoma"), probs.path("melanoma").asDouble(), 1e-12);
        }
        try (Model m = Model.load(SHIPPED, new Model.Options(1, 0))) {
            assertEquals(List.of("benign", "melanoma"), m.info().classes());
            assertTrue(m.predict(img).confidence() >= 0.5);
        }
    }

    @Test
    void predictTableAndBadInputs(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.png");
        Files.writeString(junk, "not a picture");
        TrainCommandTest.Out p = TrainCommandTest.run("predict", "--model", SHIPPED.toString(), junk.toString());
        assertEquals(2, p.code());
        assertTrue(p.out().contains("junk.png") && p.out().contains("not a decodable image"), p.out());
        assertTrue(p.out().contains("p(melanoma)"), "table header: " + p.out());

        TrainCommandTest.Out missing = TrainCommandTest.run("bundle", "--run", dir.resolve("nope").toString(), "--out",
                dir.resolve("x").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("has no config.json"), missing.err());
        TrainCommandTest.Out badModel = TrainCommandTest.run("predict", "--model", junk.toString(), junk.toString());
        assertEquals(2, badModel.code());
        assertTrue(badModel.err().contains("not a readable model bundle"), badModel.err());
    }
}
