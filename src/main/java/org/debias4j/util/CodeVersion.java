package org.debias4j.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The code version recorded with every result: the package version plus the git commit when run from a checkout. */
public final class CodeVersion {
    private static String cached;

    private CodeVersion() {
    }

    public static synchronized String get() {
        if (cached == null) {
            String v = CodeVersion.class.getPackage().getImplementationVersion();
            String git = git();
            cached = (v != null ? v : "dev") + (git != null ? "+" + git : "");
        }
        return cached;
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && !out.isEmpty() && !out.contains(" ") ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
