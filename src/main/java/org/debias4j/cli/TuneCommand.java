package org.debias4j.cli;

import org.debias4j.tune.SearchSpec;
import org.debias4j.tune.Tuner;
import org.debias4j.util.UserException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tune}: random or grid hyperparameter search (Arbiter) over any `train` or `biaspruner`
 * command line. The search space file names the parameters (the command's flags), the base command
 * line and the score; options here override the file.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Hyperparameter search (Arbiter random or grid search) over a train or biaspruner command line.",
                "Each candidate runs in-process into OUT/runs/N and is scored from its metrics.json; a killed search "
                        + "started again with the same --out runs only the unfinished candidates.",
                "Writes OUT/candidates.jsonl, results.md, plots/score-vs-*.png and best-preset.json "
                        + "(COMMAND --preset OUT/best-preset.json ...).",
                "Example: tune --space resources/tune/baseline.yaml --candidates 4 --out results/tune/baseline"})
public final class TuneCommand implements Callable<Integer> {
    @Option(names = "--space", required = true, paramLabel = "FILE",
            description = "search space, JSON or YAML (.yaml/.yml); see resources/tune/ and the README's Tuning section")
    Path space;
    @Option(names = "--out", paramLabel = "DIR", description = "search folder (default results/tune/<space file name>)")
    Path out;
    @Option(names = "--candidates", paramLabel = "N", description = "candidate budget (overrides the file; grid: caps the grid)")
    Integer candidates;
    @Option(names = "--max-minutes", paramLabel = "M",
            description = "wall-time budget of this invocation: no further candidate starts after M minutes (the first always runs; 0 = none)")
    Double maxMinutes;
    @Option(names = "--seed", paramLabel = "S", description = "random-search seed (overrides the file; same seed, same candidates)")
    Long seed;
    @Option(names = "--strategy", paramLabel = "random|grid", description = "overrides the file's strategy")
    String strategy;
    @Option(names = "--score", paramLabel = "EXPR",
            description = "metrics.json path or weighted sum, e.g. tests.test_flipped.metrics.auc or 'avg_acc - 0.5*eodd'")
    String score;
    @ArgGroup(exclusive = true)
    Goal goal;
    @Parameters(paramLabel = "COMMAND ARGS", arity = "0..*",
            description = "base command line after '--' (e.g. -- train --arch resnet20_cifar); replaces the file's command and args")
    List<String> base;

    static final class Goal {
        @Option(names = "--maximize", description = "higher score is better (default)")
        boolean maximize;
        @Option(names = "--minimize", description = "lower score is better")
        boolean minimize;
    }

    @Override
    public Integer call() {
        SearchSpec spec = SearchSpec.load(space);
        if (candidates != null && candidates < 1) {
            throw new UserException("--candidates must be at least 1, got " + candidates);
        }
        if (maxMinutes != null && maxMinutes < 0) {
            throw new UserException("--max-minutes must be >= 0, got " + maxMinutes);
        }
        String command = null;
        List<String> args = null;
        if (base != null && !base.isEmpty()) {
            command = base.get(0);
            args = base.subList(1, base.size());
        }
        spec = spec.with(command, args, score, goal == null ? null : goal.maximize, strategy, candidates, seed, maxMinutes);
        if (score != null) {
            org.debias4j.tune.Score.parse(score);
        }
        Path dir = out != null ? out : Path.of("results", "tune", space.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
        new Tuner(spec, dir, System.out).run();
        return 0;
    }
}
