package org.debias4j.eval;

import org.debias4j.util.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * PNG charts with XChart, written atomically. Runs headless: java.awt.headless is set to true unless
 * the caller chose otherwise before this class loaded (training machines have no display).
 */
public final class Plots {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 600;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {
    }

    /**
     * ROC curves, one per name, with the AUC in the legend and the chance diagonal. Curves whose AUC
     * is undefined (one class absent) are left out, since they have no points to draw.
     */
    public static void roc(Map<String, Roc> curvesByName, String title, Path png) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("False positive rate").yAxisTitle("True positive rate").build();
        style(chart);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setXAxisDecimalPattern("0.0#").setYAxisDecimalPattern("0.0#");
        // Fixed 0..1 axes otherwise get a tick every 0.02 or so; ask for about ten.
        chart.getStyler().setXAxisTickMarkSpacingHint(70).setYAxisTickMarkSpacingHint(50);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        curvesByName.forEach((name, roc) -> {
            double auc = roc.auc();
            if (!Double.isNaN(auc)) {
                chart.addSeries(String.format(Locale.ROOT, "%s (AUC %.3f)", name, auc), roc.fpr(), roc.tpr())
                        .setMarker(SeriesMarkers.NONE);
            }
        });
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        chance.setLineColor(Color.GRAY);
        write(chart, png);
    }

    /**
     * Grouped bars: one bar group per sensitive group (e.g. skin tone), one bar colour per series
     * (e.g. method). Groups are ordered by first appearance; a missing or NaN value leaves a gap.
     */
    public static void groupBars(Map<String, Map<String, Double>> valuesBySeries, String title, String yAxisTitle,
                                 Path png) {
        Set<String> groups = new LinkedHashSet<>();
        valuesBySeries.values().forEach(values -> groups.addAll(values.keySet()));
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("Group").yAxisTitle(yAxisTitle).build();
        style(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        List<String> categories = new ArrayList<>(groups);
        valuesBySeries.forEach((series, values) -> {
            List<Double> ys = new ArrayList<>();
            for (String g : categories) {
                Double v = values.get(g);
                ys.add(v == null || Double.isNaN(v) ? null : v);
            }
            chart.addSeries(series, categories, ys);
        });
        write(chart, png);
    }

    /** Training curves against epoch 1..n (e.g. loss, validation accuracy); NaN points leave gaps. */
    public static void trainingCurves(Map<String, double[]> series, String title, Path png) {
        trainingCurves(series, title, "Epoch", "Value", png);
    }

    public static void trainingCurves(Map<String, double[]> series, String title, String xAxisTitle,
                                      String yAxisTitle, Path png) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xAxisTitle).yAxisTitle(yAxisTitle).build();
        style(chart);
        series.forEach((name, values) -> {
            if (values.length == 0) {
                return; // XChart cannot draw an empty series
            }
            double[] epochs = new double[values.length];
            Arrays.setAll(epochs, i -> i + 1);
            chart.addSeries(name, epochs, values).setMarker(values.length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        });
        write(chart, png);
    }

    /** Any XChart chart to PNG, atomically. */
    public static void write(Chart<?, ?> chart, Path png) {
        byte[] bytes;
        try {
            bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot render chart for " + png + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(png, out -> out.write(bytes));
    }

    private static void style(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setAntiAlias(true);
    }
}
