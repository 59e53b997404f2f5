package org.debias4j.train;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * A training method as a strategy over the shared engine: which heads the model has, which losses
 * exist, which parameter groups (optimizers) own which parameters, the sequence of steps per batch,
 * and how a batch's labels become placeholders. The engine does the rest (epochs, dropout masks,
 * validation, checkpoints, resume, evaluation).
 */
public interface Method {
    String name();

    List<HeadSpec> heads();

    /** Builds the loss variables on the model's training branch (adding label placeholders). */
    Map<String, SDVariable> losses(Model model);

    List<ParamGroup> paramGroups(Model model);

    List<Step> steps();

    /** Adds this batch's label placeholders. */
    void feed(ImageDataset data, Batches.Batch batch, Map<String, INDArray> placeholders);

    /**
     * How the engine scores each epoch on the validation split; null (the default) = AUC of the main
     * head's sigmoid. Methods with softmax heads (continual tasks) validate by accuracy instead.
     */
    default Validation validation() {
        return null;
    }

    /** Validation accuracy of a model on a split (best epoch = highest accuracy). */
    interface Validation {
        double accuracy(Model model, ImageDataset val, org.debias4j.data.ImagePipeline pipeline, TrainConfig config);
    }

    /** The head whose sigmoid is the melanoma probability. */
    default String mainHead() {
        return "main";
    }
}
