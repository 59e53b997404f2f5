package org.debias4j.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsAndReportTest {

    static BufferedImage decode(Path png) throws Exception {
        assertTrue(Files.isRegularFile(png), png + " exists");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " decodes as an image");
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.HEIGHT, img.getHeight());
        return img;
    }

    @Test
    void rocPlot(@TempDir Path dir) throws Exception {
        Map<String, Roc> curves = new LinkedHashMap<>();
        curves.put("baseline", Roc.curve(BinaryMetricsTest.SCORES, BinaryMetricsTest.LABELS));
        curves.put("perfect", Roc.curve(new double[] {0.1, 0.9}, new int[] {0, 1}));
        curves.put("undefined", Roc.curve(new double[] {0.1, 0.9}, new int[] {0, 0}));
        Path png = dir.resolve("roc.png");
        Plots.roc(curves, "ROC", png);
        decode(png);
        assertEquals("true", System.getProperty("java.awt.headless"));
    }

    @Test
    void groupBarsWithMissingValues(@TempDir Path dir) throws Exception {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        values.put("baseline", Map.of("I-III", 0.81, "IV-VI", 0.62));
        values.put("LNTL", Map.of("I-III", 0.80, "IV-VI", Double.NaN));
        Path png = dir.resolve("sub/groups.png");
        Plots.groupBars(values, "Accuracy per skin type", "Accuracy", png);
        decode(png);
    }

    @Test
    void trainingCurvesWithGapsAndEmptySeries(@TempDir Path dir) throws Exception {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", new double[] {0.9, 0.6, 0.4, 0.35});
        series.put("val accuracy", new double[] {0.5, Double.NaN, 0.7, 0.72});
        series.put("empty", new double[0]);
        Path png = dir.resolve("curves.png");
        Plots.trainingCurves(series, "Training", png);
        decode(png);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    record Config(String method, double lr, int epochs) {
    }

    @Test
    void reportWritesMarkdownAndHtmlWithTablesAndImages(@TempDir Path dir) throws Exception {
        Path plots = dir.resolve("plots");
        Path roc = plots.resolve("roc.png");
        Plots.roc(Map.of("m", Roc.curve(BinaryMetricsTest.SCORES, BinaryMetricsTest.LABELS)), "ROC", roc);
        BinaryMetrics m = BinaryMetrics.compute(BinaryMetricsTest.SCORES, BinaryMetricsTest.LABELS, 0.5);
        Path out = dir.resolve("report");
        Path inside = out.resolve("curves.png");
        Plots.trainingCurves(Map.of("loss", new double[] {1, 0.5}), "Loss", inside);

        new Report("Run <1> & co")
                .config(new Config("TABE", 3e-4, 15))
                .text("Heidelberg plain test set.")
                .table(m.table())
                .image("ROC curve", roc)
                .image("Loss", inside)
                .writeTo(out);

        String md = Files.readString(out.resolve(Report.MARKDOWN));
        assertTrue(md.startsWith("# Run <1> & co\n"));
        assertTrue(md.contains("\"method\" : \"TABE\""), md);
        assertTrue(md.contains(m.table().toMarkdown()), "the metric table is in report.md");
        assertTrue(md.contains("| auc | 0.7000 |  |"));
        assertTrue(md.contains("![ROC curve](roc.png)"));
        assertTrue(md.contains("![Loss](curves.png)"));

        String html = Files.readString(out.resolve(Report.HTML));
        assertTrue(html.contains("<title>Run &lt;1&gt; &amp; co</title>"));
        assertTrue(html.contains("<img src=\"roc.png\""));
        assertTrue(html.contains("<td class=\"num\">0.7000</td>"));
        assertTrue(html.contains("&quot;lr&quot; : 3.0E-4"));
        decode(out.resolve("roc.png")); // copied next to the report
        try (var files = Files.list(out)) {
            assertEquals(List.of("curves.png", "report.html", "report.md", "roc.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void imagesWithTheSameNameFromDifferentFoldersAreKeptApart(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a/roc.png");
        Path b = dir.resolve("b/roc.png");
        Plots.trainingCurves(Map.of("x", new double[] {1}), "A", a);
        Plots.trainingCurves(Map.of("x", new double[] {2}), "B", b);
        Path out = dir.resolve("out");
        new Report("two").image("a", a).image("b", b).writeTo(out);
        String md = Files.readString(out.resolve(Report.MARKDOWN));
        assertTrue(md.contains("![a](roc.png)"));
        assertTrue(md.contains("![b](roc-2.png)"));
        decode(out.resolve("roc-2.png"));
    }
}
