package org.debias4j.data.datasets;

import java.nio.file.Path;

/**
 * How a reader treats images and bad rows.
 *
 * @param imageDir     folder the CSV's image names are relative to (null: images are not resolved, e.g. to
 *                     read a CSV whose images are private or not downloaded)
 * @param checkImages  require every image file to exist (a missing one is a bad row)
 * @param skipBadRows  leave bad rows out and report them in {@link SampleSet#skipped()} instead of stopping
 */
public record ReadOptions(Path imageDir, boolean checkImages, boolean skipBadRows) {
    /** CSV only: no image paths. */
    public static ReadOptions csvOnly() {
        return new ReadOptions(null, false, false);
    }

    /** Images in {@code dir}, each required to exist. */
    public static ReadOptions images(Path dir) {
        return new ReadOptions(dir, true, false);
    }

    public ReadOptions withSkipBadRows(boolean skip) {
        return new ReadOptions(imageDir, checkImages, skip);
    }
}
