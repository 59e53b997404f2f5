package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.util.Locale;

/** Column names that vary between files of one dataset ("Patient ID", "PatientID", "patient_id"). */
final class Columns {
    private Columns() {
    }

    static String key(String column) {
        return column.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9#\\[]", "");
    }

    /** The table's column matching one of the names (ignoring case, spaces and underscores), or null. */
    static String find(CsvTable t, String... names) {
        for (String n : names) {
            for (String c : t.columns()) {
                if (key(c).equals(key(n))) {
                    return c;
                }
            }
        }
        return null;
    }

    /** As {@link #find}, or a UserException naming the file, the accepted names and the columns it has. */
    static String require(CsvTable t, String... names) {
        String c = find(t, names);
        if (c == null) {
            throw new UserException(t.file() + " has no column '" + names[0] + "'"
                    + (names.length > 1 ? " (or " + String.join(", ", java.util.Arrays.copyOfRange(names, 1, names.length)) + ")" : "")
                    + "; its columns are " + t.columns());
        }
        return c;
    }
}
