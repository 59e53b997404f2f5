package org.debias4j.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One searched parameter. Its name is the command's flag ({@code --lr-base}); a candidate passes
 * {@code --flag value}. Continuous parameters on a log scale are searched uniformly in ln(value) (an
 * Arbiter continuous space over [ln min, ln max], exponentiated here), so grid points and random
 * draws spread evenly over decades.
 *
 * @param values discrete choices (numbers, strings or booleans); a boolean choice means the flag is
 *               present (true) or absent (false), since picocli's boolean flags take no value
 */
public record Param(String name, Type type, double min, double max, boolean log, List<JsonNode> values) {
    public enum Type { CONTINUOUS, INTEGER, DISCRETE }

    public Param {
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** The flag a candidate passes: the name itself, or {@code --name} when given without dashes. */
    public String flag() {
        return name.startsWith("-") ? name : "--" + name;
    }

    /** A fresh Arbiter leaf (fresh because Arbiter assigns each leaf object its own index). */
    ParameterSpace<?> arbiterSpace() {
        return switch (type) {
            case CONTINUOUS -> log ? new ContinuousParameterSpace(Math.log(min), Math.log(max))
                    : new ContinuousParameterSpace(min, max);
            case INTEGER -> new IntegerParameterSpace((int) min, (int) max);
            // Arbiter picks an index; the JSON value is looked up here, so any scalar type works.
            case DISCRETE -> {
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < values.size(); i++) {
                    idx.add(i);
                }
                yield new DiscreteParameterSpace<>(idx);
            }
        };
    }

    /** The candidate's value (a JSON number, string or boolean) from the Arbiter leaf's output. */
    JsonNode value(Object arbiterValue) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (type) {
            // Six significant digits: the value passed on the command line, recorded and reported is
            // the same number (no 0.0031622776601683794 in tables).
            case CONTINUOUS -> {
                double v = ((Number) arbiterValue).doubleValue();
                v = log ? Math.exp(v) : v;
                v = Math.max(min, Math.min(max, new BigDecimal(v).round(new MathContext(6)).doubleValue()));
                yield f.numberNode(v);
            }
            case INTEGER -> f.numberNode(((Number) arbiterValue).intValue());
            case DISCRETE -> values.get((Integer) arbiterValue);
        };
    }

    /** Command-line arguments for one value of this parameter. */
    List<String> args(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue() ? List.of(flag()) : List.of();
        }
        return List.of(flag(), text(value));
    }

    /** A value as the command line and tables show it. */
    static String text(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return new BigDecimal(value.doubleValue()).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return value.asText();
    }

    /** The value as a number for plots; discrete non-numeric values map to their position in the list. */
    double numeric(JsonNode value) {
        if (type == Type.DISCRETE && !allNumeric()) {
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i).equals(value)) {
                    return i;
                }
            }
            return Double.NaN;
        }
        return value.isNumber() ? value.doubleValue() : Double.NaN;
    }

    boolean allNumeric() {
        return values.stream().allMatch(JsonNode::isNumber);
    }
}
