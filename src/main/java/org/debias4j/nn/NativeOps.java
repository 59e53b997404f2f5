package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Layer ops as single native ops with cheap, native gradients (shared/notes/dl4j-m2.1.md: how batch
 * norm was expressed, not the convolutions, dominated a training step).
 * <ul>
 * <li>Batch norm: native {@code batchnorm} forward, {@code batchnorm_bp} backward. ND4J's own
 * BatchNorm class cannot be differentiated in M2.1 (its clone loses the axis; its derivative declares
 * one output where the native op has five). Native batchnorm_bp returns the FULL input gradient for
 * batch statistics computed from the same input, and zero for the mean and variance inputs (checked
 * against finite differences, and by BlockGradientTest's gradient check).</li>
 * <li>Batch moments: native {@code moments}; since batchnorm_bp already carries the statistics' part
 * of the gradient, the moments' own backward (mean_bp + variance_bp + adds, full-size tensors) would
 * only add zeros: its gradient is a scalar zero instead.</li>
 * <li>ReLU: native {@code relu} with {@code relu_bp} as gradient (SameDiff's relu uses the slower
 * thresholdedrelu_bp).</li>
 * </ul>
 */
public final class NativeOps {
    static {
        NativeOp.register(new BatchNorm());
        NativeOp.register(new BatchMoments());
        NativeOp.register(new Relu());
    }

    private NativeOps() {
    }

    /** {@code gamma * (x - mean) / sqrt(var + eps) + beta} per channel of axis 1 (NCHW). */
    public static SDVariable batchNorm(SameDiff sd, SDVariable x, SDVariable mean, SDVariable var,
                                       SDVariable gamma, SDVariable beta, double eps) {
        return new BatchNorm(sd, x, mean, var, gamma, beta, eps).outputVariable();
    }

    /**
     * Mean and biased variance over N, H, W, for {@link #batchNorm} ONLY: the gradient through them is
     * taken to be zero because batchnorm_bp already includes it.
     */
    public static SDVariable[] batchMoments(SameDiff sd, String meanName, String varName, SDVariable x) {
        SDVariable[] out = new BatchMoments(sd, x).outputVariables();
        sd.updateVariableNameAndReference(out[0], meanName);
        sd.updateVariableNameAndReference(out[1], varName);
        return out;
    }

    public static SDVariable relu(SameDiff sd, SDVariable x) {
        return new Relu(sd, x).outputVariable();
    }

    public static final class BatchNorm extends NativeOp {
        public BatchNorm() {
        }

        BatchNorm(SameDiff sd, SDVariable x, SDVariable mean, SDVariable var, SDVariable gamma, SDVariable beta,
                  double eps) {
            super(sd, new SDVariable[]{x, mean, var, gamma, beta});
            addIArgument(1, 1, 1); // apply gamma, apply beta, axis 1
            addTArgument(eps);
        }

        @Override
        public String opName() {
            return "debias4j_batchnorm";
        }

        @Override
        protected String nativeName() {
            return "batchnorm";
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return Collections.singletonList(in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grad) {
            SDVariable[] in = args();
            SDVariable[] bpIn = Arrays.copyOf(in, in.length + 1);
            bpIn[in.length] = grad.get(0);
            return Arrays.asList(new BatchNormBp(sameDiff, bpIn, iArguments, tArguments)
                    .outputVariables());
        }
    }

    public static final class BatchMoments extends NativeOp {
        public BatchMoments() {
        }

        BatchMoments(SameDiff sd, SDVariable x) {
            super(sd, new SDVariable[]{x});
            addIArgument(0, 2, 3);
        }

        @Override
        public String opName() {
            return "debias4j_batch_moments";
        }

        @Override
        protected String nativeName() {
            return "moments";
        }

        @Override
        public int getNumOutputs() {
            return 2;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return Collections.nCopies(2, in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grad) {
            return Collections.singletonList(sameDiff.constant(org.nd4j.linalg.factory.Nd4j.scalar(arg().dataType(), 0)));
        }

        /**
         * SameDiff differentiates this op after the batch norm that consumes its outputs (it needs their
         * gradients), so the input already has batchnorm_bp's full gradient: leave it as it is instead of
         * adding a zero to it (a full-size add per layer). Without that gradient (the moments used
         * elsewhere than in {@link #batchNorm}), fall back to adding the zero.
         */
        @Override
        public List<SDVariable> diff(List<SDVariable> grads) {
            SDVariable x = arg();
            if (x.hasGradient()) {
                return Collections.singletonList(x.getGradient());
            }
            return super.diff(grads);
        }
    }

    public static final class Relu extends NativeOp {
        public Relu() {
        }

        Relu(SameDiff sd, SDVariable x) {
            super(sd, new SDVariable[]{x});
            addTArgument(0.0);
        }

        @Override
        public String opName() {
            return "debias4j_relu";
        }

        @Override
        protected String nativeName() {
            return "relu";
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return Collections.singletonList(in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grad) {
            return Collections.singletonList(new ReluBp(sameDiff,
                    new SDVariable[]{arg(), grad.get(0)}, iArguments, tArguments).outputVariable());
        }
    }

    static final class BatchNormBp extends NativeOp.Grad {
        BatchNormBp(SameDiff sd, SDVariable[] in, List<Long> iArgs, List<Double> tArgs) {
            super(sd, in, iArgs, tArgs, 5);
        }

        @Override
        public String opName() {
            return "batchnorm_bp";
        }
    }

    static final class ReluBp extends NativeOp.Grad {
        ReluBp(SameDiff sd, SDVariable[] in, List<Long> iArgs, List<Double> tArgs) {
            super(sd, in, iArgs, tArgs, 1);
        }

        @Override
        public String opName() {
            return "relu_bp";
        }
    }
}
