package org.debias4j.eval;

import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a title, a configuration, text, tables and PNG images, and writes report.md and a
 * self-contained report.html (inline CSS, {@code <img>} tags pointing at PNGs next to it) into one
 * folder. Images outside the folder are copied in. Every file is written atomically, so an
 * interrupted run leaves either the previous report or the new one, never a truncated file.
 */
public final class Report {
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";

    private sealed interface Part permits Text, Table, Image {
    }

    private record Text(String text) implements Part {
    }

    private record Table(MetricTable table) implements Part {
    }

    private record Image(String caption, Path png) implements Part {
    }

    private final String title;
    private Object config;
    private final List<Part> parts = new ArrayList<>();

    public Report(String title) {
        this.title = title;
    }

    /** Any object Jackson can serialise (records, maps, POJOs); shown as pretty JSON. */
    public Report config(Object config) {
        this.config = config;
        return this;
    }

    /** A paragraph (Markdown in report.md, escaped plain text in report.html). */
    public Report text(String paragraph) {
        parts.add(new Text(paragraph));
        return this;
    }

    public Report table(MetricTable table) {
        parts.add(new Table(table));
        return this;
    }

    public Report image(String caption, Path png) {
        parts.add(new Image(caption, png));
        return this;
    }

    /** Writes report.md, report.html and copies of outside images into folder (created if needed). */
    public void writeTo(Path folder) {
        Map<Image, String> imageNames = placeImages(folder);
        String configJson = config == null ? null : Json.write(config);
        AtomicFiles.writeString(folder.resolve(MARKDOWN), markdown(configJson, imageNames));
        AtomicFiles.writeString(folder.resolve(HTML), html(configJson, imageNames));
    }

    /** File name of every image inside folder; distinct images with the same name get a suffix. */
    private Map<Image, String> placeImages(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        Map<Image, String> names = new HashMap<>();
        Map<String, Path> used = new HashMap<>();
        for (Part part : parts) {
            if (!(part instanceof Image image)) {
                continue;
            }
            Path src = image.png().toAbsolutePath().normalize();
            if (!Files.isRegularFile(src)) {
                throw new UncheckedIOException(new IOException("image " + src + " for the report does not exist"));
            }
            String name = src.getFileName().toString();
            for (int k = 2; used.containsKey(name) && !used.get(name).equals(src); k++) {
                name = suffixed(src.getFileName().toString(), k);
            }
            used.put(name, src);
            names.put(image, name);
            Path target = dir.resolve(name);
            if (!target.equals(src)) {
                AtomicFiles.write(target, out -> Files.copy(src, out));
            }
        }
        return names;
    }

    private static String suffixed(String fileName, int k) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName + "-" + k : fileName.substring(0, dot) + "-" + k + fileName.substring(dot);
    }

    private String markdown(String configJson, Map<Image, String> imageNames) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        if (configJson != null) {
            sb.append("## Configuration\n\n```json\n").append(configJson).append("\n```\n\n");
        }
        for (Part part : parts) {
            if (part instanceof Text t) {
                sb.append(t.text()).append("\n\n");
            } else if (part instanceof Table t) {
                sb.append(t.table().toMarkdown()).append('\n');
            } else if (part instanceof Image i) {
                sb.append("![").append(i.caption()).append("](").append(url(imageNames.get(i))).append(")\n\n");
            }
        }
        return sb.toString();
    }

    private String html(String configJson, Map<Image, String> imageNames) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(esc(title)).append("</h1>\n");
        if (configJson != null) {
            sb.append("<h2>Configuration</h2>\n<pre>").append(esc(configJson)).append("</pre>\n");
        }
        for (Part part : parts) {
            if (part instanceof Text t) {
                sb.append("<p>").append(esc(t.text())).append("</p>\n");
            } else if (part instanceof Table t) {
                appendTable(sb, t.table());
            } else if (part instanceof Image i) {
                sb.append("<figure><img src=\"").append(esc(url(imageNames.get(i)))).append("\" alt=\"")
                        .append(esc(i.caption())).append("\"><figcaption>").append(esc(i.caption()))
                        .append("</figcaption></figure>\n");
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void appendTable(StringBuilder sb, MetricTable table) {
        sb.append("<table>\n");
        if (table.title() != null && !table.title().isEmpty()) {
            sb.append("<caption>").append(esc(table.title())).append("</caption>\n");
        }
        sb.append("<tr>");
        for (String c : table.columns()) {
            sb.append("<th>").append(esc(c)).append("</th>");
        }
        sb.append("</tr>\n");
        for (List<String> row : table.rows()) {
            sb.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                sb.append(table.isNumericColumn(c) ? "<td class=\"num\">" : "<td>").append(esc(row.get(c))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static String url(String fileName) {
        return URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; }
            th { background: #f2f2f2; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            pre { background: #f6f6f6; padding: 1em; overflow: auto; }
            figure { margin: 1.5em 0; }
            img { max-width: 100%; }
            figcaption { color: #555; }
            """;
}
