package org.debias4j.cli;

import me.tongfei.progressbar.ProgressBar;
import org.debias4j.data.datasets.Downloader;
import org.debias4j.data.datasets.ImageHeader;
import org.debias4j.data.datasets.Preprocess;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code download}: the reference download script's sources, resumable, then extracted and (for the raw test
 * sets) centre-cropped and resized into DIR/images/NAME_SIZE as the reference lays them out. Nothing is deleted.
 */
@Command(name = "download", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Download the reference's datasets (ISIC 2020 and 2019 at 256 px, MClass dermoscopic and clinical, "
                + "ASAN) into DIR/raw_images, resumable (HTTP Range), with a progress bar and SHA-256 checks where known; "
                + "extract them and preprocess the raw test sets into DIR/images/NAME_SIZE. The Atlas needs an account: "
                + "place release_v0.zip in DIR/raw_images by hand and run `download --source atlas` to process it.",
                "--url downloads any file the same way (e.g. --url URL --file name.zip --sha256 HEX)."})
public final class DownloadCommand implements Callable<Integer> {
    @Option(names = "--source", split = ",", description = "isic2020, isic2019, mclassd, mclassc, asan, atlas (default: all but atlas)")
    List<String> sources;
    @Option(names = "--dir", defaultValue = "data", description = "data folder (default ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--image-size", defaultValue = "256", description = "side of the preprocessed test-set images (default ${DEFAULT-VALUE})")
    int imageSize;
    @Option(names = "--no-extract", description = "only download the archives")
    boolean noExtract;
    @Option(names = "--url", description = "download this URL instead of a named source")
    URI url;
    @Option(names = "--file", description = "with --url: file name under DIR/raw_images (default: the URL's last path part)")
    String file;
    @Option(names = "--sha256", description = "with --url: expected SHA-256 of the file")
    String sha256;
    @Option(names = "--list", description = "list the sources and exit")
    boolean list;

    @Override
    public Integer call() {
        if (list) {
            for (Downloader.Source s : Downloader.SOURCES) {
                System.out.printf("%-9s %s%n          %s -> %s%s%n", s.name(), s.note(), s.url(), s.file(),
                        s.sha256() != null ? " (sha256 " + s.sha256() + ")" : " (no published checksum)");
            }
            return 0;
        }
        Path raw = dir.resolve("raw_images");
        if (url != null) {
            if (sources != null) {
                throw new UserException("give either --url or --source");
            }
            String name = file != null ? file : Path.of(url.getPath().isEmpty() ? "download" : url.getPath()).getFileName().toString();
            fetch(name, url, raw.resolve(name), sha256);
            return 0;
        }
        if (file != null || sha256 != null) {
            throw new UserException("--file and --sha256 go with --url");
        }
        List<Downloader.Source> todo = new ArrayList<>();
        if (sources == null) {
            Downloader.SOURCES.stream().filter(Downloader.Source::automatic).forEach(todo::add);
        } else {
            sources.forEach(n -> todo.add(Downloader.source(n.strip())));
        }
        for (Downloader.Source s : todo) {
            Path archive = raw.resolve(s.file());
            if (s.manual()) {
                if (!Files.isRegularFile(archive)) {
                    throw new UserException(s.name() + ": " + s.note() + " from " + s.url() + " and place it at " + archive);
                }
                System.out.println(s.name() + ": using " + archive + " (placed by hand)");
            } else {
                fetch(s.name(), URI.create(s.url()), archive, s.sha256());
            }
            if (!noExtract) {
                extract(s, archive);
            }
        }
        return 0;
    }

    private void fetch(String what, URI from, Path target, String expected) {
        ProgressBar[] bar = {null};
        Downloader.Result r;
        try {
            r = Downloader.fetch(what, from, target, expected, new Downloader.Progress() {
                @Override
                public void start(long total, long done) {
                    bar[0] = PreprocessCommand.progress(what, Math.max(total, 0));
                    if (bar[0] != null) {
                        bar[0].stepTo(done);
                    }
                }

                @Override
                public void advance(long done) {
                    if (bar[0] != null) {
                        bar[0].stepTo(done);
                    }
                }
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        if (r.alreadyThere()) {
            System.out.printf("%s: %s already there (%d bytes, sha256 %s)%n", what, target, r.bytes(), r.sha256());
        } else {
            System.out.printf("%s: %s (%d bytes%s, sha256 %s%s)%n", what, target, r.bytes(),
                    r.resumedFrom() > 0 ? ", resumed at byte " + r.resumedFrom() : "", r.sha256(),
                    expected != null ? ", as expected" : "");
        }
    }

    private void extract(Downloader.Source s, Path archive) {
        Path to = dir.resolve(s.extractTo());
        int n = Downloader.unzip(archive, to, null);
        System.out.printf("%s: extracted %d new files into %s%n", s.name(), n, to);
        if (s.imagesFrom() != null) {
            Path from = dir.resolve(s.imagesFrom());
            if (!Files.isDirectory(from)) {
                throw new UserException(s.name() + ": the archive has no folder " + from + " (its layout changed?); "
                        + "preprocess the images with `debias4j preprocess --in " + to + " --out " + dir.resolve(String.format(s.imagesTo(), imageSize)) + "`");
            }
            Path out = dir.resolve(String.format(s.imagesTo(), imageSize));
            Preprocess.Result r = Preprocess.run(from, out, imageSize, true, ImageHeader.MAX_PIXELS, null);
            System.out.printf("%s: %d images written to %s (%d already there)%n", s.name(), r.written(), out, r.existing());
            r.failed().forEach(m -> System.out.println("  skipped: " + m));
        }
    }
}
