package org.debias4j.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.debias4j.data.Batches;
import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.eval.BinaryMetrics;
import org.debias4j.nn.Model;
import org.debias4j.util.Json;
import org.debias4j.util.Memory;
import org.debias4j.util.UserException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The shared training engine: epochs of a method's steps over shuffled batches, validation AUC each
 * epoch, early stopping on it (--patience), best and last checkpoints written atomically each
 * epoch, and --resume from the last one. Methods differ only in their {@link Method} strategy.
 */
public final class Engine {
    public static final String LAST = "checkpoint-last.safetensors";
    public static final String BEST = "checkpoint-best.safetensors";

    private final TrainConfig config;
    private final Method method;
    private final Model model;
    private final StepRunner runner;
    private final Path checkpointDir;
    private final RunLog log;
    private final Memory memory = Memory.forTraining();
    private int stopAfterEpochs = Integer.MAX_VALUE;

    public Engine(TrainConfig config, Method method, Model model, Path checkpointDir, RunLog log) {
        this.config = config;
        this.method = method;
        this.model = model;
        this.checkpointDir = checkpointDir;
        this.log = log;
        Map<String, SDVariable> losses = method.losses(model);
        this.runner = new StepRunner(model, losses, method.paramGroups(model), 0.1);
    }

    /** Test hook: return after this many epochs of this call, as if the process had been killed. */
    void stopAfterEpochs(int epochs) {
        this.stopAfterEpochs = epochs;
    }

    public Model model() {
        return model;
    }

    public StepRunner runner() {
        return runner;
    }

    public long peakResidentBytes() {
        return memory.peakBytes();
    }

    /** Trains (or resumes) and returns the per-epoch history. */
    public List<Checkpoint.EpochStats> fit(ImageDataset train, ImageDataset val, ImagePipeline pipeline,
                                           boolean resume) {
        String configJson = Json.write(config);
        Path last = checkpointDir.resolve(LAST);
        Checkpoint state = new Checkpoint(0, 0, List.of(), Double.NEGATIVE_INFINITY, -1, 0, false, configJson);
        if (resume && Files.exists(last)) {
            state = Checkpoint.restore(last, model, runner.groups().values());
            if (!state.configJson().equals(configJson)) {
                throw new UserException("--resume: " + last + " was written with other settings; rerun with the "
                        + "same arguments, or without --resume to start over.\n  saved:   " + oneLine(state.configJson())
                        + "\n  current: " + oneLine(configJson));
            }
            runner.setIteration(state.iteration());
            log.line("resumed from " + last + " after epoch " + state.epochsDone());
            if (state.finished()) {
                log.line("run had already finished; nothing to train");
                return state.history();
            }
        } else if (resume) {
            log.line("--resume: no checkpoint at " + last + "; starting from scratch");
        }
        List<Checkpoint.EpochStats> history = new ArrayList<>(state.history());
        double best = state.bestScore();
        int bestEpoch = state.bestEpoch();
        int bad = state.badEpochs();
        long start = System.nanoTime();
        int done = state.epochsDone();
        for (int epoch = state.epochsDone(); epoch < config.nEpochs(); epoch++) {
            long t0 = System.nanoTime();
            Map<String, Double> lossMeans = trainEpoch(train, pipeline, epoch);
            ValidationScore vm = validate(val, pipeline);
            double seconds = (System.nanoTime() - t0) / 1e9;
            history.add(new Checkpoint.EpochStats(epoch + 1, lossMeans, vm.auc(), vm.accuracy(), seconds));
            double score = Double.isNaN(vm.auc()) ? vm.accuracy() : vm.auc();
            boolean improved = score > best;
            if (improved) {
                best = score;
                bestEpoch = epoch + 1;
                bad = 0;
                new Checkpoint(epoch + 1, runner.iteration(), history, best, bestEpoch, 0, false, configJson)
                        .save(checkpointDir.resolve(BEST), model, runner.groups().values());
            } else {
                bad++;
            }
            boolean stop = config.patience() > 0 && bad >= config.patience();
            boolean finished = stop || epoch + 1 == config.nEpochs();
            new Checkpoint(epoch + 1, runner.iteration(), history, best, bestEpoch, bad, finished, configJson)
                    .save(last, model, runner.groups().values());
            done = epoch + 1;
            double perEpoch = (System.nanoTime() - start) / 1e9 / (done - state.epochsDone());
            Duration eta = Duration.ofSeconds(Math.round(perEpoch * (config.nEpochs() - done)));
            // Methods that validate by accuracy only (BiasPruner's phases) have no AUC to show.
            String auc = Double.isNaN(vm.auc()) ? "" : String.format("  val AUC %.4f", vm.auc());
            log.line(String.format("epoch %d/%d  loss %s%s  val acc %.4f  %.1fs  ETA %s  RSS %s%s",
                    epoch + 1, config.nEpochs(), formatLosses(lossMeans), auc, vm.accuracy(), seconds,
                    formatDuration(eta), Memory.mib(Memory.residentBytes()), improved ? "  (best)" : ""));
            if (done - state.epochsDone() >= stopAfterEpochs) {
                break;
            }
            if (stop) {
                log.line("early stopping: validation score has not improved for " + bad + " epochs (best epoch "
                        + bestEpoch + ")");
                break;
            }
        }
        return history;
    }

    /** AUC (NaN when the method validates by accuracy only) and accuracy on the validation split. */
    private record ValidationScore(double auc, double accuracy) {
    }

    private ValidationScore validate(ImageDataset val, ImagePipeline pipeline) {
        Method.Validation custom = method.validation();
        if (custom != null) {
            return new ValidationScore(Double.NaN, custom.accuracy(model, val, pipeline, config));
        }
        double[] p = Inference.probabilities(model, method.mainHead(), val, pipeline, config.batchSize(), 1,
                config.maxBatches());
        BinaryMetrics vm = BinaryMetrics.compute(p, prefix(val.labels(), p.length), 0.5);
        return new ValidationScore(vm.auc(), vm.accuracy());
    }

    private Map<String, Double> trainEpoch(ImageDataset train, ImagePipeline pipeline, int epoch) {
        SplittableRandom dropoutRng = new SplittableRandom(config.seed() * 7919L + epoch);
        // In-graph randomness (stochastic depth) draws from ND4J's generator: seed it per epoch so a
        // resumed run repeats the uninterrupted one.
        Nd4j.getRandom().setSeed(config.seed() * 104_729L + epoch);
        Map<String, Double> sums = new LinkedHashMap<>();
        int count = 0;
        try (Batches batches = Batches.training(train, pipeline, config.batchSize(), config.seed(), epoch, config.augment(),
                config.maxBatches());
             ProgressBar bar = progress("epoch " + (epoch + 1) + "/" + config.nEpochs(), batches.size())) {
            for (Batches.Batch b : batches) {
                for (Step step : method.steps()) {
                    Map<String, INDArray> ph = new HashMap<>();
                    ph.put(Model.INPUT, b.images());
                    method.feed(train, b, ph);
                    for (Model.Dropout d : model.dropouts()) {
                        ph.put(d.placeholder(), dropoutMask(b.rows().length, d, dropoutRng));
                    }
                    Map<String, Double> losses = runner.run(step, ph, epoch);
                    for (Map.Entry<String, Double> e : losses.entrySet()) {
                        if (step.lossWeights().getOrDefault(e.getKey(), 0.0) != 0.0 && !Double.isFinite(e.getValue())) {
                            // Stop with a clear message instead of training on NaN (and failing later in metrics or plots).
                            throw new UserException(String.format("training diverged: loss %s/%s is %s in epoch %d; lower "
                                    + "the learning rates (--lr-base, --lr-class) or the unlearning strengths "
                                    + "(--grl-scale, --alpha, --lambdaa)", step.name(), e.getKey(), e.getValue(), epoch + 1));
                        }
                    }
                    for (Map.Entry<String, Double> e : losses.entrySet()) {
                        if (step.lossWeights().getOrDefault(e.getKey(), 0.0) != 0.0) {
                            sums.merge(step.name() + "/" + e.getKey(), e.getValue(), Double::sum);
                        }
                    }
                    for (INDArray a : ph.values()) {
                        if (a != b.images()) {
                            a.close();
                        }
                    }
                }
                b.images().close();
                count++;
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(formatLosses(mean(sums, count)));
                }
                memory.afterStep();
            }
        }
        return mean(sums, count);
    }

    private static INDArray dropoutMask(int n, Model.Dropout d, SplittableRandom rng) {
        float keep = (float) (1.0 / (1.0 - d.p()));
        float[] m = new float[n * d.width()];
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < d.p() ? 0f : keep;
        }
        return Nd4j.create(m, new long[]{n, d.width()}, 'c');
    }

    private static ProgressBar progress(String task, int max) {
        if (System.console() == null && !Boolean.getBoolean("debias4j.progress")) {
            return null; // not a terminal: the per-epoch log lines are the progress
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).showSpeed().build();
    }

    private static Map<String, Double> mean(Map<String, Double> sums, int count) {
        Map<String, Double> m = new LinkedHashMap<>();
        sums.forEach((k, v) -> m.put(k, v / Math.max(1, count)));
        return m;
    }

    private static int[] prefix(int[] a, int n) {
        return n == a.length ? a : java.util.Arrays.copyOf(a, n);
    }

    static String formatLosses(Map<String, Double> losses) {
        StringBuilder sb = new StringBuilder();
        losses.forEach((k, v) -> sb.append(sb.length() > 0 ? " " : "").append(k).append('=')
                .append(String.format("%.4f", v)));
        return sb.toString();
    }

    private static String formatDuration(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    private static String oneLine(String json) {
        return json.replaceAll("\\s+", " ");
    }
}
