package org.debias4j.prune;

import org.debias4j.nn.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two tiny BiasPruner tasks: after task 1 trains, every weight and batch-norm statistic task 0's
 * subnetwork uses is bit-identical to what it was after task 0, and so are task 0's outputs, while
 * the free units did learn.
 */
class FrozenSubnetworkTest {
    @TempDir
    static Path dir;
    static ContinualRun.Result result;
    static List<ContinualTask> tasks;

    @BeforeAll
    static void run() {
        tasks = TaskSequences.synthetic(2, 32, 5, 0.9, 48, 16, 16, dir.resolve("data"));
        PruneConfig c = new PruneConfig(1, "biaspruner", "synthetic", 2, 2, "resnet20_cifar", 0.25, 32, 16, 1, 5,
                1e-2, 5e-4, 1, 1, 0, 0.7, 2.0, 0.3, "layer", false, "max_softmax", 0.9, 48, 16, 16, 0,
                List.of("train", "prune", "finetune"), null, null, null, "test", 1.0, false, List.of(), "best", "best", "mean", "bias", null);
        result = ContinualRun.run(c, tasks, dir.resolve("results"), false, false, 1);
    }

    /** The unit masks task 0 stored in a checkpoint ("task0.mask.NAME" -> NAME). */
    private static List<String> task0Masks(Map<String, INDArray> checkpoint) {
        return checkpoint.keySet().stream().filter(k -> k.startsWith("task0.mask."))
                .map(k -> k.substring("task0.mask.".length())).toList();
    }

    private static float[] slice(INDArray a, int axis, int i) {
        return UnitGraph.slice(a, axis, i).dup().data().asFloat();
    }

    @Test
    void task0WeightsStatisticsAndOutputsAreBitIdenticalAfterTask1() {
        Path cp = result.runDir().resolve("checkpoints");
        Map<String, INDArray> after0 = SafeTensors.read(cp.resolve("after-task0.safetensors")).tensors();
        Map<String, INDArray> after1 = SafeTensors.read(cp.resolve("after-task1.safetensors")).tensors();
        int checkedUnits = 0;
        int changedFree = 0;
        for (String mask : task0Masks(after0)) {
            double[] keep = after0.get("task0.mask." + mask).toDoubleVector();
            // safetensors holds torch layouts: conv weights [out, in, kH, kW]
            INDArray p0 = after0.get(UnitGraph.producer(mask));
            INDArray p1 = after1.get(UnitGraph.producer(mask));
            INDArray c0 = after0.get(UnitGraph.consumer(mask));
            INDArray c1 = after1.get(UnitGraph.consumer(mask));
            for (int u = 0; u < keep.length; u++) {
                if (keep[u] != 0) {
                    assertArrayEquals(slice(p0, 0, u), slice(p1, 0, u), mask + " unit " + u + " incoming weights");
                    assertArrayEquals(slice(c0, 1, u), slice(c1, 1, u), mask + " unit " + u + " outgoing weights");
                    checkedUnits++;
                } else if (!java.util.Arrays.equals(slice(p0, 0, u), slice(p1, 0, u))) {
                    changedFree++;
                }
            }
        }
        assertTrue(checkedUnits > 0);
        assertTrue(changedFree > 0, "units outside task 0's subnetwork should have learned in task 1");
        assertArrayEquals(after0.get("conv1.weight").data().asFloat(), after1.get("conv1.weight").data().asFloat(), "stem");
        int bn = 0;
        for (String k : after0.keySet()) {
            if (k.startsWith("task0.bn.") || k.startsWith("head.task0.")) {
                assertArrayEquals(after0.get(k).data().asFloat(), after1.get(k).data().asFloat(), k);
                bn++;
            }
        }
        assertTrue(bn > 10);
        // the live batch norm did change in task 1 (it is task 1's now)
        boolean liveChanged = false;
        for (String k : after0.keySet()) {
            if (k.endsWith("running_mean") && !k.startsWith("task")) {
                liveChanged |= !java.util.Arrays.equals(after0.get(k).data().asFloat(), after1.get(k).data().asFloat());
            }
        }
        assertTrue(liveChanged);

        MultiTaskModel m0 = MultiTaskModel.load(cp.resolve("after-task0.safetensors"));
        MultiTaskModel m1 = MultiTaskModel.load(result.runDir());
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32);
        double[][] y0 = m0.predictTask(x, 0);
        double[][] y1 = m1.predictTask(x, 0);
        for (int i = 0; i < y0.length; i++) {
            assertArrayEquals(y0[i], y1[i], 0.0, "task 0 output, sample " + i);
        }
    }

    @Test
    void multiTaskModelPredictsTaskAgnosticallyAndResultsAreWritten() {
        MultiTaskModel m = MultiTaskModel.load(result.runDir());
        assertEquals(2, m.tasks());
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 3, 32, 32);
        MultiTaskModel.Prediction p = m.predict(x);
        for (int i = 0; i < 3; i++) {
            int t = p.task()[i];
            assertTrue(t == 0 || t == 1);
            assertEquals(1.0, p.probs()[i][0] + p.probs()[i][1], 1e-6);
            assertTrue(tasks.get(t).classes().contains(p.globalClass()[i]));
            double conf = Math.max(p.probs()[i][0], p.probs()[i][1]);
            double other = Math.max(p.perTask()[1 - t][i][0], p.perTask()[1 - t][i][1]);
            assertTrue(conf >= other, "max softmax picks the most confident task");
        }
        for (String f : List.of("metrics.json", "report.md", "report.html", "config.json", "accuracy.png",
                "subnetworks/task0.json")) {
            assertTrue(Files.exists(result.runDir().resolve(f)), f);
        }
        for (String k : List.of("avg_acc", "bwt", "forgetting", "eodd", "worst_group_acc")) {
            assertTrue(result.metrics().get(k) instanceof Double, k);
        }
        // the pruned units' attribute sensitivity is reported per task (a percentile in [0, 1])
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pruned = (List<Map<String, Object>>) result.metrics().get("pruned_vs_bias");
        assertEquals(2, pruned.size());
        for (Map<String, Object> d : pruned) {
            double pct = ((Number) d.get("pruned_sensitivity_percentile")).doubleValue();
            assertTrue(pct >= 0 && pct <= 1, "percentile " + pct);
            assertTrue(((Number) d.get("kept_sensitivity_after_finetuning")).doubleValue() >= 0, d.toString());
        }
        // oracle evaluation of a protected method never forgets
        @SuppressWarnings("unchecked")
        Map<String, Object> oracle = (Map<String, Object>) result.metrics().get("oracle");
        assertEquals(0.0, (Double) oracle.get("forgetting"), 0.0);
        // every rule is scored from the same pass; the oracle's numbers equal the top-level oracle's
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Double>> rules = (Map<String, Map<String, Double>>) result.metrics().get("rules");
        for (InferenceRule r : InferenceRule.values()) {
            assertTrue(rules.containsKey(r.key()), r.key());
        }
        assertEquals((Double) oracle.get("avg_acc"), rules.get("oracle").get("avg_acc"), 1e-12);
        assertEquals(1.0, rules.get("oracle").get("task_selection_acc"), 0.0);
        // the stored feature statistics survive save/load: the mahalanobis rules predict from the loaded model
        for (InferenceRule r : List.of(InferenceRule.MAHALANOBIS, InferenceRule.MAHALANOBIS_LAYERS,
                InferenceRule.INPUT_STATS)) {
            MultiTaskModel.Prediction q = m.predict(x, r, null);
            for (int i = 0; i < 3; i++) {
                assertTrue(q.task()[i] == 0 || q.task()[i] == 1);
            }
        }
    }

    @Test
    void withFreeCandidatesLaterTasksKeepEveryEarlierUnitAndPruneOnlyTheirOwn() {
        PruneConfig c = result.config();
        PruneConfig free = new PruneConfig(2, c.method(), c.dataset(), c.tasks(), c.classesPerTask(), c.arch(),
                c.widthMultiplier(), c.imageSize(), c.batchSize(), c.seed(), c.dataSeed(), c.learningRate(),
                c.weightDecay(), c.trainEpochs(), c.finetuneEpochs(), c.patience(), c.q(), c.alpha(), c.pruningRatio(),
                c.pruneScope(), c.perClass(), c.inference(), c.bias(), c.trainSize(), c.valSize(), c.testSize(),
                c.maxBatches(), c.stages(), null, null, null, "test", 1.0, false, List.of(), "best", "best", "mean",
                "bias", "free");
        ContinualRun.Result r = ContinualRun.run(free, tasks, dir.resolve("free"), false, false, 1);
        Map<String, INDArray> ck = SafeTensors.read(r.runDir().resolve("checkpoints/after-task1.safetensors")).tensors();
        Map<String, INDArray> all = SafeTensors.read(result.runDir().resolve("checkpoints/after-task1.safetensors")).tensors();
        int freeUnits = 0;
        int prunedFree = 0;
        int droppedEarlierByAll = 0;
        for (String mask : task0Masks(ck)) {
            double[] m0 = ck.get("task0.mask." + mask).toDoubleVector();
            double[] m1 = ck.get("task1.mask." + mask).toDoubleVector();
            int layerFree = 0;
            int layerPruned = 0;
            for (int u = 0; u < m0.length; u++) {
                if (m0[u] != 0) {
                    assertEquals(1.0, m1[u], 0.0, mask + " unit " + u + ": task 0's unit left task 1's subnetwork");
                } else {
                    layerFree++;
                    layerPruned += m1[u] == 0 ? 1 : 0;
                }
            }
            // the ratio applies to the layer's free units (at least one stays)
            assertEquals(Math.min(Math.round(c.pruningRatio() * layerFree), Math.max(0, layerFree - 1)), layerPruned, mask);
            freeUnits += layerFree;
            prunedFree += layerPruned;
            double[] a0 = all.get("task0.mask." + mask).toDoubleVector();
            double[] a1 = all.get("task1.mask." + mask).toDoubleVector();
            for (int u = 0; u < a0.length; u++) {
                droppedEarlierByAll += a0[u] != 0 && a1[u] == 0 ? 1 : 0;
            }
        }
        assertTrue(freeUnits > 0 && prunedFree > 0, freeUnits + " free, " + prunedFree + " pruned");
        assertTrue(droppedEarlierByAll > 0, "with the default (all) candidates task 1 drops some of task 0's units");
        assertEquals("free", r.config().pruneCandidates());
        assertEquals("all", c.pruneCandidates());
    }

    @Test
    void aKilledRunResumesAtTheNextTaskWithTheSameResult() throws Exception {
        Path copy = dir.resolve("resumed");
        Path src = dir.resolve("results");
        try (java.util.stream.Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path to = copy.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path run = copy.resolve("1");
        // as if killed during task 1: its finished-task checkpoint and the outputs are not there yet
        Files.delete(run.resolve("checkpoints/after-task1.safetensors"));
        Files.delete(run.resolve("metrics.json"));
        ContinualRun.Result again = ContinualRun.run(result.config(), tasks, copy, true, false, 1);
        String log = Files.readString(run.resolve("log.txt"));
        assertTrue(log.contains("resumed after task 0"), log);
        assertEquals(result.metrics().get("avg_acc"), again.metrics().get("avg_acc"));
        assertEquals(result.metrics().get("eodd"), again.metrics().get("eodd"));
        PruneConfig other = new PruneConfig(1, "packnet", "synthetic", 2, 2, "resnet20_cifar", 0.25, 32, 16, 1, 5,
                1e-2, 5e-4, 1, 1, 0, 0.7, 2.0, 0.3, "layer", false, "max_softmax", 0.9, 48, 16, 16, 0,
                List.of("train", "prune", "finetune"), null, null, null, "test", 1.0, false, List.of(), "best", "best", "mean", "bias", null);
        assertThrows(org.debias4j.util.UserException.class, () -> ContinualRun.run(other, tasks, copy, true, false, 1),
                "resuming with other settings is refused");
    }
}
