package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Skin Deep Unlearning reference's test sets, each a CSV of its data/csv folder with a binary
 * {@code target} (1 = melanoma): AtlasDerm and AtlasClinic (atlas_processed.csv, the dermoscopic image in
 * {@code derm}, the clinical one in {@code clinic}; sex; group = case), ASAN (asan.csv; marked), MClassD
 * and MClassC (MClassD.csv, MClassC.csv), and the private Heidelberg set (holger_blank / _marked /
 * _rulers.csv: the same 130 lesions plain, with surgical markings, with rulers; images not public, so
 * read them with {@link ReadOptions#csvOnly()}).
 */
public final class SkinTestSets {
    public static final List<String> CLASSES = List.of("other", "melanoma");

    /** A test set: its name, CSV file, image column and the reference's image folder name (with the size). */
    public enum Set {
        ATLAS_DERM("AtlasDerm", "atlas_processed.csv", "derm", "atlas_%d"),
        ATLAS_CLINIC("AtlasClinic", "atlas_processed.csv", "clinic", "atlas_%d"),
        ASAN("ASAN", "asan.csv", "image_name", "asan_%d"),
        MCLASS_D("MClassD", "MClassD.csv", "image_name", "MClassD_%d"),
        MCLASS_C("MClassC", "MClassC.csv", "image_name", "MClassC_%d"),
        HEIDELBERG_BLANK("HeidelbergBlank", "holger_blank.csv", "image_name", "hh_test_%d/Markings"),
        HEIDELBERG_MARKED("HeidelbergMarked", "holger_marked.csv", "image_name", "hh_test_%d/Markings"),
        HEIDELBERG_RULERS("HeidelbergRulers", "holger_rulers.csv", "image_name", "hh_test_%d/Rulers");

        public final String title;
        public final String csv;
        public final String imageColumn;
        private final String folder;

        Set(String title, String csv, String imageColumn, String folder) {
            this.title = title;
            this.csv = csv;
            this.imageColumn = imageColumn;
            this.folder = folder;
        }

        /** Where the reference's download script puts this set's images for --image-size {@code size}. */
        public Path imageFolder(Path imageRoot, int size) {
            return imageRoot.resolve(String.format(folder, size));
        }

        /** By title, case-insensitive (AtlasDerm, asan, mclassd, ...). */
        public static Set byName(String name) {
            for (Set s : values()) {
                if (s.title.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            List<String> titles = new ArrayList<>();
            for (Set s : values()) {
                titles.add(s.title);
            }
            throw new UserException("unknown test set '" + name + "'; expected one of " + titles);
        }
    }

    private SkinTestSets() {
    }

    /** Reads {@code csvDir}/{@code set.csv}. */
    public static SampleSet read(Set set, Path csvDir, ReadOptions o) {
        return read(set, CsvTable.read(csvDir.resolve(set.csv)), o);
    }

    public static SampleSet read(Set set, CsvTable t, ReadOptions o) {
        t.require(set.imageColumn, "target");
        boolean hasMarked = t.has("marked");
        boolean hasSex = t.has("sex");
        boolean hasCase = t.has("case_num");
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = Rows.readAll(t, o, skipped, r -> {
            String name = t.get(r, set.imageColumn).strip();
            int target = t.getInt(r, "target");
            if (target != 0 && target != 1) {
                throw new UserException(Rows.where(t, r) + ", column 'target': unknown label '" + target
                        + "'; expected 0 or 1 (1 = melanoma)");
            }
            Map<String, Integer> bias = new LinkedHashMap<>();
            if (hasMarked) {
                bias.put("marked", t.getInt(r, "marked"));
            } else if (set == Set.HEIDELBERG_MARKED || set == Set.HEIDELBERG_BLANK) {
                bias.put("marked", set == Set.HEIDELBERG_MARKED ? 1 : 0);
            }
            if (set == Set.HEIDELBERG_RULERS || set == Set.HEIDELBERG_BLANK) {
                bias.put("scale", set == Set.HEIDELBERG_RULERS ? 1 : 0);
            }
            Map<String, Integer> sensitive = new LinkedHashMap<>();
            if (hasSex) {
                String s = t.get(r, "sex").strip();
                int k = Ham10000.SEXES.indexOf(s);
                if (k < 0 && !s.isEmpty() && !s.equals("unknown")) {
                    throw new UserException(Rows.where(t, r) + ", column 'sex': unknown label '" + s
                            + "'; expected female, male or unknown");
                }
                sensitive.put("sex", k);
            }
            Path image = o.imageDir() == null ? null : ImageFiles.resolve(o.imageDir(), name, t.file(), r + 2, o.checkImages());
            String group = hasCase ? "case" + t.get(r, "case_num").strip() : name;
            return new Sample(r + 2, name, image, target, null, bias, sensitive, group);
        });
        Map<String, List<String>> codes = new LinkedHashMap<>();
        if (hasSex) {
            codes.put("sex", Ham10000.SEXES);
        }
        return new SampleSet(set.title, t.file(), CLASSES, codes, samples, skipped);
    }
}
