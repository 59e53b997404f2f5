package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Resumable HTTP downloads: bytes go to FILE.part; a rerun asks the server for the rest with an HTTP Range
 * header (starting over when the server ignores it); the finished file is checked against its SHA-256 when
 * one is known and only then renamed to FILE. Unreachable hosts and refused access give clear messages.
 */
public final class Downloader {
    /** What a download did. */
    public record Result(Path file, long bytes, long resumedFrom, String sha256, boolean alreadyThere) {
    }

    /** Called once the total size is known (-1 when the server does not say), then with bytes done so far. */
    public interface Progress {
        void start(long total, long done);

        void advance(long done);
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20)).build();

    private Downloader() {
    }

    /**
     * Downloads {@code url} to {@code target} (resuming {@code target}.part). An existing {@code target} is kept
     * (checked against {@code sha256} when given). {@code what} names the source in messages.
     */
    public static Result fetch(String what, URI url, Path target, String sha256, Progress progress) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UserException("Cannot create the folder of " + target + ": " + e.getMessage(), e);
        }
        if (Files.isRegularFile(target)) {
            String have = sha256(target);
            if (sha256 != null && !sha256.equalsIgnoreCase(have)) {
                throw new UserException(target + " exists but its SHA-256 is " + have + ", not the expected " + sha256
                        + " of " + what + "; move it away and download again");
            }
            return new Result(target, size(target), 0, have, true);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = Files.isRegularFile(part) ? size(part) : 0;
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10))
                .header("User-Agent", "debias4j-download");
        if (have > 0) {
            rb.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> resp;
        try {
            resp = CLIENT.send(rb.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (UnknownHostException | ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(what, url, target, e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnknownHostException || e.getCause() instanceof ConnectException) {
                throw unreachable(what, url, target, e);
            }
            throw new UserException(what + ": download from " + url + " failed: " + e.getMessage()
                    + " (rerun to resume from " + part + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException(what + ": download interrupted", e);
        }
        int code = resp.statusCode();
        long resumedFrom;
        boolean append;
        if (code == 206 && have > 0) {
            resumedFrom = have;
            append = true;
        } else if (code == 200) {
            resumedFrom = 0; // no range support: start over
            append = false;
        } else if (code == 416 && have > 0) {
            // the part file already holds everything the server has
            closeQuietly(resp.body());
            return finish(what, part, target, sha256, have);
        } else {
            closeQuietly(resp.body());
            throw refused(what, url, code);
        }
        String type = resp.headers().firstValue("Content-Type").orElse("");
        if (lower(type).startsWith("text/html") && lower(target.getFileName().toString()).endsWith(".zip")) {
            closeQuietly(resp.body());
            throw new UserException(what + ": " + url + " answered with a web page instead of the archive (a login, "
                    + "quota or confirmation page); download it in a browser and place it at " + target);
        }
        long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (total >= 0) {
            total += resumedFrom;
        }
        if (progress != null) {
            progress.start(total, resumedFrom);
        }
        long done = resumedFrom;
        try (InputStream in = resp.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                done += n;
                if (progress != null) {
                    progress.advance(done);
                }
            }
        } catch (IOException e) {
            throw new UserException(what + ": download from " + url + " broke off after " + done + " bytes: "
                    + e.getMessage() + " (rerun to resume from " + part + ")", e);
        }
        if (total >= 0 && done != total) {
            throw new UserException(what + ": download from " + url + " ended after " + done + " of " + total
                    + " bytes (rerun to resume from " + part + ")");
        }
        Result r = finish(what, part, target, sha256, done);
        return new Result(r.file(), r.bytes(), resumedFrom, r.sha256(), false);
    }

    private static Result finish(String what, Path part, Path target, String sha256, long bytes) {
        String got = sha256(part);
        if (sha256 != null && !sha256.equalsIgnoreCase(got)) {
            throw new UserException(what + ": the downloaded file's SHA-256 is " + got + ", expected " + sha256
                    + "; the partial file " + part + " is kept for inspection (move it away to download again)");
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserException("Cannot rename " + part + " to " + target + ": " + e.getMessage(), e);
        }
        return new Result(target, bytes, 0, got, false);
    }

    private static UserException unreachable(String what, URI url, Path target, Exception e) {
        return new UserException(what + ": " + url.getHost() + " is unreachable (" + e.getClass().getSimpleName()
                + (e.getMessage() != null ? ": " + e.getMessage() : "") + "); check the network or proxy, or download "
                + url + " by hand and place it at " + target, e);
    }

    private static UserException refused(String what, URI url, int code) {
        String why = switch (code) {
            case 401, 407 -> "needs credentials (HTTP " + code + ")";
            case 403 -> "refused access (HTTP 403): the source may need an account, a licence acceptance or credentials";
            case 404, 410 -> "is not there any more (HTTP " + code + ")";
            case 429 -> "is rate-limiting (HTTP 429): try again later";
            default -> "answered HTTP " + code;
        };
        return new UserException(what + ": " + url + " " + why + "; download it by hand if you have access");
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UserException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UserException("Cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to save
        }
    }

    /**
     * Extracts a zip into {@code dir}, keeping files that already exist (a rerun resumes) and refusing entries
     * whose path would leave {@code dir}. Returns the number of files written.
     */
    public static int unzip(Path zip, Path dir, LongConsumer progress) {
        Path base = dir.toAbsolutePath().normalize();
        int written = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            long entries = 0;
            while ((e = in.getNextEntry()) != null) {
                Path p = base.resolve(e.getName()).normalize();
                if (!p.startsWith(base)) {
                    throw new UserException(zip + ": entry '" + e.getName() + "' would be written outside " + base);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else if (!Files.exists(p)) {
                    Files.createDirectories(p.getParent());
                    Path tmp = p.resolveSibling(p.getFileName() + ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE);
                    written++;
                }
                if (progress != null) {
                    progress.accept(++entries);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new UserException(zip + " is not a valid zip archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserException("Cannot extract " + zip + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** The download script's sources (the ISIC 256 px sets are on Google Drive, as in the reference). */
    public record Source(String name, String url, String file, String sha256, String extractTo, String imagesFrom,
                         String imagesTo, boolean manual, String note) {
        public boolean automatic() {
            return !manual;
        }
    }

    public static final List<Source> SOURCES = List.of(
            new Source("isic2020", "https://drive.usercontent.google.com/download?id=1BUoRe_0AABhlTOZdu_JONSuCzTgXqem6&export=download&confirm=t",
                    "isic_20_train_256.zip", null, "images", null, null, false,
                    "ISIC 2020 training images at 256x256 (the reference's Google Drive copy)"),
            new Source("isic2019", "https://drive.usercontent.google.com/download?id=1fUqSJs_IO1MlmkS6MAp80IGQBZf7gggP&export=download&confirm=t",
                    "isic_19_train_256.zip", null, "images", null, null, false,
                    "ISIC 2019 training images at 256x256 (holds 2017 and 2018)"),
            new Source("mclassd", "https://skinclass.de/MClass/MClass-D.zip", "MClassD_raw.zip", null, "raw_images/MClassD",
                    "raw_images/MClassD/BenchmarkDermoscopic", "images/MClassD_%d", false, "MClass dermoscopic benchmark (100 images)"),
            new Source("mclassc", "https://skinclass.de/MClass/MClass-ND", "MClassC_raw.zip", null, "raw_images/MClassC",
                    "raw_images/MClassC/BenchmarkClinical", "images/MClassC_%d", false, "MClass clinical benchmark (100 images)"),
            new Source("asan", "https://ndownloader.figshare.com/files/9328573", "ASAN_raw.zip", null, "raw_images/ASAN",
                    "raw_images/ASAN/test-asan test", "images/asan_%d", false, "ASAN test set (Han et al.)"),
            new Source("atlas", "https://derm.cs.sfu.ca/Download.html", "release_v0.zip", null, "raw_images/Atlas",
                    "raw_images/Atlas/release_v0/images", "images/atlas_%d", true,
                    "Interactive Atlas of Dermoscopy: needs a free account; download release_v0.zip by hand"));

    public static Source source(String name) {
        for (Source s : SOURCES) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new UserException("unknown source '" + name + "'; expected one of "
                + SOURCES.stream().map(Source::name).toList() + " (or --url)");
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
