package org.debias4j.data.synth;

import org.debias4j.util.AtomicFiles;
import org.debias4j.util.UserException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The look of one acquisition source (a hospital's camera and protocol), applied on top of a generated
 * benchmark: a colour cast, a contrast change around mid-grey, a radial vignette and optionally the
 * black corners of a circular dermoscope field of view. It is the same for every image of a source, so
 * inside one task it is not a bias (independent of label and attribute); across a task sequence it
 * tells the sources apart, as a new task from a new hospital does in practice. Applied after the
 * generator, so it never changes what any {@link SyntheticSpec} generates.
 *
 * @param name     informational
 * @param gainR    colour cast (channel gains)
 * @param contrast contrast around mid-grey (1 = unchanged)
 * @param vignette darkening towards the corners (0 = none)
 * @param fov      radius of a circular field of view relative to half the width (0 = none)
 */
public record AcquisitionDomain(String name, double gainR, double gainG, double gainB, double contrast,
                                double vignette, double fov) {
    /** Bumped whenever {@link #apply(BufferedImage)} or {@link #SEQUENCE} changes, so old copies are not reused. */
    public static final int VERSION = 2;

    /**
     * Three sources, one per task: a green-tinted high-contrast camera, a cool dermoscope with a round field of
     * view, a warm low-contrast camera. Their colour casts lie outside the range of the generator's 8 devices
     * (gains 0.88-1.09), which vary inside every task: a milder first choice (task 0 as generated, a warm camera
     * with gains 1.18/0.78 and vignetting) overlapped with them (input_stats picked tasks 0/1/2 right for
     * 84/98/59% of test images).
     */
    public static final List<AcquisitionDomain> SEQUENCE = List.of(
            new AcquisitionDomain("green-camera", 0.9, 1.15, 0.9, 1.2, 0, 0),
            new AcquisitionDomain("cool-dermoscope", 0.75, 0.95, 1.3, 1.0, 0, 0.9),
            new AcquisitionDomain("warm-camera", 1.35, 1.05, 0.65, 0.75, 0, 0));

    public AcquisitionDomain {
        if (!(gainR > 0 && gainG > 0 && gainB > 0 && contrast > 0 && vignette >= 0 && vignette < 1 && fov >= 0)) {
            throw new UserException("acquisition domain " + name + ": gains and contrast must be positive, vignette in "
                    + "[0, 1), fov >= 0");
        }
    }

    /** True if this domain leaves images unchanged. */
    public boolean identity() {
        return gainR == 1 && gainG == 1 && gainB == 1 && contrast == 1 && vignette == 0 && fov == 0;
    }

    /** A new RGB image: this domain's look applied to {@code img}. */
    public BufferedImage apply(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double half = w / 2.0;
        double[] gain = {gainR, gainG, gainB};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                double r = Math.hypot(x - cx, y - cy) / half; // 0 centre, ~1.41 corner
                double shade = 1 - vignette * Math.min(1, r * r / 2);
                // soft edge, one pixel wide, so the field of view is not aliased
                double inside = fov > 0 ? Canvas.clamp01((fov - r) * half + 0.5) : 1;
                int rgb = 0;
                for (int ch = 0; ch < 3; ch++) {
                    double v = ((p >>> (16 - 8 * ch)) & 0xff) / 255.0;
                    v = (v * gain[ch] - 0.5) * contrast + 0.5;
                    v = Canvas.clamp01(v * shade * inside);
                    rgb = (rgb << 8) | (int) Math.round(v * 255);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /**
     * A copy of a generated benchmark seen through this domain in {@code outDir} (its CSVs and spec
     * copied, every image transformed); reused if complete. Written atomically per file, the marker last.
     */
    public Path applyTo(GeneratedBenchmark gb, Path outDir) {
        Path marker = outDir.resolve("domain-v" + VERSION + ".done");
        if (Files.isRegularFile(marker)) {
            return outDir;
        }
        try {
            Path imgOut = outDir.resolve(SyntheticBenchmark.IMAGE_DIR);
            Files.createDirectories(imgOut);
            try (Stream<Path> files = Files.list(gb.dir())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    AtomicFiles.write(outDir.resolve(f.getFileName()), out -> Files.copy(f, out));
                }
            }
            try (Stream<Path> images = Files.list(gb.imageDir())) {
                for (Path f : images.filter(p -> p.toString().endsWith(".png")).toList()) {
                    BufferedImage src = ImageIO.read(f.toFile());
                    if (src == null) {
                        throw new UserException("unreadable generated image " + f);
                    }
                    byte[] png = Png.encode(apply(src));
                    // AtomicFiles' unique temporary names let concurrent runs fill the same cache.
                    AtomicFiles.write(imgOut.resolve(f.getFileName()), out -> out.write(png));
                }
            }
            AtomicFiles.writeString(marker, name + "\n");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserException("cannot write the " + name + " domain copy of " + gb.dir() + " to " + outDir + ": "
                    + e.getMessage(), e);
        }
        return outDir;
    }
}
