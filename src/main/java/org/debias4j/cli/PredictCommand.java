package org.debias4j.cli;

import org.debias4j.api.InvalidImageException;
import org.debias4j.api.Model;
import org.debias4j.api.Prediction;
import org.debias4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code debias4j predict --model BUNDLE IMAGE...}: a table (or JSON) of class probabilities per image. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify image files with a model bundle (see `bundle`). Exit 2 if any image could not be read.")
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model bundle (.d4j), e.g. models/demo-resnet20.d4j")
    Path model;
    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;
    @Option(names = "--tta", description = "test-time views: 1 or 8 (default: as the bundle was evaluated)")
    Integer tta;
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files (PNG, JPEG, BMP, TIFF, ...)")
    List<Path> images;

    @Override
    public Integer call() {
        if (tta != null && tta != 1 && tta != 8) {
            throw new org.debias4j.util.UserException("--tta must be 1 or 8, got " + tta);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int failed = 0;
        try (Model m = Model.load(model, new Model.Options(1, tta == null ? 0 : tta))) {
            List<String> classes = m.info().classes();
            for (Path image : images) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("image", image.toString());
                try {
                    Prediction p = m.predict(image);
                    row.put("className", p.className());
                    row.put("classIndex", p.classIndex());
                    Map<String, Double> byClass = new LinkedHashMap<>();
                    for (String c : classes) {
                        byClass.put(c, p.probability(c));
                    }
                    row.put("probabilities", byClass);
                } catch (InvalidImageException e) {
                    row.put("error", e.getMessage());
                    failed++;
                }
                rows.add(row);
            }
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("model", m.info().name());
                out.put("sha256", m.info().sha256());
                out.put("ttaViews", m.info().ttaViews());
                out.put("predictions", rows);
                System.out.println(Json.write(out));
            } else {
                printTable(classes, rows);
            }
        }
        if (failed > 0) {
            System.err.println("error: " + failed + " of " + images.size() + " images could not be classified");
            return 2;
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(List<String> classes, List<Map<String, Object>> rows) {
        int w = Math.max(5, rows.stream().mapToInt(r -> r.get("image").toString().length()).max().orElse(5));
        StringBuilder head = new StringBuilder(String.format("%-" + w + "s  %-12s", "image", "class"));
        for (String c : classes) {
            head.append(String.format("  %12s", "p(" + c + ")"));
        }
        System.out.println(head);
        System.out.println("-".repeat(head.length()));
        for (Map<String, Object> r : rows) {
            if (r.containsKey("error")) {
                System.out.printf("%-" + w + "s  error: %s%n", r.get("image"), r.get("error"));
                continue;
            }
            StringBuilder line = new StringBuilder(String.format("%-" + w + "s  %-12s", r.get("image"), r.get("className")));
            Map<String, Double> p = (Map<String, Double>) r.get("probabilities");
            for (String c : classes) {
                line.append(String.format("  %12.4f", p.get(c)));
            }
            System.out.println(line);
        }
    }
}
