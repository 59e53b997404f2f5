package org.debias4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryMetricsTest {
    static final double EPS = 1e-12;

    // index:   0    1    2     3    4    5    6    7
    // score:  .1   .4   .35   .8   .5   .5   .9   .2
    // label:   0    0    1     1    0    1    1    1
    // pred@.5: 0    0    0     1    1    1    1    0   (score >= 0.5)
    // TP = {3,5,6} = 3, FN = {2,7} = 2, FP = {4} = 1, TN = {0,1} = 2
    static final double[] SCORES = {0.1, 0.4, 0.35, 0.8, 0.5, 0.5, 0.9, 0.2};
    static final int[] LABELS = {0, 0, 1, 1, 0, 1, 1, 1};

    @Test
    void handComputedExample() {
        BinaryMetrics m = BinaryMetrics.compute(SCORES, LABELS, 0.5);
        assertEquals(8, m.n());
        assertEquals(5, m.positives());
        assertEquals(3, m.negatives());
        assertEquals(3, m.tp());
        assertEquals(1, m.fp());
        assertEquals(2, m.tn());
        assertEquals(2, m.fn());
        assertEquals(5.0 / 8, m.accuracy(), EPS);
        assertEquals(3.0 / 5, m.sensitivity(), EPS);
        assertEquals(2.0 / 3, m.specificity(), EPS);
        assertEquals((3.0 / 5 + 2.0 / 3) / 2, m.balancedAccuracy(), EPS);
        assertEquals(3.0 / 4, m.precision(), EPS);
        assertEquals(6.0 / 9, m.f1(), EPS); // 2TP / (2TP + FP + FN)
        // Positives .35 .8 .5 .9 .2 against negatives .1 .4 .5:
        // .35 beats 1, .8 beats 3, .5 beats 2 and ties 1 (2.5), .9 beats 3, .2 beats 1 -> 10.5 / 15.
        assertEquals(0.7, m.auc(), EPS);
        assertNull(m.aucUndefinedReason());
        assertTrue(m.undefined().isEmpty());
    }

    @Test
    void rocCurveMatchesSklearnWithoutDroppedPoints() {
        // Distinct scores descending: .9(P) .8(P) .5(P,N) .4(N) .35(P) .2(P) .1(N)
        Roc roc = Roc.curve(SCORES, LABELS);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, .9, .8, .5, .4, .35, .2, .1}, roc.thresholds(), EPS);
        assertArrayEquals(new double[] {0, .2, .4, .6, .6, .8, 1, 1}, roc.tpr(), EPS);
        assertArrayEquals(new double[] {0, 0, 0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3, 1}, roc.fpr(), EPS);
        assertEquals(0.7, roc.auc(), EPS);
        assertEquals(5, roc.positives());
        assertEquals(3, roc.negatives());
    }

    @Test
    void allTiedScoresGiveHalf() {
        assertEquals(0.5, Auc.rocAuc(new double[] {0.3, 0.3, 0.3}, new int[] {0, 1, 1}), EPS);
        Roc roc = Roc.curve(new double[] {0.3, 0.3, 0.3}, new int[] {0, 1, 1});
        assertArrayEquals(new double[] {0, 1}, roc.fpr(), EPS);
        assertArrayEquals(new double[] {0, 1}, roc.tpr(), EPS);
    }

    @Test
    void negativeZeroTiesWithZero() {
        assertEquals(0.5, Auc.rocAuc(new double[] {-0.0, 0.0}, new int[] {0, 1}), EPS);
    }

    @Test
    void onlyNegativesMakeAucAndSensitivityUndefined() {
        // scores .2 .7, labels 0 0: FP = 1 (.7), TN = 1 (.2)
        BinaryMetrics m = BinaryMetrics.compute(new double[] {0.2, 0.7}, new int[] {0, 0}, 0.5);
        assertTrue(Double.isNaN(m.auc()));
        assertTrue(m.aucUndefinedReason().contains("only negatives"));
        assertTrue(Double.isNaN(m.sensitivity()));
        assertTrue(m.undefined().containsKey("sensitivity"));
        assertEquals(0.5, m.specificity(), EPS);
        assertEquals(0.5, m.balancedAccuracy(), EPS); // mean recall over the classes present = specificity
        assertEquals(0.0, m.precision(), EPS);        // 0 / 1, defined
        assertEquals(0.0, m.f1(), EPS);               // 0 / (0 + 1 + 0)
        assertEquals(0.5, m.accuracy(), EPS);
        Roc roc = Roc.curve(new double[] {0.2, 0.7}, new int[] {0, 0});
        assertTrue(Double.isNaN(roc.tpr()[1]));
        assertTrue(Double.isNaN(roc.auc()));
    }

    @Test
    void nothingPredictedPositiveMakesPrecisionAndF1Undefined() {
        BinaryMetrics m = BinaryMetrics.compute(new double[] {0.1, 0.2}, new int[] {0, 0}, 0.5);
        assertTrue(Double.isNaN(m.precision()));
        assertTrue(Double.isNaN(m.f1()));
        assertTrue(m.undefined().get("precision").contains("nothing predicted positive"));
        assertTrue(m.undefined().containsKey("f1"));
        assertEquals(1.0, m.specificity(), EPS);
    }

    @Test
    void onlyPositives() {
        BinaryMetrics m = BinaryMetrics.compute(new double[] {0.9, 0.2}, new int[] {1, 1}, 0.5);
        assertTrue(m.aucUndefinedReason().contains("only positives"));
        assertTrue(Double.isNaN(m.specificity()));
        assertEquals(0.5, m.sensitivity(), EPS);
        assertEquals(0.5, m.balancedAccuracy(), EPS);
        assertEquals(1.0, m.precision(), EPS);
        assertEquals(2.0 / 3, m.f1(), EPS); // 2 / (2 + 0 + 1)
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[0], new int[0], 0.5));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[] {0.1}, new int[] {2}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[] {Double.NaN}, new int[] {1}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[] {0.1, 0.2}, new int[] {1}, 0.5));
    }

    @Test
    void tableShowsReasons() {
        String text = BinaryMetrics.compute(new double[] {0.2, 0.7}, new int[] {0, 0}, 0.5).table().toText();
        assertTrue(text.contains("auc"));
        assertTrue(text.contains("NaN"));
        assertTrue(text.contains("only negatives"));
    }
}
