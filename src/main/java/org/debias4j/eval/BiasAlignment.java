package org.debias4j.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy on bias-aligned versus bias-conflicting samples (Learning-from-Failure benchmarks), per
 * bias group and overall. An empty cell (e.g. a group with no conflicting samples) has accuracy NaN
 * and n = 0; empty groups still get a row so that the table shows them.
 */
public record BiasAlignment(List<Row> groups, Row overall) {

    /** Accuracy of one group on its aligned and conflicting samples; gap = aligned - conflicting. */
    public record Row(String group, int alignedN, double alignedAccuracy, int conflictingN,
                      double conflictingAccuracy, double gap) {
    }

    public static BiasAlignment accuracy(int[] yTrue, int[] yPred, boolean[] aligned, Groups groups) {
        Rates.sameLength("yTrue", yTrue.length, "yPred", yPred.length);
        Rates.sameLength("yTrue", yTrue.length, "aligned", aligned.length);
        Rates.sameLength("yTrue", yTrue.length, "groups", groups.n());
        int size = groups.size();
        // [group][0 = aligned, 1 = conflicting]; the extra group index 'size' is the overall total.
        int[][] total = new int[size + 1][2];
        int[][] correct = new int[size + 1][2];
        for (int i = 0; i < yTrue.length; i++) {
            int kind = aligned[i] ? 0 : 1;
            int hit = yTrue[i] == yPred[i] ? 1 : 0;
            for (int g : new int[] {groups.of(i), size}) {
                total[g][kind]++;
                correct[g][kind] += hit;
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int g = 0; g < size; g++) {
            rows.add(row(groups.name(g), total[g], correct[g]));
        }
        return new BiasAlignment(List.copyOf(rows), row("all", total[size], correct[size]));
    }

    private static Row row(String name, int[] total, int[] correct) {
        double alignedAcc = Rates.div(correct[0], total[0]);
        double conflictingAcc = Rates.div(correct[1], total[1]);
        return new Row(name, total[0], alignedAcc, total[1], conflictingAcc, alignedAcc - conflictingAcc);
    }

    public MetricTable table() {
        MetricTable t = new MetricTable("Accuracy on bias-aligned vs bias-conflicting samples",
                "group", "aligned_n", "aligned_accuracy", "conflicting_n", "conflicting_accuracy", "gap");
        for (Row r : groups) {
            add(t, r);
        }
        add(t, overall);
        return t;
    }

    private static void add(MetricTable t, Row r) {
        t.row(r.group(), r.alignedN(), r.alignedAccuracy(), r.conflictingN(), r.conflictingAccuracy(), r.gap());
    }
}
