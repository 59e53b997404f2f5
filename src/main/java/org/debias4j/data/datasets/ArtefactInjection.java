package org.debias4j.data.datasets;

import org.debias4j.data.synth.Artefacts;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.UserException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Renders the images of an injected-artefact benchmark: each real image centre-cropped and resized, with the
 * synthetic generator's ink ("marked") or ruler ("scale") drawn on when its bias is 1. A sample's artefact is a
 * pure function of the seed and its id, so the same (sample, bias) is the same file in every split.
 */
public final class ArtefactInjection {
    public static final List<String> ARTEFACTS = List.of("marked", "scale");

    private ArtefactInjection() {
    }

    /** "markings"/"marked" to marked, "rulers"/"ruler"/"scale" to scale. */
    public static String attribute(String artefact) {
        return switch (artefact.toLowerCase(java.util.Locale.ROOT)) {
            case "markings", "marking", "marked", "ink" -> "marked";
            case "rulers", "ruler", "scale" -> "scale";
            default -> throw new UserException("--inject must be markings or rulers, got '" + artefact + "'");
        };
    }

    /**
     * Renders every (sample, bias) of the result into {@code imagesOut} as ID_marked0.png / ID_marked1.png (or
     * _scale) at {@code size} pixels (existing files are kept: a rerun resumes) and returns the result with each
     * sample pointing at its rendered image and carrying the artefact as a bias label.
     */
    public static LffBenchmark.Result render(LffBenchmark.Result r, String attribute, Path imagesOut, int size, long seed,
                                             long maxPixels, java.util.function.IntConsumer progress) {
        try {
            Files.createDirectories(imagesOut);
        } catch (IOException e) {
            throw new UserException("Cannot create " + imagesOut + ": " + e.getMessage(), e);
        }
        Map<String, LffBenchmark.Item> jobs = new LinkedHashMap<>();
        Map<String, List<LffBenchmark.Item>> splits = new LinkedHashMap<>();
        for (Map.Entry<String, List<LffBenchmark.Item>> e : r.splits().entrySet()) {
            List<LffBenchmark.Item> out = new ArrayList<>(e.getValue().size());
            for (LffBenchmark.Item i : e.getValue()) {
                String name = fileName(i.sample().id(), attribute, i.bias());
                jobs.putIfAbsent(name, i);
                Sample s = i.sample();
                Map<String, Integer> bias = new LinkedHashMap<>(s.bias());
                bias.put(attribute, i.bias());
                out.add(new LffBenchmark.Item(new Sample(s.line(), s.id(), imagesOut.resolve(name), s.label(), s.labels(),
                        bias, s.sensitive(), s.group()), i.target(), i.bias()));
            }
            splits.put(e.getKey(), Collections.unmodifiableList(out));
        }
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        new ArrayList<>(jobs.entrySet()).parallelStream().forEach(e -> {
            if (stop.get()) {
                return;
            }
            Path target = imagesOut.resolve(e.getKey());
            try {
                if (!Files.exists(target)) {
                    Sample s = e.getValue().sample();
                    BufferedImage img = ImageOps.resize(ImageOps.cropSquare(ImageOps.read(s.image(), maxPixels)), size, size);
                    if (e.getValue().bias() == 1) {
                        long k = seed * 0x9E3779B97F4A7C15L + s.id().hashCode();
                        img = Artefacts.draw(img, attribute.equals("marked"), attribute.equals("scale"), k);
                    }
                    byte[] png = ImageOps.encode(img, target.getFileName().toString());
                    AtomicFiles.write(target, o -> o.write(png));
                }
            } catch (UserException ex) {
                failed.add(ex.getMessage());
                stop.set(true); // images were checked before: a failure here is unexpected, stop at once
            } finally {
                if (progress != null) {
                    progress.accept(done.incrementAndGet());
                }
            }
        });
        if (!failed.isEmpty()) {
            throw new UserException(failed.get(0));
        }
        return new LffBenchmark.Result(Collections.unmodifiableMap(splits), r.candidates());
    }

    /** Number of distinct images {@link #render} draws. */
    public static int images(LffBenchmark.Result r, String attribute) {
        java.util.Set<String> names = new java.util.HashSet<>();
        r.splits().values().forEach(l -> l.forEach(i -> names.add(fileName(i.sample().id(), attribute, i.bias()))));
        return names.size();
    }

    static String fileName(String id, String attribute, int bias) {
        String base = id.replaceAll("\\.(?i)(jpe?g|png)$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
        return base + "_" + attribute + bias + ".png";
    }
}
