package org.debias4j.data.datasets;

import org.debias4j.util.AtomicFiles;
import org.debias4j.util.UserException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * The reference's crop_resize: every image under a folder (any depth) centre-cropped to a square, resized to
 * size x size and written under the same file name into one flat output folder. Unlike the reference it never
 * deletes anything: existing outputs are kept (a rerun resumes), the input is only read, and an output folder
 * inside the input is not read back.
 */
public final class Preprocess {
    /**
     * @param written new images written
     * @param existing images already in the output (kept, not redone)
     * @param ignored  files that are not jpg/jpeg/png
     * @param failed   one message per image that could not be read (with skipBad)
     */
    public record Result(int written, int existing, int ignored, List<String> failed) {
    }

    private Preprocess() {
    }

    /** The image files under {@code in} (sorted), leaving out {@code out} if it lies inside. */
    public static List<Path> images(Path in, Path out, int[] ignored) {
        Path inAbs = in.toAbsolutePath().normalize();
        Path outAbs = out.toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(inAbs)) {
            s.filter(Files::isRegularFile).filter(p -> !p.startsWith(outAbs)).forEach(p -> {
                if (ImageOps.isImage(p)) {
                    files.add(p);
                } else {
                    ignored[0]++;
                }
            });
        } catch (IOException e) {
            throw new UserException("Cannot list " + in + ": " + e.getMessage(), e);
        }
        Collections.sort(files);
        return files;
    }

    public static Result run(Path in, Path out, int size, boolean skipBad, long maxPixels, IntConsumer progress) {
        if (!Files.isDirectory(in)) {
            throw new UserException("--in " + in + " is not a folder");
        }
        if (size < 8 || size > 4096) {
            throw new UserException("--size must be between 8 and 4096, got " + size);
        }
        Path inAbs = in.toAbsolutePath().normalize();
        Path outAbs = out.toAbsolutePath().normalize();
        if (inAbs.equals(outAbs)) {
            throw new UserException("--out must differ from --in (" + in + "): preprocess never overwrites the originals");
        }
        int[] ignored = {0};
        List<Path> files = images(inAbs, outAbs, ignored);
        Map<String, Path> byName = new HashMap<>();
        for (Path p : files) {
            Path before = byName.putIfAbsent(p.getFileName().toString(), p);
            if (before != null) {
                throw new UserException("two images would both become " + outAbs.resolve(p.getFileName().toString())
                        + " when the folders are flattened: " + before + " and " + p);
            }
        }
        try {
            Files.createDirectories(outAbs);
        } catch (IOException e) {
            throw new UserException("Cannot create " + out + ": " + e.getMessage(), e);
        }
        AtomicInteger written = new AtomicInteger();
        AtomicInteger existing = new AtomicInteger();
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        files.parallelStream().forEach(p -> {
            Path target = outAbs.resolve(p.getFileName().toString());
            try {
                if (stop.get()) {
                    return;
                }
                if (Files.exists(target)) {
                    existing.incrementAndGet();
                } else {
                    BufferedImage img = ImageOps.read(p, maxPixels);
                    BufferedImage sq = ImageOps.resize(ImageOps.cropSquare(img), size, size);
                    byte[] bytes = ImageOps.encode(sq, target.getFileName().toString());
                    AtomicFiles.write(target, o -> o.write(bytes)); // atomic: a killed run leaves no half image
                    written.incrementAndGet();
                }
            } catch (UserException e) {
                // collected, not thrown: an exception crossing the fork-join pool would be re-wrapped
                failed.add(e.getMessage());
                if (!skipBad) {
                    stop.set(true);
                }
            } finally {
                if (progress != null) {
                    progress.accept(done.incrementAndGet());
                }
            }
        });
        List<String> f = new ArrayList<>(failed);
        Collections.sort(f);
        if (!skipBad && !f.isEmpty()) {
            throw new UserException(f.get(0) + (f.size() > 1 ? " (and " + (f.size() - 1) + " more)" : "")
                    + "; --skip-bad-rows leaves bad images out and reports them");
        }
        return new Result(written.get(), existing.get(), ignored[0], f);
    }
}
