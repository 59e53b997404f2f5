package org.debias4j.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.debias4j.eval.BinaryMetrics;
import org.debias4j.eval.Fairness;
import org.debias4j.eval.FairnessMetrics;
import org.debias4j.eval.Groups;
import org.debias4j.eval.MetricTable;
import org.debias4j.eval.MultiClassMetrics;
import org.debias4j.eval.Predictions;
import org.debias4j.eval.PredictionsCsv;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code metrics --predictions FILE.csv}: every metric of a predictions file, as tables or JSON.
 * User mistakes (bad file, bad option value) print one message on stderr and exit with code 2.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {
                "Computes classification and group-fairness metrics from a predictions CSV.",
                "Columns: y_true, then either score (binary, y_true 0/1) or p_0..p_{K-1} (K classes, rows summing to 1),"
                        + " optionally group (sensitive attribute). Undefined values (0/0) print as NaN with the reason."
        })
public class MetricsCommand implements Callable<Integer> {
    static final int USER_ERROR = 2;

    @Option(names = "--predictions", required = true, paramLabel = "FILE.csv", description = "Predictions CSV file.")
    Path predictions;

    @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "T",
            description = "Binary files: predicted positive when score >= T (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--positive-class", defaultValue = "1", paramLabel = "C",
            description = "Class whose selection rate, TPR and FPR the parity and equalized-odds metrics compare"
                    + " (default: ${DEFAULT-VALUE}).")
    int positiveClass;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Everything the command computes; null parts are omitted from the JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String file, String task, int n, int numClasses, Double threshold,
                         BinaryMetrics binary, MultiClassMetrics classes, FairnessMetrics fairness) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Result result = compute(PredictionsCsv.read(predictions));
            out.print(json ? Json.write(result) + "\n" : render(result));
            out.flush();
            return 0;
        } catch (UserException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return USER_ERROR;
        }
    }

    Result compute(Predictions p) {
        int k = p.numClasses();
        if (Double.isNaN(threshold)) {
            throw new UserException("--threshold NaN: expected a number");
        }
        if (positiveClass < 0 || positiveClass >= k) {
            throw new UserException("--positive-class " + positiveClass + ": expected 0.." + (k - 1) + " for "
                    + p.file() + " (" + k + " classes)");
        }
        int[] pred = p.predicted(threshold);
        BinaryMetrics binary = p.isBinary() ? BinaryMetrics.compute(p.score(), p.yTrue(), threshold) : null;
        MultiClassMetrics classes = p.isBinary()
                ? MultiClassMetrics.compute(p.yTrue(), pred, twoColumns(p.score()))
                : MultiClassMetrics.compute(p.yTrue(), p.probs());
        FairnessMetrics fairness = null;
        if (p.hasGroups()) {
            Groups groups = Groups.of(p.group());
            fairness = p.isBinary()
                    ? Fairness.binary(p.score(), p.yTrue(), threshold, groups, positiveClass)
                    : Fairness.multiClass(p.yTrue(), p.probs(), groups, positiveClass);
        }
        return new Result(p.file().toString(), p.isBinary() ? "binary" : "multiclass", p.size(), k,
                p.isBinary() ? threshold : null, binary, classes, fairness);
    }

    /**
     * Binary scores as per-class scores {-s, s}, so that the per-class report has its AUC; negation is
     * exact (1 - s could round distinct tiny scores into ties), so class 0's AUC equals class 1's.
     */
    private static double[][] twoColumns(double[] score) {
        double[][] rows = new double[score.length][];
        for (int i = 0; i < score.length; i++) {
            rows[i] = new double[] {-score[i], score[i]};
        }
        return rows;
    }

    static String render(Result r) {
        List<MetricTable> tables = new ArrayList<>();
        if (r.binary() != null) {
            tables.add(r.binary().table());
        } else {
            tables.add(r.classes().summary());
        }
        tables.add(r.classes().classReport());
        tables.add(r.classes().confusion().table());
        if (r.binary() == null && !r.classes().undefined().isEmpty()) {
            tables.add(r.classes().undefinedTable());
        }
        if (r.fairness() != null) {
            tables.add(r.fairness().groupTable());
            tables.add(r.fairness().summaryTable());
            MetricTable notes = r.fairness().groupNotesTable();
            if (!notes.rows().isEmpty()) {
                tables.add(notes);
            }
        }
        StringBuilder sb = new StringBuilder("Predictions: ").append(r.file()).append(" (").append(r.n())
                .append(" rows, ").append("binary".equals(r.task()) ? "binary" : r.numClasses() + " classes")
                .append(r.fairness() == null ? "" : ", " + (r.fairness().groups().size()) + " groups").append(")\n");
        for (MetricTable t : tables) {
            sb.append('\n').append(t.toText());
        }
        return sb.toString();
    }
}
