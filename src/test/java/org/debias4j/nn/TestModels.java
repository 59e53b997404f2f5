package org.debias4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/** Small variants of every family and helpers to give them non-trivial state. */
final class TestModels {
    private TestModels() {
    }

    /** name, image size, width and depth multipliers of a CPU-sized variant per block type. */
    static ModelSpec small(String family, int classes) {
        BackboneSpec b = switch (family) {
            case "basic" -> new BackboneSpec("resnet18", 32, 0.25, 0.5);
            case "bottleneck" -> new BackboneSpec("resnext50_32x4d", 32, 0.5, 0.25);
            case "mbconv" -> new BackboneSpec("efficientnet_b0", 32, 0.25, 0.3);
            case "dense" -> new BackboneSpec("densenet121", 32, 0.25, 0.2);
            case "inception" -> new BackboneSpec("inception_v3", 80, 0.125, 0.3);
            default -> throw new IllegalArgumentException(family);
        };
        return new ModelSpec(b, List.of(HeadSpec.linear("main", classes)), 7);
    }

    /** Random BN affine parameters and running statistics, so BN shifts are far from zero. */
    static void randomiseBatchNorms(Model m, long seed) {
        Random r = new Random(seed);
        for (BatchNormStats.Layer l : m.batchNorms()) {
            fill(l.runningMean(), r, -0.5, 0.5);
            fill(l.runningVar(), r, 0.5, 1.5);
            fill(m.param(l.name() + ".weight"), r, 0.5, 1.5);
            fill(m.param(l.name() + ".bias"), r, -0.5, 0.5);
        }
    }

    static void fill(INDArray a, Random r, double lo, double hi) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, lo + (hi - lo) * r.nextDouble());
        }
    }

    static INDArray images(int n, int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, n, 3, size, size);
    }
}
