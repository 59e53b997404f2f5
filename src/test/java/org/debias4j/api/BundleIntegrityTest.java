package org.debias4j.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Damaged, modified, newer and unknown bundles are refused with a message that says which and why. */
class BundleIntegrityTest {
    static final Path SHIPPED = Path.of("models", "demo-resnet20.d4j");

    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static void writeZip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    /** The shipped bundle with its manifest edited; {@code resign} recomputes SHA256SUMS as a writer would. */
    static Path withManifest(Path dir, String name, UnaryOperator<String> edit, boolean resign) throws IOException {
        Map<String, byte[]> e = entries(Files.readAllBytes(SHIPPED));
        e.put(Bundle.MANIFEST, edit.apply(new String(e.get(Bundle.MANIFEST), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve(name);
        if (resign) {
            e.remove(Bundle.SUMS);
            Bundle.write(out, e);
        } else {
            writeZip(out, e);
        }
        return out;
    }

    static String refusal(Path bundle) {
        BundleException e = assertThrows(BundleException.class, () -> Model.load(bundle, new Model.Options(1, 0)).close());
        assertTrue(e.getMessage().contains(bundle.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void shippedBundleVerifiesAndLoads() {
        try (Model m = Model.load(SHIPPED, new Model.Options(1, 0))) {
            assertEquals("single", m.info().kind());
            assertEquals(Bundle.FORMAT_VERSION, m.info().formatVersion());
            assertEquals(64, m.info().sha256().length());
        }
    }

    @Test
    void truncatedBundleIsRefused(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(SHIPPED);
        Path cut = dir.resolve("cut.d4j");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        assertTrue(refusal(cut).contains("truncated or corrupt"));
    }

    @Test
    void corruptBytesAreRefused(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(SHIPPED);
        // Inside the compressed weights: either the zip layer or the SHA-256 of model.safetensors catches it.
        for (int i = all.length / 3; i < all.length / 3 + 64; i++) {
            all[i] ^= 0x5a;
        }
        Path bad = dir.resolve("corrupt.d4j");
        Files.write(bad, all);
        String msg = refusal(bad);
        assertTrue(msg.contains("corrupt"), msg);
    }

    @Test
    void tamperedManifestFailsItsChecksum(@TempDir Path dir) throws IOException {
        Path t = withManifest(dir, "tampered.d4j", s -> s.replace("\"melanoma\"", "\"naevus\""), false);
        String msg = refusal(t);
        assertTrue(msg.contains("integrity check") && msg.contains("manifest.json does not match its SHA-256"), msg);
    }

    @Test
    void tamperedWeightsFailTheirChecksum(@TempDir Path dir) throws IOException {
        Map<String, byte[]> e = entries(Files.readAllBytes(SHIPPED));
        byte[] w = e.get(Bundle.WEIGHTS);
        w[w.length - 5] ^= 1; // one bit of one weight
        Path t = dir.resolve("weights.d4j");
        writeZip(t, e);
        assertTrue(refusal(t).contains("model.safetensors does not match its SHA-256"));
    }

    @Test
    void unlistedEntryIsRefused(@TempDir Path dir) throws IOException {
        Map<String, byte[]> e = entries(Files.readAllBytes(SHIPPED));
        e.put("extra.bin", new byte[]{1, 2, 3});
        Path t = dir.resolve("extra.d4j");
        writeZip(t, e);
        assertTrue(refusal(t).contains("extra.bin is not listed in SHA256SUMS"));
    }

    @Test
    void newerFormatVersionSaysSo(@TempDir Path dir) throws IOException {
        Path t = withManifest(dir, "newer.d4j",
                s -> s.replace("\"formatVersion\" : 1,", "\"formatVersion\" : 2,\n  \"someFutureField\" : true,"), true);
        String msg = refusal(t);
        assertTrue(msg.contains("format version 2") && msg.contains("newer") && msg.contains("upgrade"), msg);
    }

    @Test
    void unsupportedKindIsRefused(@TempDir Path dir) throws IOException {
        Path t = withManifest(dir, "bp.d4j", s -> s.replace("\"kind\" : \"single\"", "\"kind\" : \"future-kind\""), true);
        String msg = refusal(t);
        assertTrue(msg.contains("future-kind") && msg.contains("not supported in this version"), msg);
    }

    @Test
    void notABundleMissingFileAndFolderAreClear(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("image.d4j");
        Files.write(png, new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0});
        assertTrue(refusal(png).contains("not a readable model bundle"));
        assertTrue(refusal(dir.resolve("absent.d4j")).contains("No model bundle at"));
        assertTrue(refusal(dir).contains("is a folder"));
        Path noSums = dir.resolve("nosums.d4j");
        Map<String, byte[]> e = entries(Files.readAllBytes(SHIPPED));
        e.remove(Bundle.SUMS);
        writeZip(noSums, e);
        assertTrue(refusal(noSums).contains("no SHA256SUMS"));
    }

    @Test
    void shippedBundleCarriesWhatTheIssueAsksFor() throws IOException {
        Map<String, byte[]> e = entries(Files.readAllBytes(SHIPPED));
        var m = org.debias4j.util.Json.MAPPER.readTree(e.get(Bundle.MANIFEST));
        for (String field : new String[]{"formatVersion", "kind", "debias4jVersion", "graph", "preprocessing", "classes",
                "sensitiveAttributes", "fairness", "testMetrics", "training", "data"}) {
            assertTrue(m.has(field), "manifest lacks " + field);
        }
        assertTrue(m.path("fairness").has("test_unbiased"), "fairness per test split");
        assertTrue(m.path("data").path("fingerprint").asText().startsWith("sha256:"));
        assertEquals("resnet20_cifar", m.path("graph").path("spec").path("backbone").path("name").asText());
        try (InputStream in = Files.newInputStream(SHIPPED)) {
            assertTrue(in.readAllBytes().length < 2_000_000, "the shipped bundle stays small");
        }
    }
}
