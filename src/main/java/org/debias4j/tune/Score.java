package org.debias4j.tune;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.UserException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A score read from a run's metrics.json: a dotted path ({@code tests.test_flipped.metrics.auc},
 * {@code avg_acc}) or a weighted sum of such paths ({@code avg_acc - 0.5*eodd},
 * {@code 0.7*tests.test_flipped.metrics.auc + 0.3*tests.test_unbiased.metrics.auc}). Path segments
 * that are numbers index arrays; {@code last} is an array's last element ({@code history.last.valAuc}).
 *
 * <p>Grammar: {@code sum := ['-'] term (('+'|'-') term)*}, {@code term := factor ('*' factor)*},
 * {@code factor := number | path}.
 */
public final class Score {
    /** One product: a constant weight times the named paths (none for a constant term). */
    public record Term(double weight, List<String> paths) {
        public Term {
            paths = List.copyOf(paths);
        }
    }

    private final String text;
    private final List<Term> terms;

    private Score(String text, List<Term> terms) {
        this.text = text;
        this.terms = List.copyOf(terms);
    }

    public String text() {
        return text;
    }

    public List<Term> terms() {
        return terms;
    }

    public static Score parse(String text) {
        if (text == null || text.isBlank()) {
            throw new UserException("score is empty: give a metrics.json path such as tests.test_flipped.metrics.auc");
        }
        List<String> tokens = tokens(text);
        List<Term> terms = new ArrayList<>();
        int i = 0;
        double sign = 1;
        if (tokens.get(0).equals("-") || tokens.get(0).equals("+")) {
            sign = tokens.get(0).equals("-") ? -1 : 1;
            i++;
        }
        while (true) {
            double weight = sign;
            List<String> paths = new ArrayList<>();
            while (true) {
                if (i >= tokens.size()) {
                    throw bad(text, "ends after an operator");
                }
                String t = tokens.get(i++);
                if (isOperator(t)) {
                    throw bad(text, "'" + t + "' where a number or metric path was expected");
                }
                if (Character.isDigit(t.charAt(0)) || t.charAt(0) == '.') {
                    try {
                        weight *= Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw bad(text, "'" + t + "' is not a number");
                    }
                } else {
                    paths.add(t);
                }
                if (i < tokens.size() && tokens.get(i).equals("*")) {
                    i++;
                    continue;
                }
                break;
            }
            terms.add(new Term(weight, paths));
            if (i >= tokens.size()) {
                break;
            }
            String op = tokens.get(i++);
            if (!op.equals("+") && !op.equals("-")) {
                throw bad(text, "expected + or - before '" + op + "'");
            }
            sign = op.equals("-") ? -1 : 1;
        }
        if (terms.stream().allMatch(t -> t.paths().isEmpty())) {
            throw bad(text, "names no metric");
        }
        return new Score(text.strip(), terms);
    }

    /** The score of one run's metrics; a path that is missing is a UserException listing what is there. */
    public double evaluate(JsonNode metrics, String where) {
        double sum = 0;
        for (Term t : terms) {
            double v = t.weight();
            for (String p : t.paths()) {
                v *= value(metrics, p, where);
            }
            sum += v;
        }
        return sum;
    }

    /** The number at a dotted path; "NaN"/"Infinity" strings (Jackson's non-finite doubles) are read too. */
    public static double value(JsonNode root, String path, String where) {
        JsonNode n = root;
        String seen = "";
        for (String seg : path.split("\\.", -1)) {
            JsonNode next;
            if (n.isArray()) {
                int idx = seg.equals("last") ? n.size() - 1 : seg.matches("\\d+") ? Integer.parseInt(seg) : -1;
                if (idx < 0 || idx >= n.size()) {
                    throw new UserException("score path '" + path + "' in " + where + ": " + (seen.isEmpty() ? "the top level"
                            : "'" + seen + "'") + " is a list of " + n.size() + "; use an index 0.." + (n.size() - 1)
                            + " or 'last', not '" + seg + "'");
                }
                next = n.get(idx);
            } else if (n.isObject()) {
                next = n.get(seg);
                if (next == null) {
                    List<String> keys = new ArrayList<>();
                    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                        keys.add(it.next());
                    }
                    throw new UserException("score path '" + path + "' in " + where + ": no '" + seg + "' in "
                            + (seen.isEmpty() ? "the top level" : "'" + seen + "'") + " (it has " + String.join(", ", keys) + ")");
                }
            } else {
                throw new UserException("score path '" + path + "' in " + where + ": '" + seen + "' is a value, not an object");
            }
            n = next;
            seen = seen.isEmpty() ? seg : seen + "." + seg;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            switch (n.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new UserException("score path '" + path + "' in " + where + " is not a number: "
                + (n.isContainerNode() ? "an " + (n.isArray() ? "array" : "object") + " (go deeper)" : n.toString()));
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '+' || c == '-' || c == '*') {
                out.add(String.valueOf(c));
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
                int j = i;
                while (j < text.length() && (Character.isDigit(text.charAt(j)) || text.charAt(j) == '.'
                        || ((text.charAt(j) == 'e' || text.charAt(j) == 'E') && j + 1 < text.length())
                        || ((text.charAt(j) == '-' || text.charAt(j) == '+') && j > i
                        && (text.charAt(j - 1) == 'e' || text.charAt(j - 1) == 'E')))) {
                    j++;
                }
                out.add(text.substring(i, j));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_'
                        || text.charAt(j) == '.')) {
                    j++;
                }
                String path = text.substring(i, j);
                if (path.endsWith(".") || path.contains("..")) {
                    throw bad(text, "'" + path + "' has an empty path segment");
                }
                out.add(path);
                i = j;
            } else {
                throw bad(text, "unexpected '" + c + "' at position " + (i + 1)
                        + " (use metric paths, numbers, +, - and *)");
            }
        }
        if (out.isEmpty()) {
            throw bad(text, "is empty");
        }
        return out;
    }

    private static boolean isOperator(String t) {
        return t.equals("+") || t.equals("-") || t.equals("*");
    }

    private static UserException bad(String text, String problem) {
        return new UserException("score '" + text.strip() + "': " + problem);
    }

    @Override
    public String toString() {
        return text;
    }
}
