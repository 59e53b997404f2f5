package org.debias4j.data.datasets;

import org.debias4j.util.UserException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Image paths named by CSVs, kept inside their image folder. */
public final class ImageFiles {
    /** Extensions tried when a CSV names an image without one (ISIC image_name, HAM image_id). */
    public static final String[] EXTENSIONS = {"", ".jpg", ".png", ".jpeg", ".JPG", ".PNG", ".JPEG"};

    private ImageFiles() {
    }

    /**
     * The file {@code name} in {@code dir}. A name that is absolute or leaves the folder ("../x.jpg") is
     * refused: a CSV must not make the tool read files outside the data folder. With {@code mustExist},
     * tries {@link #EXTENSIONS} and fails when none exists; otherwise returns dir/name.
     */
    public static Path resolve(Path dir, String name, Path csv, int line, boolean mustExist) {
        String where = csv + " line " + line + ": ";
        if (name == null || name.isBlank()) {
            throw new UserException(where + "empty image name");
        }
        Path rel;
        try {
            rel = Path.of(name.strip());
        } catch (InvalidPathException e) {
            throw new UserException(where + "image name '" + name + "' is not a valid file name");
        }
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(rel).normalize();
        if (rel.isAbsolute() || name.startsWith("/") || name.startsWith("\\") || !p.startsWith(base)) {
            throw new UserException(where + "image path '" + name + "' escapes the image folder " + base
                    + " (absolute paths and '..' are not allowed)");
        }
        if (!mustExist) {
            return p;
        }
        for (String ext : EXTENSIONS) {
            Path q = ext.isEmpty() ? p : p.resolveSibling(p.getFileName() + ext);
            if (Files.isRegularFile(q)) {
                return q;
            }
        }
        throw new UserException(where + "image '" + name + "' not found in " + base);
    }
}
