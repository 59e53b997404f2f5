package org.debias4j.nn;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class NpyTest {
    @Test
    void float32RoundTrip() {
        INDArray a = Nd4j.arange(24).castTo(DataType.FLOAT).reshape(2, 3, 4);
        INDArray b = Npy.read(Npy.toBytes(a), "mem");
        assertEquals(DataType.FLOAT, b.dataType());
        assertArrayEquals(new long[]{2, 3, 4}, b.shape());
        assertEquals(a, b);
        INDArray v = Npy.read(Npy.toBytes(Nd4j.createFromArray(1f, 2f)), "mem");
        assertArrayEquals(new long[]{2}, v.shape());
    }

    /** A float64 file as numpy writes it: version 1.0, header padded to 64 bytes. */
    @Test
    void float64() {
        String h = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        h = h + " ".repeat((64 - (10 + h.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII));
        b.putDouble(1.5).putDouble(-2).putDouble(3).putDouble(1e-300);
        INDArray a = Npy.read(b.array(), "mem");
        assertEquals(DataType.DOUBLE, a.dataType());
        assertEquals(-2.0, a.getDouble(0, 1));
        assertEquals(1e-300, a.getDouble(1, 1));
    }

    @Test
    void rejectsFortranOrderAndOtherFiles() {
        byte[] f = Npy.toBytes(Nd4j.ones(DataType.FLOAT, 2, 2));
        String s = new String(f, StandardCharsets.ISO_8859_1).replace("'fortran_order': False", "'fortran_order': True ");
        assertThrows(UserException.class, () -> Npy.read(s.getBytes(StandardCharsets.ISO_8859_1), "mem"));
        assertThrows(UserException.class, () -> Npy.read("not numpy".getBytes(StandardCharsets.US_ASCII), "mem"));
    }
}
