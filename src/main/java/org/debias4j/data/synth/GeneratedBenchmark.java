package org.debias4j.data.synth;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A benchmark on disk, as returned by {@link SyntheticBenchmark#generate}.
 *
 * @param dir      the output directory
 * @param spec     the spec it was generated from (as stored in benchmark.json)
 * @param reused   true if an existing generation of the same spec was found and kept
 * @param csvFiles split name -&gt; dir/&lt;split&gt;.csv, in split order
 * @param samples  split name -&gt; the samples of that split, in CSV row order
 * @param millis   time spent (checking or generating)
 */
public record GeneratedBenchmark(Path dir, SyntheticSpec spec, boolean reused, Map<String, Path> csvFiles,
                                 Map<String, List<SampleAttributes>> samples, long millis) {

    public Path imageDir() {
        return dir.resolve(SyntheticBenchmark.IMAGE_DIR);
    }

    /** The PNG of one sample. */
    public Path image(SampleAttributes a) {
        return imageDir().resolve(a.imageName() + ".png");
    }

    public Path specFile() {
        return dir.resolve(SyntheticBenchmark.SPEC_FILE);
    }

    public Path csv(String split) {
        Path p = csvFiles.get(split);
        if (p == null) {
            throw new IllegalArgumentException("no split '" + split + "'; splits: " + csvFiles.keySet());
        }
        return p;
    }
}
