package org.debias4j.train;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference baseline: main head Dropout(0.5) -> Linear(F, 1), BCE with logits, one SGD
 * optimizer (momentum, constant LR --lr-base) over encoder and main head.
 */
public final class Baseline implements Method {
    public static final String LABEL = "label/main";
    private final TrainConfig config;

    public Baseline(TrainConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public List<HeadSpec> heads() {
        return List.of(new HeadSpec("main", 1, 0, 0.5));
    }

    @Override
    public Map<String, SDVariable> losses(Model model) {
        SDVariable y = model.sd().placeHolder(LABEL, DataType.FLOAT, -1, 1);
        return Map.of("bce", model.sd().loss().sigmoidCrossEntropy("loss/bce", y, model.trainLogits("main"), null));
    }

    @Override
    public List<ParamGroup> paramGroups(Model model) {
        List<String> params = new ArrayList<>(model.backboneParameters());
        params.addAll(model.headParameters("main"));
        return List.of(new ParamGroup("optimizer", Optim.sgd(config.lrBase(), config.momentum()), params));
    }

    @Override
    public List<Step> steps() {
        return List.of(new Step("main", Map.of("bce", 1.0), List.of("optimizer")));
    }

    @Override
    public void feed(ImageDataset data, Batches.Batch batch, Map<String, INDArray> placeholders) {
        placeholders.put(LABEL, labels(data, batch.rows()));
    }

    /** Binary labels of the rows as a [n, 1] float column. */
    public static INDArray labels(ImageDataset data, int[] rows) {
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = data.label(rows[i]);
        }
        return Nd4j.create(y, new long[]{rows.length, 1}, 'c');
    }
}
