package org.debias4j.cli;

import org.debias4j.util.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code debias4j <command>}. With no arguments (what {@code mvn -q exec:java} runs) it runs the
 * demo. User mistakes print one clear message and exit 2; nothing prints a stack trace for them.
 */
@Command(name = "debias4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Debiased medical image classification on the JVM: Skin Deep Unlearning and BiasPruner.",
        subcommands = {DemoCommand.class, GenerateCommand.class, TrainCommand.class, EvaluateCommand.class, MetricsCommand.class,
                BenchCommand.class, ModelsCommand.class,
                TuneCommand.class,
                BenchmarkCommand.class, PreprocessCommand.class, DownloadCommand.class,
                BiasPrunerCommand.class,
                ProbeCommand.class,
                BundleCommand.class, PredictCommand.class, ServeCommand.class, LoadTestCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = run(args.length == 0 ? new String[]{"demo"} : args);
        System.exit(code);
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // A preset's arguments come first; options given again on the command line override them.
        cl.setOverwrittenOptionsAllowed(true);
        try {
            // 'generate --preset' names a synthetic benchmark preset: commands with an option of that
            // name keep it.
            CommandLine sub = args.length == 0 ? null : cl.getSubcommands().get(args[0]);
            if (sub != null && sub.getCommandSpec().findOption(Presets.OPTION) == null) {
                args = Presets.expand(args);
            }
        } catch (UserException e) {
            cl.getErr().println("error: " + e.getMessage());
            return 2;
        }
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof UserException)) {
                t = t.getCause();
            }
            if (t != null) {
                cmd.getErr().println("error: " + t.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
