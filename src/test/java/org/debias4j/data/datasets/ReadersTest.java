package org.debias4j.data.datasets;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every reader on small hand-made CSVs, with the bad inputs each must name. */
class ReadersTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static void assertMessage(Runnable r, String... parts) {
        UserException e = assertThrows(UserException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    @Test
    void ham10000LabelsGroupsAndAges() throws Exception {
        Path csv = write("ham/HAM10000_metadata.csv", """
                lesion_id,image_id,dx,dx_type,age,sex,localization
                HAM_1,ISIC_1,mel,histo,65.0,male,back
                HAM_1,ISIC_2,mel,histo,65.0,male,back
                HAM_2,ISIC_3,vasc,consensus,,unknown,face
                HAM_3,ISIC_4,akiec,histo,19.0,female,face
                """);
        SampleSet s = Ham10000.read(csv, ReadOptions.csvOnly());
        assertEquals(4, s.size());
        assertEquals(3, s.groups());
        assertEquals(List.of(4, 4, 6, 0), s.samples().stream().map(Sample::label).toList());
        Sample first = s.samples().get(0);
        assertEquals("HAM_1", first.group());
        assertEquals(Map.of("sex", 1, "age", 65, "age_group", 1, "age_bin", 3), first.sensitive());
        assertEquals(Map.of("sex", -1, "age", -1, "age_group", -1, "age_bin", -1), s.samples().get(2).sensitive());
        assertEquals(0, s.samples().get(3).attribute("age_bin"));
        assertNull(first.image());
    }

    @Test
    void hamBadRowsStopOrAreSkippedAndReported() throws Exception {
        Path folder = dir.resolve("ham");
        TinyData.image(folder.resolve("images/ISIC_1.jpg"), 20, 15, 1);
        Path csv = write("ham/HAM10000_metadata.csv", """
                lesion_id,image_id,dx,dx_type,age,sex,localization
                HAM_1,ISIC_1,mel,histo,65.0,male,back
                HAM_2,ISIC_2,mel,histo,65.0,male,back
                HAM_3,ISIC_1,melanoma,histo,65.0,male,back
                HAM_4,../ISIC_1,mel,histo,65.0,male,back
                """);
        assertMessage(() -> Ham10000.read(folder, false), "HAM10000_metadata.csv line 3: image 'ISIC_2' not found in");
        SampleSet s = Ham10000.read(folder, true);
        assertEquals(1, s.size());
        assertEquals(3, s.skipped().size());
        assertTrue(s.skipped().get(1).contains("line 4, column 'dx': unknown label 'melanoma'; expected one of [akiec,"),
                s.skipped().get(1));
        assertTrue(s.skipped().get(2).contains("line 5: image path '../ISIC_1' escapes the image folder"), s.skipped().get(2));
        Path missingColumn = write("ham2/HAM10000_metadata.csv", "lesion_id,image_id,age,sex\nHAM_1,ISIC_1,5,male\n");
        assertMessage(() -> Ham10000.read(missingColumn, ReadOptions.csvOnly()), "has no column 'dx'");
        assertTrue(Files.exists(csv));
    }

    @Test
    void skinTestSets() throws Exception {
        Path csvDir = dir.resolve("csv");
        write("csv/atlas_processed.csv", """
                Unnamed: 0,case_num,diagnosis,sex,clinic,derm,case_id,notes,target,marked
                0,1,BCC,female,NEL025.JPG,Nel026.jpg,,,0,0
                1,2,melanoma,male,NEL027.JPG,Nel028.jpg,,,1,1
                """);
        write("csv/holger_rulers.csv", "image_name,benign_malignant,target,diagnosis\nIMG_1.jpg,malignant,1,melanoma\n");
        write("csv/MClassD.csv", "image_name,target\nISIC_0000003.jpg,0\nISIC_0000004.jpg,3\n");
        SampleSet derm = SkinTestSets.read(SkinTestSets.Set.ATLAS_DERM, csvDir, ReadOptions.csvOnly());
        assertEquals(List.of("Nel026.jpg", "Nel028.jpg"), derm.samples().stream().map(Sample::id).toList());
        assertEquals(Map.of("marked", 1), derm.samples().get(1).bias());
        assertEquals(Map.of("sex", 0), derm.samples().get(0).sensitive());
        assertEquals("case2", derm.samples().get(1).group());
        SampleSet clinic = SkinTestSets.read(SkinTestSets.Set.byName("atlasclinic"), csvDir, ReadOptions.csvOnly());
        assertEquals("NEL027.JPG", clinic.samples().get(1).id());
        SampleSet rulers = SkinTestSets.read(SkinTestSets.Set.HEIDELBERG_RULERS, csvDir, ReadOptions.csvOnly());
        assertEquals(Map.of("scale", 1), rulers.samples().get(0).bias());
        assertMessage(() -> SkinTestSets.read(SkinTestSets.Set.MCLASS_D, csvDir, ReadOptions.csvOnly()),
                "MClassD.csv line 3, column 'target': unknown label '3'; expected 0 or 1");
        assertMessage(() -> SkinTestSets.read(SkinTestSets.Set.ASAN, csvDir, ReadOptions.csvOnly()), "CSV file not found",
                "asan.csv");
        assertMessage(() -> SkinTestSets.Set.byName("PH2"), "unknown test set 'PH2'; expected one of [AtlasDerm");
        assertEquals(Path.of("img", "hh_test_256", "Rulers"), SkinTestSets.Set.HEIDELBERG_RULERS.imageFolder(Path.of("img"), 256));
    }

    @Test
    void fitzpatrickSkinTypesAndLabels() throws Exception {
        Path csv = write("fitz.csv", """
                md5hash,fitzpatrick_scale,fitzpatrick_centaur,label,nine_partition_label,three_partition_label,qc,url,url_alphanum
                a1,3,3,psoriasis,inflammatory,non-neoplastic,,http://x/a.jpg,a.jpg
                b2,4,5,melanoma,malignant melanoma,malignant,1 Diagnostic,http://x/b.jpg,b.jpg
                c3,-1,2,acne,inflammatory,non-neoplastic,3 Wrongly labelled,http://x/c.jpg,c.jpg
                """);
        SampleSet s = Fitzpatrick17k.read(csv, Fitzpatrick17k.Labels.THREE, false, ReadOptions.csvOnly());
        assertEquals(List.of(2, 1, 2), s.samples().stream().map(Sample::label).toList());
        assertEquals(List.of(0, 1, -1), s.samples().stream().map(x -> x.attribute("skin_tone")).toList());
        assertEquals(List.of(0, 1, 3), s.samples().stream().map(x -> x.attribute("qc")).toList());
        SampleSet c = Fitzpatrick17k.read(csv, Fitzpatrick17k.Labels.CONDITION, true, ReadOptions.csvOnly());
        assertEquals(List.of("acne", "melanoma", "psoriasis"), c.classes());
        assertEquals(2, c.size());
        assertEquals(8, Fitzpatrick17k.read(csv, Fitzpatrick17k.Labels.NINE, false, ReadOptions.csvOnly()).samples().get(1).label());
        Path bad = write("fitzbad.csv", "md5hash,fitzpatrick_scale,label,three_partition_label,qc\na,7,x,benign,\n");
        assertMessage(() -> Fitzpatrick17k.read(bad, Fitzpatrick17k.Labels.THREE, false, ReadOptions.csvOnly()),
                "fitzbad.csv line 2, column 'fitzpatrick_scale': 7 is not a skin type 1-6");
        assertEquals(List.of(-1, 0, 0, 0, 1, 1, 1, -1), Arrays.stream(new int[]{0, 1, 2, 3, 4, 5, 6, 7})
                .map(Fitzpatrick17k::skinTone).boxed().toList());
    }

    @Test
    void nihMultiAndSingleLabelsWithBothHeaderStyles() throws Exception {
        Path official = write("Data_Entry_2017.csv", """
                Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],
                00000001_000.png,Cardiomegaly,0,1,58,M,PA,2682,2749,0.143,0.143,
                00000001_001.png,Cardiomegaly|Emphysema,1,1,58,M,PA,2894,2729,0.143,0.143,
                00000002_000.png,No Finding,0,2,81,F,PA,2500,2048,0.171,0.171,
                """);
        SampleSet s = NihChestXray.read(official, ReadOptions.csvOnly());
        assertEquals(List.of(1, -1, 14), s.samples().stream().map(Sample::label).toList());
        int[] two = new int[15];
        two[1] = 1;
        two[10] = 1;
        assertArrayEquals(two, s.samples().get(1).labels());
        assertEquals(2, s.groups());
        assertEquals(Map.of("sex", 0, "age", 81, "age_group", 1), s.samples().get(2).sensitive());
        Path bp = write("gbp.csv", """
                ImageIndex,FindingLabels,Follow-up #,Patient ID,Patient Age,PatientGender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],Unnamed: 11
                00006096_002.png,Pneumothorax,2,6096,047Y,M,PA,2992,2991,0.143,0.143,
                00006096_003.png,Pneumothorax,3,06096,414Y,M,PA,2992,2991,0.143,0.143,
                """);
        SampleSet b = BiasPrunerSplits.read(bp, ReadOptions.csvOnly());
        assertEquals(List.of(47, -1), b.samples().stream().map(x -> x.attribute("age")).toList());
        assertEquals(1, b.groups());
        Path bad = write("bad.csv", "Image Index,Finding Labels,Patient ID,Patient Age,Patient Gender\nx.png,Cardiomegaly|Pneumonitis,1,5,M\n");
        assertMessage(() -> NihChestXray.read(bad, ReadOptions.csvOnly()),
                "bad.csv line 2, column 'Finding Labels': unknown label 'Pneumonitis'");
        Path noPatient = write("np.csv", "Image Index,Finding Labels,Patient Age,Patient Gender\nx.png,Mass,5,M\n");
        assertMessage(() -> NihChestXray.read(noPatient, ReadOptions.csvOnly()), "np.csv has no column 'Patient ID'");
    }

    @Test
    void biasPrunerKindsFromTheHeader() throws Exception {
        Path fitz = write("f.csv", "Unnamed: 0,md5hash,fitzpatrick,label,nine_partition_label,three_partition_label,Unnamed: 6,Light is 1\n"
                + "1,abc,1,x,benign dermal,benign,,\n2,def,0,y,malignant dermal,malignant,,\n");
        SampleSet f = BiasPrunerSplits.read(fitz, ReadOptions.csvOnly());
        assertEquals(List.of(0, 1), f.samples().stream().map(x -> x.attribute("skin_tone")).toList());
        Path age = write("a.csv", "image_name,patient_id,sex,age_approx,anatom_site_general_challenge,diagnosis,benign_malignant,target\n"
                + "ISIC_1,IP_1,male,1,torso,nevus,benign,0\nISIC_2,IP_1,female,0,torso,melanoma,malignant,1\n");
        SampleSet a = BiasPrunerSplits.read(age, ReadOptions.csvOnly());
        assertEquals(List.of(1, 0), a.samples().stream().map(x -> x.attribute("age_group")).toList());
        assertEquals(1, a.groups());
        Path years = write("y.csv", "image_name,patient_id,sex,age,target\nISIC_1,IP_1,male,45.0,0\nISIC_2,IP_2,female,60.0,1\nISIC_3,IP_3,,,0\n");
        assertEquals(List.of(0, 1, -1), BiasPrunerSplits.read(years, ReadOptions.csvOnly()).samples().stream()
                .map(x -> x.attribute("age_group")).toList());
        Path other = write("o.csv", "Class,Total Images\nHernia,110\n");
        assertMessage(() -> BiasPrunerSplits.read(other, ReadOptions.csvOnly()), "o.csv is not a BiasPruner split CSV");
    }

    @Test
    void groupSplitKeepsGroupsTogetherAndIsSeeded() {
        List<Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            samples.add(new Sample(i + 2, "s" + i, null, i % 2, null, Map.of(), Map.of(), "g" + (i / 3)));
        }
        List<List<Sample>> a = GroupSplit.split(samples, new double[]{0.6, 0.2, 0.2}, 1);
        List<List<Sample>> b = GroupSplit.split(samples, new double[]{0.6, 0.2, 0.2}, 1);
        List<List<Sample>> c = GroupSplit.split(samples, new double[]{0.6, 0.2, 0.2}, 2);
        assertEquals(a, b);
        assertTrue(!a.equals(c));
        assertEquals(List.of(180, 60, 60), a.stream().map(List::size).toList());
        Set<String> g0 = a.get(0).stream().map(Sample::group).collect(Collectors.toSet());
        assertTrue(a.get(1).stream().noneMatch(s -> g0.contains(s.group())));
        assertMessage(() -> GroupSplit.split(samples, new double[]{0.5, 0.2}, 1), "must sum to 1");
    }
}
