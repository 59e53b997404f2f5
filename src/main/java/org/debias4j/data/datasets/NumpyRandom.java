package org.debias4j.data.datasets;

/**
 * NumPy's legacy {@code RandomState(seed)} (MT19937 seeded with {@code init_genrand}), only as far
 * as the reference's splits need it: {@code permutation(n)} and scikit-learn's
 * {@code train_test_split(..., random_state=seed, shuffle=True)}. Reproducing the exact draws lets
 * a Java run pick the same ISIC-2018 validation images as a PyTorch run with the same --seed.
 */
public final class NumpyRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    /** {@code np.random.RandomState(seed)}; NumPy accepts 0 .. 2^32-1. */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed must be between 0 and 2^32-1, got " + seed);
        }
        mt[0] = (int) seed;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    /** Next 32-bit output, as an unsigned value. */
    public long nextUint32() {
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            for (; kk < N - 1; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            int y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** Uniform integer in [0, max] by masked rejection (NumPy's {@code random_interval}, max < 2^32). */
    long interval(long max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long v;
        while ((v = nextUint32() & mask) > max) {
            // rejected: draw again
        }
        return v;
    }

    /** {@code RandomState.permutation(n)}: a Fisher-Yates shuffle of 0..n-1 from the last element down. */
    public int[] permutation(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i >= 1; i--) {
            int j = (int) interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /**
     * The test part of scikit-learn's {@code train_test_split(range(n), test_size=testFraction,
     * random_state=seed, shuffle=True)}: ceil(testFraction * n) indices, in the order sklearn returns them.
     */
    public static int[] trainTestSplitTest(int n, double testFraction, long seed) {
        int nTest = (int) Math.ceil(testFraction * n);
        int[] perm = new NumpyRandom(seed).permutation(n);
        return java.util.Arrays.copyOf(perm, nTest);
    }

    /** The train part of the same split (the remaining indices, in sklearn's order). */
    public static int[] trainTestSplitTrain(int n, double testFraction, long seed) {
        int nTest = (int) Math.ceil(testFraction * n);
        int[] perm = new NumpyRandom(seed).permutation(n);
        return java.util.Arrays.copyOfRange(perm, nTest, n);
    }
}
