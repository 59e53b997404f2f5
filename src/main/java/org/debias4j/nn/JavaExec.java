package org.debias4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Lets a SameDiff op run Java code that issues several native calls on preallocated arrays. SameDiff
 * executes every op with {@code Nd4j.exec(op, context)}, which goes to the native op named by the op's hash,
 * so one graph op could only ever be one native op; a fused op expressed as several graph ops instead pays
 * SameDiff's per-op bookkeeping for each. {@link #install()} puts an executioner in front of ND4J's CPU
 * executioner that runs {@link Op}s in Java and hands everything else on unchanged.
 */
public final class JavaExec {
    /** An op computed in Java; its output shapes come from {@link #outputShapes}, not from a native shape function. */
    public interface Op extends CustomOp {
        /** Computes {@code out} (allocated by the caller, shapes from {@link #outputShapes}) from {@code in}. */
        void compute(INDArray[] in, INDArray[] out);

        List<LongShapeDescriptor> outputShapes(INDArray[] in);
    }

    private static volatile Boolean installed;

    private JavaExec() {
    }

    /**
     * Installs the executioner once (idempotent). Returns false where ND4J's executioner is not the CPU one
     * or cannot be replaced; callers then build the graph from plain native ops.
     */
    public static synchronized boolean install() {
        if (installed != null) {
            return installed;
        }
        boolean ok;
        try {
            OpExecutioner current = Nd4j.getExecutioner();
            if (current instanceof Executioner) {
                ok = true;
            } else if (current.getClass() == NativeOpExecutioner.class) {
                Field f = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
                f.setAccessible(true);
                f.set(null, new Executioner());
                ok = Nd4j.getExecutioner() instanceof Executioner;
            } else {
                ok = false;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            ok = false;
        }
        installed = ok;
        return ok;
    }

    static INDArray[] inputs(OpContext ctx) {
        return ctx.getInputArrays().toArray(new INDArray[0]);
    }

    /** ND4J's CPU executioner, except that {@link Op}s run in Java. */
    static final class Executioner extends NativeOpExecutioner {
        @Override
        public INDArray[] exec(CustomOp op, OpContext context) {
            if (op instanceof Op j) {
                INDArray[] out = context.getOutputArrays().toArray(new INDArray[0]);
                j.compute(inputs(context), out);
                return out;
            }
            return super.exec(op, context);
        }

        @Override
        public INDArray[] exec(CustomOp op) {
            if (op instanceof Op j) {
                INDArray[] in = op.inputArguments().toArray(new INDArray[0]);
                List<INDArray> given = op.outputArguments();
                INDArray[] out;
                if (given.isEmpty()) {
                    List<LongShapeDescriptor> shapes = j.outputShapes(in);
                    out = new INDArray[shapes.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Nd4j.create(shapes.get(i));
                        op.addOutputArgument(out[i]);
                    }
                } else {
                    out = given.toArray(new INDArray[0]);
                }
                j.compute(in, out);
                return out;
            }
            return super.exec(op);
        }
    }
}
