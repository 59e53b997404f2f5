package org.debias4j.prune;

import org.debias4j.data.ImageDataset;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TaskSequencesTest {
    private static ImageDataset sixRows() {
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(Path.of("img" + i + ".png"));
        }
        return new ImageDataset("d", images, new int[]{0, 3, 1, 3, 0, 5},
                Map.of("device", new int[]{0, 7, 3, 4, 6, 1}, "skin_tone", new int[]{1, 0, 1, 1, 0, 0}));
    }

    @Test
    void selectKeepsTheTasksClassesRelabelledWithTheirAttributes() {
        ImageDataset t = TaskSequences.select(sixRows(), List.of(0, 3), "t");
        assertEquals(4, t.size());
        assertArrayEquals(new int[]{0, 1, 1, 0}, t.labels());
        assertEquals(Path.of("img3.png"), t.image(2));
        assertArrayEquals(new int[]{1, 0, 1, 0}, t.attribute("skin_tone"));
        assertFalse(t.hasAttribute(TaskSequences.DEVICE_GROUP), "only asked for with devices > 0");
    }

    @Test
    void devicesAddTheBinaryDeviceGroupOfTheSelectedRows() {
        ImageDataset t = TaskSequences.select(sixRows(), List.of(0, 3), "t", 8);
        assertArrayEquals(new int[]{0, 7, 4, 6}, t.attribute("device"));
        // 1 = a device from the first half (0..3), the half the generator aligns with the first class
        assertArrayEquals(new int[]{1, 0, 0, 0}, t.attribute(TaskSequences.DEVICE_GROUP));
        assertArrayEquals(new int[]{0, 1, 1, 0}, t.labels());
    }
}
