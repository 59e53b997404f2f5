package org.debias4j.cli;

import org.debias4j.data.datasets.ImageHeader;
import org.debias4j.data.datasets.ImageOps;
import org.debias4j.data.datasets.TinyDataAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreprocessCommandTest {
    @TempDir
    Path dir;

    /** 90x30: red, green, blue thirds; the centre square is the green third. */
    private static BufferedImage thirds(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        boolean wide = w > h;
        Color[] c = {Color.RED, Color.GREEN, Color.BLUE};
        for (int k = 0; k < 3; k++) {
            g.setColor(c[k]);
            if (wide) {
                g.fillRect(k * w / 3, 0, w / 3, h);
            } else {
                g.fillRect(0, k * h / 3, w, h / 3);
            }
        }
        g.dispose();
        return img;
    }

    @Test
    void cropsResizesFlattensAndNeverOverwrites() throws Exception {
        Path in = Files.createDirectories(dir.resolve("raw/a/b"));
        ImageIO.write(thirds(90, 30), "png", in.resolve("wide.png").toFile());
        ImageIO.write(thirds(30, 90), "png", dir.resolve("raw/a/tall.png").toFile());
        TinyDataAccess.image(dir.resolve("raw/photo.JPG"), 60, 40, 1);
        Files.writeString(dir.resolve("raw/readme.txt"), "not an image");
        Path out = dir.resolve("raw/out_16"); // inside the input: not read back on a rerun
        TrainCommandTest.Out o = TrainCommandTest.run("preprocess", "--in", dir.resolve("raw").toString(), "--out",
                out.toString(), "--size", "16");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("3 images written, 0 already in"), o.out());
        assertTrue(o.out().contains("1 other files ignored"), o.out());
        for (String name : new String[]{"wide.png", "tall.png", "photo.JPG"}) {
            ImageHeader h = ImageHeader.read(out.resolve(name));
            assertEquals(16, h.width());
            assertEquals(16, h.height());
        }
        assertEquals("jpeg", ImageHeader.read(out.resolve("photo.JPG")).format());
        for (String name : new String[]{"wide.png", "tall.png"}) {
            BufferedImage img = ImageIO.read(out.resolve(name).toFile());
            for (int y = 0; y < 16; y += 5) {
                for (int x = 0; x < 16; x += 5) {
                    assertEquals(0x00ff00, img.getRGB(x, y) & 0xffffff, name + " at " + x + "," + y);
                }
            }
        }
        FileTime t = Files.getLastModifiedTime(out.resolve("wide.png"));
        Files.setLastModifiedTime(out.resolve("wide.png"), FileTime.fromMillis(t.toMillis() - 60_000));
        FileTime old = Files.getLastModifiedTime(out.resolve("wide.png"));
        o = TrainCommandTest.run("preprocess", "--in", dir.resolve("raw").toString(), "--out", out.toString(), "--size", "16");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("0 images written, 3 already in"), o.out());
        assertEquals(old, Files.getLastModifiedTime(out.resolve("wide.png")));
        assertTrue(Files.exists(dir.resolve("raw/readme.txt")));
    }

    @Test
    void refusesSameFolderNameClashesAndBadImages() throws Exception {
        Path in = Files.createDirectories(dir.resolve("raw"));
        TinyDataAccess.image(in.resolve("x/a.jpg"), 20, 10, 1);
        TrainCommandTest.Out o = TrainCommandTest.run("preprocess", "--in", in.toString(), "--out", in.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--out must differ from --in"), o.err());
        TinyDataAccess.image(in.resolve("y/a.jpg"), 20, 10, 2);
        o = TrainCommandTest.run("preprocess", "--in", in.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("two images would both become") && o.err().contains("a.jpg"), o.err());
        Files.delete(in.resolve("y/a.jpg"));
        Files.writeString(in.resolve("y/broken.jpg"), "garbage");
        o = TrainCommandTest.run("preprocess", "--in", in.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("broken.jpg is neither a JPEG nor a PNG"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
        o = TrainCommandTest.run("preprocess", "--in", in.toString(), "--out", dir.resolve("o2").toString(), "--skip-bad-rows");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("Skipped 1 bad images") && o.out().contains("broken.jpg"), o.out());
        assertTrue(Files.exists(dir.resolve("o2/a.jpg")));
    }

    @Test
    void lanczosKeepsFlatImagesFlatAndAveragesWhenShrinking() {
        BufferedImage flat = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                flat.setRGB(x, y, 0x806040);
            }
        }
        BufferedImage small = ImageOps.resize(flat, 5, 7);
        BufferedImage big = ImageOps.resize(flat, 50, 61);
        assertEquals(0x806040, small.getRGB(2, 3) & 0xffffff);
        assertEquals(0x806040, big.getRGB(49, 60) & 0xffffff);
        BufferedImage checker = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0);
            }
        }
        int v = ImageOps.resize(checker, 8, 8).getRGB(4, 4) & 0xff;
        assertTrue(Math.abs(v - 128) <= 2, "mean grey expected, got " + v);
    }
}
