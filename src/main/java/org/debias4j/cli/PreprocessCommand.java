package org.debias4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.debias4j.data.datasets.ImageHeader;
import org.debias4j.data.datasets.Preprocess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code preprocess}: the reference's centre-crop + resize of every image under a folder, into a flat folder. */
@Command(name = "preprocess", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Centre-crop every jpg/jpeg/png under --in (any depth) to a square, resize it to --size "
                + "(Lanczos, as the reference's PIL ANTIALIAS) and write it under its file name into --out (flat).",
                "Never deletes or overwrites: images already in --out are kept, so a rerun resumes."})
public final class PreprocessCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "folder of original images (read only)")
    Path in;
    @Option(names = "--out", required = true, description = "output folder, e.g. data/images/atlas_256")
    Path out;
    @Option(names = "--size", defaultValue = "256", description = "output side in pixels (default ${DEFAULT-VALUE})")
    int size;
    @Option(names = "--skip-bad-rows", description = "skip unreadable or too large images and report them")
    boolean skipBad;
    @Option(names = "--max-pixels", defaultValue = "" + ImageHeader.MAX_PIXELS, description = "largest image (width*height) decoded (default ${DEFAULT-VALUE})")
    long maxPixels;

    /** A progress bar on a terminal (or with -Ddebias4j.progress=true); null otherwise, as train's Engine. */
    static ProgressBar progress(String task, long max) {
        if (System.console() == null && !Boolean.getBoolean("debias4j.progress")) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).showSpeed().build();
    }

    @Override
    public Integer call() {
        int[] ignored = {0};
        int total = Preprocess.images(in, out, ignored).size();
        Preprocess.Result r;
        try (ProgressBar bar = progress("preprocess", total)) {
            r = Preprocess.run(in, out, size, skipBad, maxPixels, bar == null ? null : done -> bar.step());
        }
        System.out.printf("%d images written, %d already in %s (kept), %d other files ignored%n", r.written(),
                r.existing(), out, r.ignored());
        if (!r.failed().isEmpty()) {
            System.out.println("Skipped " + r.failed().size() + " bad images (--skip-bad-rows):");
            r.failed().forEach(m -> System.out.println("  " + m));
        }
        return 0;
    }
}
