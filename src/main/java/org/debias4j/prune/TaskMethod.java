package org.debias4j.prune;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.train.Method;
import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.TrainConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One training phase of a continual task as a {@link Method} for the shared engine: softmax
 * cross-entropy on the task's head, in one of four forms.
 * <ul>
 *   <li>CE: mean_i CE_i (sequential finetuning, PackNet);</li>
 *   <li>GCE (BiasPruner's biased auxiliary model, q): mean_i q * sg(p_{i,y}^q) * CE_i, whose gradient
 *       is that of the generalized cross entropy (1 - p^q)/q: confident (easy, bias-aligned) samples
 *       dominate, so the model learns the shortcut on purpose;</li>
 *   <li>WCE (BiasPruner's finetuning, alpha): mean_i exp(alpha * g_i) * CE_i with g_i the sample's GCE
 *       loss under the biased model, so hard (bias-conflicting) samples weigh more;</li>
 *   <li>JOINT: every task at once, each sample's CE on its own task's head (the upper bound).</li>
 * </ul>
 * One Adam group (weight decay as torch's L2) over the backbone and the trained heads; the continual
 * run freezes protected entries through the runner's freeze masks.
 */
final class TaskMethod implements Method {
    enum Loss { CE, GCE, WCE, JOINT }

    /** Attribute column holding the task index of each row of a joint (all-task) dataset. */
    static final String TASK_COLUMN = "biaspruner_task";

    /**
     * Attribute column of a validation split holding each row's sensitive value: when present, validation
     * scores the group-balanced accuracy (--select-epoch balanced) instead of the plain accuracy.
     */
    static final String GROUP_COLUMN = "biaspruner_group";

    private final String name;
    private final List<HeadSpec> heads;
    private final int task;
    private final Loss loss;
    private final double q;
    private final Optim optim;
    private final float[] rowWeights;

    /**
     * @param heads      every task's head (the model always has all of them, so its parameters do not
     *                   change between phases)
     * @param rowWeights WCE weight per row of the training dataset (null for other losses)
     */
    TaskMethod(String name, List<HeadSpec> heads, int task, Loss loss, double q, Optim optim, float[] rowWeights) {
        this.name = name;
        this.heads = List.copyOf(heads);
        this.task = task;
        this.loss = loss;
        this.q = q;
        this.optim = optim;
        this.rowWeights = rowWeights;
        if (loss == Loss.WCE && rowWeights == null) {
            throw new IllegalArgumentException("WCE needs per-row weights");
        }
    }

    static String label(int t) {
        return "label/" + ContinualTask.headName(t);
    }

    static String weight(int t) {
        return "weight/" + ContinualTask.headName(t);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<HeadSpec> heads() {
        return heads;
    }

    /** Per-sample CE [N] of a head against a one-hot placeholder. */
    private static SDVariable crossEntropy(SameDiff sd, SDVariable logits, SDVariable onehot) {
        return sd.nn().logSoftmax(logits).mul(onehot).sum(1).neg();
    }

    @Override
    public Map<String, SDVariable> losses(Model model) {
        SameDiff sd = model.sd();
        if (loss == Loss.JOINT) {
            SDVariable total = null;
            for (int t = 0; t < heads.size(); t++) {
                SDVariable y = sd.placeHolder(label(t), DataType.FLOAT, -1, heads.get(t).outputs());
                SDVariable present = sd.placeHolder(weight(t), DataType.FLOAT, -1);
                SDVariable term = crossEntropy(sd, model.trainLogits(heads.get(t).name()), y).mul(present);
                total = total == null ? term : total.add(term);
            }
            return Map.of("joint_ce", sd.identity("loss/joint_ce", total.mean()));
        }
        HeadSpec h = heads.get(task);
        SDVariable y = sd.placeHolder(label(task), DataType.FLOAT, -1, h.outputs());
        SDVariable ce = crossEntropy(sd, model.trainLogits(h.name()), y);
        return switch (loss) {
            case CE -> Map.of("ce", sd.identity("loss/ce", ce.mean()));
            case GCE -> {
                SDVariable py = sd.math().exp(ce.neg());
                SDVariable w = new StopGradient(sd, sd.math().pow(py, q)).outputVariable().mul(q);
                yield Map.of("gce", sd.identity("loss/gce", w.mul(ce).mean()));
            }
            case WCE -> {
                SDVariable w = sd.placeHolder(weight(task), DataType.FLOAT, -1);
                yield Map.of("wce", sd.identity("loss/wce", w.mul(ce).mean()));
            }
            default -> throw new IllegalStateException();
        };
    }

    @Override
    public List<ParamGroup> paramGroups(Model model) {
        List<String> params = new ArrayList<>(model.backboneParameters());
        if (loss == Loss.JOINT) {
            heads.forEach(h -> params.addAll(model.headParameters(h.name())));
        } else {
            params.addAll(model.headParameters(heads.get(task).name()));
        }
        return List.of(new ParamGroup("adam", optim, params));
    }

    @Override
    public List<Step> steps() {
        String l = switch (loss) {
            case CE -> "ce";
            case GCE -> "gce";
            case WCE -> "wce";
            case JOINT -> "joint_ce";
        };
        return List.of(new Step(l, Map.of(l, 1.0), List.of("adam")));
    }

    @Override
    public void feed(ImageDataset data, Batches.Batch batch, Map<String, INDArray> placeholders) {
        int[] rows = batch.rows();
        if (loss == Loss.JOINT) {
            int[] taskOf = data.attribute(TASK_COLUMN);
            for (int t = 0; t < heads.size(); t++) {
                float[] y = new float[rows.length * heads.get(t).outputs()];
                float[] present = new float[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    if (taskOf[rows[i]] == t) {
                        present[i] = 1f;
                        y[i * heads.get(t).outputs() + data.label(rows[i])] = 1f;
                    }
                }
                placeholders.put(label(t), Nd4j.create(y, new long[]{rows.length, heads.get(t).outputs()}, 'c'));
                placeholders.put(weight(t), Nd4j.create(present, new long[]{rows.length}, 'c'));
            }
            return;
        }
        placeholders.put(label(task), oneHot(data, rows, heads.get(task).outputs()));
        if (loss == Loss.WCE) {
            float[] w = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                w[i] = rowWeights[rows[i]];
            }
            placeholders.put(weight(task), Nd4j.create(w, new long[]{rows.length}, 'c'));
        }
    }

    static INDArray oneHot(ImageDataset data, int[] rows, int classes) {
        float[] y = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            int l = data.label(rows[i]);
            if (l < 0 || l >= classes) {
                throw new IllegalArgumentException(data.name() + " row " + rows[i] + ": label " + l + " outside 0.."
                        + (classes - 1));
            }
            y[i * classes + l] = 1f;
        }
        return Nd4j.create(y, new long[]{rows.length, classes}, 'c');
    }

    @Override
    public Validation validation() {
        return (Model model, ImageDataset val, ImagePipeline pipeline, TrainConfig config) -> {
            if (loss == Loss.JOINT) {
                int[] taskOf = val.attribute(TASK_COLUMN);
                int[] pred = new int[val.size()];
                for (int t = 0; t < heads.size(); t++) {
                    int[] p = TaskEval.argmax(TaskEval.probabilities(model, heads.get(t).name(), val, pipeline,
                            config.batchSize()));
                    for (int i = 0; i < pred.length; i++) {
                        if (taskOf[i] == t) {
                            pred[i] = p[i];
                        }
                    }
                }
                return score(pred, val, taskOf);
            }
            int[] p = TaskEval.argmax(TaskEval.probabilities(model, heads.get(task).name(), val, pipeline,
                    config.batchSize()));
            return score(p, val, null);
        };
    }

    /** Plain accuracy, or with a group column the mean accuracy over (task, sensitive value, class) cells. */
    static double score(int[] pred, ImageDataset val, int[] taskOf) {
        if (!val.hasAttribute(GROUP_COLUMN)) {
            return TaskEval.accuracy(pred, val.labels());
        }
        int[] g = val.attribute(GROUP_COLUMN);
        long[] key = new long[g.length];
        for (int i = 0; i < g.length; i++) {
            key[i] = (taskOf == null ? 0L : taskOf[i]) * 1_000_003L + g[i];
        }
        return TaskEval.groupBalancedAccuracy(pred, val.labels(), key);
    }
}
