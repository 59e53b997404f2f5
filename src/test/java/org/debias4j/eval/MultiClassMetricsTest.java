package org.debias4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiClassMetricsTest {
    static final double EPS = 1e-12;

    @Test
    void handComputedExample() {
        // Confusion [true][pred]: class 0 -> [3,1,0], class 1 -> [1,1,0], class 2 -> [1,0,3].
        // support 4,2,4; predicted 5,2,3; correct 7 of 10.
        int[] yTrue = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0};
        int[] yPred = {0, 1, 0, 1, 0, 2, 2, 0, 2, 0};
        MultiClassMetrics m = MultiClassMetrics.compute(yTrue, yPred, 3);
        assertArrayEquals(new int[][] {{3, 1, 0}, {1, 1, 0}, {1, 0, 3}}, m.confusion().counts());
        assertEquals(0.7, m.accuracy(), EPS);
        assertArrayEquals(new double[] {3.0 / 5, 1.0 / 2, 1.0}, m.precision(), EPS);
        assertArrayEquals(new double[] {3.0 / 4, 1.0 / 2, 3.0 / 4}, m.recall(), EPS);
        // F1 = 2TP / (2TP + FP + FN): 6/9, 2/4, 6/7
        assertArrayEquals(new double[] {6.0 / 9, 2.0 / 4, 6.0 / 7}, m.f1(), EPS);
        assertArrayEquals(new int[] {4, 2, 4}, m.support());
        assertEquals(2.0 / 3, m.balancedAccuracy(), EPS);
        assertEquals(0.7, m.macroPrecision(), EPS);
        assertEquals(2.0 / 3, m.macroRecall(), EPS);
        assertEquals(85.0 / 126, m.macroF1(), EPS);          // (2/3 + 1/2 + 6/7) / 3
        assertEquals(0.74, m.weightedPrecision(), EPS);       // (4*.6 + 2*.5 + 4*1) / 10
        assertEquals(0.7, m.weightedRecall(), EPS);           // = accuracy
        assertEquals(149.0 / 210, m.weightedF1(), EPS);       // (4*2/3 + 2*1/2 + 4*6/7) / 10
        assertTrue(Double.isNaN(m.macroAuc()));
        assertTrue(m.undefined().get("auc").contains("scores"));
        ConfusionMatrix cm = m.confusion();
        assertEquals(2, cm.falsePositives(0));
        assertEquals(1, cm.falseNegatives(0));
        assertEquals(4, cm.trueNegatives(0)); // 10 - support 4 - predicted 5 + TP 3
    }

    @Test
    void classAbsentFromTruthAndPredictionsIsLeftOutOfAverages() {
        // class 0: TP 1, FN 1, FP 0 -> P 1, R 1/2, F1 2/3; class 1: TP 2, FP 1 -> P 2/3, R 1, F1 4/5.
        MultiClassMetrics m = MultiClassMetrics.compute(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1}, 3);
        assertTrue(Double.isNaN(m.precision()[2]));
        assertTrue(Double.isNaN(m.recall()[2]));
        assertTrue(Double.isNaN(m.f1()[2]));
        assertEquals(5.0 / 6, m.macroPrecision(), EPS);
        assertEquals(0.75, m.macroRecall(), EPS);
        assertEquals((2.0 / 3 + 0.8) / 2, m.macroF1(), EPS);
        assertEquals(0.75, m.balancedAccuracy(), EPS);
        assertTrue(m.undefined().get("precision").contains("[2]"));
        assertTrue(m.undefined().get("recall").contains("[2]"));
        assertTrue(m.undefined().get("f1").contains("[2]"));
    }

    @Test
    void classPresentButNeverPredicted() {
        // class 1 never predicted: precision NaN (0/0) but recall 0 and F1 0 (2*0 / (0 + 0 + 1)).
        MultiClassMetrics m = MultiClassMetrics.compute(new int[] {0, 1}, new int[] {0, 0}, 2);
        assertTrue(Double.isNaN(m.precision()[1]));
        assertEquals(0.0, m.recall()[1], EPS);
        assertEquals(0.0, m.f1()[1], EPS);
        assertEquals(0.5, m.macroPrecision(), EPS); // class 0 only: 1/2
        assertEquals(0.5, m.weightedPrecision(), EPS);
    }

    @Test
    void probabilitiesGiveArgMaxAndOneVsRestAuc() {
        double[][] probs = {
                {0.7, 0.2, 0.1}, // y 0, pred 0
                {0.2, 0.5, 0.3}, // y 1, pred 1
                {0.3, 0.3, 0.4}, // y 2, pred 2
                {0.3, 0.2, 0.5}, // y 1, pred 2
        };
        int[] yTrue = {0, 1, 2, 1};
        MultiClassMetrics m = MultiClassMetrics.compute(yTrue, probs);
        assertEquals(0.75, m.accuracy(), EPS);
        // class 0: pos {.7} vs {.2,.3,.3} -> 1
        // class 1: pos {.5,.2} vs {.2,.3}: .5 beats 2, .2 ties 1 -> 2.5/4
        // class 2: pos {.4} vs {.1,.3,.5}: beats 2 -> 2/3
        assertArrayEquals(new double[] {1, 0.625, 2.0 / 3}, m.auc(), EPS);
        assertEquals(55.0 / 72, m.macroAuc(), EPS);
    }

    @Test
    void thresholdedBinaryPredictionsWithScoresGetAuc() {
        double[] s = BinaryMetricsTest.SCORES;
        double[][] twoColumns = new double[s.length][];
        int[] pred = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            twoColumns[i] = new double[] {-s[i], s[i]};
            pred[i] = s[i] >= 0.5 ? 1 : 0;
        }
        MultiClassMetrics m = MultiClassMetrics.compute(BinaryMetricsTest.LABELS, pred, twoColumns);
        assertArrayEquals(new double[] {0.7, 0.7}, m.auc(), EPS); // -s ranks class 0 exactly as s ranks class 1
        assertEquals(0.625, m.accuracy(), EPS);
    }

    @Test
    void argMaxTakesLowestClassOnTies() {
        assertArrayEquals(new int[] {0, 1}, MultiClassMetrics.argMax(new double[][] {{0.4, 0.4, 0.2}, {0.1, 0.45, 0.45}}));
    }

    @Test
    void aucOfAbsentClassIsUndefined() {
        double[][] probs = {{0.6, 0.3, 0.1}, {0.2, 0.7, 0.1}};
        MultiClassMetrics m = MultiClassMetrics.compute(new int[] {0, 1}, probs);
        assertTrue(Double.isNaN(m.auc()[2]));
        assertTrue(m.undefined().get("auc[2]").contains("only negatives"));
        assertEquals(1.0, m.macroAuc(), EPS);
    }

    @Test
    void reportTableHasAllClasses() {
        MultiClassMetrics m = MultiClassMetrics.compute(new int[] {0, 1, 2}, new int[] {0, 1, 1}, 3);
        String report = m.classReport().toText();
        assertTrue(report.contains("macro avg"));
        assertTrue(report.contains("weighted avg"));
        assertTrue(m.confusion().table().toText().contains("true \\ predicted"));
        assertTrue(m.undefinedTable().toText().contains("precision"));
    }

    @Test
    void rejectsLabelsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> MultiClassMetrics.compute(new int[] {3}, new int[] {0}, 3));
    }
}
