package org.debias4j.data.datasets;

import org.debias4j.data.ImagePipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real HAM10000 metadata and images (counts from awk over HAM10000_metadata.csv). Every image is
 * checked to exist and to be a JPEG whose header gives 200x150 (ImageHeader: header bytes only, fast); every
 * 50th image (201 of them) is fully decoded and resized through the training pipeline.
 */
class Ham10000RealDataTest {
    static SampleSet ham;

    @BeforeAll
    static void read() {
        Path folder = RealData.require("ham10000");
        ham = Ham10000.read(folder, false);
    }

    @Test
    void countsLabelsAndAttributes() {
        assertEquals(10_015, ham.size());
        assertEquals(List.of(327, 514, 1_099, 115, 1_113, 6_705, 142),
                java.util.Arrays.stream(ham.labelCounts()).boxed().toList());
        assertEquals(7_470, ham.groups());
        Map<Integer, Long> sex = ham.samples().stream().collect(Collectors.groupingBy(s -> s.attribute("sex"),
                Collectors.counting()));
        assertEquals(Map.of(0, 4_552L, 1, 5_406L, -1, 57L), sex);
        Map<Integer, Long> age = ham.samples().stream().collect(Collectors.groupingBy(s -> s.attribute("age_group"),
                Collectors.counting()));
        assertEquals(Map.of(0, 6_356L, 1, 3_602L, -1, 57L), age);
        assertTrue(ham.skipped().isEmpty());
    }

    @Test
    void everyImageExistsWithAJpegHeaderAndASampleDecodes() {
        List<Sample> s = ham.samples();
        long bad = s.stream().filter(x -> !header200x150(x.image())).count();
        assertEquals(0, bad, "images without a readable 200x150 JPEG header");
        ImagePipeline pipe = new ImagePipeline(32, false, 1);
        int decoded = 0;
        for (int i = 0; i < s.size(); i += 50) {
            byte[] px = pipe.pixels(s.get(i).image());
            assertEquals(3 * 32 * 32, px.length);
            decoded++;
        }
        assertEquals(201, decoded);
    }

    @Test
    void aLesionsImagesShareOneDiagnosis() {
        Map<String, Set<Integer>> labels = ham.samples().stream().collect(Collectors.groupingBy(Sample::group,
                Collectors.mapping(Sample::label, Collectors.toSet())));
        assertEquals(0, labels.values().stream().filter(v -> v.size() > 1).count());
    }

    private static boolean header200x150(Path p) {
        try {
            ImageHeader h = ImageHeader.read(p);
            return h.format().equals("jpeg") && h.width() == 200 && h.height() == 150;
        } catch (org.debias4j.util.UserException e) {
            return false;
        }
    }
}
