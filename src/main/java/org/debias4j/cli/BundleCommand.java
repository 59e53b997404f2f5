package org.debias4j.cli;

import org.debias4j.api.Bundles;
import org.debias4j.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code debias4j bundle --run results/N --out models/NAME}: a training run as one self-checking model file. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Package a finished training run (results/TEST_NO) as a model bundle for `predict`, `serve`"
                + " and the Java API (org.debias4j.api.Model).")
public final class BundleCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "the training run's folder (e.g. results/1)")
    Path run;
    @Option(names = "--out", required = true, description = "bundle file; .d4j is added when it has no extension")
    Path out;
    @Option(names = "--name", description = "model name in the manifest (default: the file name)")
    String name;
    @Option(names = "--classes", split = ",", description = "class names (default: benign,melanoma for the binary target)")
    List<String> classes;

    @Override
    public Integer call() {
        Path written = Bundles.fromRun(run, out, name, classes);
        // Reload what was written: a bundle that does not load must not be handed out.
        try (Model m = Model.load(written, new Model.Options(1, 0))) {
            System.out.printf("bundle %s: %s, %s at %d px, classes %s, %d-view TTA, sha256 %s%n", written,
                    m.info().name(), m.info().backbone(), m.info().imageSize(), m.info().classes(), m.info().ttaViews(),
                    m.info().sha256());
        }
        return 0;
    }
}
