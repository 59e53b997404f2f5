package org.debias4j.data.datasets;

import java.nio.file.Path;

/** {@link TinyData} for tests in other packages. */
public final class TinyDataAccess {
    private TinyDataAccess() {
    }

    public static Path ham(Path folder, int lesions) {
        return TinyData.ham(folder, lesions);
    }

    public static Path image(Path file, int w, int h, long seed) {
        return TinyData.image(file, w, h, seed);
    }
}
