package org.debias4j.data;

import org.debias4j.util.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Images with a label and any number of integer attributes (bias labels such as marked, scale,
 * instrument; sensitive attributes such as skin tone or sex). Read from a CSV whose image_name
 * column names files in an image folder (with or without extension), the schema of the ISIC
 * training CSV that the synthetic benchmark also writes.
 */
public final class ImageDataset {
    private static final String[] EXTENSIONS = {"", ".png", ".jpg", ".jpeg", ".JPG", ".PNG"};

    private final String name;
    private final List<Path> images;
    private final int[] labels;
    private final Map<String, int[]> attributes;

    public ImageDataset(String name, List<Path> images, int[] labels, Map<String, int[]> attributes) {
        this.name = name;
        this.images = List.copyOf(images);
        this.labels = labels;
        this.attributes = Map.copyOf(attributes);
        if (labels.length != images.size()) {
            throw new IllegalArgumentException("labels and images differ in length");
        }
    }

    /**
     * Reads {@code csv}: images from {@code imageDir} (default: "images" beside the CSV), the label
     * from {@code labelColumn}, and each of {@code attributeColumns} that the CSV has.
     */
    public static ImageDataset fromCsv(String name, Path csv, Path imageDir, String labelColumn,
                                       List<String> attributeColumns) {
        CsvTable t = CsvTable.read(csv);
        t.require("image_name", labelColumn);
        Path dir = imageDir != null ? imageDir : csv.toAbsolutePath().getParent().resolve("images");
        if (!Files.isDirectory(dir)) {
            throw new UserException("Image folder " + dir + " (for " + csv + ") does not exist; pass --image-dir");
        }
        List<Path> images = new ArrayList<>(t.size());
        int[] labels = new int[t.size()];
        Map<String, int[]> attrs = new LinkedHashMap<>();
        for (String a : attributeColumns) {
            if (t.has(a)) {
                attrs.put(a, new int[t.size()]);
            }
        }
        for (int r = 0; r < t.size(); r++) {
            images.add(resolveImage(dir, t.get(r, "image_name"), csv, r));
            labels[r] = t.getInt(r, labelColumn);
            for (Map.Entry<String, int[]> e : attrs.entrySet()) {
                e.getValue()[r] = t.getInt(r, e.getKey());
            }
        }
        return new ImageDataset(name, images, labels, attrs);
    }

    private static Path resolveImage(Path dir, String imageName, Path csv, int row) {
        // a CSV must not make the tool read files outside its image folder
        org.debias4j.data.datasets.ImageFiles.resolve(dir, imageName, csv, row + 2, false);
        for (String ext : EXTENSIONS) {
            Path p = dir.resolve(imageName + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new UserException(csv + " line " + (row + 2) + ": image '" + imageName + "' not found in " + dir
                + " (tried extensions " + String.join(" ", Arrays.copyOfRange(EXTENSIONS, 1, EXTENSIONS.length)) + ")");
    }

    public String name() {
        return name;
    }

    public int size() {
        return images.size();
    }

    public Path image(int i) {
        return images.get(i);
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    public boolean hasAttribute(String column) {
        return attributes.containsKey(column);
    }

    public int[] attribute(String column) {
        int[] a = attributes.get(column);
        if (a == null) {
            throw new UserException("Dataset " + name + " has no column '" + column + "'; it has " + attributes.keySet());
        }
        return a.clone();
    }

    public int attribute(String column, int i) {
        return attributes.get(column)[i];
    }

    public java.util.Set<String> attributeNames() {
        return attributes.keySet();
    }

    /** The same rows under a new name with one more attribute column (one value per row). */
    public ImageDataset withAttribute(String newName, String column, int[] values) {
        if (values.length != labels.length) {
            throw new IllegalArgumentException("attribute " + column + " has " + values.length + " values for "
                    + labels.length + " rows");
        }
        Map<String, int[]> at = new LinkedHashMap<>(attributes);
        at.put(column, values);
        return new ImageDataset(newName, images, labels, at);
    }

    /** A subset by row indices (used for debug runs and folds). */
    public ImageDataset subset(String newName, int[] rows) {
        List<Path> im = new ArrayList<>(rows.length);
        int[] lab = new int[rows.length];
        Map<String, int[]> at = new LinkedHashMap<>();
        for (String k : attributes.keySet()) {
            at.put(k, new int[rows.length]);
        }
        for (int j = 0; j < rows.length; j++) {
            im.add(images.get(rows[j]));
            lab[j] = labels[rows[j]];
            for (Map.Entry<String, int[]> e : at.entrySet()) {
                e.getValue()[j] = attributes.get(e.getKey())[rows[j]];
            }
        }
        return new ImageDataset(newName, im, lab, at);
    }
}
