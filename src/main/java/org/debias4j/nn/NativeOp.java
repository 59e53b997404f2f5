package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.CustomOpDescriptor;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A native libnd4j op under a debias4j name, so that its gradient can be chosen here. SameDiff clones
 * every op through FlatBuffers before differentiating (SameDiff.invokeGraphOn); a clone is
 * re-instantiated by name, and a name without a native hash is looked up in {@link ImportClassMapping},
 * where {@link #register} puts our classes. Execution uses the native op's hash; all configuration
 * lives in the integer and float arguments, which survive the clone.
 */
public abstract class NativeOp extends DynamicCustomOp {
    protected NativeOp() {
    }

    protected NativeOp(SameDiff sd, SDVariable[] inputs) {
        super(null, sd, inputs, false);
    }

    /** Our name for the op (distinct from every native name). */
    @Override
    public abstract String opName();

    /** The native op this executes. */
    protected abstract String nativeName();

    protected static void register(NativeOp prototype) {
        ImportClassMapping.getOpNameMapping().put(prototype.opName(), prototype);
    }

    @Override
    public long opHash() {
        return getDescriptor().getHash();
    }

    @Override
    public CustomOpDescriptor getDescriptor() {
        return Nd4j.getExecutioner().getCustomOperations().get(nativeName());
    }

    // The superclass would look for an op descriptor under our name; there is none, and nothing to carry.
    @Override
    public Map<String, Object> propertiesForFunction() {
        return Map.of();
    }

    @Override
    public void setPropertiesForFunction(Map<String, Object> properties) {
    }

    /** A native op used as a gradient: created inside the gradient graph only, never cloned. */
    abstract static class Grad extends DynamicCustomOp {
        private final int outputs;

        // opName() must be a constant of the subclass: the superclass constructor already asks for it.
        Grad(SameDiff sd, SDVariable[] inputs, List<Long> iArgs, List<Double> tArgs, int outputs) {
            super(null, sd, inputs, false);
            this.outputs = outputs;
            for (Long i : iArgs) {
                addIArgument(i);
            }
            for (Double t : tArgs) {
                addTArgument(t);
            }
        }

        @Override
        public abstract String opName();

        @Override
        public int getNumOutputs() {
            return outputs;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return Collections.nCopies(outputs, in.get(0));
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grad) {
            throw new UnsupportedOperationException("second derivative of " + opName());
        }
    }
}
