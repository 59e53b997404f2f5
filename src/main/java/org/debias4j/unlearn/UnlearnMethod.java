package org.debias4j.unlearn;

import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.train.Baseline;
import org.debias4j.train.Method;
import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.TrainConfig;
import org.debias4j.util.UserException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Skin Deep Unlearning (LNTL, TABE, CLGR = TABE + --GRL, and the double-head variants) as a
 * strategy over the shared engine. Two steps per batch, each with its own forward pass:
 * <ol>
 * <li>"main": BCE of the main head plus, per aux head, LNTL's negative entropy (weight --lambdaa)
 * or TABE's confusion loss (weight --alpha) on the plain features; applied by "optimizer"
 * (encoder + main head, --lr-base) and, for TABE-type heads, also "optimizer_confusion" (encoder
 * again, --lr-class: two momentum steps from one gradient, as the reference).</li>
 * <li>"aux": weighted cross-entropy of each aux head on its bias label, through the gradient
 * reversal layer with --GRL; applied by each head's optimizer ("optimizer_aux", "optimizer_aux2":
 * --lr-base for LNTL heads, --lr-class for TABE heads) and by "optimizer" when the encoder learns
 * here: with --GRL (it then unlearns the bias through the reversed gradient), or always under
 * --reference-behaviour (the reference steps the encoder in this phase even without reversal).</li>
 * </ol>
 */
public final class UnlearnMethod implements Method {
    /** The --debias-config values this class implements. */
    public enum Kind {
        LNTL("LNTL", 1), TABE("TABE", 1), BOTH("both", 2), DOUBLE_TABE("doubleTABE", 2), DOUBLE_LNTL("doubleLNTL", 2);

        private final String flag;
        private final int heads;

        Kind(String flag, int heads) {
            this.flag = flag;
            this.heads = heads;
        }

        public String flag() {
            return flag;
        }

        public int heads() {
            return heads;
        }

        /** By --debias-config name (case-insensitive); null when it is not an unlearning method. */
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.flag.equalsIgnoreCase(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** What an aux head does in the main step. */
    public enum Role { LNTL, TABE }

    public static final String OPTIMIZER = "optimizer";
    public static final String OPTIMIZER_CONFUSION = "optimizer_confusion";

    private final TrainConfig config;
    private final UnlearnOptions o;
    private final Kind kind;
    private final List<AuxLabels> labels;
    private final List<Role> roles;
    private final SplittableRandom noise;
    private ImageDataset weightsFor;
    private List<float[]> classWeights;

    public UnlearnMethod(TrainConfig config, Kind kind) {
        this.config = config;
        this.o = config.unlearning();
        this.kind = kind;
        this.labels = AuxLabels.select(kind, o);
        this.roles = switch (kind) {
            case LNTL -> List.of(Role.LNTL);
            case TABE -> List.of(Role.TABE);
            case BOTH -> List.of(Role.LNTL, Role.TABE);
            case DOUBLE_TABE -> List.of(Role.TABE, Role.TABE);
            case DOUBLE_LNTL -> List.of(Role.LNTL, Role.LNTL);
        };
        // The reference's confusion target: fresh U(0,1) per batch; drawn from the run's seed.
        this.noise = new SplittableRandom(config.seed() * 6_364_136_223_846_793_005L + 1442695040888963407L);
    }

    public Kind kind() {
        return kind;
    }

    public List<Role> roles() {
        return roles;
    }

    public List<AuxLabels> labels() {
        return labels;
    }

    /** Name of a --debias-config with --GRL for tables: TABE + GRL is CLGR. */
    public static String displayName(String method, boolean grl) {
        if (method.equals("baseline") || !grl) {
            return method;
        }
        return method.equals("TABE") ? "CLGR" : method + "+GRL";
    }

    public static String aux(int i) {
        return "aux" + (i + 1);
    }

    private int outputs(int i) {
        return i == 0 ? o.numAux() : o.numAux2();
    }

    @Override
    public String name() {
        return kind.flag() + (o.grl() ? "+GRL" : "");
    }

    @Override
    public List<HeadSpec> heads() {
        List<HeadSpec> h = new ArrayList<>();
        h.add(new HeadSpec("main", 1, 0, 0.5));
        for (int i = 0; i < kind.heads(); i++) {
            h.add(new HeadSpec(aux(i), outputs(i), o.deepAux() ? 128 : 0, 0.0));
        }
        return h;
    }

    /** Names of the main-step terms of aux head i: "negent1", "conf1", ... */
    private List<String> mainTerms(int i) {
        if (o.referenceBehaviour() && kind == Kind.BOTH) {
            // The reference applies both terms to head 1 and none to head 2 (head 2 was meant to get the confusion).
            return i == 0 ? List.of("conf1", "negent1") : List.of();
        }
        return List.of((roles.get(i) == Role.LNTL ? "negent" : "conf") + (i + 1));
    }

    @Override
    public Map<String, SDVariable> losses(Model model) {
        SameDiff sd = model.sd();
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        SDVariable y = sd.placeHolder(Baseline.LABEL, DataType.FLOAT, -1, 1);
        losses.put("bce", sd.loss().sigmoidCrossEntropy("loss/bce", y, model.trainLogits("main"), null));
        SDVariable reversed = o.grl() ? Grl.reverse(sd, "train/grl", model.trainFeatures(), o.grlScale()) : null;
        for (int i = 0; i < kind.heads(); i++) {
            String head = aux(i);
            int k = outputs(i);
            SDVariable logits = model.trainLogits(head);
            for (String term : mainTerms(i)) {
                if (term.startsWith("negent")) {
                    losses.put(term, UnlearnLosses.negativeEntropy(sd, "loss/" + term, logits));
                } else {
                    SDVariable t = sd.placeHolder("conftarget/" + head, DataType.FLOAT, -1, k);
                    losses.put(term, UnlearnLosses.confusion(sd, "loss/" + term, logits, t));
                }
            }
            SDVariable ceLogits = reversed != null ? model.trainHead(head, reversed, "grl") : logits;
            SDVariable oneHot = sd.placeHolder("label/" + head, DataType.FLOAT, -1, k);
            SDVariable w = sd.placeHolder("classweight/" + head, DataType.FLOAT, k);
            losses.put("ce" + (i + 1), UnlearnLosses.weightedCrossEntropy(sd, "loss/ce" + (i + 1), ceLogits, oneHot, w));
        }
        return losses;
    }

    private boolean usesConfusionOptimizer() {
        return roles.contains(Role.TABE);
    }

    /** Whether the encoder ("optimizer") learns in the aux step. */
    public boolean encoderInAuxStep() {
        return o.referenceBehaviour() || o.grl();
    }

    @Override
    public List<ParamGroup> paramGroups(Model model) {
        List<ParamGroup> groups = new ArrayList<>();
        List<String> main = new ArrayList<>(model.backboneParameters());
        main.addAll(model.headParameters("main"));
        groups.add(new ParamGroup(OPTIMIZER, Optim.sgd(config.lrBase(), config.momentum()), main));
        if (usesConfusionOptimizer()) {
            groups.add(new ParamGroup(OPTIMIZER_CONFUSION, Optim.sgd(config.lrClass(), config.momentum()),
                    model.backboneParameters()));
        }
        for (int i = 0; i < kind.heads(); i++) {
            double lr = roles.get(i) == Role.LNTL ? config.lrBase() : config.lrClass();
            groups.add(new ParamGroup(auxOptimizer(i), Optim.sgd(lr, config.momentum()), model.headParameters(aux(i))));
        }
        return groups;
    }

    public static String auxOptimizer(int i) {
        return i == 0 ? "optimizer_aux" : "optimizer_aux" + (i + 1);
    }

    @Override
    public List<Step> steps() {
        Map<String, Double> w1 = new LinkedHashMap<>();
        w1.put("bce", 1.0);
        Map<String, Double> w2 = new LinkedHashMap<>();
        List<String> g2 = new ArrayList<>();
        if (encoderInAuxStep()) {
            g2.add(OPTIMIZER);
        }
        for (int i = 0; i < kind.heads(); i++) {
            for (String term : mainTerms(i)) {
                w1.put(term, term.startsWith("negent") ? o.lambdaa() : o.alpha());
            }
            w2.put("ce" + (i + 1), 1.0);
            g2.add(auxOptimizer(i));
        }
        List<String> g1 = usesConfusionOptimizer() ? List.of(OPTIMIZER, OPTIMIZER_CONFUSION) : List.of(OPTIMIZER);
        return List.of(new Step("main", w1, g1), new Step("aux", w2, g2));
    }

    @Override
    public void feed(ImageDataset data, Batches.Batch batch, Map<String, INDArray> placeholders) {
        int[] rows = batch.rows();
        placeholders.put(Baseline.LABEL, Baseline.labels(data, rows));
        if (weightsFor != data) {
            classWeights = new ArrayList<>();
            for (int i = 0; i < kind.heads(); i++) {
                String col = AuxLabels.column(data, labels.get(i).weightColumn());
                classWeights.add(AuxLabels.classWeights(data.attribute(col), outputs(i),
                        "class weights of " + aux(i) + " (column " + col + " of " + data.name() + ")"));
            }
            weightsFor = data;
        }
        for (int i = 0; i < kind.heads(); i++) {
            String head = aux(i);
            int k = outputs(i);
            String col = AuxLabels.column(data, labels.get(i).labelColumn());
            float[] oneHot = new float[rows.length * k];
            for (int r = 0; r < rows.length; r++) {
                int v = data.attribute(col, rows[r]);
                if (v < 0 || v >= k) {
                    throw new UserException(head + " predicts column " + col + ", but row " + (rows[r] + 1) + " of "
                            + data.name() + " has class " + v + " outside 0.." + (k - 1)
                            + "; set --num-aux/--num-aux2 to the number of classes");
                }
                oneHot[r * k + v] = 1f;
            }
            placeholders.put("label/" + head, Nd4j.create(oneHot, new long[]{rows.length, k}, 'c'));
            placeholders.put("classweight/" + head, Nd4j.create(classWeights.get(i), new long[]{k}, 'c'));
            if (mainTerms(i).stream().anyMatch(t -> t.startsWith("conf"))) {
                placeholders.put("conftarget/" + head, confusionTarget(rows.length, k));
            }
        }
    }

    /** The confusion target: uniform 1/K (the paper), or fresh U(0,1) noise (--reference-behaviour). */
    INDArray confusionTarget(int n, int k) {
        float[] t = new float[n * k];
        for (int j = 0; j < t.length; j++) {
            t[j] = o.referenceBehaviour() ? (float) noise.nextDouble() : 1f / k;
        }
        return Nd4j.create(t, new long[]{n, k}, 'c');
    }
}
