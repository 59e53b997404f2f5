package org.debias4j.api;

import org.datavec.image.loader.NativeImageLoader;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A trained debias4j model loaded from a bundle, ready to classify images: the public entry point
 * for embedding debias4j in a JVM service.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("models/demo-resnet20.d4j"))) {
 *     Prediction p = model.predict(ImageIO.read(new File("lesion.jpg")));
 *     System.out.println(p.className() + " " + p.confidence());       // melanoma 0.83
 *     double pMelanoma = p.probability("melanoma");
 *     System.out.println(model.info().classes());                     // [benign, melanoma]
 * }
 * }</pre>
 *
 * <p>Images are preprocessed exactly as in training (centre-crop to a square, resize, RGB, ImageNet
 * mean/std) and, when the bundle says so, averaged over the 8 test-time views. {@link #load} verifies
 * the bundle's checksums and refuses a corrupt, truncated, modified or newer-format bundle with a
 * {@link BundleException}; an undecodable image is an {@link InvalidImageException}.
 *
 * <p>Two kinds of bundle: "single" (one network; {@link Prediction#subnetwork()} is empty) and
 * "biaspruner" (BiasPruner's multi-task model: every task's subnetwork sees the image, the model's
 * inference rule picks one, and {@link Prediction#subnetwork()} names that task).
 *
 * <p>Thread-safe: any number of threads may call {@code predict} at once. A SameDiff graph is not
 * safe for concurrent use, so the model keeps {@link Options#instances()} copies of its graph and each
 * call borrows one (callers beyond that wait). {@link #close()} waits for running calls and frees the
 * native memory; calls after it throw {@link IllegalStateException}.
 */
public final class Model implements AutoCloseable {
    /**
     * @param instances graph copies, i.e. predictions computed in parallel (each holds a copy of the weights)
     * @param ttaViews  0 = as the bundle says; 1 = no test-time augmentation; 8 = all 8 views
     * @param maxPixels encoded images (bytes, files) whose header declares more pixels are refused before
     *                  decoding, so a small compressed upload cannot claim gigabytes
     */
    public record Options(int instances, int ttaViews, long maxPixels) {
        public Options {
            if (instances < 1) {
                throw new IllegalArgumentException("instances must be at least 1, got " + instances);
            }
            if (ttaViews != 0 && ttaViews != 1 && ttaViews != 8) {
                throw new IllegalArgumentException("ttaViews must be 0 (the bundle's), 1 or 8, got " + ttaViews);
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
            }
        }

        /** One graph copy per core (at most 4), the bundle's test-time augmentation. */
        /** 100 megapixels: beyond any dermoscope, far below what would exhaust memory. */
        public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

        public Options(int instances, int ttaViews) {
            this(instances, ttaViews, DEFAULT_MAX_PIXELS);
        }

        public static Options defaults() {
            return new Options(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), 0, DEFAULT_MAX_PIXELS);
        }
    }

    /** Images per forward pass in a batch (times the views); bounds the memory of one call. */
    private static final int CHUNK = 32;

    private final ModelInfo info;
    private final Manifest manifest;
    private final int views;
    private final int size;
    private final List<String> classes;
    private final List<Engine> engines = new ArrayList<>();
    private final BlockingQueue<Engine> idle;
    private final ThreadLocal<NativeImageLoader> loader;
    private final long maxPixels;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Model(Bundle.Contents b, Options options) {
        this.manifest = b.manifest();
        Manifest.Graph g = manifest.graph();
        this.size = manifest.preprocessing().imageSize();
        if (size != g.spec().backbone().imageSize()) {
            throw new BundleException(b.file() + ": preprocessing image size " + size + " differs from the graph's "
                    + g.spec().backbone().imageSize());
        }
        this.maxPixels = options.maxPixels();
        this.classes = List.copyOf(manifest.classes());
        if (manifest.kind().equals(ModelInfo.KIND_SINGLE)) {
            this.views = options.ttaViews() == 0 ? manifest.preprocessing().ttaViews() : options.ttaViews();
            boolean sigmoid = g.output().equals("sigmoid");
            int outputs = g.spec().head(g.mainHead()).outputs();
            if (sigmoid ? outputs != 1 || classes.size() != 2 : outputs != classes.size()) {
                throw new BundleException(b.file() + ": " + classes.size() + " class names do not fit head " + g.mainHead()
                        + " (" + outputs + " " + g.output() + " output(s))");
            }
        } else {
            if (options.ttaViews() == 8) {
                throw new IllegalArgumentException("a " + manifest.kind() + " bundle predicts from one view; ttaViews 8 is not available");
            }
            this.views = 1;
        }
        engines.addAll(Engine.create(b, options.instances()));
        this.idle = new ArrayBlockingQueue<>(engines.size(), false, engines);
        this.loader = ThreadLocal.withInitial(() -> new NativeImageLoader(size, size, 3, true));
        this.info = new ModelInfo(b.file().toString(), b.sha256(), manifest.formatVersion(), manifest.kind(),
                manifest.name(), manifest.debias4jVersion(), manifest.created(), g.spec().backbone().name(), size,
                classes, views, manifest.sensitiveAttributes().stream().map(Manifest.SensitiveAttribute::name).toList(),
                engines.size(), b.manifestJson().toPrettyString());
    }

    /** Loads a bundle with {@link Options#defaults()}. */
    public static Model load(Path bundle) {
        return load(bundle, Options.defaults());
    }

    public static Model load(Path bundle, Options options) {
        return new Model(Bundle.read(bundle), options);
    }

    public ModelInfo info() {
        return info;
    }

    /** Classifies a decoded picture (any type; converted to RGB). */
    public Prediction predict(BufferedImage image) {
        return predictPixels(List.of(decode(image))).get(0);
    }

    /** Classifies an image file (PNG, JPEG, BMP, TIFF and what else OpenCV decodes). */
    public Prediction predict(Path image) {
        return predictPixels(List.of(decode(image))).get(0);
    }

    /** Classifies an encoded image (the bytes of a PNG, JPEG, ... file). */
    public Prediction predict(byte[] encodedImage) {
        return predictPixels(List.of(decode(encodedImage))).get(0);
    }

    /** Classifies several pictures in batched forward passes; results in input order. */
    public List<Prediction> predictBatch(List<BufferedImage> images) {
        return predictPixels(images.stream().map(this::decode).toList());
    }

    /** Classifies several image files in batched forward passes; results in input order. */
    public List<Prediction> predictFiles(List<Path> images) {
        return predictPixels(images.stream().map(this::decode).toList());
    }

    /** Waits for running predictions, then frees every graph copy's native memory. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                engines.forEach(Engine::release);
                engines.clear();
                idle.clear();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private List<Prediction> predictPixels(List<byte[]> rgb) {
        List<Prediction> out = new ArrayList<>(rgb.size());
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("model " + info.name() + " is closed");
            }
            for (int from = 0; from < rgb.size(); from += CHUNK) {
                out.addAll(forward(rgb.subList(from, Math.min(rgb.size(), from + CHUNK))));
            }
            return out;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** One forward pass over every view of every image on a borrowed graph copy. */
    private List<Prediction> forward(List<byte[]> rgb) {
        int n = rgb.size();
        int plane = size * size;
        float[] input = new float[n * views * 3 * plane];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < views; v++) {
                org.debias4j.data.ImagePipeline.normalise(rgb.get(i), size, v, input, (i * views + v) * 3 * plane);
            }
        }
        Engine e = borrow();
        try {
            return e.predict(input, n, views, size);
        } finally {
            idle.add(e);
        }
    }

    private Engine borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free graph copy", e);
        }
    }

    private byte[] decode(BufferedImage image) {
        if (image == null) {
            throw new InvalidImageException("no image (null)");
        }
        // Through an uncompressed BMP so OpenCV decodes, crops and resizes it exactly as it does files in
        // training (DataVec's BufferedImage converter gave different pixels). Alpha is dropped, as OpenCV does.
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((java.awt.image.DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            // getRGB would apply a grey colour-space conversion; OpenCV replicates the stored value.
            java.awt.image.Raster r = image.getRaster();
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    dst[o] = dst[o + 1] = dst[o + 2] = (byte) row[x];
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    dst[o] = (byte) row[x];
                    dst[o + 1] = (byte) (row[x] >> 8);
                    dst[o + 2] = (byte) (row[x] >> 16);
                }
            }
        }
        java.io.ByteArrayOutputStream bmp = new java.io.ByteArrayOutputStream(w * h * 3 + 1024);
        try {
            if (!javax.imageio.ImageIO.write(bgr, "bmp", bmp)) {
                throw new IOException("no BMP writer");
            }
        } catch (IOException e) {
            throw new InvalidImageException("Cannot convert the picture (" + w + "x" + h + "): " + e.getMessage(), e);
        }
        return decode(bmp.toByteArray(), "the picture");
    }

    private byte[] decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidImageException("No image file " + file);
        }
        try {
            return decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new InvalidImageException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] decode(byte[] encoded) {
        return decode(encoded, "the uploaded bytes");
    }

    private byte[] decode(byte[] encoded, String what) {
        if (encoded == null || encoded.length == 0) {
            throw new InvalidImageException(what + ": empty, not an image");
        }
        checkDimensions(encoded, what);
        INDArray m;
        try {
            m = loader.get().asMatrix(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(what + " (" + encoded.length + " bytes) are not a decodable image: "
                    + e.getMessage(), e);
        }
        return rgb(m, what);
    }

    /** Refuses an image whose header declares more than maxPixels (when ImageIO can read the header). */
    private void checkDimensions(byte[] encoded, String what) {
        try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(
                new ByteArrayInputStream(encoded))) {
            java.util.Iterator<javax.imageio.ImageReader> readers = javax.imageio.ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return; // a format only OpenCV knows: its own limit applies
            }
            javax.imageio.ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                long w = r.getWidth(0);
                long h = r.getHeight(0);
                if (w * h > maxPixels) {
                    throw new InvalidImageException(what + ": " + w + "x" + h + " pixels, more than the limit of "
                            + maxPixels);
                }
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException ie) {
                throw ie;
            }
            // An unreadable header is left to OpenCV, which gives the decoding error.
        }
    }

    /** BGR float matrix from OpenCV to RGB bytes, rounded as training's pipeline rounds. */
    private byte[] rgb(INDArray m, String what) {
        if (m == null || m.length() != 3L * size * size) {
            if (m != null) {
                m.close();
            }
            throw new InvalidImageException(what + ": not decodable as a 3-channel picture");
        }
        float[] bgr = m.data().asFloat();
        m.close();
        int plane = size * size;
        byte[] rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            int src = (2 - c) * plane;
            for (int i = 0; i < plane; i++) {
                rgb[c * plane + i] = (byte) Math.round(Math.max(0, Math.min(255, bgr[src + i])));
            }
        }
        return rgb;
    }
}
