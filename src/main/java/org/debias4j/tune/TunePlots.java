package org.debias4j.tune;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.eval.Plots;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Score against each searched parameter, one scatter PNG per parameter (the best candidate highlighted). */
final class TunePlots {
    private TunePlots() {
    }

    static void scoreVsParameters(SearchSpec spec, String score, List<Tuner.Outcome> outcomes, Tuner.Outcome best,
                                  Path folder) {
        for (Param p : spec.parameters()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Tuner.Outcome o : outcomes) {
                JsonNode v = o.params().get(p.name());
                double x = v == null ? Double.NaN : p.numeric(v);
                if (o.status().equals("ok") && Double.isFinite(o.score()) && Double.isFinite(x)) {
                    xs.add(x);
                    ys.add(o.score());
                }
            }
            if (xs.isEmpty()) {
                continue; // XChart cannot draw an empty series
            }
            XYChart chart = new XYChartBuilder().width(Plots.WIDTH).height(Plots.HEIGHT)
                    .title("Score vs " + p.name()).xAxisTitle(p.name() + (p.log() ? " (log scale)" : ""))
                    .yAxisTitle(score).build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setChartBackgroundColor(Color.WHITE).setAntiAlias(true);
            chart.getStyler().setMarkerSize(10);
            if (p.log()) {
                chart.getStyler().setXAxisLogarithmic(true);
            }
            if (p.type() == Param.Type.DISCRETE && !p.allNumeric()) {
                // Non-numeric choices sit at their list positions, labelled with the choice.
                chart.getStyler().setxAxisTickLabelsFormattingFunction(d -> {
                    int i = (int) Math.round(d);
                    return Math.abs(d - i) < 1e-9 && i >= 0 && i < p.values().size() ? Param.text(p.values().get(i)) : "";
                });
            }
            chart.addSeries("candidates", xs, ys).setMarker(SeriesMarkers.CIRCLE);
            if (best != null && best.params().get(p.name()) != null) {
                chart.addSeries("best (#" + best.n() + ")", List.of(p.numeric(best.params().get(p.name()))),
                        List.of(best.score())).setMarker(SeriesMarkers.DIAMOND).setMarkerColor(Color.RED);
            }
            Plots.write(chart, folder.resolve("score-vs-" + p.name().replaceAll("^-+", "").replaceAll("[^A-Za-z0-9_.-]", "_")
                    + ".png"));
        }
    }
}
