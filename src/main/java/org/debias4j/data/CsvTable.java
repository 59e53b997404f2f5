package org.debias4j.data;

import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.debias4j.util.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file with a header row, read with DataVec's CSVRecordReader (quoted fields, commas inside
 * quotes). Accessors name the file, the row (1-based, as an editor shows it, header = line 1) and the
 * column in every error.
 */
public final class CsvTable {
    private final Path file;
    private final List<String> columns;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final List<String[]> rows;

    private CsvTable(Path file, List<String> columns, List<String[]> rows) {
        this.file = file;
        this.columns = List.copyOf(columns);
        for (int i = 0; i < columns.size(); i++) {
            index.putIfAbsent(columns.get(i), i);
        }
        this.rows = rows;
    }

    public static CsvTable read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("CSV file not found: " + file);
        }
        List<String> header = null;
        List<String[]> rows = new ArrayList<>();
        try (CSVRecordReader reader = new CSVRecordReader(0, ',', '"')) {
            reader.initialize(new FileSplit(file.toFile()));
            int line = 0;
            while (reader.hasNext()) {
                line++;
                List<Writable> rec = reader.next();
                String[] values = new String[rec.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rec.get(i).toString();
                }
                if (header == null) {
                    header = new ArrayList<>();
                    for (String v : values) {
                        header.add(v.strip().replace("\uFEFF", ""));
                    }
                    continue;
                }
                if (values.length != header.size()) {
                    throw new UserException(file + " line " + line + ": " + values.length + " fields, expected "
                            + header.size() + " as in the header");
                }
                rows.add(values);
            }
        } catch (UserException e) {
            throw e;
        } catch (Exception e) {
            throw new UserException("Cannot read CSV " + file + ": " + e.getMessage(), e);
        }
        if (header == null) {
            throw new UserException(file + " is empty; expected a header row");
        }
        return new CsvTable(file, header, rows);
    }

    public Path file() {
        return file;
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return rows.size();
    }

    public boolean has(String column) {
        return index.containsKey(column);
    }

    public void require(String... columns) {
        for (String c : columns) {
            if (!has(c)) {
                throw new UserException(file + " has no column '" + c + "'; its columns are " + this.columns);
            }
        }
    }

    public String get(int row, String column) {
        require(column);
        return rows.get(row)[index.get(column)];
    }

    /** Integer value; accepts "1.0" (pandas writes ints as floats once a column had a NaN). */
    public int getInt(int row, String column) {
        String v = get(row, column).strip();
        try {
            double d = Double.parseDouble(v);
            if (d != Math.rint(d)) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw new UserException(file + " line " + (row + 2) + ", column '" + column + "': '" + v
                    + "' is not an integer");
        }
    }

    public double getDouble(int row, String column) {
        String v = get(row, column).strip();
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserException(file + " line " + (row + 2) + ", column '" + column + "': '" + v
                    + "' is not a number");
        }
    }
}
