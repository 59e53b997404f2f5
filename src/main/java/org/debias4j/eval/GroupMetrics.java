package org.debias4j.eval;

import java.util.Map;

/**
 * Metrics of one sensitive group. selectionRate, tpr and fpr refer to the designated positive class
 * (one-vs-rest); auc is the binary AUC or, for several classes, the macro one-vs-rest AUC within the
 * group. NaN values have their reason in {@link #undefined()}.
 */
public record GroupMetrics(String group, int n, int positives, double accuracy, double balancedAccuracy,
                           double auc, double selectionRate, double tpr, double fpr,
                           Map<String, String> undefined) {
}
