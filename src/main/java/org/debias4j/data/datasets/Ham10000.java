package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAM10000 (Tschandl et al. 2018): HAM10000_metadata.csv (lesion_id, image_id, dx, dx_type, age, sex,
 * localization) and images/IMAGE_ID.jpg. Several images show the same lesion, so the group of a sample
 * is its lesion_id and splits must keep a lesion's images together.
 * <p>
 * Label: dx, 7 classes in {@link #CLASSES} order. Sensitive attributes: sex (0 female, 1 male, -1 unknown),
 * age in years (-1 when missing: 57 rows), age_group (0 below {@link #AGE_THRESHOLD}, 1 at or above, -1
 * unknown) and age_bin (20-year bins 0..4: &lt;20, 20-39, 40-59, 60-79, 80+; -1 unknown).
 */
public final class Ham10000 {
    public static final String NAME = "HAM10000";
    public static final String METADATA = "HAM10000_metadata.csv";
    public static final List<String> CLASSES = List.of("akiec", "bcc", "bkl", "df", "mel", "nv", "vasc");
    public static final List<String> SEXES = List.of("female", "male");
    /** Years at which age_group switches from young (0) to old (1). */
    public static final int AGE_THRESHOLD = 60;
    public static final List<String> AGE_BINS = List.of("<20", "20-39", "40-59", "60-79", "80+");

    private Ham10000() {
    }

    /** Reads {@code folder}/HAM10000_metadata.csv with images from {@code folder}/images. */
    public static SampleSet read(Path folder, boolean skipBadRows) {
        return read(folder.resolve(METADATA), new ReadOptions(folder.resolve("images"), true, skipBadRows));
    }

    public static SampleSet read(Path csv, ReadOptions o) {
        CsvTable t = CsvTable.read(csv);
        t.require("lesion_id", "image_id", "dx", "age", "sex");
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = Rows.readAll(t, o, skipped, r -> {
            String id = t.get(r, "image_id").strip();
            int label = Rows.code(t, r, "dx", CLASSES);
            String sexValue = t.get(r, "sex").strip();
            int sex = SEXES.indexOf(sexValue);
            if (sex < 0 && !sexValue.equals("unknown") && !sexValue.isEmpty()) {
                throw new UserException(Rows.where(t, r) + ", column 'sex': unknown label '" + sexValue
                        + "'; expected female, male or unknown");
            }
            int age = t.get(r, "age").isBlank() ? -1 : t.getInt(r, "age");
            String lesion = t.get(r, "lesion_id").strip();
            if (lesion.isEmpty()) {
                throw new UserException(Rows.where(t, r) + ": empty lesion_id");
            }
            Path image = o.imageDir() == null ? null : ImageFiles.resolve(o.imageDir(), id, csv, r + 2, o.checkImages());
            Map<String, Integer> sensitive = new LinkedHashMap<>();
            sensitive.put("sex", sex);
            sensitive.put("age", age);
            sensitive.put("age_group", age < 0 ? -1 : age >= AGE_THRESHOLD ? 1 : 0);
            sensitive.put("age_bin", ageBin(age));
            return new Sample(r + 2, id, image, label, null, Map.of(), sensitive, lesion);
        });
        Map<String, List<String>> codes = new LinkedHashMap<>();
        codes.put("sex", SEXES);
        codes.put("age_group", List.of("<" + AGE_THRESHOLD, ">=" + AGE_THRESHOLD));
        codes.put("age_bin", AGE_BINS);
        return new SampleSet(NAME, csv, CLASSES, codes, samples, skipped);
    }

    /** 20-year bin of an age in years (-1 for unknown). */
    public static int ageBin(int age) {
        return age < 0 ? -1 : Math.min(4, age / 20);
    }
}
