package org.debias4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Group fairness metrics (methods.md, end of part B). Per group: accuracy, balanced accuracy (mean
 * recall over the classes present in the group), AUC, and for the positive class p (one-vs-rest):
 * selection rate P(pred = p), TPR and FPR.
 *
 * <p>Between groups, over the non-empty groups (empty ones are skipped and listed):
 * <ul>
 *   <li>worst-group accuracy = min accuracy;</li>
 *   <li>demographic parity difference = max - min selection rate, ratio = min / max (as fairlearn);</li>
 *   <li>equalized odds difference = max(TPR max-min, FPR max-min), ratio = min(TPR min/max,
 *       FPR min/max) (as fairlearn); a component that is undefined (TPR defined in fewer than two
 *       groups, or 0/0 ratio) is left out, as pandas' NaN-skipping max/min do in fairlearn;</li>
 *   <li>EOpp0 = sum_y |TNR_y(s0) - TNR_y(s1)|, EOpp1 = sum_y |TPR_y(s0) - TPR_y(s1)|,
 *       EOdd = sum_y |TPR_y(s0) - TPR_y(s1) + FPR_y(s0) - FPR_y(s1)|, each class y one-vs-rest.
 *       With two classes the sum has only the positive class (summing both would make EOpp0 = EOpp1,
 *       since TNR of one class is TPR of the other); with K &gt; 2 classes it runs over all K. With
 *       more than two groups the value is the maximum over all pairs of groups. A term whose rate is
 *       undefined in one of the two groups (class absent, or group made only of that class) is left
 *       out of the sum and reported in {@link FairnessMetrics#undefined()}.</li>
 * </ul>
 */
public final class Fairness {
    private Fairness() {
    }

    /** Binary scores (predicted positive when score >= threshold), labels 0/1, rates for class 1. */
    public static FairnessMetrics binary(double[] scores, int[] labels, double threshold, Groups groups) {
        return binary(scores, labels, threshold, groups, 1);
    }

    /** As {@link #binary(double[], int[], double, Groups)} with rates for class 0 or 1; AUC is unchanged. */
    public static FairnessMetrics binary(double[] scores, int[] labels, double threshold, Groups groups,
                                         int positiveClass) {
        Rates.sameLength("scores", scores.length, "labels", labels.length);
        Rates.binaryLabels(labels);
        Rates.finite(scores);
        int[] pred = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            pred[i] = scores[i] >= threshold ? 1 : 0;
        }
        return compute(new Input(labels, pred, 2, positiveClass, scores, null), groups);
    }

    /** Probabilities probs[i][c]; prediction = arg max; rates refer to positiveClass. */
    public static FairnessMetrics multiClass(int[] yTrue, double[][] probs, Groups groups, int positiveClass) {
        Rates.sameLength("yTrue", yTrue.length, "probs", probs.length);
        Rates.nonEmpty(yTrue.length);
        int[] pred = MultiClassMetrics.argMax(probs);
        return compute(new Input(yTrue, pred, probs[0].length, positiveClass, null, probs), groups);
    }

    /** Predicted labels only: every AUC is NaN. */
    public static FairnessMetrics fromLabels(int[] yTrue, int[] yPred, int numClasses, Groups groups, int positiveClass) {
        return compute(new Input(yTrue, yPred, numClasses, positiveClass, null, null), groups);
    }

    private record Input(int[] yTrue, int[] yPred, int k, int positive, double[] scores, double[][] probs) {
    }

    private static FairnessMetrics compute(Input in, Groups groups) {
        int n = in.yTrue.length;
        Rates.sameLength("labels", n, "predictions", in.yPred.length);
        Rates.sameLength("labels", n, "groups", groups.n());
        Rates.nonEmpty(n);
        if (in.positive < 0 || in.positive >= in.k) {
            throw new IllegalArgumentException("positive class " + in.positive + " is outside 0.." + (in.k - 1));
        }
        List<GroupMetrics> rows = new ArrayList<>();
        List<ConfusionMatrix> matrices = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            int[] members = groups.members(g);
            if (members.length == 0) {
                skipped.add(groups.name(g));
                continue;
            }
            ConfusionMatrix cm = ConfusionMatrix.of(subset(in.yTrue, members), subset(in.yPred, members), in.k);
            matrices.add(cm);
            rows.add(groupMetrics(groups.name(g), cm, in, members));
        }
        Map<String, String> why = new LinkedHashMap<>();
        if (!skipped.isEmpty()) {
            why.put("skipped_groups", "no samples in " + skipped);
        }
        GroupMetrics worst = null;
        for (GroupMetrics r : rows) {
            if (worst == null || r.accuracy() < worst.accuracy()) {
                worst = r;
            }
        }
        if (rows.size() < 2) {
            String reason = "fewer than two non-empty groups (" + rows.size() + ")";
            for (String key : List.of("demographic_parity", "demographic_parity_ratio", "equalized_odds",
                    "equalized_odds_ratio", "eopp0", "eopp1", "eodd")) {
                why.put(key, reason);
            }
            double nan = Double.NaN;
            return new FairnessMetrics(in.positive, List.copyOf(rows), List.copyOf(skipped),
                    worst == null ? nan : worst.accuracy(), worst == null ? null : worst.group(),
                    nan, nan, nan, nan, nan, nan, nan, Collections.unmodifiableMap(why));
        }

        double[] selection = rows.stream().mapToDouble(GroupMetrics::selectionRate).toArray();
        Spread dp = Spread.of(selection);
        if (dp.max == 0) {
            why.put("demographic_parity_ratio", "no group has a sample predicted as class " + in.positive + " (0/0)");
        }
        Spread tpr = Spread.of(rows.stream().mapToDouble(GroupMetrics::tpr).toArray());
        Spread fpr = Spread.of(rows.stream().mapToDouble(GroupMetrics::fpr).toArray());
        double eoDiff = Rates.nanMax(tpr.difference(), fpr.difference());
        double eoRatio = Rates.nanMin(tpr.ratio(), fpr.ratio());
        explainEqualizedOdds(tpr, fpr, in.positive, why);

        double[] eopp = pairwiseEqualOpportunity(rows, matrices, in, why);
        return new FairnessMetrics(in.positive, List.copyOf(rows), List.copyOf(skipped),
                worst.accuracy(), worst.group(), dp.difference(), dp.ratio(), eoDiff, eoRatio,
                eopp[0], eopp[1], eopp[2], Collections.unmodifiableMap(why));
    }

    private static GroupMetrics groupMetrics(String name, ConfusionMatrix cm, Input in, int[] members) {
        int n = cm.total();
        int p = in.positive;
        int positives = cm.support(p);
        double[] recall = new double[in.k];
        for (int c = 0; c < in.k; c++) {
            recall[c] = Rates.div(cm.truePositives(c), cm.support(c));
        }
        Map<String, String> why = new LinkedHashMap<>();
        double tpr = Rates.div(cm.truePositives(p), positives);
        double fpr = Rates.div(cm.falsePositives(p), n - positives);
        if (Double.isNaN(tpr)) {
            why.put("tpr", "no samples of class " + p + " in group " + name);
        }
        if (Double.isNaN(fpr)) {
            why.put("fpr", "every sample of group " + name + " is class " + p);
        }
        double auc = groupAuc(in, members, why);
        return new GroupMetrics(name, n, positives, (double) cm.correct() / n, Rates.nanMean(recall), auc,
                (double) cm.predicted(p) / n, tpr, fpr, Collections.unmodifiableMap(why));
    }

    private static double groupAuc(Input in, int[] members, Map<String, String> why) {
        if (in.scores != null) {
            int[] labels = subset(in.yTrue, members);
            double auc = Auc.rocAuc(subset(in.scores, members), labels);
            if (Double.isNaN(auc)) {
                int positives = Arrays.stream(labels).sum();
                why.put("auc", Auc.undefinedReason(positives, labels.length - positives));
            }
            return auc;
        }
        if (in.probs == null) {
            why.put("auc", "only predicted labels were given; AUC needs scores");
            return Double.NaN;
        }
        int[] yTrue = subset(in.yTrue, members);
        double[][] probs = new double[members.length][];
        for (int i = 0; i < members.length; i++) {
            probs[i] = in.probs[members[i]];
        }
        double[] auc = new double[in.k];
        for (int c = 0; c < in.k; c++) {
            auc[c] = MultiClassMetrics.oneVsRestAuc(yTrue, probs, c);
        }
        double macro = Rates.nanMean(auc);
        if (Double.isNaN(macro)) {
            why.put("auc", "no class has both its samples and other samples in this group");
        }
        return macro;
    }

    private static void explainEqualizedOdds(Spread tpr, Spread fpr, int p, Map<String, String> why) {
        List<String> parts = new ArrayList<>();
        if (tpr.count < 2) {
            parts.add("TPR is defined in " + tpr.count + " group(s) only (class " + p + " absent elsewhere)");
        }
        if (fpr.count < 2) {
            parts.add("FPR is defined in " + fpr.count + " group(s) only (groups made only of class " + p + ")");
        }
        if (!parts.isEmpty()) {
            why.put("equalized_odds", String.join("; ", parts) + "; that component is left out");
        }
        List<String> ratioParts = new ArrayList<>(parts);
        if (tpr.count >= 2 && tpr.max == 0) {
            ratioParts.add("TPR is 0 in every group (0/0 ratio left out)");
        }
        if (fpr.count >= 2 && fpr.max == 0) {
            ratioParts.add("FPR is 0 in every group (0/0 ratio left out)");
        }
        if (!ratioParts.isEmpty()) {
            why.put("equalized_odds_ratio", String.join("; ", ratioParts));
        }
    }

    /** {EOpp0, EOpp1, EOdd}, each the maximum over pairs of groups. */
    private static double[] pairwiseEqualOpportunity(List<GroupMetrics> rows, List<ConfusionMatrix> cms,
                                                     Input in, Map<String, String> why) {
        int[] classes = in.k == 2 ? new int[] {in.positive} : IntStream.range(0, in.k).toArray();
        int groups = rows.size();
        double[][] tpr = new double[groups][in.k];
        double[][] tnr = new double[groups][in.k];
        Set<String> noTpr = new LinkedHashSet<>();
        Set<String> noTnr = new LinkedHashSet<>();
        for (int g = 0; g < groups; g++) {
            ConfusionMatrix cm = cms.get(g);
            for (int y : classes) {
                int support = cm.support(y);
                tpr[g][y] = Rates.div(cm.truePositives(y), support);
                tnr[g][y] = Rates.div(cm.trueNegatives(y), cm.total() - support);
                if (support == 0) {
                    noTpr.add("class " + y + " absent from group " + rows.get(g).group());
                }
                if (support == cm.total()) {
                    noTnr.add("group " + rows.get(g).group() + " has only class " + y);
                }
            }
        }
        double eopp0 = Double.NaN;
        double eopp1 = Double.NaN;
        double eodd = Double.NaN;
        for (int a = 0; a < groups; a++) {
            for (int b = a + 1; b < groups; b++) {
                double[] sums = new double[3];
                int[] terms = new int[3];
                for (int y : classes) {
                    double dTnr = tnr[a][y] - tnr[b][y];
                    double dTpr = tpr[a][y] - tpr[b][y];
                    // FPR = 1 - TNR, so dFPR = -dTNR.
                    double[] term = {Math.abs(dTnr), Math.abs(dTpr), Math.abs(dTpr - dTnr)};
                    for (int m = 0; m < 3; m++) {
                        if (!Double.isNaN(term[m])) {
                            sums[m] += term[m];
                            terms[m]++;
                        }
                    }
                }
                eopp0 = Rates.nanMax(eopp0, terms[0] > 0 ? sums[0] : Double.NaN);
                eopp1 = Rates.nanMax(eopp1, terms[1] > 0 ? sums[1] : Double.NaN);
                eodd = Rates.nanMax(eodd, terms[2] > 0 ? sums[2] : Double.NaN);
            }
        }
        if (!noTnr.isEmpty()) {
            why.put("eopp0", "TNR terms left out: " + String.join("; ", noTnr));
        }
        if (!noTpr.isEmpty()) {
            why.put("eopp1", "TPR terms left out: " + String.join("; ", noTpr));
        }
        if (!noTpr.isEmpty() || !noTnr.isEmpty()) {
            Set<String> both = new LinkedHashSet<>(noTpr);
            both.addAll(noTnr);
            why.put("eodd", "terms left out: " + String.join("; ", both));
        }
        return new double[] {eopp0, eopp1, eodd};
    }

    /** Min and max over the defined (non-NaN) values. */
    private record Spread(double min, double max, int count) {
        static Spread of(double[] values) {
            double min = Double.NaN;
            double max = Double.NaN;
            int count = 0;
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    min = count == 0 ? v : Math.min(min, v);
                    max = count == 0 ? v : Math.max(max, v);
                    count++;
                }
            }
            return new Spread(min, max, count);
        }

        double difference() {
            return count < 2 ? Double.NaN : max - min;
        }

        double ratio() {
            return count < 2 ? Double.NaN : Rates.div(min, max);
        }
    }

    static int[] subset(int[] values, int[] members) {
        int[] out = new int[members.length];
        for (int i = 0; i < members.length; i++) {
            out[i] = values[members[i]];
        }
        return out;
    }

    static double[] subset(double[] values, int[] members) {
        double[] out = new double[members.length];
        for (int i = 0; i < members.length; i++) {
            out[i] = values[members[i]];
        }
        return out;
    }
}
