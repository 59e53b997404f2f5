package org.debias4j.cli;

import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PresetsTest {
    @TempDir
    Path dir;

    @Test
    void presetArgumentsComeFirstAndCommandLineOverrides() {
        Path f = dir.resolve("p.json");
        Presets.save(f, new Presets.Preset("p", "train", "d", List.of("--test-no", "7", "--n-epochs", "4")));
        String[] out = Presets.expand(new String[]{"train", "--preset", f.toString(), "--n-epochs", "1"});
        assertArrayEquals(new String[]{"train", "--test-no", "7", "--n-epochs", "4", "--n-epochs", "1"}, out);
        String[] eq = Presets.expand(new String[]{"train", "--preset=" + f, "--DEBUG"});
        assertArrayEquals(new String[]{"train", "--test-no", "7", "--n-epochs", "4", "--DEBUG"}, eq);
    }

    @Test
    void withoutPresetNothingChanges() {
        String[] in = {"train", "--test-no", "1"};
        assertSame(in, Presets.expand(in));
    }

    @Test
    void errorsNameThePresetAndTheProblem() throws IOException {
        UserException e = assertThrows(UserException.class, () -> Presets.expand(new String[]{"train", "--preset", "no-such-preset"}));
        assertTrue(e.getMessage().contains("unknown preset 'no-such-preset'"), e.getMessage());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"command\": \"train\"}");
        e = assertThrows(UserException.class, () -> Presets.load(bad.toString()));
        assertTrue(e.getMessage().contains("field 'args'"), e.getMessage());

        Files.writeString(bad, "{not json");
        e = assertThrows(UserException.class, () -> Presets.load(bad.toString()));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Path other = dir.resolve("other.json");
        Presets.save(other, new Presets.Preset("o", "biaspruner", "", List.of("--num_epochs", "1")));
        e = assertThrows(UserException.class, () -> Presets.expand(new String[]{"train", "--preset", other.toString()}));
        assertTrue(e.getMessage().contains("is for the 'biaspruner' command"), e.getMessage());

        e = assertThrows(UserException.class, () -> Presets.expand(new String[]{"train", "--preset"}));
        assertTrue(e.getMessage().contains("needs a preset name"), e.getMessage());
    }

    @Test
    void mainReportsABadPresetWithExitCode2() {
        assertEquals(2, Main.run("train", "--preset", "no-such-preset"));
    }
}
