package org.debias4j.util;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps resident memory flat. ND4J frees native buffers only when their Java wrappers are
 * collected, and the Java heap stays small, so without help resident memory climbs by gigabytes
 * (shared/notes/dl4j-m2.1.md). The training loop calls {@link #afterStep()}; it forces a full collection
 * when <em>native</em> memory (resident memory minus the committed Java heap) has grown by more than a margin
 * since its lowest level after the last collection (bytes, or a fraction of resident memory, whichever is larger).
 * <p>
 * It watches native memory, not resident memory, and has no periodic collection, because with the training
 * session recycling its arrays (train.RecyclingSession) the remaining garbage native buffers are small and die
 * young: the collector's own young collections free them (native memory stayed within 1 MiB over 650 steps
 * without a forced collection, README "Memory: the remaining excursions"). Full collections every 25 steps or
 * per 32 MiB of resident growth made the heap breathe instead: each one shrank G1's heap, G1 grew it again at
 * the next young collections, and those +20-60 MiB were the excursions the guard then reacted to.
 * {@code -Ddebias4j.memoryGuard=rss} restores that guard for comparisons, {@code off} disables it.
 */
public final class Memory {
    /** What the guard watches: -Ddebias4j.memoryGuard=native (default), rss (the earlier guard) or off. */
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
        // Growth under 5% (issue 8): collect once native memory is 2% of resident memory (at least 32 MiB) above
        // its level after the last collection.
        String name = System.getProperty("debias4j.memoryGuard", "native");
        Signal s;
        try {
            s = Signal.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("-Ddebias4j.memoryGuard=" + name + ": expected native, rss or off");
        }
        return s == Signal.RSS ? new Memory(32L << 20, 0.02, 25, Signal.RSS) : new Memory(32L << 20, 0.02, 0, s);
    }

    public void afterStep() {
        long rss = residentBytes();
        peak = Math.max(peak, rss);
        sinceGc++;
        if (signal == Signal.OFF) {
            return;
        }
        if (rss < 0) {
            // no /proc (not Linux): nothing to watch, collect at the earlier guard's interval
            if (sinceGc >= 25) {
                System.gc();
                collections++;
                sinceGc = 0;
            }
            return;
        }
        long level = level(rss);
        long margin = Math.max(marginBytes, (long) (marginFraction * (signal == Signal.RSS ? baseline : rss)));
        boolean over = first || level > baseline + margin;
        // NATIVE: over on two consecutive steps, because G1 uncommits a shrunk heap concurrently and RSS lags.
        boolean collect = signal == Signal.NATIVE ? over && (first || wasOver) : over;
        wasOver = over;
        if (collect || (maxInterval > 0 && sinceGc >= maxInterval)) {
            System.gc();
            collections++;
            sinceGc = 0;
            first = false;
            wasOver = false;
            baseline = level(residentBytes());
        } else if (signal == Signal.NATIVE) {
            baseline = Math.min(baseline, level);
        }
    }

    /** What the guard compares: resident memory, or with the NATIVE signal resident memory minus the committed heap. */
    private long level(long rss) {
        return signal == Signal.NATIVE ? rss - heapCommittedBytes() : rss;
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
