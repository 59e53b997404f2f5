package org.debias4j.cli;

import org.debias4j.api.Model;
import org.debias4j.api.PredictionServer;
import org.debias4j.util.Json;
import org.debias4j.util.Memory;
import org.debias4j.util.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code debias4j loadtest}: POSTs one image to a /predict endpoint over and over at each
 * concurrency level and reports requests/s, p50/p99 latency and the server's resident memory
 * before and after. Either against a running server ({@code --url}, with {@code --server-pid} for
 * its memory) or an in-process one ({@code --model}). A benchmark, not a test: numbers depend on
 * what else the machine runs.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Load-test a /predict endpoint: requests/s, p50/p99 latency per concurrency, server RSS before/after.")
public final class LoadTestCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--url", description = "server base URL, e.g. http://127.0.0.1:8080 (or use --model)")
    String url;
    @Option(names = "--server-pid", description = "process id of the --url server, to read its resident memory")
    Long serverPid;
    @Option(names = "--model", description = "start an in-process server on 127.0.0.1 with this bundle instead of --url")
    Path model;
    @Option(names = "--instances", description = "graph copies of the in-process server (default: cores, at most 4)")
    Integer instances;
    @Option(names = "--image", required = true, description = "image file to POST")
    Path image;
    @Option(names = "--concurrency", split = ",", defaultValue = "1,8", description = "client threads per level (default ${DEFAULT-VALUE})")
    List<Integer> concurrency;
    @Option(names = "--requests", defaultValue = "5000", description = "requests per level (default ${DEFAULT-VALUE})")
    int requests;
    @Option(names = "--warmup", defaultValue = "100", description = "requests before measuring (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((url == null) == (model == null)) {
            throw new UserException("give exactly one of --url (a running server) or --model (an in-process one)");
        }
        if (requests < 1 || warmup < 0 || concurrency.stream().anyMatch(c -> c < 1)) {
            throw new UserException("--requests and --concurrency must be positive, --warmup >= 0");
        }
        byte[] body;
        try {
            body = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new UserException("Cannot read --image " + image + ": " + e.getMessage(), e);
        }
        Model m = null;
        PredictionServer server = null;
        try {
            String base = url;
            if (model != null) {
                int n = instances != null ? instances : Model.Options.defaults().instances();
                m = Model.load(model, new Model.Options(n, 0));
                int maxC = concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
                server = PredictionServer.start(m, new PredictionServer.Config("127.0.0.1", 0, Math.max(body.length, 1),
                        n, Math.max(64, maxC)));
                base = "http://127.0.0.1:" + server.port();
            }
            URI predict = URI.create(base.replaceAll("/+$", "") + "/predict");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("target", predict.toString());
            report.put("image", image.toString());
            report.put("imageBytes", body.length);
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            run(client, predict, body, 1, warmup);
            long before = rss();
            report.put("rssBeforeBytes", before);
            List<Map<String, Object>> levels = new ArrayList<>();
            int total = 0;
            for (int c : concurrency) {
                levels.add(run(client, predict, body, c, requests));
                total += requests;
            }
            long after = rss();
            report.put("levels", levels);
            report.put("measuredRequests", total);
            report.put("rssAfterBytes", after);
            if (json) {
                System.out.println(Json.write(report));
            } else {
                System.out.printf("loadtest %s, image %s (%,d bytes), %d cores, load average %.1f at start%n", predict, image,
                        body.length, Runtime.getRuntime().availableProcessors(), (double) report.get("loadAverage"));
                System.out.printf("%11s %9s %7s %9s %10s %10s %10s%n", "concurrency", "requests", "errors", "seconds",
                        "req/s", "p50 ms", "p99 ms");
                for (Map<String, Object> l : levels) {
                    System.out.printf("%11d %9d %7d %9.1f %10.1f %10.2f %10.2f%n", l.get("concurrency"), l.get("requests"),
                            l.get("errors"), l.get("seconds"), l.get("requestsPerSecond"), l.get("p50Ms"), l.get("p99Ms"));
                }
                System.out.printf("server resident memory: %s before, %s after %,d requests%n",
                        before < 0 ? "unknown" : Memory.mib(before), after < 0 ? "unknown" : Memory.mib(after), total);
            }
            return 0;
        } finally {
            if (server != null) {
                server.close();
            }
            if (m != null) {
                m.close();
            }
        }
    }

    /** n requests from c threads; latencies of successful ones. */
    private static Map<String, Object> run(HttpClient client, URI uri, byte[] body, int c, int n) throws Exception {
        long[] latency = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        HttpRequest req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(60)).build();
        ExecutorService pool = Executors.newFixedThreadPool(c);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < c; t++) {
                fs.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        long s = System.nanoTime();
                        int status;
                        try {
                            status = client.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                        } catch (IOException e) {
                            status = -1;
                        }
                        latency[i] = System.nanoTime() - s;
                        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("concurrency", c);
        out.put("requests", n);
        out.put("errors", errors.get());
        out.put("statuses", new java.util.TreeMap<>(statuses));
        out.put("seconds", seconds);
        out.put("requestsPerSecond", n / seconds);
        out.put("p50Ms", sorted[(int) Math.min(n - 1, Math.ceil(0.50 * n) - 1)] / 1e6);
        out.put("p99Ms", sorted[(int) Math.min(n - 1, Math.ceil(0.99 * n) - 1)] / 1e6);
        out.put("maxMs", sorted[n - 1] / 1e6);
        return out;
    }

    /** The server's resident memory: this process for --model, /proc/PID/status for --server-pid; -1 unknown. */
    private long rss() {
        if (model != null) {
            return Memory.residentBytes();
        }
        if (serverPid == null) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", serverPid.toString(), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new UserException("Cannot read the resident memory of --server-pid " + serverPid + ": " + e.getMessage(), e);
        }
        return -1;
    }
}
