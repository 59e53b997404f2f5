package org.debias4j.api;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.train.Inference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The shipped bundle through the public API: inputs, batches, threads, training-identical preprocessing, close. */
class ModelApiTest {
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(BundleIntegrityTest.SHIPPED, new Model.Options(2, 0));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Lesion-like pictures of varied size, shape and colour (non-square, so the centre crop matters). */
    static List<BufferedImage> pictures(int n, long seed) {
        Random r = new Random(seed);
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = 40 + r.nextInt(60);
            int h = 40 + r.nextInt(60);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(180 + r.nextInt(60), 120 + r.nextInt(60), 100 + r.nextInt(60)));
            g.fillRect(0, 0, w, h);
            g.setColor(new Color(r.nextInt(120), r.nextInt(80), r.nextInt(60)));
            g.fillOval(w / 4 + r.nextInt(5), h / 4 + r.nextInt(5), w / 2, h / 2);
            if (r.nextBoolean()) {
                g.setColor(new Color(40, 40, 160));
                g.fillRect(r.nextInt(w / 2), r.nextInt(h / 2), 6, 6);
            }
            g.dispose();
            out.add(img);
        }
        return out;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    @Test
    void predictionIsAProbabilityOverTheBundlesClasses() throws IOException {
        BufferedImage img = pictures(1, 1).get(0);
        Prediction p = model.predict(img);
        assertEquals(List.of("benign", "melanoma"), p.classes());
        assertEquals(1.0, p.probabilities()[0] + p.probabilities()[1], 1e-9);
        assertEquals(p.classes().get(p.classIndex()), p.className());
        assertTrue(p.confidence() >= 0.5);
        assertEquals("", p.subnetwork(), "a single network names no subnetwork");
        // The same picture as PNG bytes and as a file gives the same answer (PNG is lossless).
        assertEquals(p, model.predict(png(img)));
    }

    @Test
    void sameAnswerAsTrainingsPipelineOnFiles(@TempDir Path dir) throws IOException {
        List<BufferedImage> imgs = pictures(10, 2);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < imgs.size(); i++) {
            Path f = dir.resolve("img" + i + ".png");
            Files.write(f, png(imgs.get(i)));
            files.add(f);
        }
        List<Prediction> api = model.predictFiles(files);
        // What `train` and `evaluate` compute: ImagePipeline + Inference on the same weights.
        org.debias4j.nn.Model trained = org.debias4j.nn.Model.load(unpackWeights(dir));
        ImageDataset ds = new ImageDataset("files", files, new int[files.size()], Map.of());
        double[] ref = Inference.probabilities(trained, "main", ds, new ImagePipeline(32, false, 1), 4, 1, 0);
        for (int i = 0; i < files.size(); i++) {
            assertEquals(ref[i], api.get(i).probability("melanoma"), 1e-5, "image " + i);
            assertClose(api.get(i), model.predict(files.get(i)), "batched and single predictions agree");
        }
        double[] ref8 = Inference.probabilities(trained, "main", ds, new ImagePipeline(32, false, 1), 4, 8, 0);
        try (Model tta = Model.load(BundleIntegrityTest.SHIPPED, new Model.Options(1, 8))) {
            assertEquals(8, tta.info().ttaViews());
            for (int i = 0; i < files.size(); i++) {
                assertEquals(ref8[i], tta.predict(files.get(i)).probability("melanoma"), 1e-5, "8-view image " + i);
            }
        }
    }

    private static Path unpackWeights(Path dir) throws IOException {
        Path w = dir.resolve("w.safetensors");
        Files.write(w, BundleIntegrityTest.entries(Files.readAllBytes(BundleIntegrityTest.SHIPPED)).get(Bundle.WEIGHTS));
        return w;
    }

    @Test
    void eightThreadsAtOnceGiveTheSingleThreadedResults() throws Exception {
        List<BufferedImage> imgs = pictures(12, 3);
        List<Prediction> single = new ArrayList<>();
        for (BufferedImage img : imgs) {
            single.add(model.predict(img));
        }
        assertTrue(single.stream().map(Prediction::probabilities).distinct().count() > 1, "inputs give varied outputs");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Prediction>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                Callable<List<Prediction>> job = () -> {
                    start.await();
                    List<Prediction> out = new ArrayList<>();
                    for (int k = 0; k < imgs.size(); k++) {
                        // Each thread walks the images from a different start, mixing single calls and batches.
                        int i = (k + offset * 3) % imgs.size();
                        out.add(k % 4 == 0 ? model.predictBatch(List.of(imgs.get(i))).get(0) : model.predict(imgs.get(i)));
                    }
                    return out;
                };
                futures.add(pool.submit(job));
            }
            start.countDown();
            for (int t = 0; t < 8; t++) {
                List<Prediction> got = futures.get(t).get();
                for (int k = 0; k < imgs.size(); k++) {
                    assertEquals(single.get((k + t * 3) % imgs.size()), got.get(k), "thread " + t + " call " + k);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<Prediction> batch = model.predictBatch(imgs);
        for (int i = 0; i < imgs.size(); i++) {
            assertClose(single.get(i), batch.get(i), "one batch of all images agrees too");
        }
    }

    /** A batch runs other convolution kernels than a single image: equal to float rounding, not bit for bit. */
    static void assertClose(Prediction a, Prediction b, String what) {
        assertEquals(a.classIndex(), b.classIndex(), what);
        assertArrayEquals(a.probabilities(), b.probabilities(), 1e-6, what);
    }

    @Test
    void nonImagesAreInvalidImageErrors(@TempDir Path dir) {
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> model.predict("this is not a picture".getBytes()));
        assertTrue(e.getMessage().contains("not a decodable image"), e.getMessage());
        assertThrows(InvalidImageException.class, () -> model.predict(new byte[0]));
        assertThrows(InvalidImageException.class, () -> model.predict(dir.resolve("absent.png")));
        assertThrows(InvalidImageException.class, () -> model.predict((BufferedImage) null));
    }

    @Test
    void closedModelRefusesCalls() {
        Model m = Model.load(BundleIntegrityTest.SHIPPED, new Model.Options(1, 0));
        BufferedImage img = pictures(1, 4).get(0);
        m.predict(img);
        m.close();
        m.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> m.predict(img));
    }

    @Test
    void greyAndTransparentPicturesWork() {
        BufferedImage grey = new BufferedImage(50, 40, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage argb = new BufferedImage(40, 50, BufferedImage.TYPE_INT_ARGB);
        assertEquals(2, model.predict(grey).probabilities().length);
        assertEquals(2, model.predict(argb).probabilities().length);
    }
}
