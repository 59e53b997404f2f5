package org.debias4j.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Optimizer updates against PyTorch's formulas worked by hand. */
class ParamUpdaterTest {
    private static ParamUpdater updater(INDArray param, Optim... optims) {
        ParamUpdater u = new ParamUpdater(param);
        for (Optim o : optims) {
            INDArray[] state = new INDArray[o.stateSlots()];
            for (int i = 0; i < state.length; i++) {
                state[i] = param.ulike().assign(0);
            }
            u.add(o, state, new long[1]);
        }
        return u;
    }

    private static double[] step(ParamUpdater u, INDArray param, double... grad) {
        INDArray g = Nd4j.createFromArray(grad).castTo(param.dataType());
        u.applyUpdater(g, 0, 0);
        param.subi(g);
        return param.toDoubleVector();
    }

    @Test
    void sgdMomentumMatchesTorch() {
        // torch: v = 0.9 v + g; p -= 0.1 v.  p0 = 1, g = 2, 2:  v1 = 2, p1 = 0.8;  v2 = 3.8, p2 = 0.42
        INDArray p = Nd4j.createFromArray(1.0);
        ParamUpdater u = updater(p, Optim.sgd(0.1, 0.9));
        assertArrayEquals(new double[]{0.8}, step(u, p, 2.0), 1e-12);
        assertArrayEquals(new double[]{0.42}, step(u, p, 2.0), 1e-12);
    }

    @Test
    void adamWithWeightDecayMatchesTorch() {
        // torch Adam(lr=0.1, wd=0.5): g' = g + 0.5 p = 1 + 0.5 = 1.5 for p0 = 1, g = 1.
        // m = 0.1*1.5 = 0.15, v = 0.001*2.25 = 0.00225; bc1 = 0.1, bc2 = 0.001
        // step = 0.1/0.1 * 0.15 / (sqrt(0.00225)/sqrt(0.001) + 1e-8) = 0.15 / 1.5 = 0.1 (minus a hair for eps)
        INDArray p = Nd4j.createFromArray(1.0);
        ParamUpdater u = updater(p, Optim.adam(0.1, 0.5));
        double expected = 1.0 - 0.15 / (Math.sqrt(0.00225) / Math.sqrt(0.001) + 1e-8);
        assertArrayEquals(new double[]{expected}, step(u, p, 1.0), 1e-12);
    }

    @Test
    void twoOptimizersOnOneParameterAddTheirUpdates() {
        // TABE: optimizer (lr 0.1) and optimizer_confusion (lr 0.01) both step the encoder from one gradient.
        INDArray p = Nd4j.createFromArray(1.0, 1.0);
        ParamUpdater u = updater(p, Optim.sgd(0.1, 0.9), Optim.sgd(0.01, 0.9));
        assertArrayEquals(new double[]{1 - 0.11 * 2, 1 - 0.11 * 4}, step(u, p, 2.0, 4.0), 1e-12);
    }

    @Test
    void frozenEntriesNeverChangeEvenWithAdamMomentum() {
        INDArray p = Nd4j.createFromArray(1.0, 1.0);
        ParamUpdater u = updater(p, Optim.adam(0.1, 0.1));
        step(u, p, 1.0, 1.0);
        double movedBefore = p.getDouble(0);
        u.setFreezeMask(Nd4j.createFromArray(0.0, 1.0));
        step(u, p, 0.0, 1.0);
        step(u, p, 0.0, 1.0);
        assertArrayEquals(new double[]{movedBefore}, new double[]{p.getDouble(0)}, 0.0);
    }
}
