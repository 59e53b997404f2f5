package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Builds one network into a SameDiff graph twice: a training branch (batch-norm batch statistics,
 * dropout) and an inference branch (running statistics), sharing every weight. Layers ask this
 * builder for parameters by name, so the second branch finds the variables the first created.
 * Running statistics and unit masks live outside the gradient: they are constants whose arrays are
 * changed in place (by {@link BatchNormStats} after each training step, by mask setters).
 */
public final class GraphBuilder {
    private final SameDiff sd;
    private final Random init;
    private final DataType dtype;
    private boolean training = true;
    private String branch = "train";
    private final Map<String, BatchNormStats.Layer> batchNorms = new LinkedHashMap<>();
    private final Map<String, UnitMask> masks = new LinkedHashMap<>();
    private final Map<String, Layout> layouts = new LinkedHashMap<>();
    /** Activation name -> the weight whose output channels (axis) produce it, for unit ownership. */
    private final Map<String, UnitMask.Owner> producers = new java.util.HashMap<>();
    private String scope = "";

    public GraphBuilder(SameDiff sd, long seed, DataType dtype) {
        this.sd = sd;
        this.init = new Random(seed);
        this.dtype = dtype;
    }

    public SameDiff sd() {
        return sd;
    }

    public DataType dtype() {
        return dtype;
    }

    public boolean training() {
        return training;
    }

    /** Selects which branch the next layers are built into. */
    public void branch(String name, boolean training) {
        this.branch = name;
        this.training = training;
    }

    public String branchName() {
        return branch;
    }

    /** Name for an activation in the current branch, e.g. "train/layer1.0/out". */
    public String act(String name) {
        return branch + "/" + scope + name;
    }

    /** Runs {@code body} with {@code name.} prepended to parameter and activation names. */
    public <T> T scoped(String name, java.util.function.Supplier<T> body) {
        String old = scope;
        scope = old + name + ".";
        try {
            return body.get();
        } finally {
            scope = old;
        }
    }

    public String scope() {
        return scope;
    }

    /** A trainable weight, created once and shared by both branches. {@code name} is relative to the scope. */
    public SDVariable param(String name, long[] shape, Init initializer) {
        return param(name, shape, initializer, Layout.PLAIN);
    }

    /** As {@link #param(String, long[], Init)}, recording how the array maps to PyTorch's layout. */
    public SDVariable param(String name, long[] shape, Init initializer, Layout layout) {
        String full = scope + name;
        if (sd.hasVariable(full)) {
            return sd.getVariable(full);
        }
        INDArray arr = initializer.create(shape, init, dtype);
        layouts.put(full, layout);
        return sd.var(full, arr);
    }

    /** Trainable parameters in creation order, with their layouts. */
    public Map<String, Layout> params() {
        return layouts;
    }

    /** A non-trainable array (running statistics, masks), created once and shared by both branches. */
    public SDVariable state(String name, INDArray initial) {
        String full = scope + name;
        if (sd.hasVariable(full)) {
            return sd.getVariable(full);
        }
        return sd.constant(full, initial);
    }

    /** The unit mask of the current scope (one per prunable block), created on first use. */
    public UnitMask mask(String name, int units) {
        String full = scope + name;
        return masks.computeIfAbsent(full, n -> {
            INDArray ones = Nd4j.ones(dtype, units);
            SDVariable v = sd.constant(n, ones);
            return new UnitMask(n, v, ones);
        });
    }

    BatchNormStats.Layer batchNorm(String full, int channels) {
        return batchNorms.computeIfAbsent(full, n -> new BatchNormStats.Layer(n, channels, dtype));
    }

    /** Records that {@code activation}'s channels are produced by slices of {@code param} along {@code axis}. */
    public void producedBy(SDVariable activation, String param, int axis) {
        producers.put(activation.name(), new UnitMask.Owner(param, axis));
    }

    UnitMask.Owner producer(SDVariable activation) {
        return producers.get(activation.name());
    }

    public Map<String, BatchNormStats.Layer> batchNorms() {
        return batchNorms;
    }

    public Map<String, UnitMask> masks() {
        return masks;
    }

    /** Weight initialisers (PyTorch's defaults where it matters for comparable training). */
    @FunctionalInterface
    public interface Init {
        INDArray create(long[] shape, Random rng, DataType dtype);

        /** Kaiming normal, fan-out, ReLU gain: torchvision's ResNet conv init. Shape YXIO [kH,kW,in,out]. */
        static Init kaimingConvFanOut() {
            return (shape, rng, dt) -> {
                double fanOut = shape[0] * shape[1] * shape[3];
                return gaussian(shape, rng, dt, Math.sqrt(2.0 / fanOut));
            };
        }

        /** PyTorch's nn.Linear default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)); shape [in, out]. */
        static Init linearUniform(long fanIn) {
            return (shape, rng, dt) -> uniform(shape, rng, dt, 1.0 / Math.sqrt(fanIn));
        }

        static Init constant(double value) {
            return (shape, rng, dt) -> Nd4j.valueArrayOf(shape, value, dt);
        }

        static INDArray gaussian(long[] shape, Random rng, DataType dt, double std) {
            float[] v = new float[Math.toIntExact(length(shape))];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextGaussian() * std);
            }
            return Nd4j.create(v, shape, 'c').castTo(dt);
        }

        static INDArray uniform(long[] shape, Random rng, DataType dt, double bound) {
            float[] v = new float[Math.toIntExact(length(shape))];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            return Nd4j.create(v, shape, 'c').castTo(dt);
        }

        private static long length(long[] shape) {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }
    }
}
