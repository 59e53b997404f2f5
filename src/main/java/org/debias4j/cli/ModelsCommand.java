package org.debias4j.cli;

import org.debias4j.nn.Backbones;
import org.debias4j.nn.ModelCost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code debias4j models}: every registered backbone with its parameter count (with a linear
 * classifier of {@code --classes} outputs, 1000 by default as in torchvision's tables), feature
 * width, default input size and GFLOPs (multiply-adds, as torchvision reports them) at that size.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the registered backbones with parameters, feature width, default input size and GFLOPs.")
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--classes", defaultValue = "1000", description = "Classifier outputs counted in the parameters (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--name", split = ",", description = "Only these backbones (comma-separated).")
    List<String> only;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %14s %8s %6s %8s%n", "name", "parameters", "features", "input", "GFLOPs");
        for (String name : Backbones.names()) {
            if (only != null && !only.contains(name)) {
                continue;
            }
            ModelCost.Row r = ModelCost.of(name, classes);
            out.printf("%-20s %,14d %8d %6d %8.3f%n", r.name(), r.params(), r.featureWidth(), r.imageSize(), r.gflops());
        }
        out.println("Parameters include a " + classes + "-class linear classifier; GFLOPs are multiply-adds per image.");
        out.flush();
        return 0;
    }
}
