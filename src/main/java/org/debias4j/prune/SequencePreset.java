package org.debias4j.prune;

import org.debias4j.util.Json;
import org.debias4j.util.UserException;

import java.io.InputStream;
import java.util.List;

/** A task-sequence preset of a real dataset (resources/biaspruner/NAME.json). */
public record SequencePreset(String dataset, String description, List<String> sensitive, List<TaskDef> tasks) {
    /** One task: class names of the dataset, the last one positive (aligned with bias value 1). */
    public record TaskDef(List<String> classes) {
    }

    public SequencePreset {
        sensitive = List.copyOf(sensitive);
        tasks = List.copyOf(tasks);
    }

    public static SequencePreset load(String name) {
        String path = "/biaspruner/" + name + ".json";
        try (InputStream in = SequencePreset.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new UserException("no task-sequence preset for dataset '" + name + "' (" + path + ")");
            }
            return Json.MAPPER.readValue(in, SequencePreset.class);
        } catch (java.io.IOException e) {
            throw new UserException("unreadable task-sequence preset " + path + ": " + e.getMessage(), e);
        }
    }
}
