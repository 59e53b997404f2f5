package org.debias4j.data.datasets;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference's training-CSV rules on small hand-made CSVs, each rule checked by counting. */
class IsicRulesTest {
    @TempDir
    Path dir;

    private static IsicRow row(String name, int target, int tfrecord, int year, int scale, int marked, String size) {
        return new IsicRow(0, name, "IP_" + name, target, target == 1 ? "malignant" : "benign", tfrecord, year, scale,
                marked, size, 0, 0, 0);
    }

    private static long count(List<IsicRow> rows, java.util.function.Predicate<IsicRow> p) {
        return rows.stream().filter(p).count();
    }

    @Test
    void readsTheSyntheticSchemaWithFloatFlagsAndWidthOnlySizes() throws Exception {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, """
                image_name,patient_id,benign_malignant,target,tfrecord,year,scale,marked,size
                a,p1,benign,0,3,2020,0.0,1.0,6000
                b,p2,malignant,1,-1,2017,1.0,0.0,640x640
                """);
        List<IsicRow> rows = IsicRules.read(csv);
        assertEquals(2, rows.size());
        assertEquals(new IsicRow(0, "a", "p1", 0, "benign", 3, 2020, 0, 1, "6000", 0, 0, 0), rows.get(0));
        assertEquals(3, rows.get(1).line());
        assertEquals(6, IsicRules.instrument(rows.get(0).size()));
        assertEquals(7, IsicRules.instrument(rows.get(1).size()));
    }

    @Test
    void badValuesNameFileLineAndColumn() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, """
                image_name,target,tfrecord,year,scale,marked,size
                a,0,3,2020,0,0,6000
                b,2,3,2020,0,0,6000
                """);
        UserException e = assertThrows(UserException.class, () -> IsicRules.read(csv));
        assertTrue(e.getMessage().contains("bad.csv line 3, column 'target': 2 is not 0 or 1"), e.getMessage());
        Path missing = dir.resolve("missing.csv");
        Files.writeString(missing, "image_name,target,year,scale,marked,size\na,0,2020,0,0,6000\n");
        e = assertThrows(UserException.class, () -> IsicRules.read(missing));
        assertTrue(e.getMessage().contains("missing.csv has no column 'tfrecord'"), e.getMessage());
        Path bm = dir.resolve("bm.csv");
        Files.writeString(bm, "image_name,benign_malignant,target,tfrecord,year,scale,marked,size\na,maybe,0,1,2020,0,0,640\n");
        e = assertThrows(UserException.class, () -> IsicRules.read(bm));
        assertTrue(e.getMessage().contains("bm.csv line 2, column 'benign_malignant': 'maybe' is not one of benign, malignant"),
                e.getMessage());
    }

    @Test
    void filtersDropMclassdYear2019AndTfrecordMinusOne() {
        List<IsicRow> rows = List.of(
                row("keep", 0, 3, 2020, 0, 0, "6000"),
                new IsicRow(0, "mclass", "", 0, "benign", 3, 2020, 0, 0, "6000", 1, 0, 0),
                row("y2019", 0, 3, 2019, 0, 0, "6000"),
                row("tfneg", 0, -1, 2017, 0, 0, "6000"),
                row("y2018", 0, 3, 2018, 0, 0, "6000"));
        assertEquals(List.of("keep", "y2018"), IsicRules.filter(rows).stream().map(IsicRow::imageName).toList());
    }

    @Test
    void foldsFollowYearAndTfrecord() {
        assertEquals(2, IsicRules.fold(row("a", 0, 7, 2017, 0, 0, "1")));  // 7 % 5
        assertEquals(3, IsicRules.fold(row("a", 0, 28, 2017, 0, 0, "1"))); // 28 % 5
        int[] expected2020 = {2, 1, 0, 3, 0, 0, 4, 4, 3, 2, 1, 3, 2, 1, 4};
        for (int tf = 0; tf < 15; tf++) {
            assertEquals(expected2020[tf], IsicRules.fold(row("a", 0, tf, 2020, 0, 0, "1")), "tfrecord " + tf);
        }
        assertEquals(-1, IsicRules.fold(row("a", 0, 15, 2020, 0, 0, "1"))); // not in the map: NaN
        assertEquals(-1, IsicRules.fold(row("a", 0, 3, 2018, 0, 0, "1")));
        List<IsicRow> rows = List.of(row("a", 0, 2, 2020, 0, 0, "1"), row("b", 0, 5, 2017, 0, 0, "1"),
                row("c", 0, 15, 2020, 0, 0, "1"));
        assertEquals(List.of("a", "b"), IsicRules.foldRows(rows, 0, true).stream().map(IsicRow::imageName).toList());
        assertEquals(List.of(), IsicRules.foldRows(rows, 1, false).stream().filter(r -> r.imageName().equals("c")).toList());
    }

    @Test
    void validationIsSklearnsTestPartOf2018AndTrainDrops2018() {
        List<IsicRow> rows = new ArrayList<>();
        rows.add(row("t2020", 0, 1, 2020, 0, 0, "6000"));
        for (int i = 0; i < 10; i++) {
            rows.add(row("v" + i, i % 2, 1, 2018, 0, 0, "6000"));
        }
        IsicRules.Splits s = IsicRules.prepare(rows, IsicRules.Options.defaults());
        // RandomState(0).permutation(10) = 2 8 4 9 ...; ceil(0.33 * 10) = 4
        assertEquals(List.of("v2", "v8", "v4", "v9"), s.val().stream().map(IsicRow::imageName).toList());
        assertEquals(List.of("t2020"), s.train().stream().map(IsicRow::imageName).toList());
        assertEquals(List.of(), IsicRules.validationSplit(List.of(row("x", 0, 1, 2020, 0, 0, "1")), 0));
        IsicRules.Splits s42 = IsicRules.prepare(rows, IsicRules.Options.defaults().withSeed(42));
        assertEquals(4, s42.val().size());
    }

    @Test
    void skewMarkedRemovesBenignMarkedAndAddsTwentyCopies() {
        List<IsicRow> rows = List.of(
                row("bm", 0, 1, 2020, 0, 1, "6000"),   // benign marked: removed
                row("mm", 1, 1, 2020, 0, 1, "6000"),   // malignant marked: 1 + 20
                row("b", 0, 1, 2020, 0, 0, "6000"),
                row("mr", 1, 1, 2020, 1, 0, "6000"));  // malignant ruler: untouched by --marked
        List<IsicRow> out = IsicRules.skew(rows, IsicRules.Options.defaults().withSkew(true, false));
        assertEquals(3 + 20, out.size());
        assertEquals(0, count(out, r -> r.imageName().equals("bm")));
        assertEquals(21, count(out, r -> r.imageName().equals("mm")));
        // copies first (latest copy first), then the originals in order
        assertEquals(20, out.get(0).copy());
        assertEquals(1, out.get(19).copy());
        assertEquals(List.of("mm", "b", "mr"), out.subList(20, 23).stream().map(IsicRow::imageName).toList());
        // the reference draws a random view for every marked row, originals included
        assertEquals(21, count(out, r -> r.view() == -1));
        assertEquals(0, count(out, r -> r.marked() == 0 && r.view() != 0));
        // without --skew nothing changes
        assertEquals(rows, IsicRules.skew(rows, IsicRules.Options.defaults()));
    }

    @Test
    void skewRulersAfterMarkingsDuplicatesMarkedCopiesToo() {
        List<IsicRow> rows = List.of(
                row("bmr", 0, 1, 2020, 1, 1, "6000"),  // benign marked + ruler: removed by the marked step
                row("br", 0, 1, 2020, 1, 0, "6000"),   // benign ruler: removed by the ruler step
                row("mmr", 1, 1, 2020, 1, 1, "6000"),  // malignant marked + ruler
                row("mr", 1, 1, 2020, 1, 0, "6000"),
                row("b", 0, 1, 2020, 0, 0, "6000"));
        IsicRules.Options o = IsicRules.Options.defaults().withSkew(true, true);
        List<IsicRow> out = IsicRules.skew(rows, o);
        // after markings: mmr x21, br, mr, b; rulers: drop br, then (21 mmr + 1 mr) x (1 + 18)
        assertEquals(21 * 19 + 19 + 1, out.size());
        assertEquals(21 * 19, count(out, r -> r.imageName().equals("mmr")));
        assertEquals(19, count(out, r -> r.imageName().equals("mr")));
        // reference views: only marked rows; DUPLICATES: every copy
        assertEquals(0, count(out, r -> r.imageName().equals("mr") && r.view() != 0));
        List<IsicRow> dup = IsicRules.skew(rows, o.withViews(IsicRules.SkewViews.DUPLICATES));
        assertEquals(18, count(dup, r -> r.imageName().equals("mr") && r.view() == -1));
        assertEquals(1, count(dup, r -> r.imageName().equals("mr") && r.view() == 0));
        // rulers only: 18 copies, benign rulers gone
        List<IsicRow> rOnly = IsicRules.skew(rows, IsicRules.Options.defaults().withSkew(false, true));
        assertEquals(2 * 19 + 1, rOnly.size()); // bmr and br are benign ruler images
    }

    @Test
    void skewHappensBeforeTheFilters() {
        // a 2019 malignant marked row is duplicated, then every copy is filtered out with it
        List<IsicRow> rows = List.of(row("m2019", 1, 1, 2019, 0, 1, "6000"), row("b", 0, 1, 2020, 0, 0, "6000"));
        IsicRules.Splits s = IsicRules.prepare(rows, IsicRules.Options.defaults().withSkew(true, false));
        assertEquals(List.of("b"), s.train().stream().map(IsicRow::imageName).toList());
    }

    @Test
    void instrumentKeepsTheEightSizesInSortedStringOrder() {
        assertEquals(List.of("1024x1024", "1872x1872", "2592x2592", "3264x3264", "4288x4288", "5184x5184",
                "6000x6000", "640x640"), IsicRules.INSTRUMENT_SIZES);
        List<IsicRow> rows = new ArrayList<>();
        for (String size : List.of("640x640", "6000x6000", "1024", "999x999", "5184")) {
            rows.add(row("s" + size, 0, 1, 2020, 0, 0, size));
        }
        IsicRules.Splits s = IsicRules.prepare(rows, IsicRules.Options.defaults().withInstrument(true));
        assertEquals(4, s.train().size()); // 999x999 dropped
        // only 4 sizes present: the reference's size2idx indexes the sorted sizes present
        assertEquals(List.of("1024x1024", "5184x5184", "6000x6000", "640x640"), s.instrumentSizes());
        assertEquals(3, s.instrument(s.train().get(0)));
        assertEquals(-1, IsicRules.instrument("999x999"));
        assertEquals(List.of(), IsicRules.prepare(rows, IsicRules.Options.defaults()).instrumentSizes());
        assertEquals(5, IsicRules.prepare(rows, IsicRules.Options.defaults()).train().size());
    }

    @Test
    void datasetCarriesAttributesAndViews() {
        List<IsicRow> rows = IsicRules.skew(List.of(row("mm", 1, 7, 2017, 0, 1, "640")),
                IsicRules.Options.defaults().withSkew(true, false));
        var ds = IsicRules.toDataset("train", rows, r -> dir.resolve(r.imageName() + ".jpg"), List.of("640x640"));
        assertEquals(21, ds.size());
        assertEquals(1, ds.label(0));
        assertEquals(-1, ds.attribute("view", 0));
        assertEquals(2, ds.attribute("fold", 0));
        assertEquals(0, ds.attribute("instrument", 0));
        assertEquals(Path.of("root", "isic_19_train_256", "mm.jpg"),
                IsicRules.referenceImage(Path.of("root"), rows.get(0), 256));
    }

    @Test
    void optionsRejectBadSeedsAndCounts() {
        assertThrows(UserException.class, () -> IsicRules.Options.defaults().withSeed(-1));
        assertThrows(UserException.class, () -> new IsicRules.Options(true, false, true, -1, 18, false, 0, null));
    }
}
