package org.debias4j.data.datasets;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** ../shared/data (relative to the project folder): present for developers and CI, absent on a fresh clone. */
final class RealData {
    static final Path ROOT = Path.of("..", "shared", "data");

    private RealData() {
    }

    /** The path under ../shared/data, or skips the test when it is absent. */
    static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "real data not present: " + p.toAbsolutePath().normalize());
        return p;
    }
}
