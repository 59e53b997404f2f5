package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The readers by name, as the commands offer them (--dataset). */
public final class Datasets {
    public static final List<String> NAMES = List.of("ham10000", "fitzpatrick17k", "nih", "biaspruner", "isic");

    private Datasets() {
    }

    /**
     * Reads a dataset.
     *
     * @param name     one of {@link #NAMES}
     * @param data     ham10000: its folder (HAM10000_metadata.csv, images/); others: the CSV
     * @param imageDir image folder (ham10000: default data/images; others required unless csvOnly)
     * @param labels   fitzpatrick17k: three, nine or condition (null: three)
     */
    public static SampleSet load(String name, Path data, Path imageDir, String labels, boolean skipBadRows) {
        if (data == null) {
            throw new UserException("--data is required: the dataset's " + (name.equals("ham10000") ? "folder" : "CSV file"));
        }
        if (!Files.exists(data)) {
            throw new UserException("--data " + data + " does not exist");
        }
        if (name.equals("ham10000")) {
            Path csv = Files.isDirectory(data) ? data.resolve(Ham10000.METADATA) : data;
            return Ham10000.read(csv, new ReadOptions(imageDir(name, data, imageDir), true, skipBadRows));
        }
        if (!NAMES.contains(name)) {
            throw new UserException("unknown --dataset '" + name + "'; expected one of " + NAMES);
        }
        if (Files.isDirectory(data)) {
            throw new UserException("--data " + data + " is a folder; --dataset " + name + " needs its CSV file");
        }
        if (imageDir == null) {
            throw new UserException("--image-dir is required for --dataset " + name + " (the folder its CSV's images are in)");
        }
        ReadOptions o = new ReadOptions(imageDir, true, skipBadRows);
        return switch (name) {
            case "fitzpatrick17k" -> Fitzpatrick17k.read(data, fitzLabels(labels), false, o);
            case "nih" -> NihChestXray.read(data, o);
            case "biaspruner" -> BiasPrunerSplits.read(data, o);
            case "isic" -> isic(data, o);
            default -> throw new IllegalStateException(name);
        };
    }

    /** The image folder of a dataset as {@link #load} uses it. */
    public static Path imageDir(String name, Path data, Path imageDir) {
        if (imageDir != null || !name.equals("ham10000")) {
            return imageDir;
        }
        return (Files.isDirectory(data) ? data : data.toAbsolutePath().getParent()).resolve("images");
    }

    static Fitzpatrick17k.Labels fitzLabels(String labels) {
        if (labels == null) {
            return Fitzpatrick17k.Labels.THREE;
        }
        try {
            return Fitzpatrick17k.Labels.valueOf(labels.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("--labels must be three, nine or condition, got '" + labels + "'");
        }
    }

    /**
     * An ISIC training CSV after the reference's filters, as samples: label target, bias marked, scale and
     * instrument (-1 for sizes outside the 8), group patient_id.
     */
    public static SampleSet isic(Path csv, ReadOptions o) {
        List<IsicRow> rows = IsicRules.filter(IsicRules.read(csv));
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = new ArrayList<>(rows.size());
        for (IsicRow r : rows) {
            try {
                Path image = o.imageDir() == null ? null
                        : ImageFiles.resolve(o.imageDir(), r.imageName(), csv, r.line(), o.checkImages());
                Map<String, Integer> bias = new LinkedHashMap<>();
                bias.put("marked", r.marked());
                bias.put("scale", r.scale());
                bias.put("instrument", IsicRules.instrument(r.size()));
                samples.add(new Sample(r.line(), r.imageName(), image, r.target(), null, bias, Map.of(),
                        r.patientId().isEmpty() ? r.imageName() : r.patientId()));
            } catch (UserException e) {
                if (!o.skipBadRows()) {
                    throw e;
                }
                skipped.add(e.getMessage());
            }
        }
        Map<String, List<String>> codes = new LinkedHashMap<>();
        codes.put("instrument", IsicRules.INSTRUMENT_SIZES);
        return new SampleSet("ISIC", csv, SkinTestSets.CLASSES, codes, samples, skipped);
    }
}
