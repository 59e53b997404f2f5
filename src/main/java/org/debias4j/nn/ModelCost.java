package org.debias4j.nn;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * What a registered backbone costs: parameters with a linear classifier, feature width, and
 * multiply-adds per image (reported as GFLOPs, as torchvision's model tables do) at its default
 * input size. {@link BlockBackbone}s are counted from their layer shapes without building
 * anything; other backbones are built and run once on a single image while a listener adds up
 * the multiply-adds of every convolution and matrix product.
 */
public final class ModelCost {
    public record Row(String name, long params, int featureWidth, int imageSize, long macs, boolean counted) {
        public double gflops() {
            return macs / 1e9;
        }
    }

    private ModelCost() {
    }

    public static Row of(String name, int classes) {
        int size = Backbones.defaultImageSize(name);
        Backbone b = Backbones.create(BackboneSpec.of(name, size));
        if (b instanceof BlockBackbone bb) {
            Blocks.Cost c = bb.cost(size, classes);
            return new Row(name, c.params(), b.featureWidth(), size, c.macs(), true);
        }
        Model m = Model.create(new ModelSpec(BackboneSpec.of(name, size), List.of(HeadSpec.linear("main", classes)), 0));
        return new Row(name, m.parameterCount(), m.featureWidth(), size, measureMacs(m), false);
    }

    /** Multiply-adds of one eval-branch forward pass of one image through the backbone and head "main". */
    public static long measureMacs(Model m) {
        int size = m.spec().backbone().imageSize();
        MacCounter counter = new MacCounter();
        m.sd().output(Map.of(Model.INPUT, Nd4j.zeros(DataType.FLOAT, 1, 3, size, size)), List.of(counter),
                m.evalLogits(m.spec().heads().get(0).name()).name());
        return counter.macs;
    }

    /** Adds up multiply-adds of conv2d, depthwise_conv2d and matmul ops from their array shapes. */
    static final class MacCounter extends BaseListener {
        long macs;

        @Override
        public boolean isActive(Operation operation) {
            return true;
        }

        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                                INDArray[] outputs) {
            String name = op.getOp().opName();
            if (!name.equals("conv2d") && !name.equals("depthwise_conv2d") && !name.equals("matmul") && !name.equals("mmul")) {
                return;
            }
            INDArray w = opContext != null ? opContext.getInputArray(1) : ((DynamicCustomOp) op.getOp()).getInputArgument(1);
            long[] o = outputs[0].shape();
            long[] ws = w.shape();
            switch (name) {
                // out [1, O, H, W], weight [kH, kW, I, O]
                case "conv2d" -> macs += o[1] * o[2] * o[3] * ws[0] * ws[1] * ws[2];
                // out [1, C*M, H, W], weight [kH, kW, C, M]: each output channel reads one input channel
                case "depthwise_conv2d" -> macs += o[1] * o[2] * o[3] * ws[0] * ws[1];
                // [1, K] x [K, M]
                default -> macs += ws[0] * ws[1] * (outputs[0].length() / ws[1]);
            }
        }
    }
}
