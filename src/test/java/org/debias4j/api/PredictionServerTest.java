package org.debias4j.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP front on 127.0.0.1: answers, refusals with the right status and a reason, and the busy limit. */
class PredictionServerTest {
    static Model model;
    static PredictionServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final long MAX_BYTES = 50_000;

    @BeforeAll
    static void start() {
        model = Model.load(BundleIntegrityTest.SHIPPED, new Model.Options(1, 0));
        server = PredictionServer.start(model, new PredictionServer.Config("127.0.0.1", 0, MAX_BYTES, 1, 0));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpRequest postRequest(byte[] body) {
        return HttpRequest.newBuilder(uri("/predict")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/octet-stream").build();
    }

    /** POST /predict; the shared server has one worker, so the call waits out a 503 from the previous test's request. */
    static HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        return sendWhenFree(postRequest(body));
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return sendWhenFree(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void predictAnswersWhatTheApiAnswers() throws Exception {
        byte[] png = ModelApiTest.png(ModelApiTest.pictures(1, 11).get(0));
        HttpResponse<String> r = post(png);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = json(r);
        Prediction p = model.predict(png);
        assertEquals(p.className(), j.path("className").asText());
        assertEquals(p.probability("melanoma"), j.path("byClass").path("melanoma").asDouble(), 1e-12);
        assertEquals(p.probabilities()[0], j.path("probabilities").get(0).asDouble(), 1e-12);
        assertEquals("", j.path("subnetwork").asText("missing"));
    }

    @Test
    void nonImageUploadIs400WithAReason() throws Exception {
        HttpResponse<String> r = post("<html>not an image</html>".getBytes());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(json(r).path("error").asText().contains("not a decodable image"), r.body());
        assertEquals(400, post(new byte[0]).statusCode());
        byte[] png = ModelApiTest.png(ModelApiTest.pictures(1, 12).get(0));
        assertEquals(400, post(java.util.Arrays.copyOf(png, png.length / 2)).statusCode(), "a truncated PNG");
    }

    @Test
    void oversizeUploadIs413WithOrWithoutContentLength() throws Exception {
        // Its own server with spare workers and a queue: back-to-back uploads must never meet the busy answer,
        // which the 1-worker server gives while its worker is returning to the pool (503, body unread).
        try (PredictionServer s = PredictionServer.start(model, new PredictionServer.Config("127.0.0.1", 0, MAX_BYTES, 2, 8))) {
            URI predict = URI.create("http://127.0.0.1:" + s.port() + "/predict");
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(predict)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) MAX_BYTES + 1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(json(r).path("error").asText().contains("exceeds the limit of " + MAX_BYTES), r.body());
            // Chunked (no Content-Length): the server stops reading at the limit. A body far past the limit
            // used to lose the 413 now and then (the socket was closed with unread bytes, so TCP reset it):
            // repeat it so that a regression shows.
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> c = CLIENT.send(HttpRequest.newBuilder(predict)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[(int) MAX_BYTES * 40])))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(413, c.statusCode(), "attempt " + i + ": " + c.body());
            }
            assertEquals(200, CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/health"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "still serving afterwards");
        }
    }

    /** Sends, retrying while the server's one worker is still returning to its pool (503, as Retry-After asks). */
    static HttpResponse<String> sendWhenFree(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 100 && r.statusCode() == 503; i++) {
            Thread.sleep(20);
            r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return r;
    }

    @Test
    void healthModelAndWrongRoutes() throws Exception {
        JsonNode h = json(get("/health"));
        assertEquals("ok", h.path("status").asText());
        JsonNode m = json(get("/model"));
        assertEquals("single", m.path("manifest").path("kind").asText());
        assertEquals(model.info().sha256(), m.path("bundle").path("sha256").asText());
        assertTrue(m.path("manifest").path("fairness").has("test_unbiased"));
        assertEquals(405, get("/predict").statusCode());
        assertEquals(404, get("/nothing").statusCode());
    }

    @Test
    void tooManyPixelsIs400BeforeDecoding() throws Exception {
        try (Model small = Model.load(BundleIntegrityTest.SHIPPED, new Model.Options(1, 0, 1000));
             PredictionServer s = PredictionServer.start(small, new PredictionServer.Config("127.0.0.1", 0, MAX_BYTES, 1, 4))) {
            byte[] png = ModelApiTest.png(ModelApiTest.pictures(1, 13).get(0)); // at least 40x40 = 1600 pixels
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/predict"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("more than the limit of 1000"), r.body());
        }
    }

    @Test
    void busyServerAnswers503() throws Exception {
        // One worker, no queue: a request whose body is still arriving (raw socket, half the body sent) holds the worker.
        byte[] png = ModelApiTest.png(ModelApiTest.pictures(1, 14).get(0));
        try (java.net.Socket slow = new java.net.Socket("127.0.0.1", server.port())) {
            java.io.OutputStream out = slow.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + png.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(png, 0, png.length / 2);
            out.flush();
            HttpResponse<String> busy = null;
            for (int i = 0; i < 100 && (busy == null || busy.statusCode() != 503); i++) {
                Thread.sleep(50); // until the slow request has reached the worker
                busy = CLIENT.send(postRequest(png), HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(503, busy.statusCode(), busy.body());
            assertTrue(busy.headers().firstValue("Retry-After").isPresent());
            assertTrue(json(busy).path("error").asText().contains("server busy"));
            out.write(png, png.length / 2, png.length - png.length / 2);
            out.flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(slow.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 200 OK", status, "the held request completes");
        }
        // The worker returns to the pool just after its answer is sent: allow it a moment, as Retry-After does.
        int status = post(png).statusCode();
        assertEquals(200, status, "and the server takes new ones again");
    }
}
