package org.debias4j.eval;

import java.util.Map;

/** Renders the "metric -> why it is NaN" maps the result records carry. */
final class Notes {
    private Notes() {
    }

    static MetricTable table(String title, Map<String, String> undefined) {
        MetricTable t = new MetricTable(title, "metric", "reason");
        undefined.forEach(t::row);
        return t;
    }
}
