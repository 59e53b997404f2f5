package org.debias4j.eval;

import org.debias4j.util.UserException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a predictions CSV: a header line, then one row per sample with columns {@code y_true} and
 * either {@code score} (binary, labels 0/1) or {@code p_0..p_{K-1}} (K classes, each row summing to 1
 * within 1e-3), and optionally {@code group}. Other columns are ignored. Fields may be double-quoted.
 * Every mistake is a {@link UserException} naming the file, the line and the column.
 */
public final class PredictionsCsv {
    public static final double SUM_TOLERANCE = 1e-3;
    private static final Pattern PROB = Pattern.compile("p_(\\d+)");
    private static final String EXPECTED =
            "expected columns y_true and either score (binary) or p_0..p_{K-1} (K classes), optionally group";

    private PredictionsCsv() {
    }

    public static Predictions read(Path file) {
        List<String> lines = readLines(file);
        int headerLine = firstNonBlank(lines, 0);
        if (headerLine < 0) {
            throw new UserException(file + " is empty; " + EXPECTED);
        }
        List<String> header = split(file, headerLine, lines.get(headerLine).replace("\uFEFF", ""));
        Columns cols = Columns.of(file, header);
        List<Integer> yTrue = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<double[]> probs = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (int l = headerLine + 1; l < lines.size(); l++) {
            if (lines.get(l).isBlank()) {
                continue;
            }
            Row row = new Row(file, l + 1, yTrue.size() + 1, split(file, l, lines.get(l)), header);
            int k = cols.score >= 0 ? 2 : cols.probs.length;
            int label = row.label(cols.yTrue, k, cols.score >= 0);
            yTrue.add(label);
            if (cols.score >= 0) {
                scores.add(row.number(cols.score));
            } else {
                probs.add(row.probabilities(cols.probs));
            }
            if (cols.group >= 0) {
                groups.add(row.group(cols.group));
            }
        }
        if (yTrue.isEmpty()) {
            throw new UserException(file + " has a header but no data rows");
        }
        int[] labels = yTrue.stream().mapToInt(Integer::intValue).toArray();
        return new Predictions(file, labels,
                cols.score >= 0 ? scores.stream().mapToDouble(Double::doubleValue).toArray() : null,
                cols.score >= 0 ? null : probs.toArray(new double[0][]),
                cols.group >= 0 ? groups.toArray(new String[0]) : null);
    }

    private static List<String> readLines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("Cannot read predictions file " + file + ": no such file");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("Cannot read predictions file " + file + " as UTF-8 text: " + e.getMessage(), e);
        }
    }

    private static int firstNonBlank(List<String> lines, int from) {
        for (int l = from; l < lines.size(); l++) {
            if (!lines.get(l).isBlank()) {
                return l;
            }
        }
        return -1;
    }

    /** Splits one CSV line; double quotes protect commas and "" is a literal quote. */
    static List<String> split(Path file, int lineIndex, String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.add(field.toString().trim());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new UserException(file + ", line " + (lineIndex + 1) + ": unterminated double quote");
        }
        fields.add(field.toString().trim());
        return fields;
    }

    /** Positions of the columns we use; -1 when absent. */
    private record Columns(int yTrue, int score, int[] probs, int group) {
        static Columns of(Path file, List<String> header) {
            Map<String, Integer> position = new HashMap<>();
            TreeMap<Integer, Integer> probColumns = new TreeMap<>();
            for (int c = 0; c < header.size(); c++) {
                String name = header.get(c);
                if (position.put(name, c) != null) {
                    throw new UserException(file + ", line 1: column '" + name + "' appears twice");
                }
                Matcher m = PROB.matcher(name);
                if (m.matches()) {
                    probColumns.put(Integer.parseInt(m.group(1)), c);
                }
            }
            if (!position.containsKey("y_true")) {
                throw new UserException(file + ": missing column 'y_true' (header: " + String.join(", ", header)
                        + "); " + EXPECTED);
            }
            boolean hasScore = position.containsKey("score");
            if (hasScore && !probColumns.isEmpty()) {
                throw new UserException(file + ": has both 'score' and p_* columns; " + EXPECTED);
            }
            if (!hasScore && probColumns.isEmpty()) {
                throw new UserException(file + ": missing column 'score' (binary) or p_0..p_{K-1} (K classes) (header: "
                        + String.join(", ", header) + ")");
            }
            int[] probs = new int[0];
            if (!hasScore) {
                int k = probColumns.lastKey() + 1;
                if (k < 2) {
                    throw new UserException(file + ": missing column 'p_1'; several classes need p_0..p_{K-1} with K >= 2");
                }
                probs = new int[k];
                for (int c = 0; c < k; c++) {
                    Integer at = probColumns.get(c);
                    if (at == null) {
                        throw new UserException(file + ": missing column 'p_" + c + "' (found p_ columns "
                                + probColumns.keySet() + "; expected p_0..p_" + (k - 1) + ")");
                    }
                    probs[c] = at;
                }
            }
            return new Columns(position.get("y_true"), hasScore ? position.get("score") : -1, probs,
                    position.getOrDefault("group", -1));
        }
    }

    /** One data row; line is the 1-based line in the file, index the 1-based data row. */
    private record Row(Path file, int line, int index, List<String> fields, List<String> header) {
        Row {
            if (fields.size() != header.size()) {
                throw new UserException(file + ", line " + line + " (data row " + index + "): " + fields.size()
                        + " fields, expected " + header.size() + " as in the header");
            }
        }

        String where(int column) {
            return file + ", line " + line + " (data row " + index + "), column '" + header.get(column) + "'";
        }

        double number(int column) {
            String text = fields.get(column);
            try {
                double v = Double.parseDouble(text);
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UserException(where(column) + ": '" + text + "' is not a finite number");
        }

        int label(int column, int k, boolean binary) {
            String text = fields.get(column);
            double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new UserException(where(column) + ": '" + text + "' is not a class label (an integer)");
            }
            if (v != Math.rint(v)) {
                throw new UserException(where(column) + ": '" + text + "' is not a class label (an integer)");
            }
            if (v < 0 || v >= k) {
                throw new UserException(where(column) + ": label " + text + " is out of range; expected "
                        + (binary ? "0 or 1 (binary file with a score column)"
                        : "0.." + (k - 1) + " (one class per column p_0..p_" + (k - 1) + ")"));
            }
            return (int) v;
        }

        double[] probabilities(int[] columns) {
            double[] p = new double[columns.length];
            double sum = 0;
            for (int c = 0; c < columns.length; c++) {
                p[c] = number(columns[c]);
                if (p[c] < 0 || p[c] > 1) {
                    throw new UserException(where(columns[c]) + ": probability " + fields.get(columns[c])
                            + " is outside [0, 1]");
                }
                sum += p[c];
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new UserException(file + ", line " + line + " (data row " + index + "): probabilities p_0..p_"
                        + (columns.length - 1) + " sum to " + String.format(Locale.ROOT, "%.6g", sum)
                        + "; expected 1 within " + SUM_TOLERANCE);
            }
            return p;
        }

        String group(int column) {
            String g = fields.get(column);
            if (g.isEmpty()) {
                throw new UserException(where(column) + ": empty group id");
            }
            return g;
        }
    }
}
