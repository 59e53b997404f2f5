package org.debias4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps resident memory flat. ND4J frees native buffers only when their Java wrappers are
 * collected, and the Java heap stays small, so without help resident memory climbs by gigabytes
 * (shared/notes/dl4j-m2.1.md). The training loop calls {@link #afterStep()}; it forces a collection
 * when resident memory has grown by more than a margin since the last one (bytes, or a fraction of the
 * resident size after that collection, whichever is larger), or every {@code maxInterval} steps. A full
 * collection costs tens of milliseconds against seconds per step, so a small margin keeps memory flat cheaply.
 */
public final class Memory {
    private final long marginBytes;
    private final double marginFraction;
    private final int maxInterval;
    private long baseline = -1;
    private int sinceGc;
    private long peak;

    public Memory(long marginBytes, int maxInterval) {
        this(marginBytes, 0, maxInterval);
    }

    public Memory(long marginBytes, double marginFraction, int maxInterval) {
        this.marginBytes = marginBytes;
        this.marginFraction = marginFraction;
        this.maxInterval = maxInterval;
    }

    public static Memory forTraining() {
        // Growth under 5% (issue 8): collect once resident memory is 2% (at least 32 MiB) above its level
        // after the last collection.
        return new Memory(32L << 20, 0.02, 25);
    }

    public void afterStep() {
        long rss = residentBytes();
        peak = Math.max(peak, rss);
        sinceGc++;
        if (baseline < 0 || rss > baseline + Math.max(marginBytes, (long) (marginFraction * baseline)) || sinceGc >= maxInterval) {
            System.gc();
            sinceGc = 0;
            baseline = residentBytes();
        }
    }

    public long peakBytes() {
        return Math.max(peak, peakResidentBytes());
    }

    /** Current resident set size (VmRSS) in bytes, or -1 where /proc is unavailable. */
    public static long residentBytes() {
        return procStatus("VmRSS:");
    }

    /** Peak resident set size of this process (VmHWM) in bytes, or -1. */
    public static long peakResidentBytes() {
        return procStatus("VmHWM:");
    }

    private static long procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.0f MiB", bytes / 1048576.0);
    }
}
