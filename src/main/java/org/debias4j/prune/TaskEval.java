package org.debias4j.prune;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Softmax outputs and unit activations of a model (eval branch) over a dataset. */
final class TaskEval {
    private TaskEval() {
    }

    /** probs[i][c] = softmax of the head's logits for row i. */
    static double[][] probabilities(Model model, String head, ImageDataset data, ImagePipeline pipeline, int batchSize) {
        double[][] out = new double[data.size()][];
        try (Batches batches = Batches.inOrder(data, pipeline, batchSize, 0, 0)) {
            for (Batches.Batch b : batches) {
                INDArray logits = model.predict(b.images(), head).get(head);
                double[][] p = softmax(logits);
                for (int i = 0; i < b.rows().length; i++) {
                    out[b.rows()[i]] = p[i];
                }
                logits.close();
                b.images().close();
            }
        }
        return out;
    }

    /** Head logits and pooled backbone features (eval branch) of one forward pass per batch. */
    record Outputs(double[][] logits, double[][] features, double[][][] blocks, double[][] input) {
        /** Row i's block activations (spatial means), one array per block. */
        double[][] blocks(int i) {
            double[][] b = new double[blocks.length][];
            for (int l = 0; l < blocks.length; l++) {
                b[l] = blocks[l][i];
            }
            return b;
        }

        double[][] probabilities() {
            double[][] p = new double[logits.length][];
            for (int i = 0; i < logits.length; i++) {
                p[i] = softmax(logits[i]);
            }
            return p;
        }
    }

    static Outputs outputs(Model model, String head, ImageDataset data, ImagePipeline pipeline, int batchSize) {
        double[][] logits = new double[data.size()][];
        double[][] feats = new double[data.size()][];
        String ln = model.evalLogits(head).name();
        String fn = model.evalFeatures().name();
        List<String> acts = model.unitActivations();
        double[][][] blocks = new double[acts.size()][data.size()][];
        double[][] input = new double[data.size()][];
        String[] names = new String[acts.size() + 2];
        names[0] = ln;
        names[1] = fn;
        for (int k = 0; k < acts.size(); k++) {
            names[k + 2] = acts.get(k);
        }
        try (Batches batches = Batches.inOrder(data, pipeline, batchSize, 0, 0)) {
            for (Batches.Batch b : batches) {
                Map<String, INDArray> raw;
                synchronized (model) {
                    raw = model.evalOutputs(b.images(), names);
                }
                INDArray l = raw.get(ln);
                INDArray f = raw.get(fn);
                double[][] in = InputStats.of(b.images());
                for (int i = 0; i < b.rows().length; i++) {
                    input[b.rows()[i]] = in[i];
                    logits[b.rows()[i]] = l.getRow(i).toDoubleVector();
                    feats[b.rows()[i]] = f.getRow(i).toDoubleVector();
                }
                for (int k = 0; k < acts.size(); k++) {
                    INDArray mean = raw.get(acts.get(k)).mean(2, 3);
                    for (int i = 0; i < b.rows().length; i++) {
                        blocks[k][b.rows()[i]] = mean.getRow(i).toDoubleVector();
                    }
                    mean.close();
                }
                raw.values().forEach(INDArray::close);
                b.images().close();
            }
        }
        return new Outputs(logits, feats, blocks, input);
    }

    static double[][] softmax(INDArray logits) {
        int n = (int) logits.size(0);
        int k = (int) logits.size(1);
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] z = new double[k];
            for (int c = 0; c < k; c++) {
                z[c] = logits.getDouble(i, c);
            }
            p[i] = softmax(z);
        }
        return p;
    }

    /** Softmax of one row of logits (max subtracted for stability). */
    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.exp(z[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < z.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    static int[] argmax(double[][] probs) {
        int[] out = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            int best = 0;
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * Mean over (group, label) cells of the accuracy in the cell: every (class, sensitive value) group of a
     * validation split counts the same however rare, so a bias-aligned majority cannot carry the score.
     */
    static double groupBalancedAccuracy(int[] pred, int[] labels, long[] group) {
        java.util.Map<Long, int[]> cells = new java.util.HashMap<>();
        for (int i = 0; i < pred.length; i++) {
            int[] c = cells.computeIfAbsent(group[i] * 1_000_003L + labels[i], k -> new int[2]);
            c[0] += pred[i] == labels[i] ? 1 : 0;
            c[1]++;
        }
        double s = 0;
        for (int[] c : cells.values()) {
            s += (double) c[0] / c[1];
        }
        return cells.isEmpty() ? Double.NaN : s / cells.size();
    }

    static double accuracy(int[] pred, int[] labels) {
        int ok = 0;
        for (int i = 0; i < pred.length; i++) {
            ok += pred[i] == labels[i] ? 1 : 0;
        }
        return pred.length == 0 ? Double.NaN : (double) ok / pred.length;
    }

    /**
     * Spatial means of every block's unit activations: per mask name, [rows][units] (eval branch,
     * with the model's current masks and batch-norm statistics).
     */
    static Map<String, double[][]> unitMeans(Model model, ImageDataset data, ImagePipeline pipeline, int batchSize) {
        List<String> masks = List.copyOf(model.masks().keySet());
        List<String> acts = model.unitActivations();
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String m : masks) {
            out.put(m, new double[data.size()][]);
        }
        try (Batches batches = Batches.inOrder(data, pipeline, batchSize, 0, 0)) {
            for (Batches.Batch b : batches) {
                Map<String, INDArray> raw;
                synchronized (model) {
                    raw = model.evalOutputs(b.images(), acts.toArray(new String[0]));
                }
                for (int k = 0; k < masks.size(); k++) {
                    INDArray a = raw.get(acts.get(k));
                    INDArray mean = a.mean(2, 3);
                    double[][] dst = out.get(masks.get(k));
                    for (int i = 0; i < b.rows().length; i++) {
                        dst[b.rows()[i]] = mean.getRow(i).toDoubleVector();
                    }
                    mean.close();
                }
                raw.values().forEach(INDArray::close);
                b.images().close();
            }
        }
        return out;
    }
}
