package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The prunable units of one block (the output channels of its first convolution). A mask value of
 * 0 removes a unit from the network: it is folded into the block's batch-norm scale and shift, so
 * the unit's activation is exactly 0 and contributes nothing downstream. Setting a mask changes
 * the graph's constant in place; no rebuild is needed.
 */
public final class UnitMask {
    private final String name;
    private final SDVariable variable;
    private final INDArray values;
    private final java.util.List<Owner> owners = new java.util.ArrayList<>();
    private final java.util.List<String> batchNorms = new java.util.ArrayList<>();

    /** A parameter whose slices along {@code axis} belong to this mask's units (frozen with them). */
    public record Owner(String param, int axis) {
    }

    UnitMask(String name, SDVariable variable, INDArray values) {
        this.name = name;
        this.variable = variable;
        this.values = values;
    }

    public String name() {
        return name;
    }

    public int units() {
        return (int) values.length();
    }

    SDVariable variable() {
        return variable;
    }

    /** The live mask array (1 = unit kept, 0 = unit removed). Do not resize. */
    public INDArray values() {
        return values;
    }

    public void set(boolean[] keep) {
        if (keep.length != units()) {
            throw new IllegalArgumentException("Mask " + name + " has " + units() + " units, got " + keep.length);
        }
        for (int i = 0; i < keep.length; i++) {
            values.putScalar(i, keep[i] ? 1.0 : 0.0);
        }
    }

    public boolean[] get() {
        boolean[] keep = new boolean[units()];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = values.getDouble(i) != 0.0;
        }
        return keep;
    }

    public void reset() {
        values.assign(1.0);
    }

    void addOwner(String param, int axis) {
        Owner o = new Owner(param, axis);
        if (!owners.contains(o)) {
            owners.add(o);
        }
    }

    void addBatchNorm(String layer) {
        if (!batchNorms.contains(layer)) {
            batchNorms.add(layer);
        }
    }

    /** Parameters that carry these units: the producing conv's output channels, the batch norm's scale and shift. */
    public java.util.List<Owner> owners() {
        return java.util.List.copyOf(owners);
    }

    /** Batch-norm layers whose running statistics belong to these units. */
    public java.util.List<String> batchNorms() {
        return java.util.List.copyOf(batchNorms);
    }
}
