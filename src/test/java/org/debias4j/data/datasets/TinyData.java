package org.debias4j.data.datasets;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small hand-made datasets for tests that must not depend on ../shared/data. */
final class TinyData {
    private TinyData() {
    }

    /** A w x h JPEG (or PNG for a .png name) with a coloured disc whose shade depends on {@code seed}. */
    static Path image(Path file, int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(seed);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(200 + r.nextInt(40), 150 + r.nextInt(40), 120 + r.nextInt(40)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(60 + r.nextInt(80), 30 + r.nextInt(40), 20 + r.nextInt(30)));
        int d = Math.min(w, h) / 2;
        g.fillOval(w / 2 - d / 2, h / 2 - d / 2, d, d);
        g.dispose();
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(img, file.toString().endsWith(".png") ? "png" : "jpg", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * A HAM10000-like folder: HAM10000_metadata.csv and images/ of 40x30 JPEGs. {@code lesions} lesions of
     * 1-2 images each; dx alternates nv/mel; sex and age alternate so every (dx, sex) and (dx, age) cell is filled.
     */
    static Path ham(Path folder, int lesions) {
        StringBuilder csv = new StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        int img = 0;
        for (int l = 0; l < lesions; l++) {
            String dx = l % 2 == 0 ? "nv" : "mel";
            String sex = (l / 2) % 2 == 0 ? "male" : "female";
            int age = (l / 4) % 2 == 0 ? 35 : 70;
            int copies = l % 3 == 0 ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                String id = String.format("ISIC_%07d", img++);
                csv.append(String.format("HAM_%07d,%s,%s,histo,%d.0,%s,back%n", l, id, dx, age, sex));
                image(folder.resolve("images").resolve(id + ".jpg"), 40, 30, img);
            }
        }
        try {
            Files.writeString(folder.resolve(Ham10000.METADATA), csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }
}
