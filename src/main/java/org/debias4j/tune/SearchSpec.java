package org.debias4j.tune;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search-space file (JSON, or YAML for .yaml/.yml): the base command line, the searched
 * parameters, the score and the budget. Example:
 * <pre>
 * {"command": "train",
 *  "args": ["--arch", "resnet20_cifar", "--n-epochs", "2"],
 *  "score": "tests.test_flipped.metrics.auc", "goal": "maximize",
 *  "strategy": "random", "candidates": 12, "seed": 0,
 *  "parameters": {
 *    "--lr-base":  {"type": "continuous", "min": 1e-4, "max": 0.1, "log": true},
 *    "--momentum": {"type": "discrete", "values": [0.8, 0.9, 0.95]},
 *    "--n-epochs": {"type": "integer", "min": 1, "max": 3}}}
 * </pre>
 *
 * @param runArgs    arguments giving each candidate its own results folder; {runs} is the search's
 *                   runs/ folder and {n} the candidate number (default: train's --results-dir and --test-no)
 * @param metrics    the candidate's metrics.json, same placeholders (default {runs}/{n}/metrics.json)
 * @param candidates candidate budget; 0 = the whole grid (grid) or 10 (random)
 * @param gridPoints points per continuous parameter in a grid search
 * @param maxMinutes wall-time budget: no candidate starts after it is spent (0 = none)
 */
public record SearchSpec(String description, String command, List<String> args, String score, boolean maximize,
                         String strategy, int candidates, int gridPoints, long seed, double maxMinutes,
                         List<String> runArgs, String metrics, List<Param> parameters) {
    public static final List<String> DEFAULT_RUN_ARGS = List.of("--results-dir", "{runs}", "--test-no", "{n}");
    public static final String DEFAULT_METRICS = "{runs}/{n}/metrics.json";
    static final Set<String> KEYS = Set.of("description", "command", "args", "score", "goal", "strategy", "candidates",
            "grid_points", "seed", "max_minutes", "run_args", "metrics", "parameters");
    static final Set<String> PARAM_KEYS = Set.of("type", "min", "max", "log", "values");

    public SearchSpec {
        args = List.copyOf(args);
        runArgs = List.copyOf(runArgs);
        parameters = List.copyOf(parameters);
    }

    public boolean grid() {
        return strategy.equals("grid");
    }

    public SearchSpec with(String command, List<String> args, String score, Boolean maximize, String strategy,
                           Integer candidates, Long seed, Double maxMinutes) {
        return new SearchSpec(description, command != null ? command : this.command, args != null ? args : this.args,
                score != null ? score : this.score, maximize != null ? maximize : this.maximize,
                strategy != null ? checkStrategy(strategy, "--strategy") : this.strategy,
                candidates != null ? candidates : this.candidates, gridPoints, seed != null ? seed : this.seed,
                maxMinutes != null ? maxMinutes : this.maxMinutes, runArgs, metrics, parameters);
    }

    /** What identifies a search for resuming: everything that changes the candidate sequence or their runs. */
    ObjectNode identity() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("command", command);
        args.forEach(n.putArray("args")::add);
        n.put("strategy", strategy);
        n.put("grid_points", gridPoints);
        n.put("seed", seed);
        runArgs.forEach(n.putArray("run_args")::add);
        n.put("metrics", metrics);
        ObjectNode ps = n.putObject("parameters");
        for (Param p : parameters) {
            ObjectNode o = ps.putObject(p.name());
            o.put("type", p.type().name().toLowerCase());
            if (p.type() == Param.Type.DISCRETE) {
                ArrayNode vs = o.putArray("values");
                p.values().forEach(vs::add);
            } else {
                o.put("min", p.min());
                o.put("max", p.max());
                o.put("log", p.log());
            }
        }
        return n;
    }

    public static SearchSpec load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("search space file " + file + " does not exist");
        }
        String name = file.getFileName().toString().toLowerCase();
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("cannot read search space file " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text, yaml);
    }

    public static SearchSpec parse(String where, String text, boolean yaml) {
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : Json.MAPPER;
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new UserException("search space " + where + ": invalid " + (yaml ? "YAML" : "JSON") + at + ": "
                    + problem(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new UserException("search space " + where + ": expected an object with 'command', 'args', 'score' "
                    + "and 'parameters'");
        }
        String w = "search space " + where + ": ";
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new UserException(w + "unknown key '" + k + "' (expected " + sorted(KEYS) + ")");
            }
        }
        String command = text(root, "command", "train", w);
        List<String> args = strings(root, "args", List.of(), w);
        String score = text(root, "score", null, w);
        if (score == null) {
            throw new UserException(w + "'score' is missing: a metrics.json path such as "
                    + "\"tests.test_flipped.metrics.auc\" or a weighted sum such as \"avg_acc - 0.5*eodd\"");
        }
        Score.parse(score); // fail early on a malformed expression
        String goal = text(root, "goal", "maximize", w);
        if (!goal.equals("maximize") && !goal.equals("minimize")) {
            throw new UserException(w + "'goal' must be \"maximize\" or \"minimize\", got \"" + goal + "\"");
        }
        String strategy = checkStrategy(text(root, "strategy", "random", w), w + "'strategy'");
        int candidates = (int) number(root, "candidates", 0, w, true, 0);
        int gridPoints = (int) number(root, "grid_points", 3, w, true, 2);
        long seed = (long) number(root, "seed", 0, w, true, Long.MIN_VALUE);
        double maxMinutes = number(root, "max_minutes", 0, w, false, 0);
        List<String> runArgs = strings(root, "run_args", DEFAULT_RUN_ARGS, w);
        String metrics = text(root, "metrics", DEFAULT_METRICS, w);
        JsonNode ps = root.get("parameters");
        if (ps == null || !ps.isObject() || ps.isEmpty()) {
            throw new UserException(w + "'parameters' must be a non-empty object: flag name -> "
                    + "{\"type\": \"continuous\"|\"integer\"|\"discrete\", ...}");
        }
        List<Param> params = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.add(param(e.getKey(), e.getValue(), w));
        }
        for (Param p : params) {
            for (String r : runArgs) {
                if (r.equals(p.flag())) {
                    throw new UserException(w + "parameter '" + p.name() + "': " + p.flag()
                            + " is set by tune for every candidate (its own results folder) and cannot be searched");
                }
            }
        }
        JsonNode d = root.get("description");
        return new SearchSpec(d == null ? "" : d.asText(), command, args, score, goal.equals("maximize"), strategy,
                candidates, gridPoints, seed, maxMinutes, runArgs, metrics, params);
    }

    private static Param param(String name, JsonNode n, String w) {
        String p = w + "parameter '" + name + "': ";
        if (name.isBlank() || name.equals("-") || name.equals("--")) {
            throw new UserException(w + "a parameter has an empty name (names are the command's flags, e.g. --lr-base)");
        }
        if (!n.isObject()) {
            throw new UserException(p + "expected an object such as {\"type\": \"continuous\", \"min\": 0.001, "
                    + "\"max\": 0.1}, got " + n);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!PARAM_KEYS.contains(k)) {
                throw new UserException(p + "unknown key '" + k + "' (expected " + sorted(PARAM_KEYS) + ")");
            }
        }
        JsonNode t = n.get("type");
        if (t == null || !t.isTextual()) {
            throw new UserException(p + "'type' is missing (continuous, integer or discrete)");
        }
        Param.Type type = switch (t.asText()) {
            case "continuous" -> Param.Type.CONTINUOUS;
            case "integer" -> Param.Type.INTEGER;
            case "discrete" -> Param.Type.DISCRETE;
            default -> throw new UserException(p + "unknown type '" + t.asText()
                    + "' (expected continuous, integer or discrete)");
        };
        JsonNode logNode = n.get("log");
        if (logNode != null && !logNode.isBoolean()) {
            throw new UserException(p + "'log' must be true or false, got " + logNode);
        }
        boolean log = logNode != null && logNode.booleanValue();
        if (type == Param.Type.DISCRETE) {
            if (n.has("min") || n.has("max") || log) {
                throw new UserException(p + "a discrete parameter takes 'values' only (no min, max or log)");
            }
            JsonNode vs = n.get("values");
            if (vs == null || !vs.isArray()) {
                throw new UserException(p + "'values' (a list of choices) is missing");
            }
            if (vs.isEmpty()) {
                throw new UserException(p + "'values' is empty: list at least one choice");
            }
            List<JsonNode> values = new ArrayList<>();
            for (JsonNode v : vs) {
                if (!(v.isNumber() || v.isTextual() || v.isBoolean())) {
                    throw new UserException(p + "values must be numbers, strings or booleans, found " + v);
                }
                values.add(v);
            }
            return new Param(name, type, 0, 0, false, values);
        }
        if (n.has("values")) {
            throw new UserException(p + "'values' belongs to discrete parameters; a " + t.asText()
                    + " parameter takes min and max");
        }
        JsonNode mn = n.get("min");
        JsonNode mx = n.get("max");
        if (mn == null || !mn.isNumber() || mx == null || !mx.isNumber()) {
            throw new UserException(p + "'min' and 'max' (numbers) are required");
        }
        double min = mn.doubleValue();
        double max = mx.doubleValue();
        if (type == Param.Type.INTEGER) {
            if (log) {
                throw new UserException(p + "'log' applies to continuous parameters only");
            }
            if (!mn.canConvertToInt() || !mx.canConvertToInt() || min != Math.rint(min) || max != Math.rint(max)) {
                throw new UserException(p + "an integer parameter needs whole-number min and max, got " + mn + " and " + mx);
            }
            if (min > max) {
                throw new UserException(p + "min " + mn + " > max " + mx);
            }
            return new Param(name, type, min, max, false, null);
        }
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new UserException(p + "min and max must be finite");
        }
        if (min > max) {
            throw new UserException(p + "min " + mn + " > max " + mx);
        }
        if (min == max) {
            throw new UserException(p + "min equals max (" + mn + "); use a discrete parameter with one value, "
                    + "or put the flag in 'args'");
        }
        if (log && min <= 0) {
            throw new UserException(p + "log scale needs min > 0, got min " + mn);
        }
        return new Param(name, type, min, max, log, null);
    }

    /** The parser's message without its source excerpts and caret lines (SnakeYAML adds them). */
    private static String problem(String message) {
        return String.join("; ", message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).map(String::strip).toList());
    }

    private static String checkStrategy(String s, String what) {
        if (!s.equals("random") && !s.equals("grid")) {
            throw new UserException(what + " must be \"random\" or \"grid\", got \"" + s + "\"");
        }
        return s;
    }

    private static String text(JsonNode root, String key, String dflt, String w) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new UserException(w + "'" + key + "' must be a string, got " + n);
        }
        return n.asText();
    }

    private static List<String> strings(JsonNode root, String key, List<String> dflt, String w) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isArray()) {
            throw new UserException(w + "'" + key + "' must be a list of strings (command-line arguments), got " + n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : n) {
            if (!a.isValueNode() || a.isNull()) {
                throw new UserException(w + "'" + key + "' must hold strings, found " + a);
            }
            out.add(a.asText());
        }
        return out;
    }

    private static double number(JsonNode root, String key, double dflt, String w, boolean integral, double min) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || (integral && !n.isIntegralNumber())) {
            throw new UserException(w + "'" + key + "' must be " + (integral ? "a whole number" : "a number") + ", got " + n);
        }
        if (n.doubleValue() < min) {
            throw new UserException(w + "'" + key + "' must be at least " + (integral ? String.valueOf((long) min)
                    : String.valueOf(min)) + ", got " + n);
        }
        return n.doubleValue();
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", s.stream().sorted().toList());
    }
}
