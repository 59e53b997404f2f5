package org.debias4j.data;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class DataPipelineTest {
    /** A 4x4 image whose pixel (x, y) has red = 10x + y, green = 100, blue = 200. */
    static Path image(Path dir, String name) throws Exception {
        BufferedImage im = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                im.setRGB(x, y, ((10 * x + y) << 16) | (100 << 8) | 200);
            }
        }
        Path p = dir.resolve(name + ".png");
        ImageIO.write(im, "png", p.toFile());
        return p;
    }

    @Test
    void decodesRgbNormalisesAndAppliesTheEightViews(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        image(images, "a");
        Files.writeString(dir.resolve("t.csv"), "image_name,target,marked\na,1,0\n");
        ImageDataset ds = ImageDataset.fromCsv("t", dir.resolve("t.csv"), null, "target", List.of("marked", "scale"));
        assertFalse(ds.hasAttribute("scale"));
        ImagePipeline p = new ImagePipeline(4, true, 1);
        INDArray id = p.batch(ds, new int[]{0}, 0, null);
        // red channel at (x=2, y=1) = 21; green = 100 (checks RGB order, not OpenCV's BGR)
        assertEquals((21 / 255.0 - 0.485) / 0.229, id.getDouble(0, 0, 1, 2), 1e-4);
        assertEquals((100 / 255.0 - 0.456) / 0.224, id.getDouble(0, 1, 1, 2), 1e-4);
        Set<INDArray> views = new HashSet<>();
        for (int v = 0; v < 8; v++) {
            views.add(p.batch(ds, new int[]{0}, v, null));
        }
        assertEquals(8, views.size(), "the 8 dihedral views are distinct");
        INDArray flipW = p.batch(ds, new int[]{0}, 1, null);
        assertEquals(id.getDouble(0, 0, 1, 0), flipW.getDouble(0, 0, 1, 3), 1e-6);
    }

    @Test
    void errorsNameTheFileRowAndColumn(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        image(dir.resolve("images"), "a");
        Files.writeString(dir.resolve("bad.csv"), "image_name,target\na,1\nb,0\n");
        UserException e = assertThrows(UserException.class,
                () -> ImageDataset.fromCsv("t", dir.resolve("bad.csv"), null, "target", List.of()));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'b'"), e.getMessage());
        Files.writeString(dir.resolve("nan.csv"), "image_name,target\na,yes\n");
        e = assertThrows(UserException.class,
                () -> ImageDataset.fromCsv("t", dir.resolve("nan.csv"), null, "target", List.of()));
        assertTrue(e.getMessage().contains("line 2, column 'target'") && e.getMessage().contains("'yes'"), e.getMessage());
        e = assertThrows(UserException.class,
                () -> ImageDataset.fromCsv("t", dir.resolve("nan.csv"), null, "label", List.of()));
        assertTrue(e.getMessage().contains("no column 'label'"), e.getMessage());
    }

    @Test
    void trainingBatchesAreASeededShuffleWithoutTheRemainder(@TempDir Path dir) throws Exception {
        ImageDataset ds = ImageDataset.fromCsv("t", csvOfImages(dir, 10, ""), null, "target", List.of());
        ImagePipeline p = new ImagePipeline(4, true, 2);
        List<int[]> a = rows(Batches.training(ds, p, 3, 1, 0, false, 0));
        List<int[]> b = rows(Batches.training(ds, p, 3, 1, 0, false, 0));
        List<int[]> c = rows(Batches.training(ds, p, 3, 1, 1, false, 0));
        assertEquals(3, a.size(), "10 rows in batches of 3: the last incomplete batch is dropped");
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        assertFalse(java.util.Arrays.equals(a.get(0), c.get(0)) && java.util.Arrays.equals(a.get(1), c.get(1)),
                "another epoch, another order");
        assertEquals(4, rows(Batches.inOrder(ds, p, 3, 0, 0)).size());
    }

    /** dir/t.csv listing n small images i0..i{n-1} in dir/images (labels alternate 0, 1), then {@code extraRows}. */
    private static Path csvOfImages(Path dir, int n, String extraRows) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("image_name,target\n");
        for (int i = 0; i < n; i++) {
            image(images, "i" + i);
            csv.append("i").append(i).append(",").append(i % 2).append("\n");
        }
        return Files.writeString(dir.resolve("t.csv"), csv.append(extraRows));
    }

    private static List<int[]> rows(Batches b) {
        List<int[]> out = new java.util.ArrayList<>();
        try (b) {
            for (Batches.Batch x : b) {
                out.add(x.rows());
            }
        }
        return out;
    }

    @Test
    void aBrokenImageIsAClearError(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.writeString(dir.resolve("images").resolve("x.png"), "not a png");
        Files.writeString(dir.resolve("t.csv"), "image_name,target\nx,1\n");
        ImageDataset ds = ImageDataset.fromCsv("t", dir.resolve("t.csv"), null, "target", List.of());
        UserException e = assertThrows(UserException.class, () -> new ImagePipeline(4, false, 1).batch(ds, new int[]{0}, 0,
                new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("x.png"), e.getMessage());
    }

    @Test
    void severalDecodersGiveTheSameBatchAndReportABrokenImage(@TempDir Path dir) throws Exception {
        Path csv = csvOfImages(dir, 7, "bad,1\n");
        Files.writeString(dir.resolve("images").resolve("bad.png"), "not a png");
        ImageDataset ds = ImageDataset.fromCsv("t", csv, null, "target", List.of());
        int[] rows = {6, 0, 5, 1, 4, 2, 3};
        org.nd4j.linalg.api.ndarray.INDArray one = new ImagePipeline(4, false, 1).batch(ds, rows, 3, new SplittableRandom(1));
        org.nd4j.linalg.api.ndarray.INDArray three = new ImagePipeline(4, false, 3).batch(ds, rows, 3, new SplittableRandom(1));
        assertEquals(one, three);
        UserException e = assertThrows(UserException.class, () -> new ImagePipeline(4, false, 3).batch(ds,
                new int[]{0, 1, 2, 7, 3}, 0, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("bad.png"), e.getMessage());
    }
}
