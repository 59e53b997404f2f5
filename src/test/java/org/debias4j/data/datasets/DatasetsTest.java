package org.debias4j.data.datasets;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void isicCsvAsSamplesAfterTheFilters() throws Exception {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, """
                image_name,patient_id,benign_malignant,target,tfrecord,year,scale,marked,size
                ISIC_1,IP_1,malignant,1,3,2020,0,1,6000x6000
                ISIC_2,IP_1,benign,0,3,2019,1,0,640x640
                ISIC_3,IP_2,benign,0,-1,2017,0,0,640x640
                ISIC_4,IP_3,benign,0,4,2017,1,0,999x999
                """);
        for (String n : List.of("ISIC_1", "ISIC_4")) {
            TinyData.image(dir.resolve("img").resolve(n + ".jpg"), 20, 20, 1);
        }
        SampleSet s = Datasets.load("isic", csv, dir.resolve("img"), null, false);
        assertEquals(List.of("ISIC_1", "ISIC_4"), s.samples().stream().map(Sample::id).toList());
        assertEquals(Map.of("marked", 1, "scale", 0, "instrument", 6), s.samples().get(0).bias());
        assertEquals(-1, s.samples().get(1).attribute("instrument"));
        assertEquals("IP_1", s.samples().get(0).group());
        assertEquals(2, s.samples().get(0).line());
    }

    @Test
    void clearErrorsForTheDatasetArguments() throws Exception {
        Path csv = Files.writeString(dir.resolve("x.csv"), "a\n1\n");
        assertMessage(() -> Datasets.load("isic2", csv, dir, null, false), "unknown --dataset 'isic2'; expected one of [ham10000,");
        assertMessage(() -> Datasets.load("nih", dir, dir, null, false), "is a folder; --dataset nih needs its CSV file");
        assertMessage(() -> Datasets.load("nih", csv, null, null, false), "--image-dir is required for --dataset nih");
        assertMessage(() -> Datasets.load("nih", dir.resolve("none.csv"), dir, null, false), "none.csv does not exist");
        assertMessage(() -> Datasets.load("fitzpatrick17k", csv, dir, "five", false), "--labels must be three, nine or condition");
        assertEquals(dir.resolve("ham").resolve("images"), Datasets.imageDir("ham10000", Files.createDirectories(dir.resolve("ham")), null));
    }

    private static void assertMessage(Runnable r, String part) {
        UserException e = assertThrows(UserException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void sampleSetsBecomeImageDatasets() throws Exception {
        Path ham = TinyData.ham(dir.resolve("ham"), 6);
        SampleSet s = Ham10000.read(ham, false);
        org.debias4j.data.ImageDataset ds = s.toImageDataset("ham");
        assertEquals(s.size(), ds.size());
        assertEquals(5, ds.label(0)); // nv
        assertEquals(1, ds.attribute("sex", 0));
        assertEquals(0, ds.attribute("age_group", 0));
        assertTrue(Files.isRegularFile(ds.image(0)));
        SampleSet csvOnly = Ham10000.read(ham.resolve(Ham10000.METADATA), ReadOptions.csvOnly());
        assertMessage(() -> csvOnly.toImageDataset("x"), "HAM10000_metadata.csv line 2: no image for 'ISIC_0000000'");
    }
}
