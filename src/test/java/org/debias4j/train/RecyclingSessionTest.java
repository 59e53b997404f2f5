package org.debias4j.train;

import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 8: the training session recycles its arrays instead of leaving them to the garbage collector. */
class RecyclingSessionTest {
    private static final int STEPS = 6;

    private record Run(Model model, StepRunner runner, Map<String, INDArray> ph, Step step) {
    }

    private static Run run(boolean recycle) {
        // SameDiff's own training branch (the backbones TrainGraph does not cover take it): with TrainGraph the
        // activations live in oneDNN buffers and never pass through the session this test is about.
        String old = System.getProperty("debias4j.dnnlTrain");
        System.setProperty("debias4j.dnnlTrain", "false");
        Model m;
        try {
            m = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 16, 0.25, 1.0),
                    List.of(HeadSpec.linear("main", 3)), 5));
        } finally {
            if (old == null) {
                System.clearProperty("debias4j.dnnlTrain");
            } else {
                System.setProperty("debias4j.dnnlTrain", old);
            }
        }
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, 3);
        SDVariable ce = m.sd().loss().softmaxCrossEntropy("ce", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("ce", ce),
                List.of(new ParamGroup("all", Optim.adam(1e-2, 0), m.parameterNames())), 0.1);
        r.setRecycling(recycle);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 16, 16);
        INDArray labels = Nd4j.createFromArray(new float[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
        return new Run(m, r, Map.of(Model.INPUT, x, "y", labels), new Step("s", Map.of("ce", 1.0), List.of("all")));
    }

    @Test
    void recyclingChangesNoNumberAndStopsNewAllocations() {
        Run plain = run(false);
        Run rec = run(true);
        long paramBytes = 0;
        for (String p : rec.model().parameterNames()) {
            paramBytes += rec.model().param(p).length() * 4;
        }
        List<Long> newBytes = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            double a = plain.runner().run(plain.step(), plain.ph(), 0).get("ce");
            double b = rec.runner().run(rec.step(), rec.ph(), 0).get("ce");
            assertEquals(a, b, 0.0, "loss of step " + i);
            newBytes.add(rec.runner().recyclingSession().newAllocationBytes());
        }
        assertNull(plain.runner().recyclingSession());
        for (String p : rec.model().parameterNames()) {
            assertEquals(plain.model().param(p), rec.model().param(p), p);
        }
        assertEquals(plain.model().batchNorms().iterator().next().runningVar(),
                rec.model().batchNorms().iterator().next().runningVar());
        // The session did leave arrays unreleased (parameter gradients at least), and they were taken back.
        assertTrue(rec.runner().recyclingSession().unreleasedLastStep() >= rec.model().parameterNames().size(),
                "unreleased " + rec.runner().recyclingSession().unreleasedLastStep());
        // The first step allocates everything; a later step re-allocates at most about one set of gradients
        // (those still referenced by their op's context are closed, not cached), never the activations.
        long first = newBytes.get(0);
        long last = newBytes.get(STEPS - 1) - newBytes.get(STEPS - 2);
        System.out.println("new native bytes: first step " + first + ", last step " + last + "; parameters " + paramBytes);
        assertTrue(last <= paramBytes * 3 / 2, "new bytes in a late step " + last + ", parameters " + paramBytes
                + ", first step " + first);
        assertTrue(last < first / 4, "late step " + last + " vs first " + first);
    }

    @Test
    void cacheHitsDoNotShareTheirIdWithTheNextNewArray() {
        RecyclingSession.RecyclingMemMgr mgr = new RecyclingSession.RecyclingMemMgr();
        INDArray a = mgr.allocate(false, DataType.FLOAT, 5, 7);
        mgr.release(a);
        INDArray hit = mgr.allocate(false, DataType.FLOAT, 5, 7);
        assertSame(a, hit, "served from the cache");
        INDArray fresh = Nd4j.create(DataType.FLOAT, 3);
        assertNotEquals(hit.getId(), fresh.getId());
        mgr.recycle();
        INDArray again = mgr.allocate(false, DataType.FLOAT, 5, 7);
        assertSame(a, again, "recycled at the end of the step");
    }
}
