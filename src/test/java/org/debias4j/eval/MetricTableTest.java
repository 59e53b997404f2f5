package org.debias4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricTableTest {
    @Test
    void alignsTextLeftAndNumbersRight() {
        MetricTable t = new MetricTable("Title", "metric", "value")
                .row("auc", 0.5)
                .row("balanced_accuracy", Double.NaN)
                .row("n", 12345);
        String expected = """
                Title
                metric              value
                -----------------  ------
                auc                0.5000
                balanced_accuracy     NaN
                n                   12345
                """;
        assertEquals(expected, t.toText());
    }

    @Test
    void markdownEscapesPipesAndRightAlignsNumbers() {
        MetricTable t = new MetricTable("", "name", "value").row("a|b", 1.0).row("c", null);
        assertEquals("""
                | name | value |
                |---|---:|
                | a\\|b | 1.0000 |
                | c |  |
                """, t.toMarkdown());
    }

    @Test
    void formatsInfinityAndDigits() {
        MetricTable t = new MetricTable("t", "x").digits(2).row(Double.POSITIVE_INFINITY).row(0.125f);
        assertEquals("inf", t.rows().get(0).get(0));
        assertEquals("0.13", t.rows().get(1).get(0));
    }

    @Test
    void rejectsRowOfWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new MetricTable("t", "a", "b").row(1));
    }
}
