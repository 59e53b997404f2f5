package org.debias4j.data.datasets;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expected values printed by NumPy 2.4 (np.random.RandomState), written down once. */
class NumpyRandomTest {
    @Test
    void mt19937MatchesTheReferenceGenerator() {
        NumpyRandom r = new NumpyRandom(5489); // std::mt19937's default seed: 3499211612 first
        assertEquals(3499211612L, r.nextUint32());
        assertEquals(581869302L, r.nextUint32());
        assertEquals(3890346734L, r.nextUint32());
    }

    @Test
    void permutationMatchesNumpy() {
        assertArrayEquals(new int[]{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}, new NumpyRandom(0).permutation(10));
        assertArrayEquals(new int[]{0, 17, 15, 1, 8, 5, 11, 3, 18, 16, 13, 2, 9, 19, 4, 12, 7, 10, 14, 6},
                new NumpyRandom(42).permutation(20));
        assertArrayEquals(new int[]{11, 8, 5, 9, 1, 10, 6, 0, 4, 7, 2, 3}, new NumpyRandom(4294967295L).permutation(12));
        assertArrayEquals(new int[]{778, 334, 271, 802, 216, 408, 812, 94},
                Arrays.copyOf(new NumpyRandom(7).permutation(1000), 8));
    }

    @Test
    void trainTestSplitTakesTheCeilOfTheTestFraction() {
        // sklearn: n_test = ceil(0.33 * 10) = 4, the first 4 of the permutation
        assertArrayEquals(new int[]{2, 8, 4, 9}, NumpyRandom.trainTestSplitTest(10, 0.33, 0));
        assertArrayEquals(new int[]{1, 6, 7, 3, 0, 5}, NumpyRandom.trainTestSplitTrain(10, 0.33, 0));
    }

    @Test
    void seedOutOfNumpysRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(1L << 32));
    }
}
