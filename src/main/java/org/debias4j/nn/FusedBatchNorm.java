package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.CustomOpDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Batch norm over axis 1 (NCHW) as ONE native op forward ({@code batchnorm}) and ONE native op backward
 * ({@code batchnorm_bp}). ND4J's own {@code BatchNorm} class cannot be differentiated in M2.1: SameDiff
 * clones every op through FlatBuffers before differentiating, the clone loses its axis field, and its
 * derivative declares one output where the native op has five. This op keeps all its configuration in
 * the integer/float arguments that survive the clone, and is registered under its own name so the clone
 * is an instance of this class (SameDiff looks a name up in {@link ImportClassMapping} when the name has no
 * native hash); execution uses the native op's hash.
 *
 * <p>Native {@code batchnorm_bp} returns the FULL input gradient for batch statistics (mean and variance
 * computed from this same input), and zero gradients for the mean and variance inputs (checked
 * numerically against finite differences). So the training branch feeds the batch moments in and the
 * gradient of the moments op is zero; the inference branch feeds the running statistics.
 */
public final class FusedBatchNorm {
    public static final String NAME = "debias4j_batchnorm";

    static {
        ImportClassMapping.getOpNameMapping().put(NAME, new Forward());
    }

    private FusedBatchNorm() {
    }

    /** {@code gamma * (x - mean) / sqrt(var + eps) + beta} per channel of axis 1. */
    public static SDVariable apply(SameDiff sd, String name, SDVariable x, SDVariable mean, SDVariable var,
                                   SDVariable gamma, SDVariable beta, double eps) {
        SDVariable out = new Forward(sd, x, mean, var, gamma, beta, eps).outputVariable();
        return name == null ? out : sd.updateVariableNameAndReference(out, name);
    }

    private static CustomOpDescriptor descriptor(String nativeName) {
        return Nd4j.getExecutioner().getCustomOperations().get(nativeName);
    }

    /** Forward: native "batchnorm" with iargs (applyGamma=1, applyBeta=1, axis=1) and targ eps. */
    public static final class Forward extends DynamicCustomOp {
        public Forward() {
        }

        Forward(SameDiff sd, SDVariable x, SDVariable mean, SDVariable var, SDVariable gamma, SDVariable beta,
                double eps) {
            super(null, sd, new SDVariable[]{x, mean, var, gamma, beta}, false);
            addIArgument(1, 1, 1);
            addTArgument(eps);
        }

        @Override
        public String opName() {
            return NAME;
        }

        @Override
        public long opHash() {
            return descriptor("batchnorm").getHash();
        }

        @Override
        public CustomOpDescriptor getDescriptor() {
            return descriptor("batchnorm");
        }

        // All configuration lives in the i/t arguments (the superclass would look for an IR descriptor under NAME).
        @Override
        public Map<String, Object> propertiesForFunction() {
            return Map.of();
        }

        @Override
        public void setPropertiesForFunction(Map<String, Object> properties) {
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
            Backward bp = new Backward(sameDiff, bpIn);
            for (Long i : iArguments) {
                bp.addIArgument(i);
            }
            for (Double t : tArguments) {
                bp.addTArgument(t);
            }
            return Arrays.asList(bp.outputVariables());
        }
    }

    /** Native "batchnorm_bp": gradients for input (full, batch statistics), mean (0), variance (0), gamma, beta. */
    public static final class Backward extends DynamicCustomOp {
        public Backward() {
        }

        Backward(SameDiff sd, SDVariable[] in) {
            super(null, sd, in, false);
        }

        @Override
        public String opName() {
            return "batchnorm_bp";
        }

        @Override
        public int getNumOutputs() {
            return 5;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return Collections.nCopies(5, in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grad) {
            throw new UnsupportedOperationException("second derivative of batch norm");
        }
    }
}
