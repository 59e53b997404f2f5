package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The reference's preprocessing on BufferedImages: centre-crop to a square, Lanczos resize, JPEG/PNG bytes. */
public final class ImageOps {
    /** JPEG quality of written images: PIL's default (75), which the reference's im.save used. */
    public static final float JPEG_QUALITY = 0.75f;

    private ImageOps() {
    }

    /** Reads an image (after a header check against {@code maxPixels}); a UserException names the file. */
    public static BufferedImage read(Path file, long maxPixels) {
        ImageHeader.requireDecodable(file, maxPixels);
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new UserException("Cannot decode image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new UserException("Cannot decode image " + file + ": no reader for its format");
        }
        return toRgb(img);
    }

    static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = rgb.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return rgb;
    }

    /**
     * The centred square of side min(width, height), offset int((long - short) / 2) as the reference's
     * crop_resize.
     */
    public static BufferedImage cropSquare(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (w == h) {
            return img;
        }
        int s = Math.min(w, h);
        int off = (Math.max(w, h) - s) / 2;
        BufferedImage sub = w > h ? img.getSubimage(off, 0, s, s) : img.getSubimage(0, off, s, s);
        BufferedImage out = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.drawImage(sub, 0, 0, null);
        g.dispose();
        return out;
    }

    /**
     * Resizes to w x h with a Lanczos-3 filter widened by the scale when shrinking (what PIL's ANTIALIAS /
     * LANCZOS does), separably: rows, then columns.
     */
    public static BufferedImage resize(BufferedImage img, int w, int h) {
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("size must be positive, got " + w + "x" + h);
        }
        int iw = img.getWidth();
        int ih = img.getHeight();
        if (iw == w && ih == h) {
            return img;
        }
        int[] px = img.getRGB(0, 0, iw, ih, null, 0, iw);
        float[][] ch = new float[3][iw * ih];
        for (int i = 0; i < px.length; i++) {
            ch[0][i] = (px[i] >> 16) & 0xff;
            ch[1][i] = (px[i] >> 8) & 0xff;
            ch[2][i] = px[i] & 0xff;
        }
        Filter fx = Filter.of(iw, w);
        Filter fy = Filter.of(ih, h);
        int[] out = new int[w * h];
        float[] tmp = new float[w * ih];
        float[][] res = new float[3][w * h];
        for (int c = 0; c < 3; c++) {
            float[] src = ch[c];
            for (int y = 0; y < ih; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    int lo = fx.start[x];
                    float[] wt = fx.weights[x];
                    for (int k = 0; k < wt.length; k++) {
                        s += wt[k] * src[y * iw + lo + k];
                    }
                    tmp[y * w + x] = s;
                }
            }
            float[] dst = res[c];
            for (int y = 0; y < h; y++) {
                int lo = fy.start[y];
                float[] wt = fy.weights[y];
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int k = 0; k < wt.length; k++) {
                        s += wt[k] * tmp[(lo + k) * w + x];
                    }
                    dst[y * w + x] = s;
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (q(res[0][i]) << 16) | (q(res[1][i]) << 8) | q(res[2][i]);
        }
        BufferedImage o = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        o.setRGB(0, 0, w, h, out, 0, w);
        return o;
    }

    private static int q(float v) {
        int r = Math.round(v);
        return r < 0 ? 0 : Math.min(255, r);
    }

    /** Per output pixel: first input index and normalised weights. */
    private record Filter(int[] start, float[][] weights) {
        static Filter of(int in, int out) {
            double scale = in / (double) out;
            double fs = Math.max(scale, 1);
            double support = 3 * fs;
            int[] start = new int[out];
            float[][] weights = new float[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
                int hi = Math.min(in, (int) Math.floor(center + support + 0.5));
                double[] w = new double[Math.max(1, hi - lo)];
                double sum = 0;
                for (int k = 0; k < hi - lo; k++) {
                    w[k] = lanczos((k + lo - center + 0.5) / fs);
                    sum += w[k];
                }
                float[] f = new float[w.length];
                for (int k = 0; k < w.length; k++) {
                    f[k] = (float) (sum != 0 ? w[k] / sum : (k == 0 ? 1 : 0));
                }
                start[i] = Math.min(lo, in - 1);
                weights[i] = f;
            }
            return new Filter(start, weights);
        }

        static double lanczos(double x) {
            if (x == 0) {
                return 1;
            }
            if (x <= -3 || x >= 3) {
                return 0;
            }
            double px = Math.PI * x;
            return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
        }
    }

    /** Encodes as JPEG (quality {@link #JPEG_QUALITY}) or PNG, by the file name's extension. */
    public static byte[] encode(BufferedImage img, String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (n.endsWith(".png")) {
                ImageIO.write(img, "png", bytes);
                return bytes.toByteArray();
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam p = writer.getDefaultWriteParam();
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(JPEG_QUALITY);
                writer.write(null, new IIOImage(img, null, null), p);
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UserException("Cannot encode " + fileName + ": " + e.getMessage(), e);
        }
    }

    /** True for the image files preprocess handles (jpg, jpeg, png, any case). */
    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }
}
