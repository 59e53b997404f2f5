package org.debias4j.eval;

/** Counts[true class][predicted class], as scikit-learn's confusion_matrix. */
public record ConfusionMatrix(int[][] counts) {

    public static ConfusionMatrix of(int[] yTrue, int[] yPred, int numClasses) {
        Rates.sameLength("yTrue", yTrue.length, "yPred", yPred.length);
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        }
        Rates.classLabels("true label", yTrue, numClasses);
        Rates.classLabels("predicted label", yPred, numClasses);
        int[][] counts = new int[numClasses][numClasses];
        for (int i = 0; i < yTrue.length; i++) {
            counts[yTrue[i]][yPred[i]]++;
        }
        return new ConfusionMatrix(counts);
    }

    public int numClasses() {
        return counts.length;
    }

    public int total() {
        int sum = 0;
        for (int[] row : counts) {
            for (int v : row) {
                sum += v;
            }
        }
        return sum;
    }

    public int correct() {
        int sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += counts[c][c];
        }
        return sum;
    }

    /** Samples whose true class is c. */
    public int support(int c) {
        int sum = 0;
        for (int v : counts[c]) {
            sum += v;
        }
        return sum;
    }

    /** Samples predicted as c. */
    public int predicted(int c) {
        int sum = 0;
        for (int[] row : counts) {
            sum += row[c];
        }
        return sum;
    }

    public int truePositives(int c) {
        return counts[c][c];
    }

    public int falsePositives(int c) {
        return predicted(c) - counts[c][c];
    }

    public int falseNegatives(int c) {
        return support(c) - counts[c][c];
    }

    public int trueNegatives(int c) {
        return total() - support(c) - predicted(c) + counts[c][c];
    }

    public MetricTable table() {
        String[] header = new String[counts.length + 1];
        header[0] = "true \\ predicted";
        for (int c = 0; c < counts.length; c++) {
            header[c + 1] = String.valueOf(c);
        }
        MetricTable t = new MetricTable("Confusion matrix (rows: true class, columns: predicted class)", header);
        for (int r = 0; r < counts.length; r++) {
            Object[] row = new Object[counts.length + 1];
            row[0] = String.valueOf(r);
            for (int c = 0; c < counts.length; c++) {
                row[c + 1] = counts[r][c];
            }
            t.row(row);
        }
        return t;
    }
}
