package org.debias4j.util;

import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MemoryTest {
    private static final long MIB = 1L << 20;

    /** Native memory that only the collector frees (a dropped BytePointer), touched so it is resident. */
    private static void leakNative(long bytes) {
        BytePointer p = new BytePointer(bytes);
        p.fill(1);
    }

    @Test
    void collectsWhenNativeMemoryGrowsNotWhenTheJavaHeapDoes() {
        assumeTrue(Memory.residentBytes() > 0, "needs /proc/self/status");
        Memory guard = new Memory(32 * MIB, 0, 0, Memory.Signal.NATIVE);
        guard.afterStep();
        assertEquals(1, guard.collections(), "the first step sets the baseline after a collection");

        // The Java heap grows by far more than the margin (committed and touched): not the guard's business,
        // the collector sizes the heap; collecting here is what made resident memory breathe.
        byte[][] kept = new byte[4][];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = new byte[(int) (32 * MIB)];
            java.util.Arrays.fill(kept[i], (byte) 1);
        }
        guard.afterStep();
        guard.afterStep();
        assertEquals(1, guard.collections(), "Java heap growth must not trigger a collection");

        // Native memory reachable only through garbage grows by 3 margins: collected after two steps over.
        for (int i = 0; i < 3; i++) {
            leakNative(32 * MIB);
        }
        guard.afterStep();
        guard.afterStep();
        assertEquals(2, guard.collections(), "native growth beyond the margin must trigger a collection");
        assertEquals(4 * 32 * MIB, (long) kept.length * kept[0].length);
    }
}
