package org.debias4j.eval;

import java.util.List;
import java.util.Map;

/**
 * Group fairness of one set of predictions; see {@link Fairness} for the definitions. Between-group
 * values use the non-empty groups only ({@link #skippedGroups()} lists the empty ones) and are NaN,
 * with the reason in {@link #undefined()}, when fewer than two groups have the rates they compare.
 */
public record FairnessMetrics(int positiveClass, List<GroupMetrics> groups, List<String> skippedGroups,
                              double worstGroupAccuracy, String worstGroup,
                              double demographicParityDifference, double demographicParityRatio,
                              double equalizedOddsDifference, double equalizedOddsRatio,
                              double eopp0, double eopp1, double eodd,
                              Map<String, String> undefined) {

    /** One row per non-empty group. */
    public MetricTable groupTable() {
        MetricTable t = new MetricTable("Per-group metrics (rates for class " + positiveClass + ")",
                "group", "n", "positives", "accuracy", "balanced_accuracy", "auc", "selection_rate", "tpr", "fpr");
        for (GroupMetrics g : groups) {
            t.row(g.group(), g.n(), g.positives(), g.accuracy(), g.balancedAccuracy(), g.auc(),
                    g.selectionRate(), g.tpr(), g.fpr());
        }
        return t;
    }

    /** Between-group metrics, with the reason next to undefined ones. */
    public MetricTable summaryTable() {
        MetricTable t = new MetricTable("Fairness across groups", "metric", "value", "note");
        t.row("worst_group_accuracy", worstGroupAccuracy, worstGroup == null ? "" : "group " + worstGroup);
        t.row("demographic_parity_difference", demographicParityDifference, note("demographic_parity"));
        t.row("demographic_parity_ratio", demographicParityRatio, note("demographic_parity_ratio"));
        t.row("equalized_odds_difference", equalizedOddsDifference, note("equalized_odds"));
        t.row("equalized_odds_ratio", equalizedOddsRatio, note("equalized_odds_ratio"));
        t.row("eopp0", eopp0, note("eopp0"));
        t.row("eopp1", eopp1, note("eopp1"));
        t.row("eodd", eodd, note("eodd"));
        if (!skippedGroups.isEmpty()) {
            t.row("skipped_groups", skippedGroups.size(), "no samples: " + String.join(", ", skippedGroups));
        }
        return t;
    }

    /** Every per-group undefined value and its reason (empty table when all are defined). */
    public MetricTable groupNotesTable() {
        MetricTable t = new MetricTable("Undefined per-group values (NaN)", "group", "metric", "reason");
        for (GroupMetrics g : groups) {
            g.undefined().forEach((metric, reason) -> t.row(g.group(), metric, reason));
        }
        return t;
    }

    private String note(String key) {
        return undefined.getOrDefault(key, "");
    }
}
