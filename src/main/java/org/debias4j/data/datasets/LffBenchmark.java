package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Learning-from-Failure bias benchmarks from any dataset with a label and a binary attribute (the recipe
 * behind the BiasPruner reference's splits): a binary task (positive classes vs negative classes) and an
 * attribute whose value {@code bias = 1} is made to go with the positive class.
 * <ul>
 *   <li>the samples are dealt into train, validation and test pools by group (patient, lesion), so no group is
 *       in two pools;</li>
 *   <li>train (and val, unless unbiased): per class, a fraction {@code p} of the samples is bias-aligned
 *       (bias == target), as many samples as the pool's cells allow;</li>
 *   <li>test_unbiased (and train_unbiased): the four (target, bias) cells equally large;</li>
 *   <li>test_flipped: the correlation reversed, aligned fraction 1 - p.</li>
 * </ul>
 * Everything is drawn from a SplittableRandom seeded with {@code seed}: same input and spec, same splits.
 */
public final class LffBenchmark {
    public static final List<String> SPLITS = List.of("train", "val", "test_unbiased", "test_flipped", "train_unbiased");

    /**
     * @param alignedFraction p, the fraction of bias-aligned samples per class in train (0.5 .. 1)
     * @param valFraction     fraction of the samples (by group) in the validation pool
     * @param testFraction    fraction of the samples (by group) in the test pool
     * @param unbiasedVal     validation set with balanced cells instead of biased like train
     * @param seed            seed of every draw
     */
    public record Spec(double alignedFraction, double valFraction, double testFraction, boolean unbiasedVal, long seed) {
        public Spec {
            if (!(alignedFraction >= 0.5 && alignedFraction <= 1)) {
                throw new UserException("--aligned-fraction must be between 0.5 and 1, got " + alignedFraction);
            }
            if (!(valFraction > 0 && testFraction > 0 && valFraction + testFraction < 1)) {
                throw new UserException("--val-fraction and --test-fraction must be > 0 and sum to less than 1, got "
                        + valFraction + " and " + testFraction);
            }
        }
    }

    /** A sample in the benchmark: its binary target and binary bias (aligned when bias == target). */
    public record Item(Sample sample, int target, int bias) {
        public boolean aligned() {
            return bias == target;
        }

        /** Cell index 0..3 = 2 * target + bias. */
        public int cell() {
            return 2 * target + bias;
        }
    }

    /** The splits, each in a seeded random order, and the pools they were drawn from (for counting). */
    public record Result(Map<String, List<Item>> splits, int candidates) {
        /** Counts of the cells (target, bias) = (0,0), (0,1), (1,0), (1,1) in a split. */
        public int[] cells(String split) {
            int[] c = new int[4];
            for (Item i : splits.get(split)) {
                c[i.cell()]++;
            }
            return c;
        }
    }

    private LffBenchmark() {
    }

    /**
     * Builds the splits from items (samples already given a target and a bias; items whose attribute is unknown
     * must be left out by the caller). {@code where} names the source in messages.
     */
    public static Result build(List<Item> items, Spec spec, String where) {
        if (items.isEmpty()) {
            throw new UserException(where + ": no samples with both a class of the task and a known attribute value");
        }
        List<List<Item>> p = pools(items, spec);
        SplittableRandom rng = new SplittableRandom(spec.seed() ^ 0x5DEECE66DL);
        Map<String, List<Item>> out = new LinkedHashMap<>();
        out.put("train", biased(p.get(0), spec.alignedFraction(), rng, where, "train"));
        out.put("val", spec.unbiasedVal() ? balanced(p.get(1), rng, where, "val")
                : biased(p.get(1), spec.alignedFraction(), rng, where, "val"));
        out.put("test_unbiased", balanced(p.get(2), rng, where, "test_unbiased"));
        out.put("test_flipped", biased(p.get(2), 1 - spec.alignedFraction(), rng, where, "test_flipped"));
        out.put("train_unbiased", balanced(p.get(0), rng, where, "train_unbiased"));
        return new Result(Collections.unmodifiableMap(out), items.size());
    }

    /** The train, validation and test pools: items dealt out by group (patient, lesion) with the spec's seed. */
    public static List<List<Item>> pools(List<Item> items, Spec spec) {
        List<Sample> samples = new ArrayList<>(items.size());
        Map<Sample, Item> bySample = new java.util.IdentityHashMap<>();
        for (Item i : items) {
            samples.add(i.sample());
            bySample.put(i.sample(), i);
        }
        double train = 1 - spec.valFraction() - spec.testFraction();
        List<List<Sample>> pools = GroupSplit.split(samples, new double[]{train, spec.valFraction(), spec.testFraction()},
                spec.seed());
        List<List<Item>> p = new ArrayList<>();
        for (List<Sample> pool : pools) {
            List<Item> l = new ArrayList<>(pool.size());
            for (Sample s : pool) {
                l.add(bySample.get(s));
            }
            p.add(l);
        }
        return p;
    }

    /**
     * Splits for an attribute the tool assigns itself (an injected artefact): every sample of a pool is used,
     * and per class a share p of it gets the bias value aligned with its target (round(n p) samples, chosen at
     * random); val like train (or balanced), tests balanced (p = 0.5) and flipped (1 - p), train_unbiased
     * balanced. The bias of the given items is ignored.
     */
    public static Result assigned(List<Item> items, Spec spec, String where) {
        if (items.isEmpty()) {
            throw new UserException(where + ": no samples of the task's classes");
        }
        List<List<Item>> p = pools(items, spec);
        SplittableRandom rng = new SplittableRandom(spec.seed() ^ 0x2545F4914F6CDD1DL);
        Map<String, List<Item>> out = new LinkedHashMap<>();
        out.put("train", assign(p.get(0), spec.alignedFraction(), rng, where, "train"));
        out.put("val", assign(p.get(1), spec.unbiasedVal() ? 0.5 : spec.alignedFraction(), rng, where, "val"));
        out.put("test_unbiased", assign(p.get(2), 0.5, rng, where, "test_unbiased"));
        out.put("test_flipped", assign(p.get(2), 1 - spec.alignedFraction(), rng, where, "test_flipped"));
        out.put("train_unbiased", assign(p.get(0), 0.5, rng, where, "train_unbiased"));
        return new Result(Collections.unmodifiableMap(out), items.size());
    }

    private static List<Item> assign(List<Item> pool, double p, SplittableRandom rng, String where, String split) {
        List<Item> out = new ArrayList<>(pool.size());
        for (int y = 0; y < 2; y++) {
            List<Item> cls = new ArrayList<>();
            for (Item i : pool) {
                if (i.target() == y) {
                    cls.add(i);
                }
            }
            if (cls.isEmpty()) {
                throw new UserException(where + ": split " + split + " would be empty: its pool has no samples of target " + y);
            }
            shuffle(cls, rng);
            int aligned = (int) Math.round(cls.size() * p);
            for (int k = 0; k < cls.size(); k++) {
                Item i = cls.get(k);
                out.add(new Item(i.sample(), y, k < aligned ? y : 1 - y));
            }
        }
        shuffle(out, rng);
        return out;
    }

    /** Per class y, the largest sample with aligned fraction p: round(n p) aligned and the rest conflicting. */
    static List<Item> biased(List<Item> pool, double p, SplittableRandom rng, String where, String split) {
        List<List<Item>> cells = cells(pool, rng);
        List<Item> out = new ArrayList<>();
        for (int y = 0; y < 2; y++) {
            List<Item> aligned = cells.get(2 * y + y);
            List<Item> conflicting = cells.get(2 * y + (1 - y));
            int n = largest(aligned.size(), conflicting.size(), p);
            int nAligned = (int) Math.round(n * p);
            int nConflicting = n - nAligned;
            if (nAligned + nConflicting == 0 || (p < 1 && nConflicting == 0) || (p > 0 && nAligned == 0)) {
                throw new UserException(where + ": split " + split + " would be empty or without bias-"
                        + (nAligned == 0 ? "aligned" : "conflicting") + " samples of target " + y + " (its pool has "
                        + aligned.size() + " aligned and " + conflicting.size() + " conflicting); use more data, another "
                        + "attribute or a different --aligned-fraction");
            }
            out.addAll(aligned.subList(0, nAligned));
            out.addAll(conflicting.subList(0, nConflicting));
        }
        shuffle(out, rng);
        return out;
    }

    /** Largest n with round(n p) <= aligned and n - round(n p) <= conflicting. */
    static int largest(int aligned, int conflicting, double p) {
        int n = (int) Math.floor(Math.min(p > 0 ? aligned / p : Double.MAX_VALUE,
                p < 1 ? conflicting / (1 - p) : Double.MAX_VALUE));
        n = Math.min(n, aligned + conflicting);
        while (n > 0 && (Math.round(n * p) > aligned || n - Math.round(n * p) > conflicting)) {
            n--;
        }
        return n;
    }

    /** The four cells equally large (the smallest cell's size). */
    static List<Item> balanced(List<Item> pool, SplittableRandom rng, String where, String split) {
        List<List<Item>> cells = cells(pool, rng);
        int k = Integer.MAX_VALUE;
        for (List<Item> c : cells) {
            k = Math.min(k, c.size());
        }
        if (k == 0) {
            int[] n = new int[4];
            for (int c = 0; c < 4; c++) {
                n[c] = cells.get(c).size();
            }
            throw new UserException(where + ": split " + split + " would be empty: a (target, bias) cell of its pool is "
                    + "empty (cells 00 01 10 11 have " + n[0] + " " + n[1] + " " + n[2] + " " + n[3] + " samples)");
        }
        List<Item> out = new ArrayList<>(4 * k);
        for (List<Item> c : cells) {
            out.addAll(c.subList(0, k));
        }
        shuffle(out, rng);
        return out;
    }

    /** The pool's items by cell, each cell shuffled. */
    private static List<List<Item>> cells(List<Item> pool, SplittableRandom rng) {
        List<List<Item>> cells = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            cells.add(new ArrayList<>());
        }
        for (Item i : pool) {
            cells.get(i.cell()).add(i);
        }
        for (List<Item> c : cells) {
            shuffle(c, rng);
        }
        return cells;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
