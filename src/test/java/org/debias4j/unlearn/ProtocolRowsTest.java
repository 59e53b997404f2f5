package org.debias4j.unlearn;

import org.debias4j.data.ImageDataset;
import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** --skew and --cv select training rows by the ISIC rules, keeping every attribute column. */
class ProtocolRowsTest {
    // name, target, benign_malignant, tfrecord, year, scale, marked, device
    static final String[][] ROWS = {
            {"a", "1", "malignant", "0", "2017", "0", "1", "3"},
            {"b", "0", "benign", "1", "2017", "0", "1", "4"},
            {"c", "0", "benign", "2", "2020", "1", "0", "5"},
            {"d", "1", "malignant", "1", "2020", "0", "0", "6"},
            {"e", "0", "benign", "5", "2017", "0", "0", "7"}};

    static ImageDataset write(Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("image_name,target,benign_malignant,tfrecord,year,scale,marked,size,device\n");
        List<Path> images = new ArrayList<>();
        int n = ROWS.length;
        int[] y = new int[n];
        int[] marked = new int[n];
        int[] device = new int[n];
        for (int i = 0; i < n; i++) {
            String[] r = ROWS[i];
            csv.append(String.join(",", r[0], r[1], r[2], r[3], r[4], r[5], r[6], "6000", r[7])).append('\n');
            images.add(dir.resolve(r[0] + ".png"));
            y[i] = Integer.parseInt(r[1]);
            marked[i] = Integer.parseInt(r[6]);
            device[i] = Integer.parseInt(r[7]);
        }
        Files.writeString(dir.resolve("train.csv"), csv);
        return new ImageDataset("train", images, y, Map.of("marked", marked, "device", device));
    }

    @Test
    void skewDropsBenignMarkedRowsAndDuplicatesMalignantOnes(@TempDir Path dir) throws Exception {
        ImageDataset train = write(dir);
        UnlearnOptions o = UnlearnOptions.builder().skew(true).marked(true).duplicationsM(3).build();
        ImageDataset[] tv = ProtocolRows.apply(o, 0, dir.resolve("train.csv"), train, train);
        ImageDataset s = tv[0];
        // b (benign, marked) is gone; a (malignant, marked) appears 1 + 3 times; c, d, e once
        assertEquals(4 + 3, s.size());
        int a = 0;
        for (int i = 0; i < s.size(); i++) {
            assertNotEquals("b.png", s.image(i).getFileName().toString());
            if (s.image(i).getFileName().toString().equals("a.png")) {
                a++;
                assertEquals(3, s.attribute("device", i), "attributes follow their row");
            }
        }
        assertEquals(4, a);
        assertSame(train, tv[1], "validation untouched without --cv");
        assertThrows(UserException.class, () -> ProtocolRows.apply(UnlearnOptions.builder().skew(true).build(), 0,
                dir.resolve("train.csv"), train, train), "--skew needs --marked or --rulers");
    }

    @Test
    void crossValidationFoldFromYearAndTfrecord(@TempDir Path dir) throws Exception {
        ImageDataset train = write(dir);
        // folds: a 2017 tf0 -> 0; b 2017 tf1 -> 1; c 2020 tf2 -> 0; d 2020 tf1 -> 1; e 2017 tf5 -> 0
        ImageDataset[] tv = ProtocolRows.apply(UnlearnOptions.builder().cvFold(1).build(), 0, dir.resolve("train.csv"),
                train, train);
        assertEquals(3, tv[0].size());
        assertEquals(2, tv[1].size());
        assertEquals("val_fold1", tv[1].name());
        assertEquals(List.of("b.png", "d.png"), List.of(tv[1].image(0).getFileName().toString(),
                tv[1].image(1).getFileName().toString()));
    }
}
