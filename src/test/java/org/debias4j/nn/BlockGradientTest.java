package org.debias4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Double-precision finite-difference check of a residual block with batch norm (batch statistics) and a unit mask. */
class BlockGradientTest {
    @Test
    void residualBlockWithBatchNormAndMaskPassesGradientCheck() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            SameDiff sd = SameDiff.create();
            GraphBuilder g = new GraphBuilder(sd, 7, DataType.DOUBLE);
            g.branch("train", true);
            // The input is a variable, not a placeholder: GradCheckUtil cannot check placeholders, and
            // this way the input gradient is checked too.
            SDVariable x = sd.var("x", Nd4j.randn(DataType.DOUBLE, 3, 4, 5, 5));
            SDVariable out = g.scoped("block", () -> {
                UnitMask mask = g.mask("units", 4);
                mask.set(new boolean[]{true, false, true, true});
                SDVariable h = Layers.conv(g, "conv1", x, 4, 4, 3, 1, 1);
                h = Layers.relu(g, Layers.batchNorm(g, "bn1", h, 4, mask));
                h = Layers.conv(g, "conv2", h, 4, 4, 3, 1, 1);
                h = Layers.batchNorm(g, "bn2", h, 4, null);
                return Layers.relu(g, h.add(x));
            });
            // Non-trivial BN affine parameters so their gradients are exercised away from identity.
            sd.getVariable("block.bn1.weight").getArr().assign(Nd4j.rand(DataType.DOUBLE, 4).addi(0.5));
            sd.getVariable("block.bn2.bias").getArr().assign(Nd4j.rand(DataType.DOUBLE, 4).subi(0.5));
            SDVariable w = sd.constant("w", Nd4j.rand(DataType.DOUBLE, 3, 4, 5, 5));
            SDVariable loss = out.mul(w).sum();
            sd.setLossVariables(loss);
            boolean ok = GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-3, 1e-8, false, false);
            assertTrue(ok, "gradient check failed");
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }
}
