package org.debias4j.unlearn;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Pooled encoder features (the inference branch's "eval/features") of every image of a dataset. */
public final class Features {
    private Features() {
    }

    public static double[][] extract(Model model, ImageDataset data, ImagePipeline pipeline, int batchSize) {
        double[][] out = new double[data.size()][];
        String name = model.evalFeatures().name();
        try (Batches batches = Batches.inOrder(data, pipeline, batchSize, 0, 0)) {
            for (Batches.Batch b : batches) {
                INDArray f;
                synchronized (model) {
                    f = model.evalOutputs(b.images(), name).get(name);
                }
                for (int i = 0; i < b.rows().length; i++) {
                    out[b.rows()[i]] = f.getRow(i).toDoubleVector();
                }
                f.close();
                b.images().close();
            }
        }
        return out;
    }
}
