package org.debias4j.prune;

import org.debias4j.util.UserException;

import java.util.List;

/**
 * Everything a continual run depends on, saved as config.json. Defaults follow the methods note
 * (GCE q 0.7, Adam lr 1e-4 with weight decay 5e-4, batch 100, 20 GCE epochs, pruning ratio 0.1).
 *
 * @param method        biaspruner, packnet (magnitude instead of bias score, CE instead of GCE/WCE),
 *                      finetune (sequential, no protection) or joint (all tasks at once, upper bound)
 * @param dataset       synthetic (embedded, default) or ham
 * @param stages        which of train / prune / finetune run per task (all by default)
 * @param pruneScope    layer (each block loses round(ratio * n) units) or global (one ranking)
 * @param perClass      easy/hard split and bias score per class
 * @param bias          fraction of bias-aligned training samples per class and task
 * @param sensitive     ham: the sensitive attribute the tasks are biased on (null = the preset's first)
 * @param cueStrength   synthetic: scale of the lesion classes' own cues (1 = generator default; 0 in an
 *                      older config.json means 1)
 * @param taskDomains   synthetic: each task from its own acquisition source (colour cast, optics)
 * @param taskAttributes synthetic: the spurious attribute of each task (empty = markings, rulers, dark skin)
 * @param selectEpoch   best (the epoch with the best validation accuracy; null/empty in an older config.json) or
 *                      last (the final epoch, for every phase but the GCE biased training: on a biased validation
 *                      split the best accuracy rewards the bias) or balanced (the best epoch by the mean
 *                      validation accuracy over (class, sensitive value) groups; validation data only)
 * @param gceEpoch      which epoch BiasPruner's GCE biased model keeps: best (by validation accuracy, the methods
 *                      note; null in an older config.json) or last (on a strongly biased validation split the
 *                      biased model's accuracy saturates at the bias rate after one epoch, and the tie keeps epoch 1)
 * @param classScore    with perClass, how a unit's per-class bias scores combine: mean (null in an older config.json)
 *                      or max (see {@link Pruning.ClassScore})
 * @param unitScore     biaspruner: which score ranks the units to prune: bias (the method; null in an older
 *                      config.json), or for ablation magnitude (PackNet's) or random, everything else unchanged, so
 *                      that the bias score's own contribution is measured
 * @param pruneCandidates which units a task's pruning may remove: all (biaspruner's default, null in an older
 *                      config.json: earlier tasks' frozen units may leave the new task's subnetwork too) or free
 *                      (packnet's default and only rule: every earlier task's unit stays in the subnetwork, and the
 *                      ratio applies to the units this task trains); none for finetune and joint
 */
public record PruneConfig(
        int testNo,
        String method,
        String dataset,
        int tasks,
        int classesPerTask,
        String arch,
        double widthMultiplier,
        int imageSize,
        int batchSize,
        long seed,
        long dataSeed,
        double learningRate,
        double weightDecay,
        int trainEpochs,
        int finetuneEpochs,
        int patience,
        double q,
        double alpha,
        double pruningRatio,
        String pruneScope,
        boolean perClass,
        String inference,
        double bias,
        int trainSize,
        int valSize,
        int testSize,
        int maxBatches,
        List<String> stages,
        String weightsOriginal,
        String dataDir,
        String sensitive,
        String codeVersion,
        double cueStrength,
        boolean taskDomains,
        List<String> taskAttributes,
        String selectEpoch,
        String gceEpoch,
        String classScore,
        String unitScore,
        String pruneCandidates) {

    public static final List<String> METHODS = List.of("biaspruner", "packnet", "finetune", "joint");

    public PruneConfig {
        stages = List.copyOf(stages);
        taskAttributes = taskAttributes == null ? List.of() : List.copyOf(taskAttributes);
        if (selectEpoch == null || selectEpoch.isEmpty()) {
            selectEpoch = "best";
        }
        if (!List.of("best", "last", "balanced").contains(selectEpoch)) {
            throw new UserException("--select-epoch must be best, last or balanced, got '" + selectEpoch + "'");
        }
        if (gceEpoch == null || gceEpoch.isEmpty()) {
            gceEpoch = "best";
        }
        if (!gceEpoch.equals("best") && !gceEpoch.equals("last")) {
            throw new UserException("--gce-epoch must be best or last, got '" + gceEpoch + "'");
        }
        if (classScore == null || classScore.isEmpty()) {
            classScore = "mean";
        }
        if (!classScore.equals("mean") && !classScore.equals("max")) {
            throw new UserException("--class-score must be mean or max, got '" + classScore + "'");
        }
        if (classScore.equals("max") && !perClass) {
            throw new UserException("--class-score max combines per-class scores: it needs --per-class");
        }
        if (unitScore == null || unitScore.isEmpty()) {
            unitScore = "bias";
        }
        if (!List.of("bias", "magnitude", "random").contains(unitScore)) {
            throw new UserException("--unit-score must be bias, magnitude or random, got '" + unitScore + "'");
        }
        if (!unitScore.equals("bias") && !method.equals("biaspruner")) {
            throw new UserException("--unit-score " + unitScore + " is an ablation of --method biaspruner, not of " + method);
        }
        if (pruneCandidates != null && !pruneCandidates.isEmpty()) {
            if (!pruneCandidates.equals("all") && !pruneCandidates.equals("free")) {
                throw new UserException("--prune-candidates must be all or free, got '" + pruneCandidates + "'");
            }
            if (method.equals("packnet") && pruneCandidates.equals("all")) {
                throw new UserException("--prune-candidates all applies to --method biaspruner only; packnet always "
                        + "keeps earlier tasks' units");
            }
            if (!method.equals("biaspruner") && !method.equals("packnet")) {
                throw new UserException("--prune-candidates applies to the pruning methods, not to --method " + method);
            }
        } else {
            pruneCandidates = switch (method) {
                case "biaspruner" -> "all";
                case "packnet" -> "free";
                default -> "none"; // finetune and joint do not prune
            };
        }
        if (cueStrength == 0) {
            cueStrength = 1.0;
        }
        if (!METHODS.contains(method)) {
            throw new UserException("--method must be one of " + String.join(", ", METHODS) + ", got '" + method + "'");
        }
        if (trainEpochs < 1 || finetuneEpochs < 0) {
            throw new UserException("--train_epochs must be >= 1 and --finetune_epochs >= 0");
        }
        if (batchSize < 1) {
            throw new UserException("--batch must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || weightDecay < 0) {
            throw new UserException("--learning_rate must be positive and --weight_decay >= 0");
        }
        if (!(q > 0 && q <= 1)) {
            throw new UserException("--q must be in (0, 1], got " + q);
        }
        if (!(pruningRatio >= 0 && pruningRatio < 1)) {
            throw new UserException("--pruning_ratio must be in [0, 1), got " + pruningRatio);
        }
        if (!pruneScope.equals("layer") && !pruneScope.equals("global")) {
            throw new UserException("--prune-scope must be layer or global, got '" + pruneScope + "'");
        }
        if (patience < 0) {
            throw new UserException("--patience must be >= 0, got " + patience);
        }
        InferenceRule.parse(inference);
        for (String s : stages) {
            if (!List.of("train", "prune", "finetune").contains(s)) {
                throw new IllegalArgumentException("unknown stage " + s);
            }
        }
    }

    public boolean runs(String stage) {
        return stages.contains(stage);
    }

    /** Methods that keep a subnetwork per task (pruning and freezing). */
    public boolean prunes() {
        return method.equals("biaspruner") || method.equals("packnet");
    }

    /** The bias score's treatment of classes (--per-class, --class-score). */
    public Pruning.ClassScore scoreMode() {
        if (!perClass) {
            return Pruning.ClassScore.POOLED;
        }
        return classScore.equals("max") ? Pruning.ClassScore.CLASS_MAX : Pruning.ClassScore.CLASS_MEAN;
    }

    public InferenceRule rule() {
        return InferenceRule.parse(inference);
    }
}
