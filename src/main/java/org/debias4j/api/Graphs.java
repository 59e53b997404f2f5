package org.debias4j.api;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Frees a graph's native arrays now rather than whenever the garbage collector reaches their wrappers. */
final class Graphs {
    private Graphs() {
    }

    static void release(org.debias4j.nn.Model model) {
        for (SDVariable v : model.sd().variables()) {
            if (v.getVariableType() != VariableType.VARIABLE && v.getVariableType() != VariableType.CONSTANT) {
                continue;
            }
            INDArray a = v.getArr();
            if (a != null && !a.wasClosed() && a.closeable()) {
                a.close();
            }
        }
    }
}
