package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random splits that never cut a group (a patient's or a lesion's images stay in one split): the groups
 * are shuffled with the seed and dealt out until each split holds its fraction of the samples.
 */
public final class GroupSplit {
    private GroupSplit() {
    }

    /**
     * Splits samples into {@code fractions.length} parts of about those fractions of the samples (they must
     * sum to 1), group by group. Same samples and seed, same split.
     */
    public static List<List<Sample>> split(List<Sample> samples, double[] fractions, long seed) {
        double sum = 0;
        for (double f : fractions) {
            if (f < 0) {
                throw new UserException("split fractions must be >= 0, got " + java.util.Arrays.toString(fractions));
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new UserException("split fractions must sum to 1, got " + java.util.Arrays.toString(fractions));
        }
        Map<String, List<Sample>> groups = byGroup(samples);
        List<String> keys = new ArrayList<>(groups.keySet());
        shuffle(keys, seed);
        List<List<Sample>> out = new ArrayList<>();
        for (int i = 0; i < fractions.length; i++) {
            out.add(new ArrayList<>());
        }
        int n = samples.size();
        int part = 0;
        double bound = fractions[0] * n;
        int taken = 0;
        for (String k : keys) {
            while (part < fractions.length - 1 && taken >= bound - 1e-9) {
                part++;
                bound += fractions[part] * n;
            }
            List<Sample> g = groups.get(k);
            out.get(part).addAll(g);
            taken += g.size();
        }
        return out;
    }

    /** Samples by group, groups in order of first appearance. */
    public static Map<String, List<Sample>> byGroup(List<Sample> samples) {
        Map<String, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample s : samples) {
            groups.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(s);
        }
        return groups;
    }

    /** Fisher-Yates with a seeded SplittableRandom. */
    static <T> void shuffle(List<T> list, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
