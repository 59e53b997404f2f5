package org.debias4j.nn;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, JSON header, raw little-endian
 * tensors): what PyTorch users export weights in, and what debias4j saves its own weights in.
 * Only the dtypes a model needs are supported (F32, F64, F16 read-only as F32, I64 as F32).
 */
public final class SafeTensors {
    /** Tensors in file order plus the free-form string metadata. */
    public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new UserException(file + " is not a safetensors file: " + size + " bytes, expected a header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
                throw new UserException(file + " is not a safetensors file (header length " + headerLen
                        + " does not fit a file of " + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header = Json.MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    meta.putAll(Json.MAPPER.convertValue(e.getValue(), new TypeReference<Map<String, String>>() {
                    }));
                    continue;
                }
                JsonNode t = e.getValue();
                String dtype = t.get("dtype").asText();
                long[] shape = Json.MAPPER.convertValue(t.get("shape"), long[].class);
                long begin = t.get("data_offsets").get(0).asLong();
                long end = t.get("data_offsets").get(1).asLong();
                if (dataStart + end > size || begin > end) {
                    throw new UserException(file + ": tensor " + e.getKey() + " lies outside the file (truncated?)");
                }
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin);
                data.flip();
                tensors.put(e.getKey(), decode(file, e.getKey(), dtype, shape, data));
            }
            return new Contents(tensors, meta);
        } catch (IOException e) {
            throw new UserException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static INDArray decode(Path file, String name, String dtype, long[] shape, ByteBuffer data) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        int count = Math.toIntExact(n);
        float[] out = new float[count];
        switch (dtype) {
            case "F32" -> data.asFloatBuffer().get(out);
            case "F64" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (float) data.getDouble();
                }
            }
            case "F16" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(data.getShort());
                }
            }
            case "I64" -> {
                for (int i = 0; i < count; i++) {
                    out[i] = data.getLong();
                }
            }
            default -> throw new UserException(file + ": tensor " + name + " has dtype " + dtype
                    + "; supported: F32, F64, F16, I64");
        }
        if (shape.length == 0) {
            return Nd4j.scalar(out[0]);
        }
        return Nd4j.create(out, shape, 'c');
    }

    /** IEEE 754 half precision to float (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }

    /** Writes F32 tensors (in map order) and metadata atomically. */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            header.set("__metadata__", Json.MAPPER.valueToTree(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            long bytes = e.getValue().length() * 4;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            t.set("shape", Json.MAPPER.valueToTree(e.getValue().shape()));
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8; // keeps tensor data 8-byte aligned, as the format recommends
        byte[] headerBytes = new byte[h.length + pad];
        System.arraycopy(h, 0, headerBytes, 0, h.length);
        for (int i = h.length; i < headerBytes.length; i++) {
            headerBytes[i] = ' ';
        }
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(len.array());
            out.write(headerBytes);
            for (INDArray a : tensors.values()) {
                float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        });
    }
}
