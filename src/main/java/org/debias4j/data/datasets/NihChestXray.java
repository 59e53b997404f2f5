package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NIH ChestX-ray14 (Wang et al. 2017), Data_Entry_2017.csv: Image Index, Finding Labels ("A|B" or
 * "No Finding"), Follow-up #, Patient ID, Patient Age (years, or "058Y" in the BiasPruner copies),
 * Patient Gender (M/F), View Position, ... Column names are matched ignoring spaces, so the BiasPruner
 * split files ("ImageIndex", "PatientID" or "Patient ID") read too.
 * <p>
 * Classes: the 14 findings, then "No Finding" (index 14). {@link Sample#labels()} is multi-hot over the
 * 15; {@link Sample#label()} is the single class of an image with exactly one finding (or No Finding),
 * -1 for an image with several. Sensitive: sex (0 F, 1 M), age in years, age_group (0 below 60, 1 at or
 * above). Group: the patient id, so {@link GroupSplit} keeps a patient's images in one split.
 */
public final class NihChestXray {
    public static final String NAME = "NIH";
    public static final List<String> FINDINGS = List.of("Atelectasis", "Cardiomegaly", "Effusion", "Infiltration",
            "Mass", "Nodule", "Pneumonia", "Pneumothorax", "Consolidation", "Edema", "Emphysema", "Fibrosis",
            "Pleural_Thickening", "Hernia");
    public static final String NO_FINDING = "No Finding";
    public static final List<String> CLASSES;
    public static final List<String> SEXES = List.of("F", "M");
    /** Ages above this are data errors in ChestX-ray14 (e.g. 414 years) and read as unknown (-1). */
    public static final int MAX_AGE = 120;

    static {
        List<String> c = new ArrayList<>(FINDINGS);
        c.add(NO_FINDING);
        CLASSES = List.copyOf(c);
    }

    private static final java.util.regex.Pattern LEADING_ZEROS = java.util.regex.Pattern.compile("^0+(?=.)");
    private static final java.util.regex.Pattern BAR = java.util.regex.Pattern.compile("\\|");

    private NihChestXray() {
    }

    public static SampleSet read(Path csv, ReadOptions o) {
        return read(CsvTable.read(csv), o);
    }

    public static SampleSet read(CsvTable t, ReadOptions o) {
        String image = Columns.require(t, "Image Index");
        String findings = Columns.require(t, "Finding Labels");
        String patient = Columns.require(t, "Patient ID");
        String age = Columns.require(t, "Patient Age");
        String sex = Columns.require(t, "Patient Gender");
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = Rows.readAll(t, o, skipped, r -> {
            String name = t.get(r, image).strip();
            int[] hot = new int[CLASSES.size()];
            int n = 0;
            int single = -1;
            for (String f : BAR.split(t.get(r, findings))) {
                String v = f.strip();
                int k = CLASSES.indexOf(v);
                if (k < 0) {
                    throw new UserException(Rows.where(t, r) + ", column '" + findings + "': unknown label '" + v
                            + "'; expected findings from " + CLASSES + " separated by |");
                }
                if (hot[k] == 0) {
                    hot[k] = 1;
                    n++;
                    single = k;
                }
            }
            if (hot[14] == 1 && n > 1) {
                throw new UserException(Rows.where(t, r) + ": 'No Finding' together with findings");
            }
            int years = parseAge(t, r, age);
            Map<String, Integer> sensitive = new LinkedHashMap<>();
            String g = t.get(r, sex).strip();
            int s = SEXES.indexOf(g);
            if (s < 0) {
                throw new UserException(Rows.where(t, r) + ", column '" + sex + "': unknown label '" + g + "'; expected F or M");
            }
            sensitive.put("sex", s);
            sensitive.put("age", years);
            sensitive.put("age_group", years < 0 ? -1 : years >= Ham10000.AGE_THRESHOLD ? 1 : 0);
            Path file = o.imageDir() == null ? null : ImageFiles.resolve(o.imageDir(), name, t.file(), r + 2, o.checkImages());
            String pid = t.get(r, patient).strip();
            if (pid.isEmpty()) {
                throw new UserException(Rows.where(t, r) + ": empty " + patient);
            }
            return new Sample(r + 2, name, file, n == 1 ? single : -1, hot, Map.of(), sensitive, "patient" + LEADING_ZEROS.matcher(pid).replaceFirst(""));
        });
        Map<String, List<String>> codes = new LinkedHashMap<>();
        codes.put("sex", SEXES);
        codes.put("age_group", List.of("<" + Ham10000.AGE_THRESHOLD, ">=" + Ham10000.AGE_THRESHOLD));
        return new SampleSet(NAME, t.file(), CLASSES, codes, samples, skipped);
    }

    /** "58", "58.0" or "058Y" (years; "M"/"D" suffixes of infants give 0); -1 when empty or above {@link #MAX_AGE}. */
    static int parseAge(CsvTable t, int r, String column) {
        String v = t.get(r, column).strip();
        if (v.isEmpty()) {
            return -1;
        }
        char unit = Character.toUpperCase(v.charAt(v.length() - 1));
        String num = Character.isLetter(unit) ? v.substring(0, v.length() - 1) : v;
        try {
            double d = Double.parseDouble(num);
            if (d < 0) {
                throw new NumberFormatException();
            }
            if (d > MAX_AGE) {
                return -1; // ChestX-ray14 has a few impossible ages (e.g. 414): unknown
            }
            return unit == 'M' || unit == 'W' || unit == 'D' ? 0 : (int) d;
        } catch (NumberFormatException e) {
            throw new UserException(Rows.where(t, r) + ", column '" + column + "': '" + v + "' is not an age");
        }
    }
}
