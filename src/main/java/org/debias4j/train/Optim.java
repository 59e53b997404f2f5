package org.debias4j.train;

/**
 * An optimizer setting with PyTorch's semantics (torch.optim.SGD / Adam): weight decay is L2 added
 * to the gradient, SGD momentum is {@code v = mu*v + g; p -= lr*v}. Immutable; saved with runs.
 */
public record Optim(Kind kind, double lr, double momentum, double beta1, double beta2, double eps,
                    double weightDecay) {
    public enum Kind { SGD, ADAM }

    public Optim {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
    }

    public static Optim sgd(double lr, double momentum) {
        return new Optim(Kind.SGD, lr, momentum, 0, 0, 0, 0);
    }

    public static Optim adam(double lr, double weightDecay) {
        return new Optim(Kind.ADAM, lr, 0, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** Number of state arrays (each the parameter's size) this optimizer keeps per parameter. */
    int stateSlots() {
        return switch (kind) {
            case SGD -> momentum > 0 ? 1 : 0;
            case ADAM -> 2;
        };
    }
}
