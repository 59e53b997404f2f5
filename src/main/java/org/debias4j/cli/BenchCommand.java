package org.debias4j.cli;

import org.debias4j.bench.Benchmark;
import org.debias4j.eval.MetricTable;
import org.debias4j.util.Json;
import org.debias4j.util.Memory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bench}: images/second (train and inference) and peak resident memory, with ratios to PyTorch on this CPU. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Training and inference images/s and peak resident memory on random data.")
public final class BenchCommand implements Callable<Integer> {
    /** PyTorch 1.13, same 2-core CPU, CIFAR ResNet-56, batch 64, Adam (shared/notes/dl4j-m2.1.md, issue 8). */
    static final Map<Integer, double[]> PYTORCH_RESNET56 = Map.of(32, new double[]{152.6, 662}, 64, new double[]{40.2, 136.7});

    @Option(names = "--model", defaultValue = "resnet56_cifar", description = "registry name (default ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--image-size", defaultValue = "32", description = "input size (default ${DEFAULT-VALUE})")
    int imageSize;
    @Option(names = "--batch-size", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--classes", defaultValue = "7", description = "classifier outputs (default ${DEFAULT-VALUE})")
    int classes;
    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--steps", defaultValue = "7", description = "timed steps; the median is reported (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--memory-trace", defaultValue = "0", description = "record resident memory every N training steps")
    int traceEvery;
    @Option(names = "--json", description = "JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
        if (steps < 1 || warmup < 0 || batchSize < 1) {
            throw new org.debias4j.util.UserException("--steps must be >= 1, --warmup >= 0, --batch-size >= 1");
        }
        Benchmark.Result r = Benchmark.run(model, imageSize, batchSize, classes, warmup, steps, traceEvery, i -> { });
        double[] torch = model.equals("resnet56_cifar") && batchSize == 64 ? PYTORCH_RESNET56.get(imageSize) : null;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", r.model());
            out.put("image_size", r.imageSize());
            out.put("batch_size", r.batchSize());
            out.put("train_img_per_s", r.trainImgPerS());
            out.put("infer_img_per_s", r.inferImgPerS());
            out.put("peak_rss_bytes", r.peakRssBytes());
            if (torch != null) {
                out.put("train_ratio_to_pytorch", r.trainImgPerS() / torch[0]);
                out.put("infer_ratio_to_pytorch", r.inferImgPerS() / torch[1]);
            }
            if (!r.rssTrace().isEmpty()) {
                out.put("rss_trace_bytes", r.rssTrace());
                out.put("rss_trace_every_steps", traceEvery);
            }
            System.out.println(Json.write(out));
            return 0;
        }
        MetricTable t = new MetricTable("bench (median of " + steps + " steps after " + warmup + " warm-up)",
                "model", "size", "batch", "train img/s", "infer img/s", "x PyTorch train", "x PyTorch infer", "peak RSS");
        t.row(r.model(), r.imageSize(), r.batchSize(), r.trainImgPerS(), r.inferImgPerS(),
                torch != null ? r.trainImgPerS() / torch[0] : Double.NaN,
                torch != null ? r.inferImgPerS() / torch[1] : Double.NaN, Memory.mib(r.peakRssBytes()));
        System.out.println(t.toText());
        if (!r.rssTrace().isEmpty()) {
            System.out.println("resident memory every " + traceEvery + " training steps: "
                    + r.rssTrace().stream().map(Memory::mib).toList());
        }
        return 0;
    }
}
