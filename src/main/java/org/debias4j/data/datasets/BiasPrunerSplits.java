package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BiasPruner reference's bias-benchmark CSVs (biaspruner-splits/), whose headers vary between files;
 * the kind is recognised from the header:
 * <ul>
 *   <li>FITZ (fitz/): md5hash, fitzpatrick (1 = light I-III, 0 = dark, "Light is 1"), three_partition_label
 *       (the label: benign, malignant, non-neoplastic), ... with or without qc/url columns;</li>
 *   <li>NIH (GbP/): the ChestX-ray14 columns without spaces ("ImageIndex", "PatientID" or "Patient ID"),
 *       read by {@link NihChestXray};</li>
 *   <li>ISIC_AGE (age_ISIC_2020/): image_name, patient_id, sex, age or age_approx (0 = below 60, 1 = 60 or
 *       older; raw years in flipped_train_set.csv, binarised at 60 here), target.</li>
 * </ul>
 * Every sample gets skin_tone (FITZ) or sex and age_group (NIH, ISIC_AGE) as sensitive attributes.
 */
public final class BiasPrunerSplits {
    public enum Kind { FITZ, NIH, ISIC_AGE }

    private BiasPrunerSplits() {
    }

    public static Kind kind(CsvTable t) {
        if (t.has("md5hash") && t.has("fitzpatrick")) {
            return Kind.FITZ;
        }
        if (Columns.find(t, "Image Index") != null && Columns.find(t, "Finding Labels") != null) {
            return Kind.NIH;
        }
        if (t.has("image_name") && t.has("target") && Columns.find(t, "age", "age_approx") != null) {
            return Kind.ISIC_AGE;
        }
        throw new UserException(t.file() + " is not a BiasPruner split CSV: expected the columns of fitz/ (md5hash, "
                + "fitzpatrick, three_partition_label), GbP/ (ImageIndex, FindingLabels, PatientID) or age_ISIC_2020/ "
                + "(image_name, age or age_approx, target); its columns are " + t.columns());
    }

    public static SampleSet read(Path csv, ReadOptions o) {
        CsvTable t = CsvTable.read(csv);
        return switch (kind(t)) {
            case FITZ -> fitz(t, o);
            case NIH -> NihChestXray.read(t, o);
            case ISIC_AGE -> isicAge(t, o);
        };
    }

    private static SampleSet fitz(CsvTable t, ReadOptions o) {
        t.require("three_partition_label");
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = Rows.readAll(t, o, skipped, r -> {
            String md5 = t.get(r, "md5hash").strip();
            int label = Rows.code(t, r, "three_partition_label", Fitzpatrick17k.THREE);
            int light = t.getInt(r, "fitzpatrick");
            if (light != 0 && light != 1) {
                throw new UserException(Rows.where(t, r) + ", column 'fitzpatrick': unknown label '" + light
                        + "'; expected 1 (light, I-III) or 0 (dark, IV-VI)");
            }
            Path image = o.imageDir() == null ? null : ImageFiles.resolve(o.imageDir(), md5 + ".jpg", t.file(), r + 2, o.checkImages());
            return new Sample(r + 2, md5, image, label, null, Map.of(), Map.of("skin_tone", 1 - light), md5);
        });
        return new SampleSet("BiasPruner-FITZ", t.file(), Fitzpatrick17k.THREE,
                Map.of("skin_tone", Fitzpatrick17k.SKIN_TONES), samples, skipped);
    }

    private static SampleSet isicAge(CsvTable t, ReadOptions o) {
        String age = Columns.require(t, "age", "age_approx");
        boolean binary = true;
        for (int r = 0; r < t.size() && binary; r++) {
            String v = t.get(r, age).strip();
            binary = v.isEmpty() || v.equals("0") || v.equals("1") || v.equals("0.0") || v.equals("1.0");
        }
        boolean binaryAge = binary;
        boolean hasPatient = t.has("patient_id");
        boolean hasSex = t.has("sex");
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = Rows.readAll(t, o, skipped, r -> {
            String name = t.get(r, "image_name").strip();
            int target = t.getInt(r, "target");
            if (target != 0 && target != 1) {
                throw new UserException(Rows.where(t, r) + ", column 'target': unknown label '" + target + "'; expected 0 or 1");
            }
            String a = t.get(r, age).strip();
            int group = a.isEmpty() ? -1 : binaryAge ? t.getInt(r, age)
                    : t.getDouble(r, age) >= Ham10000.AGE_THRESHOLD ? 1 : 0;
            Map<String, Integer> sensitive = new LinkedHashMap<>();
            sensitive.put("age_group", group);
            if (!binaryAge) {
                sensitive.put("age", a.isEmpty() ? -1 : (int) t.getDouble(r, age));
            }
            if (hasSex) {
                String s = t.get(r, "sex").strip();
                int k = Ham10000.SEXES.indexOf(s);
                if (k < 0 && !s.isEmpty() && !s.equals("unknown")) {
                    throw new UserException(Rows.where(t, r) + ", column 'sex': unknown label '" + s
                            + "'; expected female, male or empty");
                }
                sensitive.put("sex", k);
            }
            Path image = o.imageDir() == null ? null : ImageFiles.resolve(o.imageDir(), name, t.file(), r + 2, o.checkImages());
            return new Sample(r + 2, name, image, target, null, Map.of(), sensitive,
                    hasPatient ? t.get(r, "patient_id").strip() : name);
        });
        Map<String, List<String>> codes = new LinkedHashMap<>();
        codes.put("age_group", List.of("<" + Ham10000.AGE_THRESHOLD, ">=" + Ham10000.AGE_THRESHOLD));
        codes.put("sex", Ham10000.SEXES);
        return new SampleSet("BiasPruner-ISIC-age", t.file(), SkinTestSets.CLASSES, codes, samples, skipped);
    }
}
