package org.debias4j.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.debias4j.cli.Main;
import org.debias4j.cli.Presets;
import org.debias4j.eval.MetricTable;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a search: each candidate is the base command line plus {@code --flag value} per parameter and
 * its own results folder, run in-process through {@link Main#run}; its score is read from its
 * metrics.json. Every finished candidate is recorded at once (the whole candidates.jsonl rewritten
 * atomically), so a killed search, started again with the same folder, reruns only the unfinished
 * candidates. At the end: results table (results.md), score-vs-parameter plots and the best
 * configuration as a preset (best-preset.json) for {@code COMMAND --preset FILE}.
 *
 * <p>Folder layout: search.json (what identifies the search), candidates.jsonl, runs/N/ (the
 * candidates' results), logs/candidate-N.log (their console output), results.md, plots/, best-preset.json.
 */
public final class Tuner {
    /** A finished candidate. status is "ok" or "failed" (an exception or non-zero exit; score NaN). */
    public record Outcome(int n, Map<String, JsonNode> params, List<String> args, String status, double score,
                          String scoreExpression, double seconds, String metrics, String error) {
    }

    public record Result(Path dir, List<Outcome> records, int ranNow, Outcome best, Path preset, String table) {
    }

    private final SearchSpec spec;
    private final Path dir;
    private final Score score;
    private final PrintStream out;

    public Tuner(SearchSpec spec, Path dir, PrintStream out) {
        this.spec = spec;
        this.dir = dir.toAbsolutePath().normalize();
        this.score = Score.parse(spec.score());
        this.out = out;
    }

    public Path dir() {
        return dir;
    }

    public Result run() {
        List<Candidates.Config> configs = Candidates.generate(spec);
        validate(configs.isEmpty() ? null : configs.get(0)); // before anything is written
        checkIdentity();
        Map<Integer, Outcome> done = readRecords();
        // Everything recorded, including candidates beyond a smaller budget given this time: the file keeps them.
        Map<Integer, Outcome> all = new java.util.TreeMap<>();
        List<Outcome> records = new ArrayList<>();
        for (Candidates.Config c : configs) {
            Outcome r = done.get(c.n());
            // Compared by value, not by argument list: the folder may have moved since (its path is in the args).
            if (r != null && !sameValues(r.params(), c.values())) {
                throw new UserException(dir + " already holds candidate " + c.n() + " with other values " + r.params()
                        + " (expected " + c.values() + "); use another --out folder for a different search");
            }
        }
        // Finished candidates of an earlier run are kept; a changed score expression rescores them.
        done.values().forEach(r -> all.put(r.n(), rescore(r)));
        if (!all.isEmpty()) {
            writeRecords(new ArrayList<>(all.values()));
        }
        for (Candidates.Config c : configs) {
            if (all.containsKey(c.n())) {
                records.add(all.get(c.n()));
            }
        }
        int pending = configs.size() - records.size();
        out.printf(Locale.ROOT, "tune: %s search over %d parameter(s), %d candidates (%d finished earlier, %d to run); "
                        + "score %s (%s); folder %s%n", spec.strategy(), spec.parameters().size(), configs.size(),
                records.size(), pending, score.text(), spec.maximize() ? "maximize" : "minimize", dir);
        long start = System.nanoTime();
        int ranNow = 0;
        try (ProgressBar bar = progress(configs.size(), records.size())) {
            for (Candidates.Config c : configs) {
                if (done.containsKey(c.n())) {
                    continue;
                }
                double minutes = (System.nanoTime() - start) / 60e9;
                // At least one candidate per invocation, so a tight budget still makes progress across restarts.
                if (spec.maxMinutes() > 0 && ranNow > 0 && minutes >= spec.maxMinutes()) {
                    out.printf(Locale.ROOT, "tune: wall-time budget of %s min spent; %d candidate(s) not started "
                            + "(run again with the same --out to continue)%n",
                            new java.math.BigDecimal(String.valueOf(spec.maxMinutes())).stripTrailingZeros().toPlainString(), pending - ranNow);
                    break;
                }
                validate(c);
                Outcome r = runCandidate(c);
                ranNow++;
                records.add(r);
                records.sort(Comparator.comparingInt(Outcome::n));
                all.put(r.n(), r);
                writeRecords(new ArrayList<>(all.values()));
                Outcome best = best(records);
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(best == null ? "" : "best #" + best.n() + " " + fmt(best.score()));
                } else {
                    out.printf(Locale.ROOT, "tune: candidate %d/%d %s -> %s %s (%.1f s)%s%n", c.n(), configs.size(),
                            String.join(" ", paramArgs(c)), r.status(), fmt(r.score()), r.seconds(),
                            r.error() == null ? "" : ": " + r.error());
                }
            }
        }
        return finish(records, ranNow);
    }

    private static boolean sameValues(Map<String, JsonNode> a, Map<String, JsonNode> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : a.entrySet()) {
            if (!Param.text(e.getValue()).equals(Param.text(b.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    /** The candidate's command line: COMMAND, the base args, the parameters' flags, its results folder. */
    List<String> args(Candidates.Config c) {
        List<String> a = new ArrayList<>();
        a.add(spec.command());
        a.addAll(spec.args());
        a.addAll(paramArgs(c));
        for (String r : spec.runArgs()) {
            a.add(substitute(r, c.n()));
        }
        return a;
    }

    private List<String> paramArgs(Candidates.Config c) {
        List<String> a = new ArrayList<>();
        for (Param p : spec.parameters()) {
            a.addAll(p.args(c.values().get(p.name())));
        }
        return a;
    }

    private String substitute(String template, int n) {
        return template.replace("{runs}", dir.resolve("runs").toString()).replace("{n}", String.valueOf(n));
    }

    /**
     * Parses a candidate's command line without running it, so a misspelt parameter name stops the
     * search before any training instead of failing every candidate.
     */
    private void validate(Candidates.Config c) {
        if (c == null) {
            return;
        }
        if (spec.command().equals("tune")) {
            throw new UserException("tune: the base command is 'tune' itself; give the command to tune, e.g. train or biaspruner");
        }
        String[] argv = args(c).toArray(String[]::new);
        CommandLine cl = new CommandLine(new Main());
        cl.setOverwrittenOptionsAllowed(true);
        if (!cl.getSubcommands().containsKey(spec.command())) {
            throw new UserException("tune: unknown command '" + spec.command() + "' (expected one of "
                    + String.join(", ", cl.getSubcommands().keySet()) + ")");
        }
        try {
            CommandLine sub = cl.getSubcommands().get(spec.command());
            if (sub.getCommandSpec().findOption(Presets.OPTION) == null) {
                argv = Presets.expand(argv);
            }
            cl.parseArgs(argv);
        } catch (CommandLine.ParameterException e) {
            throw new UserException("tune: candidate " + c.n() + " is not a valid '" + spec.command()
                    + "' command line (parameter names are its flags): " + e.getMessage());
        }
    }

    private Outcome runCandidate(Candidates.Config c) {
        List<String> argv = args(c);
        Path metrics = Path.of(substitute(spec.metrics(), c.n()));
        Path log = dir.resolve("logs").resolve("candidate-" + c.n() + ".log");
        try {
            // A candidate killed earlier may have left a metrics file of its own: never score a stale one.
            Files.deleteIfExists(metrics);
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UserException("tune: cannot prepare " + metrics + ": " + e.getMessage());
        }
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream errTail = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code;
        String error = null;
        // The candidate's console output goes to its log file, keeping tune's own output readable;
        // its error stream is also kept to report why it failed.
        try (OutputStream file = Files.newOutputStream(log);
             PrintStream logOut = new PrintStream(file, true, StandardCharsets.UTF_8);
             PrintStream logErr = new PrintStream(new Tee(file, errTail), true, StandardCharsets.UTF_8)) {
            logOut.println("# " + String.join(" ", argv));
            System.setOut(logOut);
            System.setErr(logErr);
            try {
                code = Main.run(argv.toArray(String[]::new));
            } catch (RuntimeException | OutOfMemoryError e) {
                code = -1;
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
                e.printStackTrace(logErr);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        } catch (IOException e) {
            throw new UserException("tune: cannot write " + log + ": " + e.getMessage());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String err = lastLine(errTail.toString(StandardCharsets.UTF_8));
        if (code == 2 && error == null) {
            // Exit 2 is a user mistake (a flag value the command rejects): every candidate would fail alike.
            throw new UserException("tune: candidate " + c.n() + " (" + String.join(" ", argv) + ") stopped: "
                    + (err.isEmpty() ? "exit code 2" : err.replaceFirst("^error: ", "")) + " (log: " + log + ")");
        }
        if (code != 0) {
            return new Outcome(c.n(), c.values(), argv, "failed", Double.NaN, score.text(), seconds, stored(metrics),
                    error != null ? error : "exit code " + code + (err.isEmpty() ? "" : ": " + err));
        }
        if (!Files.isRegularFile(metrics)) {
            throw new UserException("tune: candidate " + c.n() + " finished but wrote no " + metrics
                    + "; set 'metrics' (and 'run_args') in the search space to where the command writes its metrics.json");
        }
        double s = score.evaluate(readJson(metrics), metrics.toString());
        System.gc(); // release the finished candidate's native arrays before the next one
        return new Outcome(c.n(), c.values(), argv, "ok", s, score.text(), seconds, stored(metrics), null);
    }

    /** A metrics path as recorded: relative to the search folder when inside it, so the folder can move. */
    private String stored(Path metrics) {
        Path m = metrics.toAbsolutePath().normalize();
        return m.startsWith(dir) ? dir.relativize(m).toString() : m.toString();
    }

    private Outcome rescore(Outcome r) {
        if (!r.status().equals("ok") || !Files.isRegularFile(dir.resolve(r.metrics()))) {
            return r;
        }
        double s = score.evaluate(readJson(dir.resolve(r.metrics())), dir.resolve(r.metrics()).toString());
        return new Outcome(r.n(), r.params(), r.args(), r.status(), s, score.text(), r.seconds(), r.metrics(), r.error());
    }

    Outcome best(List<Outcome> records) {
        Comparator<Outcome> bySc = Comparator.comparingDouble(Outcome::score);
        // A record whose metrics file is gone keeps its old score, which is not comparable under a new expression.
        return records.stream().filter(r -> r.status().equals("ok") && !Double.isNaN(r.score())
                        && r.scoreExpression().equals(score.text()))
                .max(spec.maximize() ? bySc.thenComparing(Outcome::n, Comparator.reverseOrder())
                        : bySc.reversed().thenComparing(Outcome::n, Comparator.reverseOrder()))
                .orElse(null);
    }

    private Result finish(List<Outcome> records, int ranNow) {
        Outcome best = best(records);
        MetricTable t = table(records);
        String text = t.toText();
        out.println();
        out.println(text);
        AtomicFiles.writeString(dir.resolve("results.md"), t.toMarkdown() + "\n");
        TunePlots.scoreVsParameters(spec, score.text(), records, best, dir.resolve("plots"));
        Path preset = null;
        if (best != null) {
            preset = dir.resolve("best-preset.json");
            List<String> args = new ArrayList<>(spec.args());
            args.addAll(paramArgs(new Candidates.Config(best.n(), best.params())));
            Presets.save(preset, new Presets.Preset("best", spec.command(), String.format(Locale.ROOT,
                    "tune: best of %d candidates (#%d), %s = %s%s", records.size(), best.n(), score.text(),
                    fmt(best.score()), spec.description().isEmpty() ? "" : "; " + spec.description()), args));
            out.printf(Locale.ROOT, "best: candidate %d, %s = %s: %s%n", best.n(), score.text(), fmt(best.score()),
                    String.join(" ", paramArgs(new Candidates.Config(best.n(), best.params()))));
            out.println("preset: " + preset + " (" + spec.command() + " --preset " + preset + " ...)");
        } else if (!records.isEmpty()) {
            out.println("no candidate produced a score; see " + dir.resolve("logs"));
        }
        return new Result(dir, List.copyOf(records), ranNow, best, preset, text);
    }

    /** One row per finished candidate, best first. */
    MetricTable table(List<Outcome> records) {
        List<String> cols = new ArrayList<>(List.of("rank", "#"));
        spec.parameters().forEach(p -> cols.add(p.name()));
        cols.addAll(List.of("score", "seconds", "status"));
        MetricTable t = new MetricTable(String.format(Locale.ROOT, "Tuning: %s (%s), %d candidates", score.text(),
                spec.maximize() ? "higher is better" : "lower is better", records.size()), cols.toArray(String[]::new));
        Comparator<Outcome> order = Comparator.comparing((Outcome r) -> !r.status().equals("ok") || Double.isNaN(r.score()))
                .thenComparingDouble(r -> spec.maximize() ? -r.score() : r.score()).thenComparingInt(Outcome::n);
        int rank = 0;
        for (Outcome r : records.stream().sorted(order).toList()) {
            List<Object> row = new ArrayList<>();
            row.add(r.status().equals("ok") && !Double.isNaN(r.score()) ? String.valueOf(++rank) : "-");
            row.add(String.valueOf(r.n()));
            for (Param p : spec.parameters()) {
                JsonNode v = r.params().get(p.name());
                row.add(v == null ? "" : Param.text(v));
            }
            row.add(r.score());
            row.add(String.format(Locale.ROOT, "%.1f", r.seconds()));
            row.add(r.status());
            t.row(row.toArray());
        }
        return t;
    }

    // ---- persistence -------------------------------------------------------------------------

    private void checkIdentity() {
        Path file = dir.resolve("search.json");
        // Compared as re-read JSON: a long seed written and read back comes back as an int node.
        JsonNode id = readJsonText(Json.write(spec.identity()));
        if (Files.isRegularFile(file)) {
            JsonNode old = readJson(file);
            if (!old.equals(id)) {
                List<String> diff = new ArrayList<>();
                id.fieldNames().forEachRemaining(k -> {
                    if (!id.get(k).equals(old.get(k))) {
                        diff.add(k);
                    }
                });
                throw new UserException(dir + " holds a different search (" + String.join(", ", diff)
                        + " changed); use another --out folder, or delete it to start over");
            }
        } else {
            Json.write(file, id);
        }
    }

    private Map<Integer, Outcome> readRecords() {
        Path file = dir.resolve("candidates.jsonl");
        Map<Integer, Outcome> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return m;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode n = Json.MAPPER.readTree(lines.get(i));
                Map<String, JsonNode> params = new LinkedHashMap<>();
                n.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue()));
                List<String> args = new ArrayList<>();
                n.get("args").forEach(a -> args.add(a.asText()));
                JsonNode sc = n.get("score");
                Outcome r = new Outcome(n.get("n").asInt(), params, args, n.get("status").asText(),
                        sc == null || !sc.isNumber() ? Double.NaN : sc.doubleValue(), n.get("score_expression").asText(),
                        n.get("seconds").asDouble(),
                        n.get("metrics").asText(), n.hasNonNull("error") ? n.get("error").asText() : null);
                m.put(r.n(), r);
            } catch (IOException | RuntimeException e) {
                throw new UserException(file + " line " + (i + 1) + " is not a candidate record (" + e.getMessage()
                        + "); was the folder written by another tool?");
            }
        }
        return m;
    }

    private void writeRecords(List<Outcome> records) {
        StringBuilder sb = new StringBuilder();
        for (Outcome r : records) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("n", r.n());
            ObjectNode ps = n.putObject("params");
            r.params().forEach(ps::set);
            n.put("score_expression", r.scoreExpression());
            if (Double.isNaN(r.score())) {
                n.putNull("score");
            } else {
                n.put("score", r.score());
            }
            n.put("status", r.status());
            n.put("seconds", r.seconds());
            n.put("metrics", r.metrics());
            ArrayNode a = n.putArray("args");
            r.args().forEach(a::add);
            if (r.error() != null) {
                n.put("error", r.error());
            }
            try {
                sb.append(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(n)).append('\n');
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        AtomicFiles.writeString(dir.resolve("candidates.jsonl"), sb.toString());
    }

    private static JsonNode readJsonText(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserException("cannot read " + file + " as JSON: " + e.getMessage());
        }
    }

    // ---- console -----------------------------------------------------------------------------

    private ProgressBar progress(int total, int finished) {
        if (System.console() == null && !Boolean.getBoolean("debias4j.progress")) {
            return null; // not a terminal: one line per candidate instead
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName("tune").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).setConsumer(
                        new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build();
        bar.stepTo(finished);
        return bar;
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith("error: ")) {
                return lines[i].strip();
            }
        }
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    /** Writes to the log file and keeps the last 8 KB for the failure message. */
    private static final class Tee extends OutputStream {
        private final OutputStream file;
        private final ByteArrayOutputStream tail;

        Tee(OutputStream file, ByteArrayOutputStream tail) {
            this.file = file;
            this.tail = tail;
        }

        @Override
        public void write(int b) throws IOException {
            file.write(b);
            tail.write(b);
            trim();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            file.write(b, off, len);
            tail.write(b, off, len);
            trim();
        }

        private void trim() {
            if (tail.size() > 16384) {
                byte[] all = tail.toByteArray();
                tail.reset();
                tail.write(all, all.length - 8192, 8192);
            }
        }

        @Override
        public void flush() throws IOException {
            file.flush();
        }

        @Override
        public void close() {
            // the file is closed by its owner
        }
    }
}
