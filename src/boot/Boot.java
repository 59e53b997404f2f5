import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes `mvn -q exec:java` work on a fresh clone. exec:java runs no build phase, so on a fresh clone
 * there are no compiled classes; the pom therefore has exec:java run this file through the JDK's
 * source launcher, and it compiles src/main/java into target/classes when they are missing or older
 * than a source file (with the classpath Maven resolved), then runs org.debias4j.cli.Main.
 * Arguments come from -Dargs="..." (exec:java's own -Dexec.args would replace this file's path).
 */
public final class Boot {
    public static void main(String[] args) throws Exception {
        Path base = Path.of(System.getProperty("debias4j.basedir", "."));
        // Logback lives in Maven's class loader, which cannot see src/main/resources: without this it falls back
        // to its default (DEBUG to stdout), and ND4J's debug lines bury the demo's tables.
        Path logback = base.resolve("src/main/resources/logback.xml");
        if (System.getProperty("logback.configurationFile") == null && Files.isRegularFile(logback)) {
            System.setProperty("logback.configurationFile", logback.toAbsolutePath().toString());
        }
        Path classes = base.resolve("target").resolve("classes");
        ClassLoader project = Thread.currentThread().getContextClassLoader();
        List<String> classpath = new ArrayList<>();
        if (project instanceof URLClassLoader u) {
            for (URL url : u.getURLs()) {
                classpath.add(Path.of(url.toURI()).toString());
            }
        }
        Path sources = base.resolve("src").resolve("main").resolve("java");
        if (stale(sources, classes.resolve("org/debias4j/cli/Main.class"))) {
            compile(sources, classes, classpath);
        }
        URL[] urls = {classes.toUri().toURL(), base.resolve("src/main/resources").toUri().toURL(),
                base.resolve("resources").toUri().toURL()};
        ClassLoader app = new URLClassLoader(urls, project);
        Thread.currentThread().setContextClassLoader(app);
        String line = System.getProperty("args", "").trim();
        String[] mainArgs = args.length > 0 ? args : line.isEmpty() ? new String[0] : line.split("\\s+");
        app.loadClass("org.debias4j.cli.Main").getMethod("main", String[].class).invoke(null, (Object) mainArgs);
    }

    private static boolean stale(Path sources, Path marker) throws Exception {
        if (!Files.exists(marker)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(marker);
        try (Stream<Path> s = Files.walk(sources)) {
            return s.anyMatch(p -> p.toString().endsWith(".java") && modified(p).compareTo(built) > 0);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (Exception e) {
            return FileTime.fromMillis(Long.MAX_VALUE);
        }
    }

    private static void compile(Path sources, Path classes, List<String> classpath) throws Exception {
        System.err.println("debias4j: compiling " + sources + " (first run or sources changed) ...");
        List<String> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.map(Path::toString).filter(f -> f.endsWith(".java")).toList();
        }
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> cmd = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17", "-parameters",
                "-nowarn", "-cp", String.join(File.pathSeparator, classpath)));
        cmd.addAll(files);
        int rc = javac.run(null, null, null, cmd.toArray(new String[0]));
        if (rc != 0) {
            throw new IllegalStateException("compilation failed (javac exit " + rc + ")");
        }
    }
}
