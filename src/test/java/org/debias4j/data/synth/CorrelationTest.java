package org.debias4j.data.synth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSVs realise the spec's per-split correlations (counts are exact up to rounding). */
class CorrelationTest {

    @Test
    void everyPresetRealisesItsCorrelationsInTheCsv() {
        for (String preset : List.of("default", "rulers", "instrument", "skin", "unbiased", "multiclass")) {
            SyntheticSpec spec = SyntheticSpec.preset(preset);
            for (SplitSpec split : spec.splits()) {
                check(spec, split, new CsvRows(SyntheticBenchmark.csv(spec, split.name())));
            }
        }
    }

    @Test
    void customCorrelationsAndBaseRates() {
        SyntheticSpec spec = SyntheticSpec.defaults()
                .withBaseRates(new BaseRates(0.1, 0.4, 0.5, 0.0))
                .withCorrelation("train", BiasAttribute.RULER, 0.8)
                .withCorrelation("train", BiasAttribute.SKIN, 0.3)
                .withCorrelation("train", BiasAttribute.DEVICE, 0.7)
                .withDevices(5)
                .withSplitSize("train", 1234);
        check(spec, spec.split("train"), new CsvRows(SyntheticBenchmark.csv(spec, "train")));
        check(spec, spec.split("val"), new CsvRows(SyntheticBenchmark.csv(spec, "val")));
    }

    private static void check(SyntheticSpec spec, SplitSpec split, CsvRows csv) {
        String where = spec.name() + "/" + split.name();
        assertEquals(split.size(), csv.rows.size(), where);
        int k = spec.numClasses();
        int[] n = new int[k];
        int[][] present = new int[4][k]; // marked, ruler, dark, device in first half
        for (Map<String, String> r : csv.rows) {
            int c = csv.i(r, "label");
            n[c]++;
            present[0][c] += csv.i(r, "marked");
            present[1][c] += csv.i(r, "scale");
            present[2][c] += csv.i(r, "skin_tone");
            present[3][c] += csv.i(r, "device") < spec.devices() / 2 ? 1 : 0;
        }
        for (int c = 0; c < k; c++) {
            double expected = spec.classPrevalence().get(c) * split.size();
            assertTrue(Math.abs(n[c] - expected) <= 1, where + " class " + c + " count " + n[c] + " vs " + expected);
            if (n[c] == 0) {
                continue;
            }
            double tol = 1.0 / n[c] + 1e-9;
            BiasAttribute[] binary = {BiasAttribute.MARKED, BiasAttribute.RULER, BiasAttribute.SKIN};
            for (int a = 0; a < 3; a++) {
                double want = Sampler.presentRate(spec, split, binary[a], c);
                double got = (double) present[a][c] / n[c];
                assertEquals(want, got, tol, where + " " + binary[a].key() + " class " + c);
            }
            Double pd = split.device();
            double half = (double) (spec.devices() / 2) / spec.devices();
            double wantFirst = pd == null ? half : (spec.alignedClass(c) ? pd : 1 - pd);
            assertEquals(wantFirst, (double) present[3][c] / n[c], tol + (pd == null ? 1.0 / n[c] : 0),
                    where + " device class " + c);
        }
    }

    @Test
    void devicesAreUniformWithinTheirHalf() {
        SyntheticSpec spec = SyntheticSpec.preset("instrument");
        CsvRows csv = new CsvRows(SyntheticBenchmark.csv(spec, "train"));
        int[][] count = new int[2][8];
        for (Map<String, String> r : csv.rows) {
            count[csv.i(r, "target")][csv.i(r, "device")]++;
        }
        // melanoma: 0.95 of 800 = 760 over devices 0..3 (190 each), 40 over 4..7 (10 each)
        for (int d = 0; d < 4; d++) {
            assertEquals(190, count[1][d], 1);
            assertEquals(10, count[1][d + 4], 1);
            assertEquals(15, count[0][d], 1);
            assertEquals(285, count[0][d + 4], 1);
        }
    }
}
