package org.debias4j.train;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Melanoma probabilities for a dataset: sigmoid of the main head, averaged over test-time views. */
public final class Inference {
    private Inference() {
    }

    /**
     * @param views 1 = identity only; 8 = the reference's test-time augmentation (identity, flips
     *              of height and width, both, and the same on the transposed image)
     */
    public static double[] probabilities(Model model, String head, ImageDataset data, ImagePipeline pipeline,
                                         int batchSize, int views, int maxBatches) {
        int n = maxBatches > 0 ? Math.min(data.size(), maxBatches * batchSize) : data.size();
        double[] sum = new double[n];
        for (int v = 0; v < views; v++) {
            try (Batches batches = Batches.inOrder(data, pipeline, batchSize, v, maxBatches)) {
                for (Batches.Batch b : batches) {
                    INDArray logits = model.predict(b.images(), head).get(head);
                    INDArray p = Transforms.sigmoid(logits, true);
                    for (int i = 0; i < b.rows().length; i++) {
                        sum[b.rows()[i]] += p.getDouble(i, 0);
                    }
                    p.close();
                    b.images().close();
                }
            }
        }
        for (int i = 0; i < n; i++) {
            sum[i] /= views;
        }
        return sum;
    }
}
