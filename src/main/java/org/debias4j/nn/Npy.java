package org.debias4j.nn;

import org.debias4j.util.UserException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader for NumPy's .npy files (format versions 1-3): little-endian float32 ("&lt;f4") and
 * float64 ("&lt;f8") in C order, plus int32/int64 read as float64. Enough for test fixtures and
 * reference outputs exported from Python.
 */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static INDArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return read(bytes, file.toString());
    }

    public static INDArray read(byte[] bytes, String source) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U' || bytes[3] != 'M'
                || bytes[4] != 'P' || bytes[5] != 'Y') {
            throw new UserException(source + " is not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6];
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            headerLen = buf.getInt(8);
            offset = 12;
        } else {
            throw new UserException(source + ": unsupported .npy version " + major);
        }
        if (offset + headerLen > bytes.length) {
            throw new UserException(source + ": truncated .npy header");
        }
        String header = new String(bytes, offset, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, source, "descr");
        if ("True".equals(group(FORTRAN, header, source, "fortran_order"))) {
            throw new UserException(source + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        long[] shape = parseShape(group(SHAPE, header, source, "shape"));
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        int count = Math.toIntExact(n);
        ByteBuffer data = buf.position(offset + headerLen).slice().order(ByteOrder.LITTLE_ENDIAN);
        int itemSize = switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            default -> throw new UserException(source + ": dtype " + descr + " not supported (little-endian f4, f8, i4, i8)");
        };
        if ((long) count * itemSize > data.remaining()) {
            throw new UserException(source + ": expected " + count + " values of " + descr + ", file is truncated");
        }
        INDArray out;
        switch (descr) {
            case "<f4" -> {
                float[] v = new float[count];
                data.asFloatBuffer().get(v);
                out = Nd4j.create(v, shape.length == 0 ? new long[]{1} : shape, 'c');
            }
            case "<f8" -> {
                double[] v = new double[count];
                data.asDoubleBuffer().get(v);
                out = Nd4j.create(v, shape.length == 0 ? new long[]{1} : shape, 'c');
            }
            case "<i4" -> {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = data.getInt(i * 4);
                }
                out = Nd4j.create(v, shape.length == 0 ? new long[]{1} : shape, 'c');
            }
            default -> {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = data.getLong(i * 8);
                }
                out = Nd4j.create(v, shape.length == 0 ? new long[]{1} : shape, 'c');
            }
        }
        return shape.length == 0 ? Nd4j.scalar(out.getDouble(0)).castTo(out.dataType()) : out;
    }

    private static String group(Pattern p, String header, String source, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new UserException(source + ": .npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String s) {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                dims.add(Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t));
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Writes a float32 array as .npy version 1.0 (C order), for tests and reference exports. */
    public static byte[] toBytes(INDArray a) {
        StringBuilder shape = new StringBuilder();
        for (long d : a.shape()) {
            shape.append(d).append(", ");
        }
        String dims = a.rank() == 1 ? a.shape()[0] + "," : shape.length() > 0 ? shape.substring(0, shape.length() - 2) : "";
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer out = ByteBuffer.allocate(10 + h.length() + v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII));
        out.asFloatBuffer().put(v);
        return out.array();
    }
}
