package org.debias4j.cli;

import org.debias4j.prune.ContinualRun;
import org.debias4j.prune.ContinualTask;
import org.debias4j.prune.InferenceRule;
import org.debias4j.prune.PruneConfig;
import org.debias4j.prune.TaskSequences;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code biaspruner}: debiased continual learning (BiasPruner) and its baselines on a task sequence,
 * with the reference's flag names (main.py, param.py). Without --dataset it runs the synthetic
 * 3-task sequence, so it works on a fresh machine.
 */
@Command(name = "biaspruner", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Debiased continual learning: BiasPruner (bias scores, pruned per-task subnetworks, "
                + "task-agnostic inference) and the PackNet-style, sequential-finetuning and joint baselines.",
                "Results go to RESULTS_DIR/TEST_NO: config.json, log.txt, metrics.json, report.md/html, plots, "
                        + "multitask.safetensors, subnetworks/, checkpoints/."})
public final class BiasPrunerCommand implements Callable<Integer> {
    // The reference's flags
    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "synthetic (default: the embedded 3-task sequence), ham (HAM10000 from --data-dir), "
                    + "Fitzpatrick/fitz, NIH (not available in this version)")
    String dataset;
    @Option(names = "--num_classes", description = "classes per task (synthetic: 2; ham: splits the 7 classes into tasks)")
    Integer numClasses;
    @Option(names = "--learning_rate", defaultValue = "1e-4", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--num_epochs", description = "epochs of the (GCE) training phase; alias of --train_epochs")
    Integer numEpochs;
    @Option(names = "--train_epochs", defaultValue = "20", description = "epochs of the (GCE) training phase per task (default ${DEFAULT-VALUE})")
    int trainEpochs;
    @Option(names = "--finetune_epochs", defaultValue = "5", description = "epochs of subnetwork finetuning per task (default ${DEFAULT-VALUE})")
    int finetuneEpochs;
    @Option(names = "--patience", defaultValue = "5", description = "early stopping on validation accuracy, epochs (0 = off; default ${DEFAULT-VALUE})")
    int patience;
    @Option(names = "--train", description = "run the training stage (with none of --train/--prune/--finetune, all stages run)")
    boolean train;
    @Option(names = "--prune", description = "run the pruning stage")
    boolean prune;
    @Option(names = "--finetune", description = "run the finetuning stage")
    boolean finetune;
    @Option(names = "--weights_original", description = "initial backbone weights (a debias4j model .safetensors of the same backbone)")
    Path weightsOriginal;
    @Option(names = "--pruned_path", description = "also write each task's subnetwork (keep masks and scores, JSON) to this folder")
    Path prunedPath;
    @Option(names = "--weights_finetuned", description = "also write the final multi-task model to this file")
    Path weightsFinetuned;
    @Option(names = {"--pruning_ratio", "--pruning-ratio"}, defaultValue = "0.1", description = "fraction of units pruned per task (default ${DEFAULT-VALUE})")
    double pruningRatio;
    @Option(names = {"--batch", "--batch-size"}, defaultValue = "100", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--q", defaultValue = "0.7", description = "GCE q (default ${DEFAULT-VALUE})")
    double q;
    @Option(names = "--alpha", defaultValue = "2.0", description = "WCE weight exp(alpha * GCE loss); the reference never sets it (default ${DEFAULT-VALUE})")
    double alpha;
    @Option(names = "--weight_decay", defaultValue = "5e-4", description = "Adam weight decay (L2, as torch; default ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--seed", defaultValue = "42", description = "seed (default ${DEFAULT-VALUE}, as the reference)")
    long seed;

    // debias4j additions
    @Option(names = "--method", defaultValue = "biaspruner", description = "biaspruner, packnet, finetune or joint (default ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--inference", defaultValue = "max_softmax", description = "task-agnostic rule: max_softmax, min_entropy, oracle, energy, mahalanobis, mahalanobis_layers, input_stats (default ${DEFAULT-VALUE}; metrics.json reports every rule)")
    String inference;
    @Option(names = "--per-class", description = "easy/hard split and bias score per class")
    boolean perClass;
    @Option(names = "--prune-scope", defaultValue = "layer", description = "layer (each block loses the ratio) or global (default ${DEFAULT-VALUE})")
    String pruneScope;
    @Option(names = "--tasks", defaultValue = "3", description = "number of tasks (synthetic: 1..3; default ${DEFAULT-VALUE})")
    int tasks;
    @Option(names = "--bias", defaultValue = "0.95", description = "fraction of bias-aligned training samples per class and task (default ${DEFAULT-VALUE})")
    double bias;
    @Option(names = "--train-size", defaultValue = "800", description = "training images per task (ham: a cap) (default ${DEFAULT-VALUE})")
    int trainSize;
    @Option(names = "--val-size", defaultValue = "200", description = "validation images per task (ham: a cap) (default ${DEFAULT-VALUE})")
    int valSize;
    @Option(names = "--test-size", defaultValue = "400", description = "unbiased test images per task (ham: a cap) (default ${DEFAULT-VALUE})")
    int testSize;
    @Option(names = "--cue-strength", defaultValue = "1.0", description = "synthetic: scale of the lesion classes' own "
            + "cues (1 = the generator's default; lower makes the spurious attribute the easier cue) (default ${DEFAULT-VALUE})")
    double cueStrength;
    @Option(names = "--task-domains", description = "synthetic: each task comes from its own acquisition source "
            + "(colour cast, vignette, dermoscope field of view), constant within the task")
    boolean taskDomains;
    @Option(names = "--task-attributes", split = ",", description = "synthetic: the spurious attribute of each task, "
            + "comma-separated, from marked, ruler, device (binary: the device half aligned with the class), skin "
            + "(default marked,ruler,skin)")
    List<String> taskAttributes;
    @Option(names = "--select-epoch", defaultValue = "best", description = "which epoch a phase keeps: best (validation "
            + "accuracy), last, or balanced (best mean validation accuracy over (class, sensitive value) groups); "
            + "the GCE biased training always keeps its best by plain validation accuracy (default ${DEFAULT-VALUE})")
    String selectEpoch;
    @Option(names = "--gce-epoch", defaultValue = "best", description = "which epoch BiasPruner's GCE biased model "
            + "keeps: best (validation accuracy, the methods note) or last (default ${DEFAULT-VALUE})")
    String gceEpoch;
    @Option(names = "--class-score", defaultValue = "mean", description = "with --per-class, how the per-class bias "
            + "scores of a unit combine: mean (a shortcut whose aligned value differs per class cancels) or max (a unit "
            + "biased for any class is pruned) (default ${DEFAULT-VALUE})")
    String classScore;
    @Option(names = "--unit-score", defaultValue = "bias", description = "biaspruner: the score that ranks units for "
            + "pruning: bias (the method), or as an ablation magnitude or random with everything else unchanged "
            + "(default ${DEFAULT-VALUE})")
    String unitScore;
    @Option(names = "--prune-candidates", description = "which units a task's pruning may remove: all (biaspruner's "
            + "default: earlier tasks' frozen units may leave the new task's subnetwork) or free (only units this task "
            + "trains; earlier tasks' units always stay in the subnetwork, as packnet does)")
    String pruneCandidates;
    @Option(names = "--data-seed", defaultValue = "42", description = "synthetic: generation seed (default ${DEFAULT-VALUE})")
    long dataSeed;
    @Option(names = "--data-dir", description = "dataset folder (ham: HAM10000_metadata.csv and images/; default ../shared/data/ham10000)")
    Path dataDir;
    @Option(names = "--sensitive", description = "ham: sensitive attribute, sex (default) or age_group (<60 vs >=60)")
    String sensitive;
    @Option(names = "--arch", defaultValue = "resnet56_cifar", description = "CIFAR ResNet backbone (default ${DEFAULT-VALUE}, as the reference)")
    String arch;
    @Option(names = "--width-mult", defaultValue = "1.0", description = "backbone width multiplier")
    double widthMult;
    @Option(names = "--image-size", defaultValue = "100", description = "input size (default ${DEFAULT-VALUE}, as the reference)")
    int imageSize;
    @Option(names = "--DEBUG", description = "3 batches per epoch")
    boolean debug;
    @Option(names = "--test-no", defaultValue = "1", description = "results go to RESULTS_DIR/TEST_NO (default ${DEFAULT-VALUE})")
    int testNo;
    @Option(names = "--results-dir", defaultValue = "results/biaspruner", description = "results root (default ${DEFAULT-VALUE})")
    Path resultsDir;
    @Option(names = "--resume", description = "continue a killed run at the task after its last finished one")
    boolean resume;
    @Option(names = "--num-workers", defaultValue = "2", description = "image decoding threads")
    int numWorkers;

    @Override
    public Integer call() {
        PruneConfig c = config();
        List<ContinualTask> seq = tasks(c);
        ContinualRun.Result r = ContinualRun.run(c, seq, resultsDir, resume, true, numWorkers);
        if (prunedPath != null) {
            copyTree(r.runDir().resolve("subnetworks"), prunedPath);
        }
        if (weightsFinetuned != null) {
            copy(r.runDir().resolve(org.debias4j.prune.MultiTaskModel.FILE), weightsFinetuned);
        }
        System.out.printf(Locale.ROOT, "%s: avg_acc %.4f  bwt %.4f  forgetting %.4f  eodd %.4f  worst_group_acc %.4f%n",
                c.method(), r.metrics().get("avg_acc"), r.metrics().get("bwt"), r.metrics().get("forgetting"),
                r.metrics().get("eodd"), r.metrics().get("worst_group_acc"));
        return 0;
    }

    PruneConfig config() {
        List<String> stages = new ArrayList<>();
        if (train) {
            stages.add("train");
        }
        if (prune) {
            stages.add("prune");
        }
        if (finetune) {
            stages.add("finetune");
        }
        if (stages.isEmpty()) {
            stages = List.of("train", "prune", "finetune");
        }
        if (!stages.contains("train") && weightsOriginal == null) {
            throw new UserException("without --train the biased model must come from --weights_original FILE");
        }
        InferenceRule.parse(inference);
        String ds = normaliseDataset(dataset);
        int perTask = numClasses == null ? 2 : numClasses;
        if (perTask != 2) {
            throw new UserException("--num_classes: the " + ds + " sequence has 2 classes per task (binary "
                    + "Learning-from-Failure tasks), got " + perTask);
        }
        if (!ds.equals("synthetic") && (taskDomains || cueStrength != 1.0
                || (taskAttributes != null && !taskAttributes.isEmpty()))) {
            throw new UserException("--cue-strength, --task-domains and --task-attributes apply to the synthetic sequence only, not --dataset "
                    + ds);
        }
        if (!arch.endsWith("_cifar")) {
            throw new UserException("--arch must be a CIFAR ResNet (resnet20_cifar, resnet32_cifar, resnet44_cifar, "
                    + "resnet56_cifar): BiasPruner prunes their blocks' units; got " + arch);
        }
        return new PruneConfig(testNo, method.toLowerCase(Locale.ROOT), ds, tasks, perTask, arch, widthMult, imageSize,
                batch, seed, dataSeed, learningRate, weightDecay, numEpochs != null ? numEpochs : trainEpochs,
                finetuneEpochs, patience, q, alpha, pruningRatio, pruneScope, perClass, inference, bias, trainSize,
                valSize, testSize, debug ? 3 : 0, stages, weightsOriginal == null ? null : weightsOriginal.toString(),
                dataDir == null ? null : dataDir.toString(), sensitive, org.debias4j.util.CodeVersion.get(),
                cueStrength, taskDomains, taskAttributes, selectEpoch, gceEpoch, classScore, unitScore, pruneCandidates);
    }

    static String normaliseDataset(String d) {
        String s = d.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "synthetic" -> "synthetic";
            case "ham", "ham10000" -> "ham";
            case "fitzpatrick", "fitz" -> throw new UserException("--dataset " + d + ": the Fitzpatrick17k task sequence "
                    + "is not available in this version (its images are not in ../shared/data)");
            case "nih" -> throw new UserException("--dataset " + d + ": the NIH ChestX-ray14 task sequence is not "
                    + "available in this version (its images are not in ../shared/data)");
            default -> throw new UserException("--dataset must be synthetic, ham, Fitzpatrick or NIH, got '" + d + "'");
        };
    }

    private List<ContinualTask> tasks(PruneConfig c) {
        if (c.dataset().equals("synthetic")) {
            return TaskSequences.synthetic(c.tasks(), c.imageSize(), c.dataSeed(), c.bias(), c.trainSize(), c.valSize(),
                    c.testSize(), c.cueStrength(), c.taskDomains(), c.taskAttributes(), Path.of("data", "synthetic"));
        }
        Path folder = dataDir != null ? dataDir : Path.of("..", "shared", "data", "ham10000");
        return TaskSequences.ham(folder, c.sensitive(), c.tasks(), c.dataSeed(), c.bias(), c.trainSize(), c.valSize(),
                c.testSize());
    }

    private static void copy(Path from, Path to) {
        try {
            if (to.toAbsolutePath().getParent() != null) {
                java.nio.file.Files.createDirectories(to.toAbsolutePath().getParent());
            }
            java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new UserException("Cannot write " + to + ": " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path from, Path to) {
        if (!java.nio.file.Files.isDirectory(from)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(from)) {
            for (Path p : s.toList()) {
                copy(p, to.resolve(p.getFileName().toString()));
            }
        } catch (java.io.IOException e) {
            throw new UserException("Cannot write " + to + ": " + e.getMessage(), e);
        }
    }
}
