package org.debias4j.bench;

import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.StepRunner;
import org.debias4j.util.Memory;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Throughput of the engine's real code paths on random data: warm-up steps, then the median of timed
 * steps (single steps vary by 15-20% on a shared 2-core machine). Training is the engine's step (Adam
 * through the TrainingSession, batch-norm statistics, the memory guard); inference is
 * {@link Model#predict}. Each case reports the highest resident memory sampled after its steps.
 */
public final class Benchmark {
    /** What to measure. */
    public enum Kind {
        /** one training step (softmax cross-entropy, Adam over all parameters) and one eval-branch forward */
        TRAIN_INFER,
        /** inference only (large backbones at batch 1) */
        INFER,
        /** the Skin Deep Unlearning iteration: encoder + main head (dropout, BCE) + aux head, two steps per batch */
        UNLEARN,
        /** BiasPruner's scoring pass: eval-branch forward to every block's unit activations and their spatial means */
        SCORE
    }

    /** One case: backbone, input size, batch size. */
    public record Case(Kind kind, String model, int imageSize, int batchSize) {
        public String label() {
            return switch (kind) {
                case TRAIN_INFER -> model;
                case INFER -> model + " (forward)";
                case UNLEARN -> model + " unlearning step";
                case SCORE -> model + " BiasPruner scoring";
            };
        }
    }

    /** Images per second (NaN where not measured) and the highest sampled resident memory in bytes. */
    /** Also images per second of process CPU time: on a shared machine wall time depends on the others' load, CPU time much less. */
    public record Result(Case spec, double trainImgPerS, double inferImgPerS, long peakRssBytes, double trainImgPerCpuS,
                         double inferImgPerCpuS) {
    }

    /** Warm-up of the memory run ends when the JIT compiled for less than this many ms over the last JIT_WINDOW_S s. */
    public static final long JIT_QUIET_MS = 100;
    public static final int JIT_WINDOW_S = 30;

    /** Resident memory over a long training run. */
    public record MemoryResult(Case spec, int warmup, int steps, double trainImgPerS, long rssAfterWarmup,
                               long rssEnd, long rssMaxAfterWarmup, List<Long> trace, int traceEvery,
                               long[] rssSteps, long[] heapCommittedSteps, int collections, long[] jitMillisSteps) {
        /** Growth from the end of warm-up to the highest sample after it, as a fraction. */
        public double growth() {
            return (double) (rssMaxAfterWarmup - rssAfterWarmup) / rssAfterWarmup;
        }

        /** Growth from the end of warm-up to the last step, as a fraction: a creep shows here, a transient peak does not. */
        public double endGrowth() {
            return (double) (rssEnd - rssAfterWarmup) / rssAfterWarmup;
        }
    }

    /** Progress lines (one per finished phase). */
    private final Consumer<String> progress;
    private final int warmup;
    private final int steps;
    private final int classes;

    public Benchmark(int warmup, int steps, int classes, Consumer<String> progress) {
        this.warmup = warmup;
        this.steps = steps;
        this.classes = classes;
        this.progress = progress;
    }

    /** The default suite of issue 8. {@code quick}: resnet56_cifar at 32 only. */
    public static List<Case> suite(boolean quick) {
        List<Case> out = new ArrayList<>();
        out.add(new Case(Kind.TRAIN_INFER, "resnet56_cifar", 32, 64));
        if (quick) {
            return out;
        }
        out.add(new Case(Kind.TRAIN_INFER, "resnet56_cifar", 64, 64));
        out.add(new Case(Kind.TRAIN_INFER, "resnet18", 64, 64));
        out.add(new Case(Kind.UNLEARN, "resnet18", 64, 64));
        out.add(new Case(Kind.SCORE, "resnet56_cifar", 32, 64));
        out.add(new Case(Kind.INFER, "resnext101_32x8d", 224, 1));
        out.add(new Case(Kind.INFER, "efficientnet_b3", 224, 1));
        return out;
    }

    public Result run(Case c) {
        long before = Memory.residentBytes();
        Result r = switch (c.kind()) {
            case TRAIN_INFER -> trainInfer(c);
            case INFER -> inferOnly(c);
            case UNLEARN -> unlearn(c);
            case SCORE -> score(c);
        };
        System.gc(); // release this case's native buffers before the next one builds its graph
        progress.accept(String.format("%s %dpx batch %d: resident memory %s before, %s peak", c.label(), c.imageSize(),
                c.batchSize(), Memory.mib(before), Memory.mib(r.peakRssBytes())));
        return r;
    }

    private Model model(Case c, List<HeadSpec> heads) {
        return Model.create(new ModelSpec(new BackboneSpec(c.model(), c.imageSize(), 1.0, 1.0), heads, 0));
    }

    private static INDArray images(Case c) {
        Nd4j.getRandom().setSeed(0);
        return Nd4j.randn(DataType.FLOAT, c.batchSize(), 3, c.imageSize(), c.imageSize());
    }

    private static INDArray oneHot(int n, int k) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, k);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % k, 1.0);
        }
        return y;
    }

    /** A classifier trained with softmax cross-entropy and Adam over every parameter. */
    private static final class Classifier {
        final Model model;
        final StepRunner runner;
        final Step step = new Step("train", Map.of("ce", 1.0), List.of("all"));
        final Map<String, INDArray> placeholders;

        Classifier(Model model, INDArray x, int classes) {
            this.model = model;
            SDVariable y = model.sd().placeHolder("y", DataType.FLOAT, -1, classes);
            SDVariable loss = model.sd().loss().softmaxCrossEntropy("ce", y, model.trainLogits("main"), null);
            this.runner = new StepRunner(model, Map.of("ce", loss),
                    List.of(new ParamGroup("all", Optim.adam(1e-3, 0), model.parameterNames())), 0.1);
            this.placeholders = Map.of(Model.INPUT, x, "y", oneHot((int) x.size(0), classes));
        }

        void step() {
            runner.run(step, placeholders, 0);
        }
    }

    private Result trainInfer(Case c) {
        INDArray x = images(c);
        Classifier cl = new Classifier(model(c, List.of(HeadSpec.linear("main", classes))), x, classes);
        Memory memory = Memory.forTraining();
        long[] peak = {0};
        double[] train = timed(c, "train", () -> {
            cl.step();
            memory.afterStep();
        }, peak);
        double[] infer = timed(c, "inference", () -> cl.model.predict(x, "main").get("main").close(), peak);
        return new Result(c, c.batchSize() / train[0], c.batchSize() / infer[0], peak[0], c.batchSize() / train[1],
                c.batchSize() / infer[1]);
    }

    private Result inferOnly(Case c) {
        INDArray x = images(c);
        Model m = model(c, List.of(HeadSpec.linear("main", classes)));
        long[] peak = {0};
        double[] infer = timed(c, "inference", () -> m.predict(x, "main").get("main").close(), peak);
        return new Result(c, Double.NaN, c.batchSize() / infer[0], peak[0], Double.NaN, c.batchSize() / infer[1]);
    }

    /**
     * The TABE-style iteration of Skin Deep Unlearning: step 1 = BCE on the main head (dropout 0.5) plus a
     * confusion term on the aux head's softmax, applied to encoder + main head; step 2 = cross-entropy of
     * the aux head (8 instrument classes), applied to encoder + aux head. Each step is its own forward and
     * backward pass, as in the reference; the figure is images per second for the whole iteration.
     */
    private Result unlearn(Case c) {
        int auxClasses = 8;
        Model m = model(c, List.of(new HeadSpec("main", 1, 0, 0.5), HeadSpec.linear("aux", auxClasses)));
        SameDiff sd = m.sd();
        SDVariable y = sd.placeHolder("label/main", DataType.FLOAT, -1, 1);
        SDVariable bias = sd.placeHolder("label/aux", DataType.FLOAT, -1, auxClasses);
        SDVariable u = sd.placeHolder("confusion/u", DataType.FLOAT, -1, auxClasses);
        SDVariable bce = sd.loss().sigmoidCrossEntropy("loss/bce", y, m.trainLogits("main"), null);
        SDVariable logP = sd.nn().logSoftmax(m.trainLogits("aux"));
        SDVariable confusion = sd.math().neg(u.mul(logP).sum()).div(c.batchSize()).rename("loss/confusion");
        SDVariable ce = sd.loss().softmaxCrossEntropy("loss/aux", bias, m.trainLogits("aux"), null);
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        losses.put("bce", bce);
        losses.put("confusion", confusion);
        losses.put("aux", ce);
        List<String> mainParams = new ArrayList<>(m.backboneParameters());
        mainParams.addAll(m.headParameters("main"));
        List<String> auxParams = new ArrayList<>(m.backboneParameters());
        auxParams.addAll(m.headParameters("aux"));
        StepRunner runner = new StepRunner(m, losses, List.of(
                new ParamGroup("optimizer", Optim.sgd(3e-4, 0.9), mainParams),
                new ParamGroup("optimizer_aux", Optim.sgd(3e-3, 0.9), auxParams)), 0.1);
        Step step1 = new Step("main", Map.of("bce", 1.0, "confusion", 0.03), List.of("optimizer"));
        Step step2 = new Step("aux", Map.of("aux", 1.0), List.of("optimizer_aux"));
        INDArray x = images(c);
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(Model.INPUT, x);
        INDArray main = Nd4j.zeros(DataType.FLOAT, c.batchSize(), 1);
        for (int i = 0; i < c.batchSize(); i += 2) {
            main.putScalar(i, 0, 1.0);
        }
        ph.put("label/main", main);
        ph.put("label/aux", oneHot(c.batchSize(), auxClasses));
        ph.put("confusion/u", Nd4j.rand(DataType.FLOAT, c.batchSize(), auxClasses));
        for (Model.Dropout d : m.dropouts()) {
            INDArray keep = Nd4j.rand(DataType.FLOAT, c.batchSize(), d.width()).gt(d.p()).castTo(DataType.FLOAT)
                    .muli(1.0 / (1.0 - d.p()));
            ph.put(d.placeholder(), keep);
        }
        Memory memory = Memory.forTraining();
        long[] peak = {0};
        double[] t = timed(c, "unlearning", () -> {
            runner.run(step1, ph, 0);
            runner.run(step2, ph, 0);
            memory.afterStep();
        }, peak);
        return new Result(c, c.batchSize() / t[0], Double.NaN, peak[0], c.batchSize() / t[1], Double.NaN);
    }

    /** BiasPruner's scoring pass: unit activations of every block and their per-unit spatial means. */
    private Result score(Case c) {
        INDArray x = images(c);
        Model m = model(c, List.of(HeadSpec.linear("main", classes)));
        String[] acts = m.unitActivations().toArray(new String[0]);
        long[] peak = {0};
        double[] t = timed(c, "scoring", () -> {
            Map<String, INDArray> out = m.evalOutputs(x, acts);
            for (INDArray a : out.values()) {
                a.mean(2, 3).close();
                a.close();
            }
        }, peak);
        return new Result(c, Double.NaN, c.batchSize() / t[0], peak[0], Double.NaN, c.batchSize() / t[1]);
    }

    /** Median wall and process-CPU seconds per call of {@code body} over the timed steps, after the warm-up. */
    private double[] timed(Case c, String what, Runnable body, long[] peak) {
        double[] times = new double[steps];
        double[] cpu = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            body.run();
            if (i >= warmup) {
                times[i - warmup] = (System.nanoTime() - t0) / 1e9;
                cpu[i - warmup] = (processCpuNanos() - c0) / 1e9;
            }
            peak[0] = Math.max(peak[0], Memory.residentBytes());
        }
        double med = median(times);
        double medCpu = median(cpu);
        progress.accept(String.format("%s %dpx batch %d: %s %.3f s (%.3f CPU-s) per step (median of %d)", c.label(),
                c.imageSize(), c.batchSize(), what, med, medCpu, steps));
        return new double[]{med, medCpu};
    }

    /** CPU time of this process (all threads, native included), or 0 where the JVM cannot tell. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }

    /**
     * Trains for {@code steps} steps after {@code warmup}, sampling resident memory every {@code every}
     * steps: resident memory must stay flat (the engine's guard collects only when it has grown).
     */
    public MemoryResult memory(Case c, int memWarmup, int memSteps, int every) {
        return memory(c, memWarmup, 0, memSteps, every);
    }

    /** True when the JIT compiled for less than JIT_QUIET_MS over the last JIT_WINDOW_S seconds (and at least 20 steps). */
    static boolean jitQuiet(List<long[]> jitAtStep) {
        if (jitAtStep.isEmpty()) {
            return false;
        }
        int last = jitAtStep.size() - 1;
        long[] end = jitAtStep.get(last);
        int i = last;
        while (i > 0 && end[1] - jitAtStep.get(i)[1] < JIT_WINDOW_S * 1_000_000_000L) {
            i--;
        }
        return last - i >= 20 && end[1] - jitAtStep.get(i)[1] >= JIT_WINDOW_S * 1_000_000_000L
                && end[0] - jitAtStep.get(i)[0] < JIT_QUIET_MS;
    }

    /** JIT compilation time (all compiler threads) so far in ms, or 0 where the JVM does not report it. */
    static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /**
     * As {@link #memory(Case, int, int, int)}, but after {@code memWarmup} steps warm-up goes on (up to
     * {@code maxExtra} more steps) until the JIT has compiled for less than {@link #JIT_QUIET_MS} ms over the last
     * {@link #JIT_WINDOW_S} seconds: C2 holds tens of MB of compiler arenas while it compiles SameDiff's session code
     * (NMT: 37-40 MB as late as step 120-260 on the loaded 2-core machine), and glibc keeps that high-water mark,
     * a one-time cost that is not growth. {@link MemoryResult#warmup()} is the number of warm-up steps run.
     */
    public MemoryResult memory(Case c, int memWarmup, int maxExtra, int memSteps, int every) {
        INDArray x = images(c);
        Classifier cl = new Classifier(model(c, List.of(HeadSpec.linear("main", classes))), x, classes);
        Memory memory = Memory.forTraining();
        // (JIT time so far, wall time) after each warm-up step; a compilation is counted only when it ends, and single
        // C2 compilations of SameDiff's session code take seconds, so the window is wall time, not steps.
        List<long[]> jitAtStep = new ArrayList<>();
        int warmed = 0;
        while (warmed < memWarmup || (warmed < memWarmup + maxExtra && !jitQuiet(jitAtStep))) {
            cl.step();
            memory.afterStep();
            jitAtStep.add(new long[]{jitMillis(), System.nanoTime()});
            warmed++;
        }
        long afterWarmup = Memory.residentBytes();
        int collectionsBefore = memory.collections();
        long max = afterWarmup;
        List<Long> trace = new ArrayList<>();
        // Every step's resident memory and committed Java heap, so short excursions are neither missed nor invented.
        long[] rssSteps = new long[memSteps];
        long[] heapSteps = new long[memSteps];
        long[] jitSteps = new long[memSteps];
        double[] times = new double[memSteps];
        for (int i = 0; i < memSteps; i++) {
            long t0 = System.nanoTime();
            cl.step();
            memory.afterStep();
            times[i] = (System.nanoTime() - t0) / 1e9;
            long rss = Memory.residentBytes();
            rssSteps[i] = rss;
            heapSteps[i] = Memory.heapCommittedBytes();
            jitSteps[i] = jitMillis();
            max = Math.max(max, rss);
            if ((i + 1) % every == 0) {
                trace.add(rss);
                progress.accept(String.format("memory run: step %d/%d, resident %s", i + 1, memSteps, Memory.mib(rss)));
            }
        }
        long end = Memory.residentBytes(); // the maximum includes it, so growth >= end growth always
        return new MemoryResult(c, warmed, memSteps, c.batchSize() / median(times), afterWarmup,
                end, Math.max(max, end), trace, every, rssSteps, heapSteps, memory.collections() - collectionsBefore,
                jitSteps);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
