package org.debias4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Minibatches of one dataset for one pass, decoded on a background thread a few batches ahead so the
 * network never waits on decoding. The order is a seeded shuffle of (seed, epoch): a resumed run sees
 * the same batches as an uninterrupted one.
 */
public final class Batches implements Iterable<Batches.Batch>, AutoCloseable {
    /** Rows of the dataset in this batch and their normalised images. */
    public record Batch(int[] rows, INDArray images) {
    }

    private static final ExecutorService LOADER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "debias4j-loader");
        t.setDaemon(true);
        return t;
    });

    private final ImageDataset ds;
    private final ImagePipeline pipeline;
    private final int[][] batches;
    private final int view;
    private final long augmentSeed;
    private Future<?> producer;

    private Batches(ImageDataset ds, ImagePipeline pipeline, int[][] batches, int view, long augmentSeed) {
        this.ds = ds;
        this.pipeline = pipeline;
        this.batches = batches;
        this.view = view;
        this.augmentSeed = augmentSeed;
    }

    /** Shuffled training batches; drops the last incomplete batch, as the reference (drop_last). */
    public static Batches training(ImageDataset ds, ImagePipeline p, int batchSize, long seed, int epoch,
                                   boolean augment, int maxBatches) {
        int[] order = permutation(ds.size(), new SplittableRandom(seed * 1_000_003L + epoch));
        int n = ds.size() / batchSize;
        if (n == 0 && ds.size() > 0) {
            n = 1; // a dataset smaller than one batch still trains
            batchSize = ds.size();
        }
        if (maxBatches > 0) {
            n = Math.min(n, maxBatches);
        }
        int[][] b = new int[n][];
        for (int i = 0; i < n; i++) {
            b[i] = java.util.Arrays.copyOfRange(order, i * batchSize, (i + 1) * batchSize);
        }
        return new Batches(ds, p, b, augment ? -1 : 0, seed * 31 + epoch);
    }

    /** All rows in order (evaluation), in the given dihedral view (0 = identity). */
    public static Batches inOrder(ImageDataset ds, ImagePipeline p, int batchSize, int view, int maxBatches) {
        int n = (ds.size() + batchSize - 1) / batchSize;
        if (maxBatches > 0) {
            n = Math.min(n, maxBatches);
        }
        int[][] b = new int[n][];
        for (int i = 0; i < n; i++) {
            int from = i * batchSize;
            int to = Math.min(ds.size(), from + batchSize);
            b[i] = new int[to - from];
            for (int k = from; k < to; k++) {
                b[i][k - from] = k;
            }
        }
        return new Batches(ds, p, b, view, 0);
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    public int size() {
        return batches.length;
    }

    @Override
    public Iterator<Batch> iterator() {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(3);
        SplittableRandom rng = new SplittableRandom(augmentSeed);
        producer = LOADER.submit(() -> {
            try {
                for (int[] rows : batches) {
                    queue.put(new Batch(rows, pipeline.batch(ds, rows, view, rng)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                try {
                    queue.put(e);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return new Iterator<>() {
            int taken;

            @Override
            public boolean hasNext() {
                return taken < batches.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    Object o = queue.take();
                    if (o instanceof RuntimeException e) {
                        throw e;
                    }
                    taken++;
                    return (Batch) o;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading a batch", e);
                }
            }
        };
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.cancel(true);
        }
    }
}
