package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Fitzpatrick17k (Groh et al. 2021), fitzpatrick17k.csv: md5hash, fitzpatrick_scale (1-6, -1 unknown),
 * fitzpatrick_centaur, label (114 conditions), nine_partition_label, three_partition_label, qc, url.
 * Images are published as URLs; a downloaded image is {@code md5hash.jpg}.
 * <p>
 * Label: the 3-way partition (benign, malignant, non-neoplastic), the 9-way one, or the condition.
 * Sensitive attributes: skin_type 1..6 (-1 unknown), skin_tone 0 = light (I-III), 1 = dark (IV-VI), -1
 * unknown. qc: 0 = not reviewed, 1 diagnostic, 2 characteristic, 3 wrongly labelled, 4 other, 5 potentially.
 */
public final class Fitzpatrick17k {
    public static final String NAME = "Fitzpatrick17k";
    public static final List<String> THREE = List.of("benign", "malignant", "non-neoplastic");
    public static final List<String> NINE = List.of("benign dermal", "benign epidermal", "benign melanocyte",
            "genodermatoses", "inflammatory", "malignant cutaneous lymphoma", "malignant dermal", "malignant epidermal",
            "malignant melanoma");
    public static final List<String> SKIN_TONES = List.of("light", "dark");
    public static final List<String> QC = List.of("none", "1 Diagnostic", "2 Characteristic", "3 Wrongly labelled",
            "4 Other", "5 Potentially");

    /** Which column is the label. */
    public enum Labels {
        THREE("three_partition_label"), NINE("nine_partition_label"), CONDITION("label");

        public final String column;

        Labels(String column) {
            this.column = column;
        }
    }

    private Fitzpatrick17k() {
    }

    /** Light (I-III) 0, dark (IV-VI) 1, unknown -1, from a Fitzpatrick skin type. */
    public static int skinTone(int skinType) {
        if (skinType >= 1 && skinType <= 3) {
            return 0;
        }
        return skinType >= 4 && skinType <= 6 ? 1 : -1;
    }

    /**
     * Reads the official CSV. {@code dropWronglyLabelled} leaves out the rows that quality control marked
     * "3 Wrongly labelled" (17 rows).
     */
    public static SampleSet read(Path csv, Labels labels, boolean dropWronglyLabelled, ReadOptions o) {
        CsvTable t = CsvTable.read(csv);
        t.require("md5hash", "fitzpatrick_scale", labels.column, "qc");
        List<String> classes = switch (labels) {
            case THREE -> THREE;
            case NINE -> NINE;
            case CONDITION -> conditions(t);
        };
        boolean centaur = t.has("fitzpatrick_centaur");
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = Rows.readAll(t, o, skipped, r -> {
            String md5 = t.get(r, "md5hash").strip();
            int label = Rows.code(t, r, labels.column, classes);
            int skinType = t.getInt(r, "fitzpatrick_scale");
            if (skinType != -1 && (skinType < 1 || skinType > 6)) {
                throw new UserException(Rows.where(t, r) + ", column 'fitzpatrick_scale': " + skinType
                        + " is not a skin type 1-6 (or -1 unknown)");
            }
            String qcValue = t.get(r, "qc").strip();
            int qc = qcValue.isEmpty() ? 0 : QC.indexOf(qcValue);
            if (qc < 0) {
                throw new UserException(Rows.where(t, r) + ", column 'qc': unknown label '" + qcValue + "'; expected "
                        + QC.subList(1, QC.size()) + " or empty");
            }
            if (dropWronglyLabelled && qc == 3) {
                return null;
            }
            Map<String, Integer> sensitive = new LinkedHashMap<>();
            sensitive.put("skin_type", skinType);
            sensitive.put("skin_tone", skinTone(skinType));
            if (centaur) {
                sensitive.put("skin_type_centaur", t.getInt(r, "fitzpatrick_centaur"));
            }
            Map<String, Integer> bias = Map.of("qc", qc);
            Path image = o.imageDir() == null ? null : ImageFiles.resolve(o.imageDir(), md5 + ".jpg", csv, r + 2, o.checkImages());
            return new Sample(r + 2, md5, image, label, null, bias, sensitive, md5);
        });
        Map<String, List<String>> codes = new LinkedHashMap<>();
        codes.put("skin_tone", SKIN_TONES);
        codes.put("qc", QC);
        return new SampleSet(NAME, csv, classes, codes, samples, skipped);
    }

    private static List<String> conditions(CsvTable t) {
        TreeSet<String> s = new TreeSet<>();
        for (int r = 0; r < t.size(); r++) {
            s.add(t.get(r, "label").strip());
        }
        return List.copyOf(s);
    }
}
