package org.debias4j.cli;

import org.debias4j.data.datasets.TinyDataAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input of the datasets issue through the `benchmark` command: a clear message naming the file and
 * row (exit 2, no stack trace), or with --skip-bad-rows the row left out and reported.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private Path ham() {
        return TinyDataAccess.ham(dir.resolve("ham"), 120);
    }

    private Path ham(int lesions) {
        return TinyDataAccess.ham(dir.resolve("ham"), lesions);
    }

    private static void appendRow(Path ham, String row) throws Exception {
        Files.writeString(ham.resolve("HAM10000_metadata.csv"), row + "\n", StandardOpenOption.APPEND);
    }

    private static int lines(Path ham) throws Exception {
        return Files.readAllLines(ham.resolve("HAM10000_metadata.csv")).size();
    }

    private TrainCommandTest.Out benchmark(Path ham, String... extra) {
        String[] base = {"benchmark", "--data", ham.toString(), "--positive", "mel", "--negative", "nv", "--attribute",
                "sex", "--out", dir.resolve("out" + System.nanoTime()).toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return TrainCommandTest.run(args);
    }

    private static void assertError(TrainCommandTest.Out o, String... parts) {
        assertEquals(2, o.code(), o.out() + o.err());
        for (String p : parts) {
            assertTrue(o.err().contains(p), "'" + p + "' not in: " + o.err());
        }
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void missingColumn() throws Exception {
        Path ham = ham();
        Path csv = ham.resolve("HAM10000_metadata.csv");
        Files.writeString(csv, Files.readString(csv).replaceFirst("lesion_id,image_id,dx,dx_type,age,sex,",
                "lesion_id,image_id,dx,dx_type,age,gender,"));
        assertError(benchmark(ham), "HAM10000_metadata.csv has no column 'sex'");
    }

    @Test
    void unknownLabel() throws Exception {
        Path ham = ham();
        int line = lines(ham) + 1;
        appendRow(ham, "HAM_9999999,ISIC_0000000,melanoma,histo,50.0,male,back");
        assertError(benchmark(ham), "HAM10000_metadata.csv line " + line + ", column 'dx': unknown label 'melanoma'");
    }

    @Test
    void missingImage() throws Exception {
        Path ham = ham();
        int line = lines(ham) + 1;
        appendRow(ham, "HAM_9999999,ISIC_missing,mel,histo,50.0,male,back");
        assertError(benchmark(ham), "HAM10000_metadata.csv line " + line + ": image 'ISIC_missing' not found in");
    }

    @Test
    void corruptImage() throws Exception {
        Path ham = ham();
        int line = lines(ham) + 1;
        Files.writeString(ham.resolve("images/ISIC_corrupt.jpg"), "<html>not found</html>");
        appendRow(ham, "HAM_9999999,ISIC_corrupt,mel,histo,50.0,male,back");
        assertError(benchmark(ham), "HAM10000_metadata.csv line " + line + ": Image ",
                "ISIC_corrupt.jpg is neither a JPEG nor a PNG");
    }

    @Test
    void pathEscapingTheDataFolder() throws Exception {
        Path ham = ham();
        TinyDataAccess.image(dir.resolve("secret.jpg"), 20, 15, 1);
        int line = lines(ham) + 1;
        appendRow(ham, "HAM_9999999,../../secret,mel,histo,50.0,male,back");
        assertError(benchmark(ham), "HAM10000_metadata.csv line " + line + ": image path '../../secret' escapes the image folder");
    }

    @Test
    void emptySplit() {
        assertError(TrainCommandTest.run("benchmark", "--data", ham().toString(), "--positive", "df", "--negative", "nv",
                "--attribute", "sex", "--out", dir.resolve("o").toString()), "split train would be empty");
    }

    @Test
    void imageTooLargeToDecodeSafely() throws Exception {
        Path ham = ham();
        int line = lines(ham) + 1;
        Files.write(ham.resolve("images/ISIC_huge.png"), pngHeader(70_000, 70_000));
        appendRow(ham, "HAM_9999999,ISIC_huge,mel,histo,50.0,male,back");
        assertError(benchmark(ham), "HAM10000_metadata.csv line " + line + ": Image ",
                "ISIC_huge.png is 70000x70000 = 4900000000 pixels, more than the 100000000", "--max-pixels");
        // every tiny image is 40x30 = 1200 pixels
        assertError(benchmark(ham(), "--max-pixels", "1000"), "is 40x30 = 1200 pixels, more than the 1000");
    }

    @Test
    void skipBadRowsLeavesThemOutAndReportsThem() throws Exception {
        Path ham = ham(320); // enough for conflicting samples in every pool at p = 0.75
        Files.writeString(ham.resolve("images/ISIC_corrupt.jpg"), "<html>not found</html>");
        Files.write(ham.resolve("images/ISIC_huge.png"), pngHeader(70_000, 70_000));
        appendRow(ham, "HAM_9999991,ISIC_0000000,melanoma,histo,50.0,male,back");
        appendRow(ham, "HAM_9999992,ISIC_missing,mel,histo,50.0,male,back");
        appendRow(ham, "HAM_9999993,ISIC_corrupt,mel,histo,50.0,male,back");
        appendRow(ham, "HAM_9999994,../secret,mel,histo,50.0,male,back");
        appendRow(ham, "HAM_9999995,ISIC_huge,mel,histo,50.0,male,back");
        TrainCommandTest.Out o = benchmark(ham, "--skip-bad-rows", "--aligned-fraction", "0.75");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("Skipped 5 bad rows (--skip-bad-rows):"), o.out());
        for (String part : new String[]{"unknown label 'melanoma'", "image 'ISIC_missing' not found",
                "ISIC_corrupt.jpg is neither a JPEG nor a PNG", "'../secret' escapes the image folder",
                "ISIC_huge.png is 70000x70000"}) {
            assertTrue(o.out().contains(part), part + " not in " + o.out());
        }
        assertFalse(o.out().contains("HAM_999999"), "a skipped row was written: " + o.out());
    }

    static byte[] pngHeader(int w, int h) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeInt(13);
        out.writeBytes("IHDR");
        out.writeInt(w);
        out.writeInt(h);
        out.write(new byte[]{8, 2, 0, 0, 0, 0, 0, 0, 0});
        return b.toByteArray();
    }

    @Test
    void trainRefusesAnImagePathLeavingItsFolder() throws Exception {
        Path data = dir.resolve("csvdir");
        TinyDataAccess.image(data.resolve("images/a.jpg"), 16, 16, 1);
        TinyDataAccess.image(dir.resolve("outside.jpg"), 16, 16, 2);
        String header = "image_name,target,marked\n";
        Files.writeString(data.resolve("train.csv"), header + "a,0,0\n../../outside,1,0\n");
        Files.writeString(data.resolve("val.csv"), header + "a,0,0\n");
        TrainCommandTest.Out o = TrainCommandTest.run("train", "--test-no", "1", "--csv-dir", data.toString(),
                "--test-splits", "val", "--results-dir", dir.resolve("r").toString());
        assertError(o, "train.csv line 3: image path '../../outside' escapes the image folder");
    }
}
