package org.debias4j.data.datasets;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every real CSV in ../shared/data through its reader; expected counts from awk over the files. */
class ReadersRealDataTest {
    private static List<Integer> counts(SampleSet s) {
        return Arrays.stream(s.labelCounts()).boxed().toList();
    }

    private static Map<String, Long> cells(SampleSet s, String attribute) {
        return s.samples().stream().collect(Collectors.groupingBy(
                x -> x.attribute(attribute) + "/" + (x.label() < 0 ? "-" : s.classes().get(x.label())), TreeMap::new,
                Collectors.counting()));
    }

    @Test
    void skinDeepUnlearningTestSets() {
        Path dir = RealData.require("skin-deep-unlearning-csv");
        ReadOptions o = ReadOptions.csvOnly();
        for (SkinTestSets.Set set : List.of(SkinTestSets.Set.ATLAS_DERM, SkinTestSets.Set.ATLAS_CLINIC)) {
            SampleSet atlas = SkinTestSets.read(set, dir, o);
            assertEquals(List.of(759, 252), counts(atlas), set.title);
            assertEquals(Map.of(0, 522L, 1, 489L), atlas.samples().stream()
                    .collect(Collectors.groupingBy(s -> s.attribute("sex"), Collectors.counting())));
            assertEquals(1_011, atlas.groups());
        }
        assertEquals("Nel026.jpg", SkinTestSets.read(SkinTestSets.Set.ATLAS_DERM, dir, o).samples().get(0).id());
        assertEquals("NEL025.JPG", SkinTestSets.read(SkinTestSets.Set.ATLAS_CLINIC, dir, o).samples().get(0).id());
        SampleSet asan = SkinTestSets.read(SkinTestSets.Set.ASAN, dir, o);
        assertEquals(List.of(793, 59), counts(asan));
        assertEquals(116, asan.samples().stream().filter(s -> s.attribute("marked") == 1).count());
        for (SkinTestSets.Set set : List.of(SkinTestSets.Set.MCLASS_D, SkinTestSets.Set.MCLASS_C)) {
            assertEquals(List.of(80, 20), counts(SkinTestSets.read(set, dir, o)), set.title);
        }
        for (SkinTestSets.Set set : List.of(SkinTestSets.Set.HEIDELBERG_BLANK, SkinTestSets.Set.HEIDELBERG_MARKED,
                SkinTestSets.Set.HEIDELBERG_RULERS)) {
            SampleSet h = SkinTestSets.read(set, dir, o);
            assertEquals(List.of(107, 23), counts(h), set.title);
            assertTrue(h.samples().stream().allMatch(s -> s.image() == null));
        }
        assertEquals(130, SkinTestSets.read(SkinTestSets.Set.HEIDELBERG_MARKED, dir, o).samples().stream()
                .filter(s -> s.attribute("marked") == 1).count());
    }

    @Test
    void fitzpatrick17k() {
        Path csv = RealData.require("fitzpatrick17k/fitzpatrick17k.csv");
        SampleSet three = Fitzpatrick17k.read(csv, Fitzpatrick17k.Labels.THREE, false, ReadOptions.csvOnly());
        assertEquals(16_577, three.size());
        assertEquals(List.of(2_234, 2_263, 12_080), counts(three));
        assertEquals(Map.of(-1, 565L, 0, 11_063L, 1, 4_949L), three.samples().stream()
                .collect(Collectors.groupingBy(s -> s.attribute("skin_tone"), Collectors.counting())));
        assertEquals(Map.of(-1, 565L, 1, 2_947L, 2, 4_808L, 3, 3_308L, 4, 2_781L, 5, 1_533L, 6, 635L), three.samples()
                .stream().collect(Collectors.groupingBy(s -> s.attribute("skin_type"), Collectors.counting())));
        SampleSet nine = Fitzpatrick17k.read(csv, Fitzpatrick17k.Labels.NINE, false, ReadOptions.csvOnly());
        assertEquals(List.of(1_067, 931, 236, 1_194, 10_886, 182, 156, 1_352, 573), counts(nine));
        SampleSet conditions = Fitzpatrick17k.read(csv, Fitzpatrick17k.Labels.CONDITION, true, ReadOptions.csvOnly());
        assertEquals(114, conditions.classes().size());
        assertEquals(16_577 - 17, conditions.size()); // 17 rows "3 Wrongly labelled"
        assertEquals(348, three.samples().stream().filter(s -> s.attribute("qc") == 1).count());
    }

    @Test
    void biasPrunerSplitsWithTheirVaryingHeaders() throws IOException {
        Path root = RealData.require("biaspruner-splits");
        List<Path> csvs;
        try (Stream<Path> s = Files.walk(root)) {
            csvs = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        assertEquals(52, csvs.size());
        int read = 0;
        for (Path p : csvs) {
            if (p.getFileName().toString().equals("class_statistics.csv")) {
                var e = assertThrows(org.debias4j.util.UserException.class,
                        () -> BiasPrunerSplits.read(p, ReadOptions.csvOnly()));
                assertTrue(e.getMessage().contains("is not a BiasPruner split CSV"), e.getMessage());
                continue;
            }
            SampleSet s = BiasPrunerSplits.read(p, ReadOptions.csvOnly());
            assertTrue(s.size() > 0, p.toString());
            assertTrue(s.skipped().isEmpty());
            read++;
        }
        assertEquals(51, read);

        SampleSet fitz = BiasPrunerSplits.read(root.resolve("fitz/fitz_biased_train_set.csv"), ReadOptions.csvOnly());
        // "Light is 1" in the file; skin_tone 0 = light here
        assertEquals(Map.of("0/malignant", 490L, "0/benign", 60L, "1/benign", 490L, "1/malignant", 60L),
                cells(fitz, "skin_tone"));
        SampleSet flippedFitz = BiasPrunerSplits.read(root.resolve("fitz/flipped_biased_train_set.csv"), ReadOptions.csvOnly());
        assertEquals(Map.of("0/malignant", 60L, "0/benign", 429L, "1/benign", 60L, "1/malignant", 429L),
                cells(flippedFitz, "skin_tone"));

        SampleSet gbp = BiasPrunerSplits.read(root.resolve("GbP/total_biased_train_set.csv"), ReadOptions.csvOnly());
        assertEquals(Map.of("1/Pneumothorax", 800L, "0/No Finding", 800L, "0/Pneumothorax", 80L, "1/No Finding", 80L),
                cells(gbp, "sex"));
        SampleSet nih14 = BiasPrunerSplits.read(root.resolve("GbP/NIH_filtered_14classes.csv"), ReadOptions.csvOnly());
        assertEquals(30_973, nih14.size());
        assertEquals(List.of(4_212, 1_094, 3_959, 9_551, 2_138, 2_706, 307, 2_199, 1_314, 634, 895, 727, 1_127, 110, 0),
                counts(nih14));
        assertEquals(12_255, nih14.groups());
        assertEquals(4, nih14.samples().stream().filter(s -> s.attribute("age") == -1).count()); // ages over 120 (awk)

        SampleSet age = BiasPrunerSplits.read(root.resolve("age_ISIC_2020/agetotal_biased_train_set.csv"), ReadOptions.csvOnly());
        assertEquals(Map.of("0/other", 266L, "0/melanoma", 50L, "1/other", 50L, "1/melanoma", 266L), cells(age, "age_group"));
        SampleSet ages = BiasPrunerSplits.read(root.resolve("age_ISIC_2020/flipped_train_set.csv"), ReadOptions.csvOnly());
        assertEquals(68, ages.samples().stream().filter(s -> s.attribute("age_group") == -1).count());
        assertTrue(ages.samples().stream().anyMatch(s -> s.attribute("age") == 45));
    }

    @Test
    void patientSplitsOfNihNeverShareAPatient() {
        Path csv = RealData.require("biaspruner-splits/GbP/NIH_filtered_14classes.csv");
        SampleSet nih = NihChestXray.read(csv, ReadOptions.csvOnly());
        List<List<Sample>> parts = GroupSplit.split(nih.samples(), new double[]{0.7, 0.1, 0.2}, 42);
        assertEquals(nih.size(), parts.stream().mapToInt(List::size).sum());
        Map<String, Long> splitsPerPatient = parts.stream().flatMap(p -> p.stream().map(Sample::group).distinct())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertTrue(splitsPerPatient.values().stream().allMatch(c -> c == 1));
        assertEquals(0.7, parts.get(0).size() / (double) nih.size(), 0.01);
        assertEquals(0.2, parts.get(2).size() / (double) nih.size(), 0.01);
    }
}
