package org.debias4j.prune;

import org.debias4j.eval.MetricTable;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo's BiasPruner rows: the synthetic 3-task sequence at tiny settings, BiasPruner against
 * sequential finetuning, one row per method (a few minutes on 2 cores).
 */
public final class ContinualDemo {
    private ContinualDemo() {
    }

    public static MetricTable run(Path resultsDir, int imageSize, long seed, String arch, double width, boolean debug) {
        List<ContinualTask> tasks = TaskSequences.synthetic(3, imageSize, 42, 0.95, 160, 40, 120,
                Path.of("data", "synthetic"));
        MetricTable t = new MetricTable("debias4j demo: continual learning on 3 synthetic tasks (each with its own "
                + "95%-aligned spurious attribute), unbiased test splits after the last task",
                "method", "avg_acc", "avg_acc_oracle_task", "forgetting", "task_selection", "EOdd", "worst_group_acc");
        int testNo = 1;
        for (String method : List.of("biaspruner", "finetune")) {
            PruneConfig c = new PruneConfig(testNo++, method, "synthetic", 3, 2, arch, width, imageSize, 32, seed, 42,
                    1e-3, 5e-4, 3, 2, 0, 0.7, 2.0, 0.2, "layer", false, "max_softmax", 0.95, 160, 40, 120,
                    debug ? 3 : 0, List.of("train", "prune", "finetune"), null, null, null,
                    org.debias4j.util.CodeVersion.get(), 1.0, false, List.of(), "best", "best", "mean", "bias", null);
            ContinualRun.Result r = ContinualRun.run(c, tasks, resultsDir, false, true, 2);
            Map<String, Object> m = r.metrics();
            t.row(method, m.get("avg_acc"), ((Map<?, ?>) m.get("oracle")).get("avg_acc"), m.get("forgetting"),
                    m.get("task_selection_acc"), m.get("eodd"), m.get("worst_group_acc"));
        }
        return t;
    }
}
