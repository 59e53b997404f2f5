package org.debias4j.data.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal CSV reader for the generator's output (no quoting is ever needed there). */
final class CsvRows {
    final List<String> header;
    final List<Map<String, String>> rows = new ArrayList<>();

    CsvRows(String text) {
        String[] lines = text.split("\n");
        header = List.of(lines[0].split(",", -1));
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length != header.size()) {
                throw new AssertionError("line " + i + " has " + f.length + " fields, header " + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int j = 0; j < f.length; j++) {
                row.put(header.get(j), f[j]);
            }
            rows.add(row);
        }
    }

    int i(Map<String, String> row, String col) {
        return Integer.parseInt(row.get(col));
    }
}
