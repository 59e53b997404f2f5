package org.debias4j.cli;

import org.debias4j.api.Model;
import org.debias4j.api.PredictionServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code debias4j serve --model BUNDLE --port N}: the model behind HTTP until interrupted (Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model bundle over HTTP: POST image bytes to /predict (JSON answer), GET /health, GET /model.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model bundle (.d4j)")
    Path model;
    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 = every interface)")
    String host;
    @Option(names = "--max-bytes", defaultValue = "20000000", description = "largest accepted upload in bytes (default ${DEFAULT-VALUE})")
    long maxBytes;
    @Option(names = "--max-pixels", defaultValue = "100000000", description = "largest accepted image in pixels (default ${DEFAULT-VALUE})")
    long maxPixels;
    @Option(names = "--instances", description = "graph copies predicting in parallel (default: cores, at most 4)")
    Integer instances;
    @Option(names = "--workers", description = "requests handled at once (default: --instances)")
    Integer workers;
    @Option(names = "--queue", defaultValue = "64", description = "requests waiting before new ones get 503 (default ${DEFAULT-VALUE})")
    int queue;
    @Option(names = "--tta", description = "test-time views: 1 or 8 (default: as the bundle was evaluated)")
    Integer tta;

    @Override
    public Integer call() throws InterruptedException {
        if (tta != null && tta != 1 && tta != 8) {
            throw new org.debias4j.util.UserException("--tta must be 1 or 8, got " + tta);
        }
        if (maxBytes < 1 || maxPixels < 1 || queue < 0 || (instances != null && instances < 1) || (workers != null && workers < 1)) {
            throw new org.debias4j.util.UserException("--max-bytes, --max-pixels, --instances and --workers must be positive"
                    + " and --queue >= 0");
        }
        int n = instances != null ? instances : Model.Options.defaults().instances();
        Model m = Model.load(model, new Model.Options(n, tta == null ? 0 : tta, maxPixels));
        PredictionServer server = PredictionServer.start(m, new PredictionServer.Config(host, port, maxBytes,
                workers != null ? workers : n, queue));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            m.close();
            stopped.countDown();
        }, "serve-shutdown"));
        System.out.printf("serving %s (%s, %d px, classes %s, %d-view TTA, %d instances) on http://%s:%d%n"
                        + "  POST /predict (image bytes, at most %d), GET /health, GET /model; Ctrl-C stops%n",
                m.info().name(), m.info().backbone(), m.info().imageSize(), m.info().classes(), m.info().ttaViews(), n,
                host, server.port(), maxBytes);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
