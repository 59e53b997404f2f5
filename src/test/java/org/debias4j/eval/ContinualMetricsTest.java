package org.debias4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContinualMetricsTest {
    static final double EPS = 1e-12;

    @Test
    void threeTasksHandComputed() {
        double nan = Double.NaN; // not measured before training
        double[][] r = {
                {0.90, nan, nan},
                {0.80, 0.85, nan},
                {0.70, 0.86, 0.75},
        };
        ContinualMetrics m = ContinualMetrics.of(r);
        assertEquals((0.70 + 0.86 + 0.75) / 3, m.averageAccuracy(), EPS);
        // BWT = ((.70 - .90) + (.86 - .85)) / 2 = -0.095
        assertEquals(-0.095, m.backwardTransfer(), EPS);
        // task 0: max(.90, .80) - .70 = .20; task 1: max(.85) - .86 = -.01
        assertArrayEquals(new double[] {0.20, -0.01}, m.forgettingPerTask(), EPS);
        assertEquals(0.095, m.forgetting(), EPS);
        assertTrue(m.undefined().isEmpty());
        assertTrue(m.table().toText().contains("forgetting_task_1"));
    }

    @Test
    void forgettingUsesTheBestEarlierAccuracyNotTheFirst() {
        double[][] r = {{0.5, 0, 0}, {0.9, 0.8, 0}, {0.6, 0.8, 0.7}};
        ContinualMetrics m = ContinualMetrics.of(r);
        assertEquals(0.3, m.forgettingPerTask()[0], EPS);        // .9 - .6, not .5 - .6
        assertEquals((0.6 - 0.5 + 0.8 - 0.8) / 2, m.backwardTransfer(), EPS);
    }

    @Test
    void singleTaskHasNoTransferOrForgetting() {
        ContinualMetrics m = ContinualMetrics.of(new double[][] {{0.8}});
        assertEquals(0.8, m.averageAccuracy(), EPS);
        assertTrue(Double.isNaN(m.backwardTransfer()));
        assertTrue(Double.isNaN(m.forgetting()));
        assertTrue(m.undefined().get("forgetting").contains("single task"));
    }

    @Test
    void rejectsNonSquareOrMissingLowerTriangle() {
        assertThrows(IllegalArgumentException.class, () -> ContinualMetrics.of(new double[][] {{0.8, 0.1}}));
        assertThrows(IllegalArgumentException.class, () -> ContinualMetrics.of(new double[][] {{0.8, 0}, {Double.NaN, 0.7}}));
    }
}
