package org.debias4j.data.synth;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Seed derivation: every random stream is a pure function of (seed, split, index, purpose). */
final class Seeds {
    private Seeds() {
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** 64-bit FNV-1a of the UTF-8 bytes. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static long derive(long seed, String split, long index, long purpose) {
        long h = mix64(seed + 0x9E3779B97F4A7C15L);
        h = mix64(h ^ hash(split));
        h = mix64(h + index * 0xD1B54A32D192ED03L);
        return mix64(h ^ (purpose * 0xABC98388FB8FAC03L));
    }

    static SplittableRandom rng(long seed, String split, long index, long purpose) {
        return new SplittableRandom(derive(seed, split, index, purpose));
    }
}
