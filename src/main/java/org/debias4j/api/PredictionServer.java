package org.debias4j.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.debias4j.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP front for a {@link Model} on the JDK's built-in server (no extra dependency).
 * <ul>
 *   <li>{@code POST /predict}, body = the image file's bytes ({@code curl --data-binary @x.jpg}):
 *       200 with the prediction as JSON; 400 with the reason when the body is not a decodable image;
 *       413 when it is larger than {@link Config#maxBytes()}; 503 when every worker is busy and the
 *       queue is full.</li>
 *   <li>{@code GET /health}: status and counters. {@code GET /model}: the bundle's manifest.</li>
 * </ul>
 * Concurrency is bounded: {@link Config#workers()} threads handle requests, at most
 * {@link Config#queue()} more wait; beyond that a request is answered 503 at once. An unexpected
 * failure is logged and answered 500 without details; user errors never are.
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    /** Set while the dispatcher thread runs a request the full executor rejected: answer 503 and return. */
    private static final ThreadLocal<Boolean> OVERLOADED = ThreadLocal.withInitial(() -> false);

    /**
     * @param host     address to bind (127.0.0.1 = this machine only)
     * @param port     0 = any free port (see {@link #port()})
     * @param maxBytes largest accepted request body
     * @param workers  requests handled at once (match the model's instances)
     * @param queue    requests waiting for a worker before new ones get 503
     */
    public record Config(String host, int port, long maxBytes, int workers, int queue) {
        public Config {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            if (maxBytes < 1 || workers < 1 || queue < 0) {
                throw new IllegalArgumentException("need maxBytes >= 1, workers >= 1, queue >= 0");
            }
        }
    }

    private final Model model;
    private final Config config;
    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final Instant started = Instant.now();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong badRequests = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    private PredictionServer(Model model, Config config) throws IOException {
        this.model = model;
        this.config = config;
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                config.queue() == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(config.queue()), r -> {
            Thread t = new Thread(r, "predict-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, ex) -> {
            // Full: the dispatcher runs the exchange itself, only far enough to answer 503.
            OVERLOADED.set(true);
            try {
                task.run();
            } finally {
                OVERLOADED.set(false);
            }
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Binds and starts serving; the caller closes the server (the model stays the caller's). */
    public static PredictionServer start(Model model, Config config) {
        try {
            PredictionServer s = new PredictionServer(model, config);
            s.http.start();
            return s;
        } catch (IOException e) {
            throw new org.debias4j.util.UserException("Cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(1);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (OVERLOADED.get()) {
                rejected.incrementAndGet();
                ex.getResponseHeaders().set("Retry-After", "1");
                ex.getResponseHeaders().set("Connection", "close");
                error(ex, 503, "server busy: " + config.workers() + " requests running and " + config.queue()
                        + " waiting; retry later");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/predict" -> {
                    if (!method.equals("POST")) {
                        notAllowed(ex, "POST");
                    } else {
                        predict(ex);
                    }
                }
                case "/health" -> {
                    if (!method.equals("GET") && !method.equals("HEAD")) {
                        notAllowed(ex, "GET");
                    } else {
                        send(ex, 200, health());
                    }
                }
                case "/model" -> {
                    if (!method.equals("GET") && !method.equals("HEAD")) {
                        notAllowed(ex, "GET");
                    } else {
                        send(ex, 200, modelInfo());
                    }
                }
                default -> error(ex, 404, "no such endpoint " + path + "; endpoints: POST /predict, GET /health, GET /model");
            }
        } catch (IOException e) {
            // The client went away mid-exchange: nothing to answer.
            LOG.debug("connection error: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure handling {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
            try {
                error(ex, 500, "internal error");
            } catch (IOException | RuntimeException ignored) {
                // headers may already be sent
            }
        }
    }

    private void predict(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long len;
            try {
                len = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                badRequests.incrementAndGet();
                error(ex, 400, "Content-Length \"" + declared + "\" is not a number");
                return;
            }
            if (len > config.maxBytes()) {
                tooLarge(ex, len);
                return;
            }
        }
        byte[] body = readAtMost(ex.getRequestBody(), config.maxBytes());
        if (body == null) {
            tooLarge(ex, -1);
            return;
        }
        inFlight.incrementAndGet();
        try {
            Prediction p = model.predict(body);
            served.incrementAndGet();
            ObjectNode out = Json.MAPPER.valueToTree(p);
            ObjectNode byClass = out.putObject("byClass");
            for (int i = 0; i < p.classes().size(); i++) {
                byClass.put(p.classes().get(i), p.probabilities()[i]);
            }
            out.put("model", model.info().name());
            send(ex, 200, out);
        } catch (InvalidImageException e) {
            badRequests.incrementAndGet();
            error(ex, 400, e.getMessage());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** How much of an oversize body the server still reads (and drops) before answering 413. */
    static final long SWALLOW_BYTES = 4L << 20;

    private void tooLarge(HttpExchange ex, long len) throws IOException {
        badRequests.incrementAndGet();
        // Closing a socket with unread request bytes makes TCP reset it, and the reset can discard the
        // 413 before the client reads it (seen in CI with a chunked upload). So read what the client is
        // still sending, up to a bound; beyond it the client may see a reset instead (as with Tomcat's
        // maxSwallowSize).
        if (len <= SWALLOW_BYTES) {
            swallow(ex.getRequestBody(), SWALLOW_BYTES);
        }
        ex.getResponseHeaders().set("Connection", "close");
        error(ex, 413, "request body " + (len >= 0 ? "of " + len + " bytes " : "") + "exceeds the limit of "
                + config.maxBytes() + " bytes (serve --max-bytes)");
    }

    private static void swallow(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[64 << 10];
        long total = 0;
        for (int n; total <= limit && (n = in.read(buf)) >= 0; ) {
            total += n;
        }
    }

    /** The body, or null when it is longer than {@code limit} (reading stops there). */
    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        byte[] all = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        return all.length > limit ? null : all;
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", "ok");
        h.put("model", model.info().name());
        h.put("uptimeSeconds", java.time.Duration.between(started, Instant.now()).toSeconds());
        h.put("served", served.get());
        h.put("badRequests", badRequests.get());
        h.put("rejectedBusy", rejected.get());
        h.put("inFlight", inFlight.get());
        h.put("workers", config.workers());
        h.put("queue", config.queue());
        return h;
    }

    private ObjectNode modelInfo() throws IOException {
        ModelInfo i = model.info();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode b = out.putObject("bundle");
        b.put("file", i.file());
        b.put("sha256", i.sha256());
        b.put("instances", i.instances());
        b.put("ttaViews", i.ttaViews());
        b.put("maxBytes", config.maxBytes());
        out.set("manifest", Json.MAPPER.readTree(i.manifestJson()));
        return out;
    }

    private static void notAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        error(ex, 405, ex.getRequestMethod() + " is not allowed on " + ex.getRequestURI().getPath() + "; use " + allow);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, Map.of("error", message, "status", status));
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
