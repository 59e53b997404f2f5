package org.debias4j.data.synth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvFormatTest {
    static final List<String> COLUMNS = List.of("image_name", "patient_id", "sex", "age_approx",
            "anatom_site_general_challenge", "diagnosis", "benign_malignant", "target", "tfrecord", "width", "height",
            "year", "scale", "marked", "size", "skin_tone", "device", "label", "split");

    @Test
    void columnsInTheIsicOrderThenOurs() {
        assertEquals(COLUMNS, SyntheticBenchmark.CSV_COLUMNS);
        CsvRows csv = new CsvRows(SyntheticBenchmark.csv(SyntheticSpec.preset("tiny"), "train"));
        assertEquals(COLUMNS, csv.header);
    }

    @Test
    void valuesAreConsistent() {
        SyntheticSpec spec = SyntheticSpec.defaults();
        Set<String> names = new HashSet<>();
        for (String split : spec.splitNames()) {
            CsvRows csv = new CsvRows(SyntheticBenchmark.csv(spec, split));
            for (int idx = 0; idx < csv.rows.size(); idx++) {
                Map<String, String> r = csv.rows.get(idx);
                assertTrue(names.add(r.get("image_name")), "unique image names");
                assertEquals(split, r.get("split"));
                assertEquals(idx % 15, csv.i(r, "tfrecord"));
                assertEquals("64", r.get("width"));
                assertEquals("64", r.get("height"));
                assertEquals("2020", r.get("year"));
                int label = csv.i(r, "label");
                assertEquals(label, csv.i(r, "target"), "binary: target = label");
                assertEquals(label == 1 ? "melanoma" : "nevus", r.get("diagnosis"));
                assertEquals(label == 1 ? "malignant" : "benign", r.get("benign_malignant"));
                assertTrue(r.get("sex").equals("male") || r.get("sex").equals("female"));
                double age = Double.parseDouble(r.get("age_approx"));
                assertTrue(age >= 15 && age <= 90 && age % 5 == 0);
                assertTrue(r.get("patient_id").matches("IP_\\d{7}"));
                assertTrue(!r.get("anatom_site_general_challenge").isEmpty());
                assertTrue(Set.of("0", "1").containsAll(List.of(r.get("scale"), r.get("marked"), r.get("skin_tone"))));
            }
        }
    }

    /** The reference maps the size column to 8 instrument classes in sorted string order. */
    @Test
    void sizeColumnRecoversTheDeviceWithTheReferenceMapping() {
        SyntheticSpec spec = SyntheticSpec.preset("instrument");
        CsvRows csv = new CsvRows(SyntheticBenchmark.csv(spec, "train"));
        Set<String> sizes = new HashSet<>();
        for (Map<String, String> r : csv.rows) {
            sizes.add(r.get("size"));
        }
        List<String> sorted = new ArrayList<>(sizes);
        sorted.sort(null); // string order, as the reference does
        assertEquals(List.of("1024", "1872", "2592", "3264", "4288", "5184", "6000", "640"), sorted);
        for (Map<String, String> r : csv.rows) {
            assertEquals(csv.i(r, "device"), sorted.indexOf(r.get("size")));
            assertEquals(csv.i(r, "device"), Device.fromIsicSize(csv.i(r, "size")));
        }
    }

    @Test
    void multiClassLabelsAndTarget() {
        SyntheticSpec spec = SyntheticSpec.preset("multiclass");
        CsvRows csv = new CsvRows(SyntheticBenchmark.csv(spec, "val"));
        Set<Integer> labels = new HashSet<>();
        for (Map<String, String> r : csv.rows) {
            int label = csv.i(r, "label");
            labels.add(label);
            assertEquals(label == 1 ? 1 : 0, csv.i(r, "target"));
            assertEquals(LesionClass.forLabel(label).diagnosis(), r.get("diagnosis"));
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), labels);
    }
}
