package org.debias4j.tune;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The search-space file: what parses, and the messages malformed files get. */
class SearchSpecTest {
    static final String HEAD = "{\"command\": \"train\", \"args\": [\"--n-epochs\", \"1\"], "
            + "\"score\": \"tests.test_flipped.metrics.auc\", \"parameters\": {";

    static SearchSpec json(String params) {
        return SearchSpec.parse("s.json", HEAD + params + "}}", false);
    }

    static void fails(String text, boolean yaml, String... parts) {
        UserException e = assertThrows(UserException.class, () -> SearchSpec.parse("s.json", text, yaml));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    static void failsParam(String params, String... parts) {
        fails(HEAD + params + "}}", false, parts);
    }

    @Test
    void parsesJsonAndYamlAlike() {
        SearchSpec j = json("\"--lr-base\": {\"type\": \"continuous\", \"min\": 1e-4, \"max\": 0.1, \"log\": true},"
                + "\"--n-epochs\": {\"type\": \"integer\", \"min\": 1, \"max\": 3},"
                + "\"--momentum\": {\"type\": \"discrete\", \"values\": [0.8, 0.9]}");
        SearchSpec y = SearchSpec.parse("s.yaml", """
                command: train
                args: ["--n-epochs", "1"]
                score: tests.test_flipped.metrics.auc
                parameters:
                  --lr-base: {type: continuous, min: 1.0e-4, max: 0.1, log: true}
                  --n-epochs: {type: integer, min: 1, max: 3}
                  --momentum:
                    type: discrete
                    values: [0.8, 0.9]
                """, true);
        assertEquals(j.identity(), y.identity());
        assertEquals(List.of("--lr-base", "--n-epochs", "--momentum"), j.parameters().stream().map(Param::name).toList());
        assertTrue(j.maximize());
        assertEquals("random", j.strategy());
        assertEquals(SearchSpec.DEFAULT_RUN_ARGS, j.runArgs());
    }

    @Test
    void malformedParametersNameTheParameterAndTheProblem() {
        failsParam("\"--lr-base\": {\"type\": \"uniform\", \"min\": 0, \"max\": 1}", "parameter '--lr-base'",
                "unknown type 'uniform'", "continuous, integer or discrete");
        failsParam("\"--lr-base\": {\"type\": \"continuous\", \"min\": 0.5, \"max\": 0.1}", "parameter '--lr-base'",
                "min 0.5 > max 0.1");
        failsParam("\"--n-epochs\": {\"type\": \"integer\", \"min\": 5, \"max\": 2}", "parameter '--n-epochs'", "min 5 > max 2");
        failsParam("\"--lambdaa\": {\"type\": \"continuous\", \"min\": 0, \"max\": 1, \"log\": true}",
                "parameter '--lambdaa'", "log scale needs min > 0");
        failsParam("\"--momentum\": {\"type\": \"discrete\", \"values\": []}", "parameter '--momentum'", "'values' is empty");
        failsParam("\"--momentum\": {\"type\": \"discrete\"}", "parameter '--momentum'", "'values'", "missing");
        failsParam("\"--q\": {\"type\": \"continuous\", \"min\": 0.1}", "parameter '--q'", "'min' and 'max'");
        failsParam("\"--q\": {\"type\": \"continuous\", \"min\": 0.1, \"max\": 0.9, \"step\": 0.1}", "parameter '--q'",
                "unknown key 'step'");
        failsParam("\"--n-epochs\": {\"type\": \"integer\", \"min\": 1.5, \"max\": 3}", "parameter '--n-epochs'",
                "whole-number");
        failsParam("\"--test-no\": {\"type\": \"integer\", \"min\": 1, \"max\": 3}", "parameter '--test-no'",
                "set by tune for every candidate");
        failsParam("\"--alpha\": 0.3", "parameter '--alpha'", "expected an object");
        failsParam("\"--alpha\": {\"min\": 0.1, \"max\": 0.3}", "parameter '--alpha'", "'type' is missing");
    }

    @Test
    void malformedFilesGetTheKeyOrTheLine() {
        fails(HEAD + "\"--q\": {\"type\": \"continuous\", \"min\": 0.1, \"max\": 0.9}}, \"budget\": 3}", false,
                "unknown key 'budget'", "candidates");
        // A missing comma on line 3.
        fails("{\n  \"command\": \"train\",\n  \"score\": \"avg_acc\"\n  \"parameters\": {}\n}", false,
                "invalid JSON at line 4");
        fails("command: train\nparameters:\n  --q: {type: continuous, min: 0.1\n", true, "invalid YAML at line");
        fails("{\"command\": \"train\", \"parameters\": {\"--q\": {\"type\": \"discrete\", \"values\": [1]}}}", false,
                "'score' is missing");
        fails(HEAD.replace("tests.test_flipped.metrics.auc", "auc +") + "\"--q\": {\"type\": \"discrete\", \"values\": [1]}}}",
                false, "score 'auc +'");
        fails("{\"command\": \"train\", \"score\": \"avg_acc\", \"parameters\": {}}", false, "'parameters' must be a non-empty");
        fails("{\"command\": \"train\", \"score\": \"avg_acc\", \"goal\": \"max\", \"parameters\": {\"--q\": "
                + "{\"type\": \"discrete\", \"values\": [1]}}}", false, "'goal' must be");
        fails("[1, 2]", false, "expected an object");
    }

    @Test
    void candidatesAreSeededAndRespectTheSpace() {
        SearchSpec s = json("\"--lr-base\": {\"type\": \"continuous\", \"min\": 1e-4, \"max\": 0.1, \"log\": true},"
                + "\"--lr-class\": {\"type\": \"continuous\", \"min\": 1e-4, \"max\": 0.1, \"log\": true},"
                + "\"--n-epochs\": {\"type\": \"integer\", \"min\": 1, \"max\": 3},"
                + "\"--debias-config\": {\"type\": \"discrete\", \"values\": [\"LNTL\", \"TABE\"]},"
                + "\"--GRL\": {\"type\": \"discrete\", \"values\": [true, false]}")
                .with(null, null, null, null, null, 40, 7L, null);
        List<Candidates.Config> a = Candidates.generate(s);
        assertEquals(40, a.size());
        assertEquals(a, Candidates.generate(s), "same seed, same candidates");
        assertNotEquals(a, Candidates.generate(s.with(null, null, null, null, null, null, 8L, null)));
        Set<String> configs = new HashSet<>();
        int below = 0;
        for (Candidates.Config c : a) {
            double lr = c.values().get("--lr-base").doubleValue();
            assertTrue(lr >= 1e-4 && lr <= 0.1, "lr " + lr);
            below += lr < 3.16e-3 ? 1 : 0; // log-uniform: about half below the geometric mean
            int e = c.values().get("--n-epochs").intValue();
            assertTrue(e >= 1 && e <= 3);
            assertTrue(Set.of("LNTL", "TABE").contains(c.values().get("--debias-config").asText()));
            // two leaves with the same range are still independent (Arbiter indexes leaves by identity)
            configs.add(c.values().get("--lr-base") + "/" + c.values().get("--lr-class"));
        }
        assertTrue(below >= 10 && below <= 30, "log-uniform draws below sqrt(min*max): " + below);
        assertEquals(40, configs.size());
        assertTrue(a.stream().anyMatch(c -> !c.values().get("--lr-base").equals(c.values().get("--lr-class"))));
        Tuner t = new Tuner(s, java.nio.file.Path.of("unused"), System.out);
        List<String> args = t.args(a.get(0));
        boolean grl = a.get(0).values().get("--GRL").booleanValue();
        assertEquals(grl, args.contains("--GRL"), "a boolean choice is the flag's presence: " + args);
        assertFalse(args.contains("true") || args.contains("false"), args.toString());
    }

    @Test
    void gridSearchCoversTheGridInLogSpace() {
        SearchSpec s = SearchSpec.parse("g.json", HEAD.replace("{\"command\"", "{\"strategy\": \"grid\", \"grid_points\": 3, \"command\"")
                + "\"--lr-base\": {\"type\": \"continuous\", \"min\": 1e-3, \"max\": 0.1, \"log\": true},"
                + "\"--n-epochs\": {\"type\": \"integer\", \"min\": 1, \"max\": 2},"
                + "\"--momentum\": {\"type\": \"discrete\", \"values\": [0.8, 0.9]}}}", false);
        List<Candidates.Config> g = Candidates.generate(s);
        assertEquals(3 * 2 * 2, g.size());
        Set<Double> lrs = new HashSet<>();
        Set<String> all = new HashSet<>();
        for (Candidates.Config c : g) {
            lrs.add(c.values().get("--lr-base").doubleValue());
            all.add(c.values().toString());
        }
        assertEquals(Set.of(1e-3, 1e-2, 0.1), lrs, "log grid: 0.001, 0.01, 0.1");
        assertEquals(12, all.size(), "every grid point once");
        assertEquals(5, Candidates.generate(s.with(null, null, null, null, null, 5, null, null)).size());
    }

    @Test
    void theShippedExamplesParse() throws Exception {
        java.nio.file.Path folder = java.nio.file.Path.of("resources", "tune");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(folder), "run from the project root");
        List<java.nio.file.Path> files;
        try (var s = java.nio.file.Files.list(folder)) {
            files = s.sorted().toList();
        }
        assertTrue(files.size() >= 3, files.toString());
        for (java.nio.file.Path f : files) {
            SearchSpec spec = SearchSpec.load(f);
            assertEquals(Candidates.total(spec), Candidates.generate(spec).size(), f.toString());
        }
    }
}
