package org.debias4j.tune;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ScoreTest {
    static final JsonNode METRICS = read("""
            {"avg_acc": 0.8, "eodd": 0.2, "bwt": -0.05, "worst_group_acc": "NaN",
             "tests": {"test_flipped": {"metrics": {"auc": 0.7, "accuracy": 0.6}},
                       "test_unbiased": {"metrics": {"auc": 0.9}}},
             "history": [{"valAuc": 0.5}, {"valAuc": 0.75}]}""");

    static JsonNode read(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static double eval(String expr) {
        return Score.parse(expr).evaluate(METRICS, "metrics.json");
    }

    @Test
    void dottedPathsIndexesAndLast() {
        assertEquals(0.7, eval("tests.test_flipped.metrics.auc"), 1e-12);
        assertEquals(0.8, eval("avg_acc"), 1e-12);
        assertEquals(0.5, eval("history.0.valAuc"), 1e-12);
        assertEquals(0.75, eval("history.last.valAuc"), 1e-12);
        assertTrue(Double.isNaN(eval("worst_group_acc")), "Jackson writes NaN as a string");
    }

    @Test
    void weightedSums() {
        assertEquals(0.8 - 0.5 * 0.2, eval("avg_acc - 0.5*eodd"), 1e-12);
        assertEquals(0.7 * 0.7 + 0.3 * 0.9, eval("0.7*tests.test_flipped.metrics.auc + 0.3 * tests.test_unbiased.metrics.auc"), 1e-12);
        assertEquals(-0.2 + 1, eval("-eodd + 1"), 1e-12);
        assertEquals(0.8 - 2e-3 * 0.2, eval("avg_acc-2e-3*eodd"), 1e-12);
        assertEquals(0.2 * 2, eval("eodd*2"), 1e-12);
        assertEquals(0.8 + 0.05, eval("avg_acc - bwt"), 1e-12);
        Score s = Score.parse("avg_acc - 0.5*eodd");
        assertEquals(2, s.terms().size());
        assertEquals(-0.5, s.terms().get(1).weight(), 0);
        assertEquals(java.util.List.of("eodd"), s.terms().get(1).paths());
    }

    @Test
    void malformedExpressionsNameTheProblem() {
        assertMessage("avg_acc -", "ends after an operator");
        assertMessage("avg_acc + * eodd", "'*' where a number or metric path");
        assertMessage("avg_acc eodd", "expected + or - before 'eodd'");
        assertMessage("avg_acc / 2", "unexpected '/'");
        assertMessage("0.5 + 1", "names no metric");
        assertMessage("tests..auc", "empty path segment");
        assertMessage("  ", "score is empty");
    }

    @Test
    void missingPathsListWhatIsThere() {
        UserException e = assertThrows(UserException.class, () -> eval("tests.test_flip.metrics.auc"));
        assertTrue(e.getMessage().contains("no 'test_flip' in 'tests'") && e.getMessage().contains("test_flipped"),
                e.getMessage());
        e = assertThrows(UserException.class, () -> eval("history.5.valAuc"));
        assertTrue(e.getMessage().contains("list of 2"), e.getMessage());
        e = assertThrows(UserException.class, () -> eval("tests.test_flipped"));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
    }

    static void assertMessage(String expr, String part) {
        UserException e = assertThrows(UserException.class, () -> Score.parse(expr), expr);
        assertTrue(e.getMessage().contains(part), expr + " -> " + e.getMessage());
    }
}
