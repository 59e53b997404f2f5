package org.debias4j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rows x columns of already formatted cells, rendered as an aligned plain-text table (the CLI's output
 * everywhere) or as Markdown. Numbers are formatted with a fixed number of decimals (4 by default) and
 * right-aligned; NaN prints as "NaN" so that undefined values stay visible.
 */
public final class MetricTable {
    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<boolean[]> numeric = new ArrayList<>();
    private int digits = 4;

    public MetricTable(String title, String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.title = title;
        this.columns = List.of(columns);
    }

    /** Decimals for floating-point cells added after this call. */
    public MetricTable digits(int digits) {
        this.digits = digits;
        return this;
    }

    /** Adds a row; cells may be numbers (formatted), null (empty) or anything else (toString). */
    public MetricTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table '" + title + "' has "
                    + columns.size() + " columns");
        }
        List<String> text = new ArrayList<>(cells.length);
        boolean[] isNumber = new boolean[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text.add(format(cells[i]));
            isNumber[i] = cells[i] instanceof Number;
        }
        rows.add(List.copyOf(text));
        numeric.add(isNumber);
        return this;
    }

    public String title() {
        return title;
    }

    public List<String> columns() {
        return columns;
    }

    /** The formatted cells, row by row. */
    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    public String format(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Double || cell instanceof Float) {
            double v = ((Number) cell).doubleValue();
            if (Double.isNaN(v)) {
                return "NaN";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            return String.format(Locale.ROOT, "%." + digits + "f", v);
        }
        return cell.toString();
    }

    /** Aligned plain text: title line, header, dashes, rows; columns separated by two spaces. */
    public String toText() {
        int[] width = widths();
        StringBuilder sb = new StringBuilder();
        if (title != null && !title.isEmpty()) {
            sb.append(title).append('\n');
        }
        boolean[] numericColumn = numericColumns();
        appendLine(sb, columns, width, numericColumn);
        List<String> dashes = new ArrayList<>();
        for (int w : width) {
            dashes.add("-".repeat(w));
        }
        appendLine(sb, dashes, width, new boolean[width.length]);
        for (int r = 0; r < rows.size(); r++) {
            appendLine(sb, rows.get(r), width, numeric.get(r));
        }
        return sb.toString();
    }

    /** GitHub-flavoured Markdown; numeric columns are right-aligned, '|' in cells is escaped. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        if (title != null && !title.isEmpty()) {
            sb.append("**").append(title).append("**\n\n");
        }
        boolean[] numericColumn = numericColumns();
        sb.append('|');
        for (String c : columns) {
            sb.append(' ').append(escapeMarkdown(c)).append(" |");
        }
        sb.append("\n|");
        for (boolean right : numericColumn) {
            sb.append(right ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            sb.append('|');
            for (String cell : row) {
                sb.append(' ').append(escapeMarkdown(cell)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toText();
    }

    private int[] widths() {
        int[] width = new int[columns.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = columns.get(c).length();
        }
        for (List<String> row : rows) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        return width;
    }

    /** Whether column c holds numbers and no text (such columns are right-aligned). */
    public boolean isNumericColumn(int c) {
        return numericColumns()[c];
    }

    private boolean[] numericColumns() {
        boolean[] anyNumber = new boolean[columns.size()];
        boolean[] anyText = new boolean[columns.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < anyNumber.length; c++) {
                if (numeric.get(r)[c]) {
                    anyNumber[c] = true;
                } else if (!rows.get(r).get(c).isEmpty()) {
                    anyText[c] = true;
                }
            }
        }
        boolean[] result = new boolean[columns.size()];
        for (int c = 0; c < result.length; c++) {
            result[c] = anyNumber[c] && !anyText[c];
        }
        return result;
    }

    private static void appendLine(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            line.append(right[c] ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static String escapeMarkdown(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
