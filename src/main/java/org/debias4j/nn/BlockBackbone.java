package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A backbone written against {@link Blocks}: the same code builds the SameDiff graph and, in
 * counting mode, gives parameter and multiply-add counts at any input size without allocating.
 */
public abstract class BlockBackbone implements Backbone {
    private int featureWidth = -1;

    /** Builds the network up to its last feature map (before global pooling). */
    protected abstract Blocks.Fmap body(Blocks b, Blocks.Fmap input);

    /** Batch-norm settings for the whole network (epsilon, momentum); PyTorch defaults unless overridden. */
    protected Blocks configure(Blocks b) {
        return b;
    }

    /** A size every registered network accepts, for finding the feature width by counting. */
    protected int nominalSize() {
        return 320;
    }

    @Override
    public final SDVariable features(GraphBuilder g, SDVariable input) {
        SDVariable fast = trainGraph(g, input);
        if (fast != null) {
            return fast;
        }
        Blocks b = configure(Blocks.building(g));
        return b.globalAvgPool(body(b, b.input(input)));
    }

    /**
     * The training branch as one oneDNN op ({@link TrainGraph}) where this backbone supports it, else null (the
     * SameDiff layers). Must create the same parameters, masks and batch norms in the same order.
     */
    protected SDVariable trainGraph(GraphBuilder g, SDVariable input) {
        return null;
    }

    @Override
    public synchronized int featureWidth() {
        if (featureWidth < 0) {
            Blocks b = configure(Blocks.counting());
            featureWidth = body(b, b.input(3, nominalSize(), nominalSize())).c();
        }
        return featureWidth;
    }

    /**
     * Parameters, multiply-adds per image at {@code imageSize}, and units of the backbone plus a
     * linear classifier with {@code classes} outputs (0 for none), counted from the layer shapes.
     */
    public Blocks.Cost cost(int imageSize, int classes) {
        Blocks b = configure(Blocks.counting());
        int f = body(b, b.input(3, imageSize, imageSize)).c();
        Blocks.Cost c = b.cost();
        long head = classes > 0 ? (long) f * classes + classes : 0;
        long headMacs = (long) f * classes;
        return new Blocks.Cost(c.params() + head, c.macs() + headMacs, c.masks(), c.units());
    }
}
