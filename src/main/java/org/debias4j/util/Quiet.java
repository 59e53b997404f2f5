package org.debias4j.util;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/** Silences System.out around library calls that print unconditionally (SameDiff's gradient builder). */
public final class Quiet {
    private Quiet() {
    }

    public static synchronized <T> T stdout(Supplier<T> body) {
        PrintStream old = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return body.get();
        } finally {
            System.setOut(old);
        }
    }

    public static void stdout(Runnable body) {
        stdout(() -> {
            body.run();
            return null;
        });
    }
}
