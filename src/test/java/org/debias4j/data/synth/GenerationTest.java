package org.debias4j.data.synth;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationTest {
    private static final SyntheticSpec TINY = SyntheticSpec.preset("tiny");

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void sameSpecGivesIdenticalBytesAndAnotherSeedDiffers(@TempDir Path tmp) throws Exception {
        GeneratedBenchmark a = SyntheticBenchmark.generate(TINY, tmp.resolve("a"));
        GeneratedBenchmark b = SyntheticBenchmark.generate(TINY, tmp.resolve("b"));
        assertFalse(a.reused());
        List<Path> fa = files(a.dir());
        assertEquals(fa, files(b.dir()));
        assertEquals(TINY.totalImages() + 4 + 1, fa.size(), "images + 4 CSVs + benchmark.json, no temp files");
        for (Path p : fa) {
            assertArrayEquals(Files.readAllBytes(a.dir().resolve(p)), Files.readAllBytes(b.dir().resolve(p)), p.toString());
        }
        SyntheticSpec other = TINY.withSeed(8);
        assertNotEquals(Files.readString(a.csv("train")), SyntheticBenchmark.csv(other, "train"));
        SampleAttributes s0 = a.samples().get("train").get(0);
        SampleAttributes o0 = SyntheticBenchmark.samples(other, "train").get(0);
        assertNotEquals(s0.renderSeed(), o0.renderSeed());
        assertFalse(Arrays.equals(Files.readAllBytes(a.image(s0)), SyntheticBenchmark.png(SyntheticBenchmark.render(other, o0))));
    }

    @Test
    void renderIsAPureFunctionOfSpecSampleAndSeed() {
        SampleAttributes s = SyntheticBenchmark.samples(TINY, "val").get(3);
        assertArrayEquals(pixels(SyntheticBenchmark.render(TINY, s)), pixels(SyntheticBenchmark.render(TINY, s)));
        assertFalse(Arrays.equals(pixels(SyntheticBenchmark.render(TINY, s, 1)),
                pixels(SyntheticBenchmark.render(TINY, s, 2))));
        // samples do not depend on anything but (seed, split, index)
        assertEquals(SyntheticBenchmark.samples(TINY, "val"), SyntheticBenchmark.samples(TINY).get("val"));
    }

    @Test
    void imagesDecodeAtTheRequestedSize(@TempDir Path tmp) throws Exception {
        GeneratedBenchmark g = SyntheticBenchmark.generate(TINY, tmp);
        for (List<SampleAttributes> split : g.samples().values()) {
            BufferedImage img = ImageIO.read(g.image(split.get(0)).toFile());
            assertEquals(32, img.getWidth());
            assertEquals(32, img.getHeight());
            assertArrayEquals(pixels(SyntheticBenchmark.render(TINY, split.get(0))), pixels(img),
                    "PNG holds exactly the rendered pixels");
        }
        for (int size : new int[]{48, 100, 512}) {
            SyntheticSpec spec = TINY.withImageSize(size);
            BufferedImage img = SyntheticBenchmark.render(spec, SyntheticBenchmark.samples(spec, "train").get(1));
            assertEquals(size, img.getWidth());
            assertEquals(size, img.getHeight());
            BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(SyntheticBenchmark.png(img)));
            assertArrayEquals(pixels(img), pixels(back));
        }
    }

    @Test
    void existingGenerationIsReusedNotRewritten(@TempDir Path tmp) throws Exception {
        GeneratedBenchmark first = SyntheticBenchmark.generate(TINY, tmp);
        Path csv = first.csv("train");
        Path img = first.image(first.samples().get("train").get(0));
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(csv, old);
        Files.setLastModifiedTime(img, old);
        GeneratedBenchmark again = SyntheticBenchmark.generate(TINY.withName("renamed"), tmp);
        assertTrue(again.reused());
        assertEquals(old, Files.getLastModifiedTime(csv));
        assertEquals(old, Files.getLastModifiedTime(img));

        // a different spec is refused unless overwriting
        SyntheticSpec other = TINY.withSeed(99).withSplitSize("train", 10);
        UserException e = assertThrows(UserException.class, () -> SyntheticBenchmark.generate(other, tmp));
        assertTrue(e.getMessage().contains("different"), e.getMessage());
        GeneratedBenchmark replaced = SyntheticBenchmark.generate(other, tmp, true);
        assertFalse(replaced.reused());
        assertEquals(other.totalImages(), Files.list(replaced.imageDir()).count(), "stale images removed");
        assertEquals(11, Files.readAllLines(replaced.csv("train")).size());

        // an incomplete generation of the same spec is completed
        Files.delete(replaced.image(replaced.samples().get("val").get(0)));
        GeneratedBenchmark repaired = SyntheticBenchmark.generate(other, tmp);
        assertFalse(repaired.reused());
        assertTrue(Files.exists(repaired.image(repaired.samples().get("val").get(0))));
    }

    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
