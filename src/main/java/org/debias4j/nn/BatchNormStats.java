package org.debias4j.nn;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Running batch-norm statistics, kept outside the gradient. SameDiff's own batch norm cannot train
 * (shared/notes/dl4j-m2.1.md), so the training branch computes batch moments itself and this
 * listener folds each step's moments into the running averages, exactly as PyTorch does:
 * {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased variance.
 */
public final class BatchNormStats extends BaseListener {
    /** One batch-norm layer's running statistics (the arrays are graph constants, updated in place). */
    public static final class Layer {
        final String name;
        final INDArray runningMean;
        final INDArray runningVar;
        /** 1 where a channel's statistics may change; 0 freezes it (BiasPruner's kept units). */
        INDArray updatable;
        String batchMeanVar;
        long count;
        /** This layer's momentum (e.g. 0.01 in EfficientNet-B5..B7); NaN = the listener's default. */
        double momentum = Double.NaN;

        Layer(String name, int channels, DataType dtype) {
            this.name = name;
            this.runningMean = Nd4j.zeros(dtype, channels);
            this.runningVar = Nd4j.ones(dtype, channels);
        }

        public String name() {
            return name;
        }

        public INDArray runningMean() {
            return runningMean;
        }

        public INDArray runningVar() {
            return runningVar;
        }

        public int channels() {
            return (int) runningMean.length();
        }

        /** The layer's own running-average momentum, or NaN when it uses the listener's default. */
        public double momentum() {
            return momentum;
        }

        /** Freezes the statistics of channels where {@code updatable} is 0 (null = all update). */
        public void setUpdatable(INDArray updatable) {
            this.updatable = updatable;
        }

        public INDArray updatable() {
            return updatable;
        }
    }

    /**
     * An op that outputs several layers' batch mean and biased variance (each variance right after its mean),
     * e.g. {@link TrainGraph}'s whole-backbone op; it tells how many values each output was taken over.
     */
    public interface StatsOp {
        long valuesPerChannel(int output, INDArray input0);
    }

    private final double momentum;
    private final Map<String, Layer> byMeanVar = new HashMap<>();
    private boolean enabled = true;

    public BatchNormStats(Iterable<Layer> layers, double momentum) {
        this.momentum = momentum;
        for (Layer l : layers) {
            byMeanVar.put(l.batchMeanVar, l);
        }
    }

    /** Off for steps that must not touch running statistics (e.g. frozen-backbone evaluation passes). */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isActive(Operation operation) {
        return enabled && operation == Operation.TRAINING;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                            INDArray[] outputs) {
        if (op.getOp() instanceof StatsOp s) {
            List<String> names = op.getOutputsOfOp();
            INDArray input0 = opContext != null ? opContext.getInputArray(0) : ((org.nd4j.linalg.api.ops.DynamicCustomOp) op.getOp()).getInputArgument(0);
            for (int i = 0; i + 1 < names.size() && i + 1 < outputs.length; i++) {
                Layer l = byMeanVar.get(names.get(i));
                if (l != null) {
                    apply(l, outputs[i], outputs[i + 1], s.valuesPerChannel(i, input0));
                }
            }
            return;
        }
        if (outputs.length != 2) {
            return;
        }
        Layer l = byMeanVar.get(op.getOutputsOfOp().get(0));
        if (l == null) {
            return;
        }
        // The moments op's input tells how many values each channel's variance was taken over.
        INDArray input = opContext != null ? opContext.getInputArray(0) : ((org.nd4j.linalg.api.ops.DynamicCustomOp) op.getOp()).getInputArgument(0);
        apply(l, outputs[0], outputs[1], input.length() / l.channels());
    }

    private void apply(Layer l, INDArray mean, INDArray var, long n) {
        double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
        update(l, l.runningMean, mean, 1.0);
        update(l, l.runningVar, var, unbias);
        l.count++;
    }

    private void update(Layer l, INDArray running, INDArray batchValue, double scale) {
        // delta = momentum * (scale * batch - running), masked by the updatable channels
        double mom = Double.isNaN(l.momentum) ? momentum : l.momentum;
        INDArray delta = batchValue.reshape(running.shape()).mul(scale).subi(running).muli(mom);
        if (l.updatable != null) {
            delta.muli(l.updatable);
        }
        running.addi(delta);
        delta.close();
    }
}
