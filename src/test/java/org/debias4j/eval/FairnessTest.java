package org.debias4j.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FairnessTest {
    static final double EPS = 1e-12;

    // Group A: labels 1 1 0 0 0, preds 1 0 1 0 0 -> TP 1, FN 1, FP 1, TN 2
    //   TPR 1/2, FPR 1/3, TNR 2/3, selection 2/5, accuracy 3/5, balanced (1/2 + 2/3)/2
    // Group B: labels 1 1 1 0,   preds 1 1 0 0   -> TP 2, FN 1, FP 0, TN 1
    //   TPR 2/3, FPR 0, TNR 1, selection 2/4, accuracy 3/4, balanced (2/3 + 1)/2
    static final int[] LABELS = {1, 1, 0, 0, 0, 1, 1, 1, 0};
    static final double[] SCORES = {0.9, 0.3, 0.6, 0.2, 0.1, 0.8, 0.7, 0.4, 0.3};
    static final String[] GROUP = {"A", "A", "A", "A", "A", "B", "B", "B", "B"};

    @Test
    void twoGroupsHandComputed() {
        FairnessMetrics f = Fairness.binary(SCORES, LABELS, 0.5, Groups.of(GROUP));
        GroupMetrics a = f.groups().get(0);
        GroupMetrics b = f.groups().get(1);
        assertEquals("A", a.group());
        assertEquals(5, a.n());
        assertEquals(2, a.positives());
        assertEquals(0.6, a.accuracy(), EPS);
        assertEquals((0.5 + 2.0 / 3) / 2, a.balancedAccuracy(), EPS);
        assertEquals(0.4, a.selectionRate(), EPS);
        assertEquals(0.5, a.tpr(), EPS);
        assertEquals(1.0 / 3, a.fpr(), EPS);
        // AUC A: positives .9 .3 vs negatives .6 .2 .1 -> .9 beats 3, .3 beats 2 -> 5/6
        assertEquals(5.0 / 6, a.auc(), EPS);
        assertEquals(0.75, b.accuracy(), EPS);
        assertEquals((2.0 / 3 + 1) / 2, b.balancedAccuracy(), EPS);
        assertEquals(2.0 / 3, b.tpr(), EPS);
        assertEquals(0.0, b.fpr(), EPS);
        // AUC B: positives .8 .7 .4 vs negative .3 -> 1
        assertEquals(1.0, b.auc(), EPS);

        assertEquals(0.6, f.worstGroupAccuracy(), EPS);
        assertEquals("A", f.worstGroup());
        assertEquals(0.1, f.demographicParityDifference(), EPS);
        assertEquals(0.8, f.demographicParityRatio(), EPS);
        assertEquals(1.0 / 3, f.equalizedOddsDifference(), EPS); // max(|1/2-2/3|, |1/3-0|)
        assertEquals(0.0, f.equalizedOddsRatio(), EPS);           // min(3/4, 0/(1/3))
        // Binary: the sums have the positive class only.
        assertEquals(1.0 / 3, f.eopp0(), EPS);  // |TNR_A - TNR_B| = |2/3 - 1|
        assertEquals(1.0 / 6, f.eopp1(), EPS);  // |1/2 - 2/3|
        assertEquals(1.0 / 6, f.eodd(), EPS);   // |(1/2 - 2/3) + (1/3 - 0)|
        assertTrue(f.undefined().isEmpty());
        assertTrue(f.skippedGroups().isEmpty());
    }

    @Test
    void threeGroupsThreeClassesTakeMaxOverPairs() {
        // Group X: y 0 1 2, pred 0 1 2 (perfect).
        // Group Y: y 0 1 2, pred 1 1 2 -> class 0: TPR 0, TNR 1; class 1: TPR 1, TNR 1/2; class 2: TPR 1, TNR 1.
        // Group Z: y 0 1 2, pred 0 2 2 -> class 0: TPR 1, TNR 1; class 1: TPR 0, TNR 1; class 2: TPR 1, TNR 1/2.
        // X: every TPR 1, every TNR 1.
        // Pair X,Y: EOpp1 = 1 + 0 + 0 = 1; EOpp0 = 0 + 1/2 + 0 = 1/2;
        //   EOdd = sum |dTPR + dFPR| = |1 + 0| + |0 + (0 - 1/2)| + 0 = 1.5
        // Pair X,Z: EOpp1 = 1, EOpp0 = 1/2, EOdd = |0| + |1| + |0 - 1/2| = 1.5
        // Pair Y,Z: TPR diffs (class 0..2): -1, 1, 0 -> EOpp1 = 2; TNR diffs: 0, -1/2, 1/2 -> EOpp0 = 1;
        //   dFPR = -dTNR: 0, 1/2, -1/2 -> EOdd = |-1| + |1.5| + |-0.5| = 3
        int[] yTrue = {0, 1, 2, 0, 1, 2, 0, 1, 2};
        int[] yPred = {0, 1, 2, 1, 1, 2, 0, 2, 2};
        int[] group = {0, 0, 0, 1, 1, 1, 2, 2, 2};
        FairnessMetrics f = Fairness.fromLabels(yTrue, yPred, 3, Groups.of(group), 1);
        assertEquals(1.0, f.eopp0(), EPS);
        assertEquals(2.0, f.eopp1(), EPS);
        assertEquals(3.0, f.eodd(), EPS);
        // class 1 selection: X 1/3, Y 2/3, Z 0 -> difference 2/3, ratio 0
        assertEquals(2.0 / 3, f.demographicParityDifference(), EPS);
        assertEquals(0.0, f.demographicParityRatio(), EPS);
        // class 1 TPR: 1, 1, 0; FPR: 0, 1/2, 0 -> difference max(1, 1/2) = 1; ratio min(0/1, 0/(1/2)) = 0
        assertEquals(1.0, f.equalizedOddsDifference(), EPS);
        assertEquals(0.0, f.equalizedOddsRatio(), EPS);
        // accuracy X 3/3, Y 2/3, Z 2/3; ties keep the first group
        assertEquals(2.0 / 3, f.worstGroupAccuracy(), EPS);
        assertEquals("1", f.worstGroup());
        assertTrue(Double.isNaN(f.groups().get(0).auc()));
        assertTrue(f.groups().get(0).undefined().get("auc").contains("labels"));
    }

    @Test
    void emptyDeclaredGroupIsSkippedAndReported() {
        Groups groups = Groups.of(GROUP, List.of("A", "B", "C"));
        FairnessMetrics f = Fairness.binary(SCORES, LABELS, 0.5, groups);
        assertEquals(List.of("C"), f.skippedGroups());
        assertEquals(2, f.groups().size());
        assertEquals(0.1, f.demographicParityDifference(), EPS);
        assertTrue(f.undefined().get("skipped_groups").contains("C"));
        assertTrue(f.summaryTable().toText().contains("no samples: C"));
    }

    @Test
    void singleNonEmptyGroupLeavesBetweenGroupMetricsUndefined() {
        FairnessMetrics f = Fairness.binary(new double[] {0.2, 0.8}, new int[] {0, 1},
                0.5, Groups.of(new int[] {0, 0}, 2));
        assertEquals(List.of("1"), f.skippedGroups());
        assertEquals(1.0, f.worstGroupAccuracy(), EPS);
        assertTrue(Double.isNaN(f.demographicParityDifference()));
        assertTrue(Double.isNaN(f.eodd()));
        assertTrue(f.undefined().get("eopp1").contains("fewer than two"));
    }

    @Test
    void groupWithoutPositivesHasUndefinedTprAndAucAndTheTermIsLeftOut() {
        // Group A: labels 0 0, preds 1 0 -> TPR NaN, FPR 1/2, AUC NaN.
        // Group B: labels 1 0, preds 1 0 -> TPR 1, FPR 0.
        FairnessMetrics f = Fairness.binary(new double[] {0.6, 0.1, 0.9, 0.2}, new int[] {0, 0, 1, 0}, 0.5,
                Groups.of(new String[] {"A", "A", "B", "B"}));
        GroupMetrics a = f.groups().get(0);
        assertTrue(Double.isNaN(a.tpr()));
        assertTrue(Double.isNaN(a.auc()));
        assertTrue(a.undefined().get("auc").contains("only negatives"));
        assertTrue(a.undefined().containsKey("tpr"));
        // EO uses FPR only: difference 1/2, ratio 0/(1/2) = 0.
        assertEquals(0.5, f.equalizedOddsDifference(), EPS);
        assertEquals(0.0, f.equalizedOddsRatio(), EPS);
        assertTrue(f.undefined().get("equalized_odds").contains("TPR"));
        assertTrue(Double.isNaN(f.eopp1()));             // the only term is undefined
        assertEquals(0.5, f.eopp0(), EPS);               // |TNR 1/2 - TNR 1|
        assertTrue(Double.isNaN(f.eodd()));
        assertTrue(f.undefined().get("eopp1").contains("absent from group A"));
    }

    @Test
    void nothingPredictedPositiveMakesParityRatioUndefined() {
        FairnessMetrics f = Fairness.binary(new double[] {0.1, 0.2, 0.3, 0.4}, new int[] {0, 1, 0, 1}, 0.5,
                Groups.of(new int[] {0, 0, 1, 1}));
        assertEquals(0.0, f.demographicParityDifference(), EPS);
        assertTrue(Double.isNaN(f.demographicParityRatio()));
        assertTrue(f.undefined().get("demographic_parity_ratio").contains("0/0"));
        // TPR 0 in both groups and FPR 0 in both: both ratios are 0/0.
        assertTrue(Double.isNaN(f.equalizedOddsRatio()));
        assertEquals(0.0, f.equalizedOddsDifference(), EPS);
    }

    @Test
    void multiClassGroupAucIsMacroOneVsRest() {
        double[][] probs = {{0.7, 0.2, 0.1}, {0.2, 0.5, 0.3}, {0.3, 0.3, 0.4}, {0.3, 0.2, 0.5}};
        FairnessMetrics f = Fairness.multiClass(new int[] {0, 1, 2, 1}, probs,
                Groups.of(new String[] {"g", "g", "g", "g"}, List.of("g", "h")), 1);
        assertEquals(55.0 / 72, f.groups().get(0).auc(), EPS); // same numbers as MultiClassMetricsTest
    }

    @Test
    void biasAlignedVersusConflicting() {
        // group 0: aligned (correct, correct, wrong) -> 2/3; conflicting (wrong) -> 0
        // group 1: aligned (correct) -> 1; no conflicting -> NaN
        int[] yTrue = {0, 1, 1, 0, 1};
        int[] yPred = {0, 1, 0, 1, 1};
        boolean[] aligned = {true, true, true, false, true};
        BiasAlignment b = BiasAlignment.accuracy(yTrue, yPred, aligned, Groups.of(new int[] {0, 0, 0, 0, 1}));
        assertEquals(2.0 / 3, b.groups().get(0).alignedAccuracy(), EPS);
        assertEquals(0.0, b.groups().get(0).conflictingAccuracy(), EPS);
        assertEquals(2.0 / 3, b.groups().get(0).gap(), EPS);
        assertEquals(1.0, b.groups().get(1).alignedAccuracy(), EPS);
        assertEquals(0, b.groups().get(1).conflictingN());
        assertTrue(Double.isNaN(b.groups().get(1).conflictingAccuracy()));
        assertEquals(0.75, b.overall().alignedAccuracy(), EPS);
        assertEquals(1, b.overall().conflictingN());
        assertTrue(b.table().toText().contains("all"));
    }
}
