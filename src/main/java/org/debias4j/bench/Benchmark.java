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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Training and inference throughput of a backbone with a classifier head on random data: warm-up
 * steps, then the median of timed steps (single steps vary by 15-20% on a shared 2-core machine).
 * Training is the engine's real step (Adam through the TrainingSession, batch-norm statistics,
 * memory guard), so the figure is what `train` achieves minus data loading.
 */
public final class Benchmark {
    public record Result(String model, int imageSize, int batchSize, double trainImgPerS, double inferImgPerS,
                         long peakRssBytes, List<Long> rssTrace) {
    }

    private Benchmark() {
    }

    public static Result run(String model, int imageSize, int batchSize, int classes, int warmup, int steps,
                             int traceEvery, LongConsumer progress) {
        Model m = Model.create(new ModelSpec(new BackboneSpec(model, imageSize, 1.0, 1.0),
                List.of(HeadSpec.linear("main", classes)), 0));
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, classes);
        SDVariable loss = m.sd().loss().softmaxCrossEntropy("ce", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("ce", loss),
                List.of(new ParamGroup("all", Optim.adam(1e-3, 0), m.parameterNames())), 0.1);
        Nd4j.getRandom().setSeed(0);
        INDArray x = Nd4j.randn(DataType.FLOAT, batchSize, 3, imageSize, imageSize);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batchSize, classes);
        for (int i = 0; i < batchSize; i++) {
            labels.putScalar(i, i % classes, 1.0);
        }
        Step step = new Step("train", Map.of("ce", 1.0), List.of("all"));
        Map<String, INDArray> ph = Map.of(Model.INPUT, x, "y", labels);
        Memory memory = Memory.forTraining();
        List<Long> trace = new ArrayList<>();
        double[] trainTimes = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            r.run(step, ph, 0);
            memory.afterStep();
            if (i >= warmup) {
                trainTimes[i - warmup] = (System.nanoTime() - t0) / 1e9;
            }
            if (traceEvery > 0 && i % traceEvery == 0) {
                trace.add(Memory.residentBytes());
            }
            progress.accept(i);
        }
        double[] inferTimes = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            m.predict(x, "main").get("main").close();
            if (i >= warmup) {
                inferTimes[i - warmup] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return new Result(model, imageSize, batchSize, batchSize / median(trainTimes), batchSize / median(inferTimes),
                Memory.peakResidentBytes(), trace);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
