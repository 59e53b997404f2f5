package org.debias4j.data;

import org.datavec.image.loader.NativeImageLoader;
import org.debias4j.util.UserException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Decodes images with DataVec (OpenCV): centre-crop to a square and resize, as the reference's
 * preprocessing; keeps decoded pixels as bytes in memory (size*size*3 per image) so later epochs
 * skip decoding; builds normalised float batches (ImageNet mean/std) with optional flips and
 * transposes, the 8 views of the reference's test-time augmentation.
 */
public final class ImagePipeline {
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int size;
    private final boolean cache;
    private final ConcurrentHashMap<Path, byte[]> decoded = new ConcurrentHashMap<>();
    private final ThreadLocal<NativeImageLoader> loader;
    // A plain executor: a ForkJoinPool running a parallel stream inside a submitted task hung once for good
    // (a biaspruner run, session 5: the worker joined a subtask that never ran; cause not found).
    private final ThreadPoolExecutor decoders;
    private final int workers;

    /** @param workers threads decoding images not yet in the cache (--num-workers) */
    public ImagePipeline(int size, boolean cache, int workers) {
        if (workers < 1) {
            throw new UserException("--num-workers must be at least 1, got " + workers);
        }
        this.size = size;
        this.cache = cache;
        this.workers = workers;
        this.decoders = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "debias4j-decoder");
                    t.setDaemon(true);
                    return t;
                });
        decoders.allowCoreThreadTimeOut(true);
        this.loader = ThreadLocal.withInitial(() -> new NativeImageLoader(size, size, 3, true));
    }

    public int size() {
        return size;
    }

    /** RGB pixels, channel-major [3][size][size], 0-255. */
    public byte[] pixels(Path image) {
        byte[] b = cache ? decoded.get(image) : null;
        if (b != null) {
            return b;
        }
        b = decode(image);
        if (cache) {
            decoded.putIfAbsent(image, b);
        }
        return b;
    }

    private byte[] decode(Path image) {
        INDArray m;
        try {
            m = loader.get().asMatrix(image.toFile());
        } catch (Exception e) {
            throw new UserException("Cannot decode image " + image + ": " + e.getMessage(), e);
        }
        if (m == null || m.length() != 3L * size * size) {
            throw new UserException("Cannot decode image " + image + " as a 3-channel picture");
        }
        float[] bgr = m.data().asFloat();
        m.close();
        int plane = size * size;
        byte[] rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            int src = (2 - c) * plane; // OpenCV gives BGR
            for (int i = 0; i < plane; i++) {
                rgb[c * plane + i] = (byte) Math.round(Math.max(0, Math.min(255, bgr[src + i])));
            }
        }
        return rgb;
    }

    private Void decodeRows(byte[][] all, ImageDataset ds, int[] rows, int from, int to) {
        for (int j = from; j < to; j++) {
            all[j] = pixels(ds.image(rows[j]));
        }
        return null;
    }

    /**
     * Normalised batch [n, 3, size, size] of the given rows. {@code view} selects one of the 8
     * dihedral views (bit 0: flip width, bit 1: flip height, bit 2: transpose); -1 draws a random
     * view per image from {@code rng} (augmentation), 0 is the identity.
     */
    public INDArray batch(ImageDataset ds, int[] rows, int view, SplittableRandom rng) {
        int plane = size * size;
        float[] out = new float[rows.length * 3 * plane];
        byte[][] all = new byte[rows.length][];
        int chunks = Math.min(workers, rows.length);
        if (chunks <= 1) {
            decodeRows(all, ds, rows, 0, rows.length);
        } else {
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                int from = c * rows.length / chunks;
                int to = (c + 1) * rows.length / chunks;
                jobs.add(() -> decodeRows(all, ds, rows, from, to));
            }
            try {
                for (Future<Void> f : decoders.invokeAll(jobs)) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        for (int j = 0; j < rows.length; j++) {
            byte[] px = all[j];
            int v = view >= 0 ? view : rng.nextInt(8);
            normalise(px, size, v, out, j * 3 * plane);
        }
        return Nd4j.create(out, new long[]{rows.length, 3, size, size}, 'c');
    }

    /**
     * Writes one of the 8 dihedral views of RGB pixels [3][size][size] (0-255), normalised with the
     * ImageNet mean/std, at {@code out[base..]} (bit 0 of {@code view} flips width, bit 1 height, bit 2
     * transposes). Training batches and the embedding API both use it, so they see identical inputs.
     */
    public static void normalise(byte[] px, int size, int view, float[] out, int base) {
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            float mean = MEAN[c] * 255f;
            float scale = 1f / (STD[c] * 255f);
            int off = c * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int sy = y;
                    int sx = x;
                    if ((view & 4) != 0) {
                        int t = sy;
                        sy = sx;
                        sx = t;
                    }
                    if ((view & 2) != 0) {
                        sy = size - 1 - sy;
                    }
                    if ((view & 1) != 0) {
                        sx = size - 1 - sx;
                    }
                    out[base + off + y * size + x] = ((px[off + sy * size + sx] & 0xff) - mean) * scale;
                }
            }
        }
    }
}
