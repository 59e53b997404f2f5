package org.debias4j.data.synth;

import org.debias4j.data.ImageDataset;
import org.debias4j.prune.ContinualTask;
import org.debias4j.prune.TaskSequences;
import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcquisitionDomainTest {
    @TempDir
    Path dir;

    private static BufferedImage grey(int size, int v) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    private static int ch(int rgb, int c) {
        return (rgb >>> (16 - 8 * c)) & 0xff;
    }

    @Test
    void theIdentityChangesNothingAndTheSourcesShiftColourAndOptics() {
        BufferedImage src = grey(32, 160);
        AcquisitionDomain plain = new AcquisitionDomain("plain", 1, 1, 1, 1, 0, 0);
        assertTrue(plain.identity());
        BufferedImage same = plain.apply(src);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(src.getRGB(x, y) & 0xffffff, same.getRGB(x, y) & 0xffffff);
            }
        }
        for (AcquisitionDomain d : AcquisitionDomain.SEQUENCE) {
            assertFalse(d.identity(), d.name());
        }
        int green = AcquisitionDomain.SEQUENCE.get(0).apply(src).getRGB(16, 16);
        assertTrue(ch(green, 1) > ch(green, 0) && ch(green, 1) > ch(green, 2), "green source");
        int centre = AcquisitionDomain.SEQUENCE.get(1).apply(src).getRGB(16, 16);
        assertTrue(ch(centre, 2) > 160 && ch(centre, 0) < 160, "cool source: more blue, less red at the centre");
        assertEquals(0, AcquisitionDomain.SEQUENCE.get(1).apply(src).getRGB(0, 0) & 0xffffff,
                "dermoscope field of view: black corner");
        int warm = AcquisitionDomain.SEQUENCE.get(2).apply(src).getRGB(16, 16);
        assertTrue(ch(warm, 0) > ch(warm, 2), "warm source: more red than blue");
        BufferedImage vignetted = new AcquisitionDomain("v", 1, 1, 1, 1, 0.5, 0).apply(src);
        assertTrue(ch(vignetted.getRGB(0, 0), 0) < ch(vignetted.getRGB(16, 16), 0), "vignette darkens the corners");
        assertThrows(UserException.class, () -> new AcquisitionDomain("bad", 0, 1, 1, 1, 0, 0));
    }

    @Test
    void taskDomainsOnlyChangeThePixelsAndNotTheSamples() throws Exception {
        List<ContinualTask> plain = TaskSequences.synthetic(2, 32, 3, 0.9, 20, 8, 8, dir);
        List<ContinualTask> shifted = TaskSequences.synthetic(2, 32, 3, 0.9, 20, 8, 8, 1.0, true, null, dir);
        for (int t = 0; t < 2; t++) {
            ImageDataset a = plain.get(t).train();
            ImageDataset b = shifted.get(t).train();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.label(i), b.label(i));
                assertEquals(a.image(i).getFileName(), b.image(i).getFileName());
            }
        }
        assertNotEquals(plain.get(0).train().image(0), shifted.get(0).train().image(0), "task 0 has its own source too");
        Path p1 = plain.get(1).train().image(0);
        Path s1 = shifted.get(1).train().image(0);
        assertNotEquals(p1, s1);
        BufferedImage expected = AcquisitionDomain.SEQUENCE.get(1).apply(ImageIO.read(p1.toFile()));
        BufferedImage got = ImageIO.read(s1.toFile());
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(expected.getRGB(x, y) & 0xffffff, got.getRGB(x, y) & 0xffffff);
            }
        }
        // a second call reuses the finished copy
        long before = Files.getLastModifiedTime(s1).toMillis();
        TaskSequences.synthetic(2, 32, 3, 0.9, 20, 8, 8, 1.0, true, null, dir);
        assertEquals(before, Files.getLastModifiedTime(s1).toMillis());
        assertFalse(Files.exists(s1.resolveSibling(s1.getFileName() + ".tmp")));
    }

    @Test
    void concurrentRunsCanFillTheSameDomainCache() throws Exception {
        // Two processes of one experiment share data/synthetic; fixed temporary names once made one of them fail.
        TaskSequences.synthetic(1, 32, 5, 0.9, 150, 8, 8, dir);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<ContinualTask>>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> TaskSequences.synthetic(1, 32, 5, 0.9, 150, 8, 8, 1.0, true, null, dir)));
            }
            for (java.util.concurrent.Future<List<ContinualTask>> r : runs) {
                assertEquals(runs.get(0).get().get(0).train().size(), r.get().get(0).train().size());
            }
        } finally {
            pool.shutdownNow();
        }
        try (java.util.stream.Stream<Path> left = Files.walk(dir)) {
            assertEquals(0, left.filter(p -> p.toString().endsWith(".tmp")).count(), "no temporary files left");
        }
    }

    @Test
    void cueStrengthReachesTheGeneratorAndIsChecked() {
        List<ContinualTask> weak = TaskSequences.synthetic(1, 32, 3, 0.9, 20, 8, 8, 0.5, false, null, dir);
        List<ContinualTask> plain = TaskSequences.synthetic(1, 32, 3, 0.9, 20, 8, 8, dir);
        assertNotEquals(weak.get(0).train().image(0).getParent(), plain.get(0).train().image(0).getParent(),
                "another generation");
        assertThrows(UserException.class, () -> TaskSequences.synthetic(1, 32, 3, 0.9, 20, 8, 8, 0, false, null, dir));
        assertThrows(UserException.class, () -> TaskSequences.synthetic(1, 32, 3, 0.9, 20, 8, 8, 5, false, null, dir));
    }
}
