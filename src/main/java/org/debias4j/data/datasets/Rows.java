package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.util.ArrayList;
import java.util.List;

/** Runs a reader over every row of a table, stopping at the first bad row or, with --skip-bad-rows, skipping it. */
final class Rows {
    interface RowReader {
        /** The sample of row r (0-based data row), or null to leave the row out silently (filtered by design). */
        Sample read(int r);
    }

    private Rows() {
    }

    static List<Sample> readAll(CsvTable t, ReadOptions o, List<String> skipped, RowReader reader) {
        List<Sample> out = new ArrayList<>(t.size());
        for (int r = 0; r < t.size(); r++) {
            try {
                Sample s = reader.read(r);
                if (s != null) {
                    out.add(s);
                }
            } catch (UserException e) {
                if (!o.skipBadRows()) {
                    throw e;
                }
                skipped.add(e.getMessage());
            }
        }
        return out;
    }

    /** The index of value in names, or a UserException naming the file, line, column and the allowed values. */
    static int code(CsvTable t, int r, String column, List<String> names) {
        String v = t.get(r, column).strip();
        int k = names.indexOf(v);
        if (k < 0) {
            throw new UserException(t.file() + " line " + (r + 2) + ", column '" + column + "': unknown label '" + v
                    + "'; expected one of " + names);
        }
        return k;
    }

    static String where(CsvTable t, int r) {
        return t.file() + " line " + (r + 2);
    }
}
