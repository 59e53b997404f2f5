package org.debias4j.cli;

import org.debias4j.prune.PruneConfig;
import org.debias4j.prune.Pruning;
import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BiasPrunerCommandTest {
    private static PruneConfig parse(String... args) {
        BiasPrunerCommand cmd = new BiasPrunerCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.config();
    }

    @Test
    void everyReferenceFlagParses() {
        PruneConfig c = parse("--dataset", "synthetic", "--num_classes", "2", "--learning_rate", "0.01",
                "--num_epochs", "50", "--patience", "10", "--train", "--prune", "--finetune", "--finetune_epochs", "7",
                "--weights_original", "w.safetensors", "--pruned_path", "pruned", "--weights_finetuned", "f.safetensors",
                "--pruning_ratio", "0.5", "--batch", "100", "--q", "0.6", "--alpha", "3", "--seed", "7");
        assertEquals("synthetic", c.dataset());
        assertEquals(2, c.classesPerTask());
        assertEquals(0.01, c.learningRate());
        assertEquals(50, c.trainEpochs(), "--num_epochs sets the training-phase epochs");
        assertEquals(10, c.patience());
        assertEquals(List.of("train", "prune", "finetune"), c.stages());
        assertEquals(7, c.finetuneEpochs());
        assertEquals("w.safetensors", c.weightsOriginal());
        assertEquals(0.5, c.pruningRatio());
        assertEquals(100, c.batchSize());
        assertEquals(0.6, c.q());
        assertEquals(3.0, c.alpha());
        assertEquals(7, c.seed());
        assertEquals(12, parse("--train_epochs", "12").trainEpochs());
    }

    @Test
    void defaultsAreTheMethodsNote() {
        PruneConfig c = parse();
        assertEquals("biaspruner", c.method());
        assertEquals(0.7, c.q());
        assertEquals(1e-4, c.learningRate());
        assertEquals(5e-4, c.weightDecay());
        assertEquals(0.1, c.pruningRatio());
        assertEquals(100, c.batchSize());
        assertEquals(20, c.trainEpochs());
        assertEquals("resnet56_cifar", c.arch());
        assertEquals(100, c.imageSize());
        assertEquals(42, c.seed());
        assertEquals("max_softmax", c.inference());
        assertEquals(List.of("train", "prune", "finetune"), c.stages());
    }

    @Test
    void stagesAndBadValuesAreChecked() {
        assertEquals(List.of("prune", "finetune"),
                parse("--prune", "--finetune", "--weights_original", "x.safetensors").stages());
        assertThrows(UserException.class, () -> parse("--prune"), "pruning without training needs weights");
        assertThrows(UserException.class, () -> parse("--method", "ewc"));
        assertThrows(UserException.class, () -> parse("--inference", "vote"));
        assertThrows(UserException.class, () -> parse("--pruning_ratio", "1.0"));
        assertThrows(UserException.class, () -> parse("--q", "0"));
        assertThrows(UserException.class, () -> parse("--class-score", "max"), "max combines per-class scores");
        assertThrows(UserException.class, () -> parse("--per-class", "--class-score", "median"));
        assertThrows(UserException.class, () -> parse("--arch", "resnet18"));
        assertThrows(UserException.class, () -> parse("--num_classes", "3"));
        UserException fitz = assertThrows(UserException.class, () -> parse("--dataset", "Fitzpatrick"));
        assertTrue(fitz.getMessage().contains("not available"));
        assertThrows(UserException.class, () -> parse("--dataset", "cifar"));
        for (String m : PruneConfig.METHODS) {
            assertEquals(m, parse("--method", m).method());
        }
    }

    @Test
    void syntheticSequenceOptionsParseAndDefaultToTheOriginalSequence() {
        PruneConfig d = parse();
        assertEquals(1.0, d.cueStrength());
        assertEquals(false, d.taskDomains());
        assertEquals(List.of(), d.taskAttributes());
        assertEquals("best", d.selectEpoch());
        PruneConfig c = parse("--cue-strength", "0.5", "--task-domains", "--task-attributes", "skin,device,skin",
                "--select-epoch", "last", "--inference", "input_stats");
        assertEquals(0.5, c.cueStrength());
        assertTrue(c.taskDomains());
        assertEquals(List.of("skin", "device", "skin"), c.taskAttributes());
        assertEquals("last", c.selectEpoch());
        assertEquals("input_stats", c.inference());
        assertThrows(UserException.class, () -> parse("--select-epoch", "first"));
        UserException ham = assertThrows(UserException.class, () -> parse("--dataset", "ham", "--task-domains"));
        assertTrue(ham.getMessage().contains("synthetic sequence only"));
    }

    @Test
    void unknownFlagsAreErrorsAndTheCommandIsListed() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err));
        assertNotEquals(0, cl.execute("biaspruner", "--no-such-flag"));
        assertTrue(cl.getSubcommands().containsKey("biaspruner"));
    }

    @Test
    void selectEpochTakesBestLastOrBalanced() {
        assertEquals("best", parse().selectEpoch());
        assertEquals("balanced", parse("--select-epoch", "balanced").selectEpoch());
        assertEquals("last", parse("--select-epoch", "last").selectEpoch());
        UserException e = assertThrows(UserException.class, () -> parse("--select-epoch", "unbiased"));
        assertTrue(e.getMessage().contains("best, last or balanced"), e.getMessage());
        assertEquals("best", parse().gceEpoch());
        assertEquals("last", parse("--gce-epoch", "last").gceEpoch());
        assertThrows(UserException.class, () -> parse("--gce-epoch", "balanced"));
    }

    @Test
    void classScoreSelectsHowPerClassBiasScoresCombine() {
        assertEquals(Pruning.ClassScore.POOLED, parse().scoreMode());
        assertEquals(Pruning.ClassScore.CLASS_MEAN, parse("--per-class").scoreMode());
        assertEquals(Pruning.ClassScore.CLASS_MAX, parse("--per-class", "--class-score", "max").scoreMode());
    }

    @Test
    void unitScoreAblatesBiasPrunersScoreOnly() {
        assertEquals("bias", parse().unitScore());
        assertEquals("magnitude", parse("--unit-score", "magnitude").unitScore());
        assertEquals("random", parse("--unit-score", "random").unitScore());
        assertThrows(UserException.class, () -> parse("--unit-score", "taylor"));
        UserException e = assertThrows(UserException.class, () -> parse("--method", "packnet", "--unit-score", "random"));
        assertTrue(e.getMessage().contains("ablation of --method biaspruner"), e.getMessage());
    }

    @Test
    void pruneCandidatesDefaultPerMethod() {
        assertEquals("all", parse().pruneCandidates());
        assertEquals("free", parse("--prune-candidates", "free").pruneCandidates());
        assertEquals("free", parse("--method", "packnet").pruneCandidates());
        assertEquals("free", parse("--method", "packnet", "--prune-candidates", "free").pruneCandidates());
        UserException e = assertThrows(UserException.class, () -> parse("--method", "packnet", "--prune-candidates", "all"));
        assertTrue(e.getMessage().contains("--prune-candidates all"), e.getMessage());
        assertThrows(UserException.class, () -> parse("--method", "finetune", "--prune-candidates", "free"));
        assertEquals("none", parse("--method", "finetune").pruneCandidates());
        e = assertThrows(UserException.class, () -> parse("--prune-candidates", "some"));
        assertTrue(e.getMessage().contains("all or free"), e.getMessage());
    }
}
