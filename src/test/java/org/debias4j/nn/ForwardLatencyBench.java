package org.debias4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * Eval-branch forward latency, batch 1. Not a unit test: run with
 * {@code mvn -o -q test -Dtest=ForwardLatencyBench -Ddebias4j.bench=true [-Ddebias4j.bench.names=a,b] [-Ddebias4j.bench.size=224]}.
 * Three warm-up passes, then the median and minimum of five timed passes (garbage collected
 * before each). Set OMP_NUM_THREADS to fix the thread count.
 */
@EnabledIfSystemProperty(named = "debias4j.bench", matches = "true")
class ForwardLatencyBench {
    @Test
    void forwardLatencyAtBatch1() {
        List<String> names = List.of(System.getProperty("debias4j.bench.names", "resnext101_32x8d,efficientnet_b3").split(","));
        int size = Integer.getInteger("debias4j.bench.size", 224);
        System.out.printf("%-18s %5s %9s %9s %9s %9s%n", "backbone", "input", "build s", "first s", "median s", "min s");
        for (String name : names) {
            long t0 = System.nanoTime();
            Model m = Model.create(new ModelSpec(BackboneSpec.of(name, size), List.of(HeadSpec.linear("main", 1000)), 0));
            double build = (System.nanoTime() - t0) / 1e9;
            INDArray x = Nd4j.randn(DataType.FLOAT, 1, 3, size, size);
            t0 = System.nanoTime();
            m.predict(x, "main");
            double first = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < 2; i++) {
                m.predict(x, "main");
            }
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                // ND4J frees native memory only when its Java wrappers are collected (shared/notes/dl4j-m2.1.md):
                // collect outside the timed region so a pass does not pay for the previous ones' garbage.
                System.gc();
                long s = System.nanoTime();
                m.predict(x, "main");
                t[i] = (System.nanoTime() - s) / 1e9;
            }
            Arrays.sort(t);
            System.out.printf("%-18s %5d %9.2f %9.2f %9.3f %9.3f   all %s%n", name, size, build, first, t[2], t[0], Arrays.toString(t));
        }
    }

    /**
     * One SGD step (train branch, batch statistics, stochastic depth) of CPU-sized variants,
     * {@code -Ddebias4j.bench.train=name:size:width:depth,...}, batch {@code debias4j.bench.batch} (16).
     */
    @Test
    void trainingStepOfCpuSizedVariants() {
        String list = System.getProperty("debias4j.bench.train",
                "resnet18:64:0.5:0.5,resnext50_32x4d:64:0.5:0.34,efficientnet_b0:64:0.5:0.5,densenet121:64:0.5:0.5,inception_v3:96:0.5:0.5");
        int batch = Integer.getInteger("debias4j.bench.batch", 16);
        System.out.printf("%-18s %5s %6s %6s %12s %9s %9s %9s%n", "backbone", "input", "width", "depth", "params", "first s", "median s", "img/s");
        for (String item : list.split(",")) {
            String[] f = item.split(":");
            BackboneSpec bs = new BackboneSpec(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
            Model m = Model.create(new ModelSpec(bs, List.of(HeadSpec.linear("main", 7)), 0));
            org.debias4j.train.StepRunner r = TrainBranchTest.runner(m, 0.01, 0.1);
            org.debias4j.train.Step step = new org.debias4j.train.Step("s", java.util.Map.of("ce", 1.0), List.of("all"));
            java.util.Map<String, INDArray> ph = TrainBranchTest.batch(m, batch);
            long t0 = System.nanoTime();
            r.run(step, ph, 0);
            double first = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < 2; i++) {
                r.run(step, ph, 0);
            }
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                System.gc();
                long s = System.nanoTime();
                r.run(step, ph, 0);
                t[i] = (System.nanoTime() - s) / 1e9;
            }
            Arrays.sort(t);
            System.out.printf("%-18s %5d %6.2f %6.2f %,12d %9.2f %9.3f %9.1f%n", f[0], bs.imageSize(), bs.widthMultiplier(),
                    bs.depthMultiplier(), m.parameterCount(), first, t[2], batch / t[2]);
        }
    }
}
