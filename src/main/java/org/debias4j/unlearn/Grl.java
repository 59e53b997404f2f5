package org.debias4j.unlearn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Gradient reversal layer: identity forward, gradient times {@code -scale} backward. SameDiff has
 * no custom-gradient op, so it is written as {@code stopGradient(x * (1 + l)) - l * x}: the value
 * is x, and only the second term carries a gradient, -l.
 */
public final class Grl {
    private Grl() {
    }

    public static SDVariable reverse(SameDiff sd, String name, SDVariable x, double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("gradient reversal scale must be positive, got " + scale);
        }
        SDVariable lifted = x.mul(1.0 + scale);
        SDVariable frozen = new StopGradient(sd, lifted).outputVariable();
        return sd.identity(name, frozen.sub(x.mul(scale)));
    }
}
