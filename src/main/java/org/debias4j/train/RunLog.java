package org.debias4j.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** A run's log.txt (appended and flushed line by line, so a killed run keeps its log) and the console. */
public final class RunLog {
    private static final Logger LOG = LoggerFactory.getLogger("debias4j");
    private final Path file;
    private final boolean console;

    public RunLog(Path file, boolean console) {
        this.file = file;
        this.console = console;
    }

    public synchronized void line(String text) {
        if (console) {
            LOG.info(text);
        }
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            String stamped = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + " " + text + "\n";
            Files.writeString(file, stamped, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write log " + file, e);
        }
    }
}
