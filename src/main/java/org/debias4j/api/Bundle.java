package org.debias4j.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The bundle file: a zip archive (any zip tool can list it) holding
 * <ul>
 *   <li>{@code manifest.json}: format version, kind, graph spec, preprocessing, classes, sensitive
 *       attributes and fairness at training time, training configuration, data fingerprint, version;</li>
 *   <li>{@code model.safetensors}: the state dict (weights, BN running statistics, unit masks);</li>
 *   <li>{@code config.json}, {@code metrics.json}: the training run's files as written;</li>
 *   <li>{@code SHA256SUMS}: "hex  name" per entry (sha256sum's format), verified entry by entry
 *       at load; an entry missing from it, or not in the archive, is refused.</li>
 * </ul>
 * Checksums catch corruption and edits, not a deliberate forgery (there is no signature).
 */
final class Bundle {
    static final int FORMAT_VERSION = 1;
    static final String MANIFEST = "manifest.json";
    static final String WEIGHTS = "model.safetensors";
    static final String SUMS = "SHA256SUMS";
    static final String EXTENSION = ".d4j";
    /** Entries larger than this are refused before reading (a corrupt size field must not exhaust memory). */
    private static final long MAX_ENTRY_BYTES = 2_000_000_000L;

    /** A verified bundle: the manifest (already checked for version and kind) and every entry's bytes. */
    record Contents(Path file, String sha256, Manifest manifest, JsonNode manifestJson, Map<String, byte[]> entries) {
    }

    private Bundle() {
    }

    /** Writes entries (name to bytes, in order) plus SHA256SUMS, atomically. */
    static void write(Path out, Map<String, byte[]> entries) {
        StringBuilder sums = new StringBuilder();
        entries.forEach((name, bytes) -> sums.append(sha256(bytes)).append("  ").append(name).append('\n'));
        AtomicFiles.write(out, os -> {
            ZipOutputStream zip = new ZipOutputStream(os);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(SUMS));
            zip.write(sums.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish(); // AtomicFiles closes the stream
        });
    }

    static byte[] manifestBytes(Manifest m) {
        return (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads and verifies a bundle; every failure is a {@link BundleException} naming the file and the reason. */
    static Contents read(Path file) {
        if (!Files.exists(file)) {
            throw new BundleException("No model bundle at " + file + " (expected a " + EXTENSION
                    + " file written by `debias4j bundle`)");
        }
        if (Files.isDirectory(file)) {
            throw new BundleException(file + " is a folder; a model bundle is one " + EXTENSION
                    + " file written by `debias4j bundle`");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                if (e.getSize() > MAX_ENTRY_BYTES) {
                    throw new BundleException(file + ": entry " + e.getName() + " claims " + e.getSize()
                            + " bytes; the bundle is corrupt");
                }
                try (InputStream in = zip.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (ZipException e) {
            throw new BundleException(file + " is not a readable model bundle (truncated or corrupt zip: "
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BundleException("Cannot read model bundle " + file + " (truncated or corrupt?): " + e.getMessage(), e);
        }
        verify(file, entries);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(entries.get(MANIFEST));
        } catch (IOException e) {
            throw new BundleException(file + ": manifest.json is not valid JSON: " + e.getMessage(), e);
        }
        // Version and kind first: a newer manifest may have fields this version does not know.
        JsonNode v = json.get("formatVersion");
        if (v == null || !v.canConvertToInt()) {
            throw new BundleException(file + ": manifest.json has no formatVersion; not a debias4j model bundle");
        }
        if (v.asInt() > FORMAT_VERSION) {
            throw new BundleException(file + " is a bundle of format version " + v.asInt() + ", newer than this "
                    + "debias4j reads (format " + FORMAT_VERSION + " and older): upgrade debias4j to load it");
        }
        String kind = json.path("kind").asText("");
        if (!kind.equals(ModelInfo.KIND_SINGLE) && !kind.equals(ModelInfo.KIND_BIASPRUNER)) {
            throw new BundleException(file + ": bundle kind \"" + kind + "\" is not supported in this version"
                    + " (supported: \"" + ModelInfo.KIND_SINGLE + "\", \"" + ModelInfo.KIND_BIASPRUNER + "\")");
        }
        Manifest m;
        try {
            m = Json.MAPPER.treeToValue(json, Manifest.class);
        } catch (IOException e) {
            throw new BundleException(file + ": manifest.json does not match format " + FORMAT_VERSION + ": "
                    + e.getMessage(), e);
        }
        if (m.graph() == null || m.graph().spec() == null || !entries.containsKey(m.graph().weights())) {
            throw new BundleException(file + ": manifest.json names no graph or weights entry present in the bundle");
        }
        return new Contents(file, fileSha256(file), m, json, entries);
    }

    private static void verify(Path file, Map<String, byte[]> entries) {
        byte[] sums = entries.get(SUMS);
        if (sums == null) {
            throw new BundleException(file + " has no " + SUMS + " entry; not a debias4j model bundle");
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : new String(sums, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int sep = line.indexOf("  ");
            if (sep != 64) {
                throw new BundleException(file + ": " + SUMS + " line \"" + line + "\" is not \"<sha256>  <name>\"; "
                        + "the bundle is corrupt");
            }
            expected.put(line.substring(sep + 2), line.substring(0, sep));
        }
        if (!expected.containsKey(MANIFEST)) {
            throw new BundleException(file + " has no checksummed manifest.json; not a debias4j model bundle");
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            byte[] data = entries.get(e.getKey());
            if (data == null) {
                problems.add(e.getKey() + " is missing");
            } else if (!sha256(data).equals(e.getValue())) {
                problems.add(e.getKey() + " does not match its SHA-256");
            }
        }
        for (String name : entries.keySet()) {
            if (!name.equals(SUMS) && !expected.containsKey(name)) {
                problems.add(name + " is not listed in " + SUMS);
            }
        }
        if (!problems.isEmpty()) {
            throw new BundleException(file + " failed its integrity check (corrupt or modified after it was "
                    + "written): " + String.join("; ", problems));
        }
    }

    private static String fileSha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                d.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new BundleException("Cannot read model bundle " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
