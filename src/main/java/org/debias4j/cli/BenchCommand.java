package org.debias4j.cli;

import org.debias4j.bench.Benchmark;
import org.debias4j.eval.MetricTable;
import org.debias4j.nn.Backbones;
import org.debias4j.util.Json;
import org.debias4j.util.Memory;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bench}: training and inference images/s and peak resident memory on random data, with ratios to
 * PyTorch on this CPU; by default the suite of issue 8, or one model; {@code --memory} checks that
 * resident memory stays flat over a long training run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Training and inference images/s and peak resident memory on random data (default: the full suite).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    /** PyTorch 1.13, same 2-core CPU, CIFAR ResNet-56, batch 64, Adam (shared/notes/dl4j-m2.1.md, issue 8). */
    static final Map<Integer, double[]> PYTORCH_RESNET56 = Map.of(32, new double[]{152.6, 662}, 64, new double[]{40.2, 136.7});

    /** Default warm-up of {@code --memory} (see memoryRun). */
    static final int MEMORY_WARMUP = 100;
    /** Most extra warm-up steps of {@code --memory} while the JIT still compiles (default warm-up only). */
    static final int MEMORY_WARMUP_EXTRA = 300;

    @Option(names = "--model", description = "one backbone (registry name) instead of the suite")
    String model;
    @Option(names = "--kind", defaultValue = "train", description = "with --model: train (train + inference), infer, "
            + "unlearn (encoder + main + aux heads, two steps) or score (BiasPruner scoring pass); default ${DEFAULT-VALUE}")
    String kind;
    @Option(names = "--image-size", defaultValue = "32", description = "with --model: input size (default ${DEFAULT-VALUE})")
    int imageSize;
    @Option(names = "--batch-size", defaultValue = "64", description = "with --model: batch size (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--quick", description = "only resnet56_cifar at 32x32, batch 64")
    boolean quick;
    @Option(names = "--classes", defaultValue = "7", description = "classifier outputs (default ${DEFAULT-VALUE})")
    int classes;
    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps (default ${DEFAULT-VALUE}; with --memory 100 and on while the JIT still "
            + "compiles, at most 300 more)")
    int warmup;
    @Option(names = "--steps", description = "timed steps, the median is reported (default 7; with --memory 500)")
    Integer steps;
    @Option(names = "--memory", description = "train --steps steps (default 500) of --model (default resnet56_cifar) and "
            + "report resident memory after warm-up, at the end and its growth")
    boolean memory;
    @Option(names = "--json", description = "JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
        int timed = steps != null ? steps : (memory ? 500 : 7);
        if (timed < 1 || warmup < 0 || batchSize < 1 || imageSize < 8 || classes < 1) {
            throw new UserException("--steps must be >= 1, --warmup >= 0, --batch-size >= 1, --image-size >= 8, --classes >= 1");
        }
        if (model != null && !Backbones.names().contains(model)) {
            throw new UserException("--model " + model + " is not a known backbone; known: " + String.join(", ", Backbones.names()));
        }
        Benchmark bench = new Benchmark(warmup, timed, classes, System.err::println);
        if (memory) {
            return memoryRun(bench, timed);
        }
        List<Benchmark.Case> cases = new ArrayList<>();
        if (model != null) {
            cases.add(new Benchmark.Case(parseKind(), model, imageSize, batchSize));
        } else {
            cases.addAll(Benchmark.suite(quick));
        }
        List<Benchmark.Result> results = new ArrayList<>();
        for (Benchmark.Case c : cases) {
            results.add(bench.run(c));
        }
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Benchmark.Result r : results) {
                rows.add(toJson(r));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("warmup_steps", warmup);
            out.put("timed_steps", timed);
            out.put("results", rows);
            out().println(Json.write(out));
            return 0;
        }
        out().println(table(results, "bench (median of " + timed + " steps after " + warmup + " warm-up)").toText());
        return 0;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private Benchmark.Kind parseKind() {
        return switch (kind) {
            case "train" -> Benchmark.Kind.TRAIN_INFER;
            case "infer" -> Benchmark.Kind.INFER;
            case "unlearn" -> Benchmark.Kind.UNLEARN;
            case "score" -> Benchmark.Kind.SCORE;
            default -> throw new UserException("--kind must be train, infer, unlearn or score, got " + kind);
        };
    }

    /** PyTorch's figures for this case, or null where there is no reference measurement. */
    static double[] pytorch(Benchmark.Case c) {
        return c.kind() == Benchmark.Kind.TRAIN_INFER && c.model().equals("resnet56_cifar") && c.batchSize() == 64
                ? PYTORCH_RESNET56.get(c.imageSize()) : null;
    }

    /** The results as a table (also used for README's before/after figures). */
    public static MetricTable table(List<Benchmark.Result> results, String title) {
        MetricTable t = new MetricTable(title, "case", "size", "batch", "train img/s", "infer img/s",
                "x PyTorch train", "x PyTorch infer", "train img/CPU-s", "infer img/CPU-s", "peak RSS").digits(2);
        for (Benchmark.Result r : results) {
            double[] torch = pytorch(r.spec());
            t.row(r.spec().label(), r.spec().imageSize(), r.spec().batchSize(), cell(r.trainImgPerS()),
                    cell(r.inferImgPerS()), torch != null ? cell(r.trainImgPerS() / torch[0]) : "-",
                    torch != null ? cell(r.inferImgPerS() / torch[1]) : "-", cell(r.trainImgPerCpuS()), cell(r.inferImgPerCpuS()),
                    Memory.mib(r.peakRssBytes()));
        }
        return t;
    }

    private static Object cell(double v) {
        return Double.isNaN(v) ? "-" : v;
    }

    private static Map<String, Object> toJson(Benchmark.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", r.spec().label());
        m.put("kind", r.spec().kind() == Benchmark.Kind.TRAIN_INFER ? "train" : r.spec().kind().name().toLowerCase());
        m.put("model", r.spec().model());
        m.put("image_size", r.spec().imageSize());
        m.put("batch_size", r.spec().batchSize());
        if (!Double.isNaN(r.trainImgPerS())) {
            m.put("train_img_per_s", r.trainImgPerS());
        }
        if (!Double.isNaN(r.inferImgPerS())) {
            m.put("infer_img_per_s", r.inferImgPerS());
        }
        if (!Double.isNaN(r.trainImgPerCpuS())) {
            m.put("train_img_per_cpu_s", r.trainImgPerCpuS());
        }
        if (!Double.isNaN(r.inferImgPerCpuS())) {
            m.put("infer_img_per_cpu_s", r.inferImgPerCpuS());
        }
        m.put("peak_rss_bytes", r.peakRssBytes());
        double[] torch = pytorch(r.spec());
        if (torch != null) {
            m.put("pytorch_train_img_per_s", torch[0]);
            m.put("pytorch_infer_img_per_s", torch[1]);
            m.put("train_ratio_to_pytorch", r.trainImgPerS() / torch[0]);
            m.put("infer_ratio_to_pytorch", r.inferImgPerS() / torch[1]);
        }
        return m;
    }

    private int memoryRun(Benchmark bench, int timed) {
        Benchmark.Case c = new Benchmark.Case(Benchmark.Kind.TRAIN_INFER, model != null ? model : "resnet56_cifar",
                imageSize, batchSize);
        // Warm-up covers a few of the memory guard's collection intervals and the JIT's compilations, so the
        // baseline is steady state: C2 compiling SameDiff's session code held up to 46 MB of compiler arenas for
        // a few steps as late as step 50-80 on a loaded machine (NMT), which a 30-step warm-up counted as growth.
        // An explicit --warmup N is used as given (N = 30 reproduces the earlier measurements).
        boolean given = spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--warmup");
        int memWarmup = given ? warmup : MEMORY_WARMUP;
        int every = Math.max(1, timed / 25);
        // The default warm-up also waits (up to 300 more steps) for the JIT to go quiet, see Benchmark.memory.
        Benchmark.MemoryResult r = bench.memory(c, memWarmup, given ? 0 : MEMORY_WARMUP_EXTRA, timed, every);
        boolean flat = r.growth() < 0.05;
        List<String> jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", c.model());
            out.put("image_size", c.imageSize());
            out.put("batch_size", c.batchSize());
            out.put("warmup_steps", r.warmup());
            out.put("steps", r.steps());
            out.put("train_img_per_s", r.trainImgPerS());
            out.put("rss_after_warmup_bytes", r.rssAfterWarmup());
            out.put("rss_end_bytes", r.rssEnd());
            out.put("rss_max_after_warmup_bytes", r.rssMaxAfterWarmup());
            out.put("rss_growth", r.growth());
            out.put("rss_end_growth", r.endGrowth());
            out.put("flat", flat);
            out.put("rss_trace_bytes", r.trace());
            out.put("rss_trace_every_steps", r.traceEvery());
            out.put("guard_collections", r.collections());
            // The JVM's own flags and collector decide how the Java heap breathes: recorded so a run can be reproduced.
            out.put("jvm_args", jvmArgs);
            out.put("collectors", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
            out.put("memory_guard", System.getProperty("debias4j.memoryGuard", "native"));
            out.put("rss_every_step_bytes", r.rssSteps());
            out.put("heap_committed_every_step_bytes", r.heapCommittedSteps());
            out.put("jit_ms_every_step", r.jitMillisSteps());
            out().println(Json.write(out));
            return 0;
        }
        MetricTable t = new MetricTable("bench --memory: " + c.model() + " " + c.imageSize() + "px batch " + c.batchSize()
                + ", " + r.steps() + " training steps after " + r.warmup() + " warm-up",
                "train img/s", "RSS after warm-up", "RSS at end", "max RSS after warm-up", "growth", "flat (< 5%)",
                "end vs warm-up").digits(2);
        t.row(r.trainImgPerS(), Memory.mib(r.rssAfterWarmup()), Memory.mib(r.rssEnd()), Memory.mib(r.rssMaxAfterWarmup()),
                String.format("%.1f%%", 100 * r.growth()), flat ? "yes" : "no", String.format("%.1f%%", 100 * r.endGrowth()));
        out().println(t.toText());
        out().println("resident memory every " + r.traceEvery() + " steps: "
                + r.trace().stream().map(Memory::mib).toList());
        out().println("guard collections after warm-up: " + r.collections() + "; JVM arguments: " + jvmArgs);
        if (!flat && !jvmArgs.contains("-XX:+UseSerialGC")) {
            // G1 grows its heap in steps on a busy 2-core machine; the serial collector keeps it at its initial size.
            out().println("resident memory grew by 5% or more: for long runs start the JVM with -XX:+UseSerialGC "
                    + "(README, Performance: \"Memory: the remaining excursions\")");
        }
        return 0;
    }
}
