package org.debias4j.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.debias4j.data.datasets.Downloader;
import org.debias4j.util.UserException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `download` against a local HTTP server on 127.0.0.1 serving a small archive, with and without Range support. */
class DownloadCommandTest {
    @TempDir
    Path dir;
    HttpServer server;
    byte[] archive;
    String sha;
    final List<String> ranges = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        archive = zip(List.of("BenchmarkDermoscopic/a.txt", "BenchmarkDermoscopic/b.txt"), 3000);
        Path tmp = Files.write(dir.resolve("expected.zip"), archive);
        sha = Downloader.sha256(tmp);
        Files.delete(tmp);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data.zip", ex -> serve(ex, true));
        server.createContext("/norange.zip", ex -> serve(ex, false));
        server.createContext("/secret.zip", ex -> {
            ex.sendResponseHeaders(403, -1);
            ex.close();
        });
        server.createContext("/login.zip", ex -> {
            byte[] page = "<html>sign in</html>".getBytes();
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange ex, boolean rangeSupport) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.add(String.valueOf(range));
        int from = 0;
        if (rangeSupport && range != null && range.startsWith("bytes=")) {
            from = Integer.parseInt(range.substring(6, range.indexOf('-')));
        }
        ex.getResponseHeaders().add("Content-Type", "application/zip");
        if (from >= archive.length) {
            ex.sendResponseHeaders(416, -1);
            ex.close();
            return;
        }
        if (from > 0) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (archive.length - 1) + "/" + archive.length);
            ex.sendResponseHeaders(206, archive.length - from);
        } else {
            ex.sendResponseHeaders(200, archive.length);
        }
        try (OutputStream out = ex.getResponseBody()) {
            out.write(archive, from, archive.length - from);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static byte[] zip(List<String> names, int size) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            int k = 0;
            for (String n : names) {
                z.putNextEntry(new ZipEntry(n));
                byte[] data = new byte[size];
                new java.util.Random(k++).nextBytes(data); // incompressible, so the archive is a few KB
                z.write(data);
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    private TrainCommandTest.Out download(String path, String... extra) {
        String[] base = {"download", "--dir", dir.toString(), "--url", url(path)};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return TrainCommandTest.run(args);
    }

    @Test
    void downloadsChecksAndKeepsAnExistingFile() throws Exception {
        TrainCommandTest.Out o = download("/data.zip", "--sha256", sha);
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(archive, Files.readAllBytes(dir.resolve("raw_images/data.zip")));
        assertTrue(o.out().contains("sha256 " + sha + ", as expected"), o.out());
        assertEquals(List.of("null"), ranges);
        o = download("/data.zip", "--sha256", sha);
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("already there"), o.out());
        assertEquals(1, ranges.size(), "no second request for a file that is there");
    }

    @Test
    void resumesAPartialFileWithARangeRequest() throws Exception {
        Path part = Files.createDirectories(dir.resolve("raw_images")).resolve("data.zip.part");
        Files.write(part, Arrays.copyOf(archive, 1000));
        TrainCommandTest.Out o = download("/data.zip", "--sha256", sha);
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("bytes=1000-"), ranges);
        assertTrue(o.out().contains("resumed at byte 1000"), o.out());
        assertArrayEquals(archive, Files.readAllBytes(dir.resolve("raw_images/data.zip")));
        assertFalse(Files.exists(part));
    }

    @Test
    void startsOverWhenTheServerIgnoresRange() throws Exception {
        Path part = Files.createDirectories(dir.resolve("raw_images")).resolve("norange.zip.part");
        Files.write(part, Arrays.copyOf(archive, 1000));
        TrainCommandTest.Out o = download("/norange.zip", "--sha256", sha);
        assertEquals(0, o.code(), o.err());
        assertArrayEquals(archive, Files.readAllBytes(dir.resolve("raw_images/norange.zip")));
    }

    @Test
    void wrongChecksumRefusedAndPartKept() {
        TrainCommandTest.Out o = download("/data.zip", "--sha256", "00".repeat(32));
        assertEquals(2, o.code());
        assertTrue(o.err().contains("SHA-256 is " + sha + ", expected 0000"), o.err());
        assertTrue(Files.exists(dir.resolve("raw_images/data.zip.part")));
        assertFalse(Files.exists(dir.resolve("raw_images/data.zip")));
    }

    @Test
    void credentialsUnreachableAndWebPagesAreClear() throws Exception {
        TrainCommandTest.Out o = download("/secret.zip");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("refused access (HTTP 403)"), o.err());
        o = download("/login.zip");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("answered with a web page instead of the archive"), o.err());
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        o = TrainCommandTest.run("download", "--dir", dir.toString(), "--url", "http://127.0.0.1:" + closed + "/x.zip");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("127.0.0.1 is unreachable") && o.err().contains("place it at"), o.err());
        assertFalse(o.err().contains("Exception:"), o.err());
    }

    @Test
    void manualSourceAndUnzipSafety() throws Exception {
        TrainCommandTest.Out o = TrainCommandTest.run("download", "--dir", dir.toString(), "--source", "atlas");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("needs a free account") && o.err().contains("release_v0.zip"), o.err());
        o = TrainCommandTest.run("download", "--list");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("https://skinclass.de/MClass/MClass-D.zip"), o.out());

        Path good = Files.write(dir.resolve("good.zip"), archive);
        assertEquals(2, Downloader.unzip(good, dir.resolve("x"), null));
        assertEquals(0, Downloader.unzip(good, dir.resolve("x"), null)); // kept, not rewritten
        Path evil = Files.write(dir.resolve("evil.zip"), zip(List.of("../../escape.txt"), 10));
        UserException e = assertThrows(UserException.class, () -> Downloader.unzip(evil, dir.resolve("y"), null));
        assertTrue(e.getMessage().contains("would be written outside"), e.getMessage());
        assertFalse(Files.exists(dir.getParent().resolve("escape.txt")));
    }

    @Test
    void anArchivePlacedByHandIsExtractedAndPreprocessedLikeTheReference() throws Exception {
        Path img = org.debias4j.data.datasets.TinyDataAccess.image(dir.resolve("src/Nel026.jpg"), 40, 30, 1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("release_v0/images/Nel026.jpg"));
            z.write(Files.readAllBytes(img));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("release_v0/meta/meta.csv"));
            z.write("case_num\n1\n".getBytes());
            z.closeEntry();
        }
        Files.write(Files.createDirectories(dir.resolve("data/raw_images")).resolve("release_v0.zip"), b.toByteArray());
        TrainCommandTest.Out o = TrainCommandTest.run("download", "--dir", dir.resolve("data").toString(), "--source", "atlas",
                "--image-size", "16");
        assertEquals(0, o.code(), o.err());
        org.debias4j.data.datasets.ImageHeader h = org.debias4j.data.datasets.ImageHeader.read(
                dir.resolve("data/images/atlas_16/Nel026.jpg"));
        assertEquals(16, h.width());
        assertTrue(Files.exists(dir.resolve("data/raw_images/Atlas/release_v0/meta/meta.csv")), "raw files are kept");
        assertTrue(Files.exists(dir.resolve("data/raw_images/release_v0.zip")), "the archive is kept");
    }
}
