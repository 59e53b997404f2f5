package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Width and height of a JPEG or PNG read from its header, without decoding pixels: a cheap check that
 * a file is a readable image, and the guard that refuses images too large to decode safely (a decoded
 * 3-channel image takes width * height * 3 bytes, and a forged header can claim 65535 x 65535).
 *
 * @param format "jpeg" or "png"
 */
public record ImageHeader(String format, int width, int height) {
    /** Default largest image decoded: 100 megapixels (~300 MB of pixels), above any ISIC original (6000x6000 = 36 MP). */
    public static final long MAX_PIXELS = 100_000_000L;

    public long pixels() {
        return (long) width * height;
    }

    /** Reads the header of {@code file}; a UserException names the file and what is wrong. */
    public static ImageHeader read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 8192))) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            if (b0 == 0xFF && b1 == 0xD8) {
                return jpeg(in, file);
            }
            if (b0 == 0x89 && b1 == 'P') {
                return png(in, file);
            }
            throw new UserException("Image " + file + " is neither a JPEG nor a PNG (starts with bytes "
                    + String.format("%02x %02x", b0, b1) + ")");
        } catch (EOFException e) {
            throw new UserException("Image " + file + " is truncated: its header ends early");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserException("Image " + file + " does not exist");
        } catch (IOException e) {
            throw new UserException("Cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /** The header, refusing images of more than {@code maxPixels} pixels before anything decodes them. */
    public static ImageHeader requireDecodable(Path file, long maxPixels) {
        ImageHeader h = read(file);
        if (h.width() <= 0 || h.height() <= 0) {
            throw new UserException("Image " + file + " has an empty size " + h.width() + "x" + h.height());
        }
        if (h.pixels() > maxPixels) {
            throw new UserException("Image " + file + " is " + h.width() + "x" + h.height() + " = " + h.pixels()
                    + " pixels, more than the " + maxPixels + " this tool decodes safely (--max-pixels to raise it)");
        }
        return h;
    }

    private static ImageHeader jpeg(DataInputStream in, Path file) throws IOException {
        while (true) {
            int b = in.readUnsignedByte();
            if (b != 0xFF) {
                throw new UserException("Image " + file + " is a corrupt JPEG: no marker where one was expected");
            }
            int marker;
            do {
                marker = in.readUnsignedByte(); // fill bytes 0xFF may precede a marker
            } while (marker == 0xFF);
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // markers without a length
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new UserException("Image " + file + " is a corrupt JPEG: no frame header before the image data");
            }
            int len = in.readUnsignedShort();
            if (len < 2) {
                throw new UserException("Image " + file + " is a corrupt JPEG: segment length " + len);
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                in.readUnsignedByte(); // precision
                int h = in.readUnsignedShort();
                int w = in.readUnsignedShort();
                return new ImageHeader("jpeg", w, h);
            }
            in.skipNBytes(len - 2);
        }
    }

    private static ImageHeader png(DataInputStream in, Path file) throws IOException {
        byte[] sig = new byte[6];
        in.readFully(sig);
        if (sig[0] != 'N' || sig[1] != 'G' || sig[2] != '\r' || sig[3] != '\n' || sig[4] != 0x1A || sig[5] != '\n') {
            throw new UserException("Image " + file + " is a corrupt PNG: bad signature");
        }
        in.readInt(); // IHDR length
        byte[] type = new byte[4];
        in.readFully(type);
        if (!new String(type, java.nio.charset.StandardCharsets.US_ASCII).equals("IHDR")) {
            throw new UserException("Image " + file + " is a corrupt PNG: first chunk is not IHDR");
        }
        long w = in.readInt() & 0xffffffffL;
        long h = in.readInt() & 0xffffffffL;
        if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw new UserException("Image " + file + " claims an impossible size " + w + "x" + h);
        }
        return new ImageHeader("png", (int) w, (int) h);
    }
}
