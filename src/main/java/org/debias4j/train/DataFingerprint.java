package org.debias4j.train;

import org.debias4j.util.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Identifies the data a run was trained and tested on: SHA-256 of every split's CSV (the sample
 * list, labels and attributes) and one combined digest. Image files are not hashed (tens of GB for
 * real datasets); the CSVs name them.
 *
 * @param fingerprint "sha256:" + digest over the split names and their CSV digests, in split order
 * @param files       per split: file name, row count, SHA-256 of the CSV bytes
 */
public record DataFingerprint(String folder, String fingerprint, Map<String, FileDigest> files) {
    public record FileDigest(String file, int rows, String sha256) {
    }

    public static DataFingerprint of(DataSource data) {
        Map<String, FileDigest> files = new LinkedHashMap<>();
        files.put("train", digest(data.folder(), "train", data.train().size()));
        files.put("val", digest(data.folder(), "val", data.val().size()));
        data.tests().forEach((split, ds) -> files.put(split, digest(data.folder(), split, ds.size())));
        MessageDigest all = sha256();
        files.forEach((split, d) -> all.update((split + "=" + d.sha256() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return new DataFingerprint(data.folder().toString(), "sha256:" + HexFormat.of().formatHex(all.digest()), files);
    }

    private static FileDigest digest(Path folder, String split, int rows) {
        Path csv = folder.resolve(split + ".csv");
        try {
            return new FileDigest(csv.getFileName().toString(), rows,
                    HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(csv))));
        } catch (IOException e) {
            throw new UserException("Cannot read " + csv + " to fingerprint the data: " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
