package org.debias4j.data.datasets;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageHeaderTest {
    @TempDir
    Path dir;

    @Test
    void sizesOfJpegAndPng() {
        assertEquals(new ImageHeader("jpeg", 40, 30), ImageHeader.read(TinyData.image(dir.resolve("a.jpg"), 40, 30, 1)));
        assertEquals(new ImageHeader("png", 17, 9), ImageHeader.read(TinyData.image(dir.resolve("a.png"), 17, 9, 1)));
    }

    @Test
    void corruptTruncatedMissingAndHugeImagesAreNamed() throws Exception {
        Path jpg = TinyData.image(dir.resolve("b.jpg"), 40, 30, 1);
        byte[] bytes = Files.readAllBytes(jpg);
        Path truncated = Files.write(dir.resolve("t.jpg"), Arrays.copyOf(bytes, 8));
        Path text = Files.writeString(dir.resolve("x.jpg"), "not an image");
        assertMessage(truncated, "t.jpg is truncated");
        assertMessage(text, "x.jpg is neither a JPEG nor a PNG");
        assertMessage(dir.resolve("none.jpg"), "none.jpg does not exist");
        // a PNG header claiming 70000 x 70000 pixels: refused before anything decodes it
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeInt(13);
        out.writeBytes("IHDR");
        out.writeInt(70_000);
        out.writeInt(70_000);
        out.write(new byte[]{8, 2, 0, 0, 0, 0, 0, 0, 0});
        Path huge = Files.write(dir.resolve("huge.png"), b.toByteArray());
        assertEquals(70_000, ImageHeader.read(huge).width());
        UserException e = assertThrows(UserException.class, () -> ImageHeader.requireDecodable(huge, ImageHeader.MAX_PIXELS));
        assertTrue(e.getMessage().contains("huge.png is 70000x70000 = 4900000000 pixels, more than the 100000000"),
                e.getMessage());
        ImageHeader.requireDecodable(jpg, 1200);
        assertThrows(UserException.class, () -> ImageHeader.requireDecodable(jpg, 1199));
    }

    private static void assertMessage(Path p, String part) {
        UserException e = assertThrows(UserException.class, () -> ImageHeader.read(p));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
