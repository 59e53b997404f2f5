package org.debias4j.data.datasets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference's rules on its own training CSV (df_main_instr_17_20.csv). Expected counts were counted
 * independently with awk over the CSV's columns.
 */
class IsicRealDataTest {
    static List<IsicRow> rows;

    @BeforeAll
    static void read() {
        Path csv = RealData.require("skin-deep-unlearning-csv/df_main_instr_17_20.csv");
        rows = IsicRules.read(csv);
    }

    private static long count(List<IsicRow> rs, java.util.function.Predicate<IsicRow> p) {
        return rs.stream().filter(p).count();
    }

    @Test
    void countsOfTheTrainingCsv() {
        assertEquals(34_905, rows.size());
        assertEquals(1_010, count(rows, r -> r.target() == 1));
        assertEquals(4_908, count(rows, r -> r.scale() == 1));
        assertEquals(523, count(rows, r -> r.marked() == 1));
        assertEquals(2_649, count(rows, r -> r.year() == 2017));
        assertEquals(32_256, count(rows, r -> r.year() == 2020));
        assertEquals(1_010, count(rows, r -> !r.benign()));
    }

    @Test
    void filtersFoldsAndInstrumentClasses() {
        IsicRules.Splits s = IsicRules.prepare(rows, IsicRules.Options.defaults());
        assertEquals(34_905, s.train().size()); // no 2019, 2018, tfrecord -1 or mclassd rows in this CSV
        assertEquals(0, s.val().size());
        Map<Integer, Long> folds = s.train().stream().collect(Collectors.groupingBy(IsicRules::fold, TreeMap::new,
                Collectors.counting()));
        assertEquals(Map.of(0, 7_003L, 1, 6_971L, 2, 7_017L, 3, 6_945L, 4, 6_969L), folds);

        IsicRules.Splits in = IsicRules.prepare(rows, IsicRules.Options.defaults().withInstrument(true));
        assertEquals(IsicRules.INSTRUMENT_SIZES, in.instrumentSizes());
        Map<Integer, Long> instruments = in.train().stream().collect(Collectors.groupingBy(in::instrument,
                TreeMap::new, Collectors.counting()));
        assertEquals(Map.of(0, 2_649L, 1, 7_534L, 2, 674L, 3, 1_483L, 4, 729L, 5, 3_411L, 6, 14_278L, 7, 4_147L),
                instruments);
    }

    @Test
    void skewCounts() {
        // markings: 480 benign marked rows removed, 43 malignant marked rows added 20 more times
        List<IsicRow> m = IsicRules.skew(rows, IsicRules.Options.defaults().withSkew(true, false));
        assertEquals(34_905 - 480 + 20 * 43, m.size());
        assertEquals(21 * 43, count(m, r -> r.marked() == 1));
        // rulers: 4,558 benign ruler rows removed, 350 malignant ruler rows added 18 more times
        List<IsicRow> r = IsicRules.skew(rows, IsicRules.Options.defaults().withSkew(false, true));
        assertEquals(34_905 - 4_558 + 18 * 350, r.size());
        // both: after markings, 4,558 - 229 benign ruler rows are left to remove; the 350 malignant ruler rows
        // plus the 20 copies of the 31 malignant marked ruler rows are added 18 more times
        List<IsicRow> both = IsicRules.skew(rows, IsicRules.Options.defaults().withSkew(true, true));
        assertEquals(34_905 - 480 + 20 * 43 - (4_558 - 229) + 18 * (350 + 20 * 31), both.size());
    }
}
