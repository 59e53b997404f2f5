package org.debias4j.nn;

/**
 * A head on the pooled features: optional dropout, optional hidden layer (Linear-ReLU), then a
 * linear layer with {@code outputs} logits. Named so parameters read "head.NAME.fc.weight".
 */
public record HeadSpec(String name, int outputs, int hidden, double dropout) {
    public HeadSpec {
        if (outputs < 1) {
            throw new IllegalArgumentException("head " + name + " needs at least one output");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("head " + name + " dropout must be in [0, 1), got " + dropout);
        }
    }

    public static HeadSpec linear(String name, int outputs) {
        return new HeadSpec(name, outputs, 0, 0.0);
    }
}
