package org.debias4j.util;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
    /** What the guard watches (experiment switch, -Ddebias4j.memoryGuard=rss|native|off). */
    enum Signal { RSS, NATIVE, OFF }

    private final long marginBytes;
    private final double marginFraction;
    private final int maxInterval;
    private final Signal signal;
    private long baseline;
    private boolean first = true;
    private boolean wasOver;
    private int sinceGc;
    private long peak;
    private int collections;

    public Memory(long marginBytes, int maxInterval) {
        this(marginBytes, 0, maxInterval);
    }

    public Memory(long marginBytes, double marginFraction, int maxInterval) {
        this(marginBytes, marginFraction, maxInterval, Signal.RSS);
    }

    Memory(long marginBytes, double marginFraction, int maxInterval, Signal signal) {
        this.marginBytes = marginBytes;
        this.marginFraction = marginFraction;
        this.maxInterval = maxInterval;
        this.signal = signal;
    }

    public static Memory forTraining() {
        // Growth under 5% (issue 8): collect once resident memory is 2% (at least 32 MiB) above its level
        // after the last collection.
        Signal s = Signal.valueOf(System.getProperty("debias4j.memoryGuard", "rss").toUpperCase());
        long margin = Long.getLong("debias4j.memoryGuard.marginMiB", 32L) << 20;
        double fraction = Double.parseDouble(System.getProperty("debias4j.memoryGuard.fraction", "0.02"));
        int interval = Integer.getInteger("debias4j.memoryGuard.interval", 25);
        return new Memory(margin, fraction, interval, s);
    }

    public void afterStep() {
        long rss = residentBytes();
        peak = Math.max(peak, rss);
        sinceGc++;
        if (signal == Signal.OFF) {
            return;
        }
        long level = signal == Signal.NATIVE ? rss - heapCommittedBytes() : rss;
        boolean over = first || level > baseline + Math.max(marginBytes, (long) (marginFraction * rss));
        // NATIVE: over on two consecutive steps, because G1 uncommits a shrunk heap concurrently and RSS lags.
        boolean collect = signal == Signal.NATIVE ? over && (first || wasOver) : over;
        wasOver = over;
        if (collect || (maxInterval > 0 && sinceGc >= maxInterval)) {
            System.gc();
            collections++;
            sinceGc = 0;
            first = false;
            wasOver = false;
            baseline = signal == Signal.NATIVE ? residentBytes() - heapCommittedBytes() : residentBytes();
        } else if (signal == Signal.NATIVE) {
            baseline = Math.min(baseline, level);
        }
    }

    /** Collections this guard has forced. */
    public int collections() {
        return collections;
    }

    public static long heapCommittedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
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
