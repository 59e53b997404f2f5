package org.debias4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one parameter's gradient into the update SameDiff subtracts from it, with PyTorch
 * semantics. Several optimizers may own the same parameter (TABE steps the encoder with two
 * optimizers from one gradient): each keeps its own state and the updates add up. A freeze mask
 * (1 = trainable, 0 = frozen) zeroes the update of frozen entries, so they never change.
 */
final class ParamUpdater implements GradientUpdater<IUpdater> {
    private final INDArray param;
    private final List<Optim> optims = new ArrayList<>();
    private final List<INDArray[]> states = new ArrayList<>();
    private final List<long[]> steps = new ArrayList<>();
    private INDArray freeze;

    ParamUpdater(INDArray param) {
        this.param = param;
    }

    /** Adds an optimizer over this parameter with its state arrays and step counter (shared with its group). */
    void add(Optim o, INDArray[] state, long[] stepCounter) {
        optims.add(o);
        states.add(state);
        steps.add(stepCounter);
    }

    void setFreezeMask(INDArray mask) {
        this.freeze = mask;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (freeze != null) {
            gradient.muli(freeze);
        }
        if (optims.size() == 1) {
            update(0, gradient, gradient);
        } else {
            INDArray g = gradient.dup();
            gradient.assign(0);
            for (int i = 0; i < optims.size(); i++) {
                INDArray u = g.dup();
                update(i, g, u);
                gradient.addi(u);
                u.close();
            }
            g.close();
        }
        if (freeze != null) {
            gradient.muli(freeze); // Adam's momentum would otherwise still move frozen entries
        }
    }

    /** Writes optimizer i's update for gradient g into out (out may be g). */
    private void update(int i, INDArray g, INDArray out) {
        Optim o = optims.get(i);
        INDArray[] s = states.get(i);
        if (o.weightDecay() > 0) {
            INDArray decay = param.mul(o.weightDecay());
            out.addi(decay);
            decay.close(); // freed now, not by the collector (issue 8: per-step garbage fragments native memory)
        } else if (out != g) {
            out.assign(g);
        }
        switch (o.kind()) {
            case SGD -> {
                if (o.momentum() > 0) {
                    s[0].muli(o.momentum()).addi(out);
                    out.assign(s[0]);
                }
                out.muli(o.lr());
            }
            case ADAM -> {
                long t = ++steps.get(i)[0];
                double bc2 = 1 - Math.pow(o.beta2(), t);
                // One native op instead of ~12 ND4J calls per parameter (their per-call overhead cost more than
                // the arithmetic). adam_updater computes lr*sqrt(bc2)/bc1 * m / (sqrt(v) + eps'); with
                // eps' = eps*sqrt(bc2) that is torch's lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps). State: s[0] = m, s[1] = v.
                Nd4j.exec(new AdamUpdater(out, s[1], s[0], out, s[1], s[0], o.lr(), o.beta1(), o.beta2(),
                        o.eps() * Math.sqrt(bc2), (int) (t - 1)));
            }
        }
    }

    @Override
    public IUpdater getConfig() {
        return new Sgd(1.0);
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        throw new UnsupportedOperationException("state is managed by ParamGroup");
    }

    @Override
    public Map<String, INDArray> getState() {
        return new LinkedHashMap<>();
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        throw new UnsupportedOperationException("state is managed by ParamGroup");
    }
}
