package org.debias4j.train;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.synth.SyntheticBenchmark;
import org.debias4j.data.synth.SyntheticSpec;
import org.debias4j.util.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets of a run: train.csv, val.csv and the test CSVs of one folder in the ISIC training
 * CSV schema (what `generate` writes), either a user's folder or the embedded synthetic benchmark,
 * generated on first use into data/synthetic/ and reused afterwards.
 */
public record DataSource(Path folder, ImageDataset train, ImageDataset val, Map<String, ImageDataset> tests) {
    /** Attribute columns read when present: artefacts, instrument, sensitive attributes. */
    public static final List<String> ATTRIBUTES = List.of("marked", "scale", "device", "skin_tone", "label",
            "instrument", "bias"); // bias: the attribute of a `benchmark` folder (aligned when equal to target)

    public static DataSource load(TrainConfig c, Path imageDir) {
        Path folder;
        if (c.dataDir() == null) {
            SyntheticSpec spec = SyntheticSpec.preset(c.preset()).withSeed(c.seed())
                    .withImageSize(Math.max(SyntheticSpec.MIN_IMAGE_SIZE, Math.min(SyntheticSpec.MAX_IMAGE_SIZE, c.imageSize())));
            folder = Path.of("data", "synthetic", c.preset() + "-seed" + c.seed() + "-" + spec.imageSize());
            SyntheticBenchmark.generate(spec, folder);
        } else {
            folder = Path.of(c.dataDir());
            if (!Files.isDirectory(folder)) {
                throw new UserException("--csv-dir " + folder + " is not a folder; expected train.csv, val.csv and "
                        + "test CSVs in the ISIC training CSV schema (see `debias4j generate`)");
            }
        }
        ImageDataset train = read(folder, "train", c, imageDir);
        ImageDataset val = read(folder, "val", c, imageDir);
        // Skin Deep Unlearning protocol flags (--skew, --cv fold) select training rows by the ISIC rules.
        ImageDataset[] tv = org.debias4j.unlearn.ProtocolRows.apply(c.unlearning(), c.seed(), folder.resolve("train.csv"),
                train, val);
        train = tv[0];
        val = tv[1];
        Map<String, ImageDataset> tests = new LinkedHashMap<>();
        for (String t : c.testSplits()) {
            tests.put(t, read(folder, t, c, imageDir));
        }
        return new DataSource(folder, train, val, tests);
    }

    private static ImageDataset read(Path folder, String split, TrainConfig c, Path imageDir) {
        Path csv = folder.resolve(split + ".csv");
        if (!Files.isRegularFile(csv)) {
            throw new UserException("No " + split + ".csv in " + folder + " (expected train.csv, val.csv and "
                    + String.join(", ", c.testSplits().stream().map(s -> s + ".csv").toList()) + ")");
        }
        return ImageDataset.fromCsv(split, csv, imageDir, c.labelColumn(), ATTRIBUTES);
    }
}
