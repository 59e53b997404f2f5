package org.debias4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MetricsCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Path csv(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    /** Same data as FairnessTest: group A accuracy 3/5, group B 3/4, parity difference 0.1. */
    static final String BINARY = """
            y_true,score,group,image
            1,0.9,A,a1
            1,0.3,A,a2
            0,0.6,A,a3
            0,0.2,A,a4
            0,0.1,A,a5
            1,0.8,B,b1
            1,0.7,B,b2
            1,0.4,B,b3
            0,0.3,B,b4
            """;

    /** Same probabilities as MultiClassMetricsTest: accuracy 3/4, macro one-vs-rest AUC 55/72. */
    static final String MULTI = """
            y_true,p_0,p_1,p_2
            0,0.7,0.2,0.1
            1,0.2,0.5,0.3
            2,0.3,0.3,0.4
            1,0.3,0.2,0.5
            """;

    @Test
    void binaryFileWithGroupsPrintsTables() throws Exception {
        Run r = run("--predictions", csv("p.csv", BINARY).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(9 rows, binary, 2 groups)"), r.out());
        // positives .9 .3 .8 .7 .4 vs negatives .6 .2 .1 .3: 4 + 2.5 + 4 + 4 + 3 = 17.5 of 20 pairs
        assertTrue(r.out().matches("(?s).*\\nauc +0\\.8750\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n1 +0\\.7500 +0\\.6000 +0\\.6667 +5 +0\\.8750\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\nA +5 +2 +0\\.6000 .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\ndemographic_parity_difference +0\\.1000.*"), r.out());
        assertTrue(r.out().contains("Confusion matrix"));
        assertTrue(r.out().contains("macro avg"));
        assertEquals("", r.err());
    }

    @Test
    void jsonOutputParsesAndKeepsNaNVisible() throws Exception {
        // Group C has only negatives: its AUC and TPR are NaN.
        Path f = csv("p.csv", BINARY + "0,0.2,C,c1\n0,0.7,C,c2\n");
        Run r = run("--predictions", f.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = Json.MAPPER.readTree(r.out());
        assertEquals("binary", root.get("task").asText());
        assertEquals(11, root.get("n").asInt());
        JsonNode c = root.get("fairness").get("groups").get(2);
        assertEquals("C", c.get("group").asText());
        assertEquals("NaN", c.get("auc").asText());
        assertTrue(c.get("undefined").get("auc").asText().contains("only negatives"));
        assertEquals(0.5, c.get("accuracy").asDouble(), 1e-12);
        assertTrue(root.get("binary").has("auc"));
        assertTrue(root.get("classes").has("confusion"));
    }

    @Test
    void multiClassFile() throws Exception {
        Run r = run("--predictions", csv("m.csv", MULTI).toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = Json.MAPPER.readTree(r.out());
        assertEquals("multiclass", root.get("task").asText());
        assertFalse(root.has("binary"));
        assertFalse(root.has("threshold"));
        assertEquals(0.75, root.get("classes").get("accuracy").asDouble(), 1e-12);
        assertEquals(55.0 / 72, root.get("classes").get("macroAuc").asDouble(), 1e-12);

        Run text = run("--predictions", csv("m2.csv", MULTI).toString());
        assertEquals(0, text.code());
        assertTrue(text.out().contains("(4 rows, 3 classes)"), text.out());
        assertTrue(text.out().matches("(?s).*\\nmacro_auc_ovr +0\\.7639\\n.*"), text.out());
    }

    @Test
    void quotedFieldsAndBlankLines() throws Exception {
        Path f = csv("q.csv", "\uFEFFy_true,score,group\n1,0.8,\"I, II\"\n\n0,0.3,\"IV \"\"dark\"\"\"\n");
        Run r = run("--predictions", f.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode groups = Json.MAPPER.readTree(r.out()).get("fairness").get("groups");
        assertEquals("I, II", groups.get(0).get("group").asText());
        assertEquals("IV \"dark\"", groups.get(1).get("group").asText());
    }

    void assertUserError(Run r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        for (String fragment : fragments) {
            assertTrue(r.err().contains(fragment), "'" + fragment + "' in: " + r.err());
        }
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.csv");
        assertUserError(run("--predictions", f.toString()), f.toString(), "no such file");
    }

    @Test
    void missingColumns() throws Exception {
        Path f = csv("a.csv", "label,score\n1,0.5\n");
        assertUserError(run("--predictions", f.toString()), f.toString(), "missing column 'y_true'", "label, score");
        Path g = csv("b.csv", "y_true,prob\n1,0.5\n");
        assertUserError(run("--predictions", g.toString()), g.toString(), "missing column 'score'", "p_0..p_{K-1}");
        Path h = csv("c.csv", "y_true,p_0,p_2\n1,0.5,0.5\n");
        assertUserError(run("--predictions", h.toString()), h.toString(), "missing column 'p_1'");
        Path i = csv("d.csv", "y_true,score,p_0,p_1\n1,0.5,0.5,0.5\n");
        assertUserError(run("--predictions", i.toString()), i.toString(), "both 'score' and p_*");
    }

    @Test
    void nonNumericValueNamesLineAndColumn() throws Exception {
        Path f = csv("a.csv", "y_true,score\n1,0.5\n0,abc\n");
        assertUserError(run("--predictions", f.toString()), f.toString(), "line 3 (data row 2)", "column 'score'", "'abc'");
        Path g = csv("b.csv", "y_true,score\n1,0.5\nyes,0.2\n");
        assertUserError(run("--predictions", g.toString()), "line 3", "column 'y_true'", "'yes' is not a class label");
    }

    @Test
    void probabilitiesMustSumToOne() throws Exception {
        Path f = csv("a.csv", "y_true,p_0,p_1\n0,0.6,0.4\n1,0.6,0.41\n");
        assertUserError(run("--predictions", f.toString()), f.toString(), "line 3 (data row 2)", "sum to", "within 0.001");
        Path ok = csv("b.csv", "y_true,p_0,p_1\n0,0.6,0.4005\n1,0.3,0.7\n");
        assertEquals(0, run("--predictions", ok.toString()).code());
        Path negative = csv("c.csv", "y_true,p_0,p_1\n0,1.2,-0.2\n");
        assertUserError(run("--predictions", negative.toString()), "line 2", "column 'p_0'", "outside [0, 1]");
    }

    @Test
    void labelsOutOfRange() throws Exception {
        Path f = csv("a.csv", "y_true,score\n1,0.5\n2,0.5\n");
        assertUserError(run("--predictions", f.toString()), "line 3", "column 'y_true'", "label 2 is out of range", "0 or 1");
        Path g = csv("b.csv", "y_true,p_0,p_1,p_2\n3,0.2,0.3,0.5\n");
        assertUserError(run("--predictions", g.toString()), "line 2", "expected 0..2");
    }

    @Test
    void wrongFieldCountEmptyFileAndHeaderOnly() throws Exception {
        Path f = csv("a.csv", "y_true,score\n1,0.5,extra\n");
        assertUserError(run("--predictions", f.toString()), "line 2 (data row 1)", "3 fields, expected 2");
        Path empty = csv("b.csv", "\n");
        assertUserError(run("--predictions", empty.toString()), "is empty");
        Path header = csv("c.csv", "y_true,score\n");
        assertUserError(run("--predictions", header.toString()), "no data rows");
        Path group = csv("d.csv", "y_true,score,group\n1,0.5,\n");
        assertUserError(run("--predictions", group.toString()), "column 'group'", "empty group id");
    }

    @Test
    void badOptions() throws Exception {
        Path f = csv("a.csv", BINARY);
        assertUserError(run("--predictions", f.toString(), "--positive-class", "2"), "--positive-class 2", "expected 0..1");
        Run missing = run();
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--predictions"), missing.err());
        Run help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--threshold"));
    }

    @Test
    void positiveClassZeroKeepsAucAndSwapsRates() throws Exception {
        Run r = run("--predictions", csv("p.csv", BINARY).toString(), "--positive-class", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode a = Json.MAPPER.readTree(r.out()).get("fairness").get("groups").get(0);
        assertEquals(5.0 / 6, a.get("auc").asDouble(), 1e-12);   // as FairnessTest
        assertEquals(2.0 / 3, a.get("tpr").asDouble(), 1e-12);   // TNR of class 1
        assertEquals(0.6, a.get("selectionRate").asDouble(), 1e-12);
    }
}
