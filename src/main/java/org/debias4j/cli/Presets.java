package org.debias4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.debias4j.util.Json;
import org.debias4j.util.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Experiment presets: a named command line kept as JSON, so a reference README command or a tuned
 * configuration can be rerun by name. {@code --preset NAME} works with every subcommand: the
 * preset's arguments are spliced in before the ones given on the command line, which override them
 * (picocli keeps the last value of a repeated option).
 *
 * <p>Format ({@code resources/presets/NAME.json} on the classpath, or any file path):
 * <pre>{"command": "train", "description": "...", "args": ["--test-no", "1", "--arch", "enet"]}</pre>
 */
public final class Presets {
    public static final String OPTION = "--preset";

    /** A loaded preset. */
    public record Preset(String name, String command, String description, List<String> args) {
    }

    private Presets() {
    }

    /**
     * Replaces {@code --preset X} (or {@code --preset=X}) in a command line by the preset's
     * arguments, placed right after the subcommand. The preset's command must match.
     */
    public static String[] expand(String[] argv) {
        int at = -1;
        String ref = null;
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--")) {
                break; // what follows is positional (e.g. the base command line of `tune`)
            }
            if (argv[i].equals(OPTION)) {
                if (i + 1 >= argv.length) {
                    throw new UserException(OPTION + " needs a preset name or a JSON file path");
                }
                at = i;
                ref = argv[i + 1];
                break;
            }
            if (argv[i].startsWith(OPTION + "=")) {
                at = i;
                ref = argv[i].substring(OPTION.length() + 1);
                break;
            }
        }
        if (at < 0) {
            return argv;
        }
        if (at == 0) {
            throw new UserException(OPTION + " goes after a command, e.g. 'train --preset NAME'");
        }
        Preset p = load(ref);
        String command = argv[0];
        if (!p.command().equals(command)) {
            throw new UserException("preset '" + ref + "' is for the '" + p.command() + "' command, not '" + command + "'");
        }
        List<String> out = new ArrayList<>();
        out.add(command);
        out.addAll(p.args());
        for (int i = 1; i < argv.length; i++) {
            if (i == at) {
                if (argv[i].equals(OPTION)) {
                    i++;
                }
                continue;
            }
            out.add(argv[i]);
        }
        return out.toArray(String[]::new);
    }

    /** Loads a preset by name (classpath {@code presets/NAME.json}) or by file path. */
    public static Preset load(String ref) {
        Path file = Path.of(ref);
        if (ref.endsWith(".json") || Files.isRegularFile(file)) {
            if (!Files.isRegularFile(file)) {
                throw new UserException("preset file " + file + " does not exist");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return parse(ref, file.toString(), in);
            } catch (IOException e) {
                throw new UserException("cannot read preset file " + file + ": " + e.getMessage());
            }
        }
        String resource = "presets/" + ref + ".json";
        InputStream in = Presets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new UserException("unknown preset '" + ref + "' (no file of that name and no " + resource
                    + " on the classpath; see resources/README.md for the list)");
        }
        try (in) {
            return parse(ref, resource, in);
        } catch (IOException e) {
            throw new UserException("cannot read preset " + resource + ": " + e.getMessage());
        }
    }

    /** Writes a preset file (atomically), e.g. the best configuration of a search. */
    public static void save(Path file, Preset preset) {
        var node = Json.MAPPER.createObjectNode();
        node.put("command", preset.command());
        node.put("description", preset.description());
        var args = node.putArray("args");
        preset.args().forEach(args::add);
        Json.write(file, node);
    }

    private static Preset parse(String name, String where, InputStream in) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UserException("preset " + where + " is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UserException("preset " + where + ": expected a JSON object with 'command' and 'args'");
        }
        JsonNode command = root.get("command");
        JsonNode args = root.get("args");
        if (command == null || !command.isTextual()) {
            throw new UserException("preset " + where + ": field 'command' (a string such as \"train\") is missing");
        }
        if (args == null || !args.isArray()) {
            throw new UserException("preset " + where + ": field 'args' (an array of strings) is missing");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode a : args) {
            if (!a.isValueNode()) {
                throw new UserException("preset " + where + ": 'args' must hold strings, found " + a);
            }
            list.add(a.asText());
        }
        if (list.contains(OPTION)) {
            throw new UserException("preset " + where + ": a preset cannot name another preset");
        }
        JsonNode d = root.get("description");
        return new Preset(name, command.asText(), d == null ? "" : d.asText(), List.copyOf(list));
    }
}
