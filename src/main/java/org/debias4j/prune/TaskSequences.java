package org.debias4j.prune;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.synth.AcquisitionDomain;
import org.debias4j.data.synth.BiasAttribute;
import org.debias4j.data.synth.GeneratedBenchmark;
import org.debias4j.data.synth.LesionClass;
import org.debias4j.data.synth.SplitSpec;
import org.debias4j.data.synth.SyntheticBenchmark;
import org.debias4j.data.synth.SyntheticSpec;
import org.debias4j.train.DataSource;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task sequences for continual learning. The synthetic one (the default, no download) draws each
 * task from its own generation of the embedded 6-class lesion benchmark: task t has two classes
 * (one from each half of the class list, so the generator's "aligned" group separates them) and its
 * own spurious attribute correlated with the class at {@code bias} in train and val, independent
 * (0.5) in the unbiased test split.
 */
public final class TaskSequences {
    /** Synthetic task t: classes (a, b) and the attribute spuriously aligned with class a. */
    record SynthTask(int a, int b, BiasAttribute attribute, String column) {
    }

    static final List<SynthTask> SYNTHETIC = List.of(
            new SynthTask(0, 3, BiasAttribute.MARKED, "marked"),
            new SynthTask(1, 4, BiasAttribute.RULER, "scale"),
            new SynthTask(2, 5, BiasAttribute.SKIN, "skin_tone"));

    private TaskSequences() {
    }

    /**
     * The synthetic sequence: {@code tasks} (1..3) tasks of {@code trainSize}/{@code valSize}/{@code testSize}
     * images each (about 2% of each generation belong to other classes and are dropped).
     */
    public static List<ContinualTask> synthetic(int tasks, int imageSize, long dataSeed, double bias, int trainSize,
                                                int valSize, int testSize, Path root) {
        return synthetic(tasks, imageSize, dataSeed, bias, trainSize, valSize, testSize, 1.0, false, null, root);
    }

    /** The default spurious attribute of each synthetic task (markings, rulers, dark skin). */
    public static List<String> defaultAttributes() {
        return SYNTHETIC.stream().map(st -> st.attribute().key()).toList();
    }

    /** Column of the binary "device from the aligned half" attribute of a device-biased task. */
    public static final String DEVICE_GROUP = "device_group";

    private static String column(BiasAttribute a) {
        return switch (a) {
            case MARKED -> "marked";
            case RULER -> "scale";
            case SKIN -> "skin_tone";
            case DEVICE -> DEVICE_GROUP;
        };
    }

    /**
     * The synthetic sequence with its two options: {@code cueStrength} scales how far apart the lesion
     * classes' own cues are (1 = the generator's default; lower makes the class harder to see than the
     * spurious attribute, so the attribute becomes the shortcut a biased model learns), and
     * {@code domains} gives task t the acquisition source {@link AcquisitionDomain#SEQUENCE}[t],
     * constant within the task (so not a bias there), different between tasks.
     */
    public static List<ContinualTask> synthetic(int tasks, int imageSize, long dataSeed, double bias, int trainSize,
                                                int valSize, int testSize, double cueStrength, boolean domains,
                                                List<String> attributes, Path root) {
        if (tasks < 1 || tasks > SYNTHETIC.size()) {
            throw new UserException("--tasks must be 1.." + SYNTHETIC.size() + " for the synthetic sequence, got " + tasks);
        }
        if (!(bias >= 0.5 && bias <= 1)) {
            throw new UserException("--bias must be in [0.5, 1] (fraction of bias-aligned training samples), got " + bias);
        }
        if (!(cueStrength > 0 && cueStrength <= 4)) {
            throw new UserException("--cue-strength must be in (0, 4] (1 = the generator's default), got " + cueStrength);
        }
        if (attributes != null && !attributes.isEmpty() && attributes.size() != SYNTHETIC.size()) {
            throw new UserException("--task-attributes needs one attribute per synthetic task (" + SYNTHETIC.size()
                    + ", e.g. " + String.join(",", defaultAttributes()) + "), got " + attributes);
        }
        int size = Math.max(SyntheticSpec.MIN_IMAGE_SIZE, Math.min(SyntheticSpec.MAX_IMAGE_SIZE, imageSize));
        List<ContinualTask> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            SynthTask st = SYNTHETIC.get(t);
            if (attributes != null && !attributes.isEmpty()) {
                BiasAttribute a = BiasAttribute.parse(attributes.get(t));
                st = new SynthTask(st.a(), st.b(), a, column(a));
            }
            SyntheticSpec spec = spec(st, t, size, dataSeed, bias, trainSize, valSize, testSize)
                    .withCueStrength(cueStrength);
            GeneratedBenchmark gb = SyntheticBenchmark.generate(spec, SyntheticBenchmark.cacheDir(root, spec));
            Path dir = gb.dir();
            if (domains && !AcquisitionDomain.SEQUENCE.get(t).identity()) {
                AcquisitionDomain d = AcquisitionDomain.SEQUENCE.get(t);
                dir = d.applyTo(gb, dir.resolveSibling(dir.getFileName() + "-" + d.name() + "-v" + AcquisitionDomain.VERSION));
            }
            List<Integer> classes = List.of(st.a(), st.b());
            List<String> names = List.of(LesionClass.forLabel(st.a()).shortName(), LesionClass.forLabel(st.b()).shortName());
            String name = "task" + t + " (" + names.get(0) + " vs " + names.get(1) + ", " + st.column() + "-biased"
                    + (domains ? ", " + AcquisitionDomain.SEQUENCE.get(t).name() : "") + ")";
            out.add(new ContinualTask(t, name, classes, names, st.column(),
                    select(read(dir, SyntheticSpec.TRAIN), classes, "task" + t + "/train", spec.devices()),
                    select(read(dir, SyntheticSpec.VAL), classes, "task" + t + "/val", spec.devices()),
                    select(read(dir, SyntheticSpec.TEST_UNBIASED), classes, "task" + t + "/test_unbiased",
                            spec.devices())));
        }
        return out;
    }

    static SyntheticSpec spec(SynthTask st, int t, int size, long dataSeed, double bias, int trainSize, int valSize,
                              int testSize) {
        // Nearly all mass on the task's two classes; the generator needs every class > 0.
        Double[] prev = new Double[SyntheticSpec.MAX_CLASSES];
        Arrays.fill(prev, 0.005);
        prev[st.a()] = 0.49;
        prev[st.b()] = 0.49;
        List<SplitSpec> splits = List.of(
                SplitSpec.independent(SyntheticSpec.TRAIN, grow(trainSize)).withCorrelation(st.attribute(), bias),
                SplitSpec.independent(SyntheticSpec.VAL, grow(valSize)).withCorrelation(st.attribute(), bias),
                SplitSpec.independent(SyntheticSpec.TEST_UNBIASED, grow(testSize)).withCorrelation(st.attribute(), 0.5));
        return new SyntheticSpec("biaspruner-task" + t, SyntheticSpec.GENERATOR_VERSION, size, dataSeed * 31 + t,
                SyntheticSpec.MAX_CLASSES, Arrays.asList(prev), 8, 1.0, null, splits);
    }

    private static int grow(int n) {
        return (int) Math.ceil(n / 0.98);
    }

    private static ImageDataset read(Path dir, String split) {
        return ImageDataset.fromCsv(split, dir.resolve(split + ".csv"), null, "label", DataSource.ATTRIBUTES);
    }

    /** Rows whose label is one of {@code classes}, relabelled to the task-local index. */
    static ImageDataset select(ImageDataset ds, List<Integer> classes, String name) {
        return select(ds, classes, name, 0);
    }

    /**
     * As {@link #select(ImageDataset, List, String)}; with {@code devices} K > 0 it adds the binary
     * {@link #DEVICE_GROUP} (1 = device from 0..K/2-1, the half the generator aligns with the task's first
     * class), so a device-biased task has a two-group sensitive attribute like the others.
     */
    static ImageDataset select(ImageDataset ds, List<Integer> classes, String name, int devices) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            if (classes.contains(ds.label(i))) {
                rows.add(i);
            }
        }
        int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
        ImageDataset sub = ds.subset(name, r);
        Map<String, int[]> extra = new LinkedHashMap<>();
        if (devices > 0 && sub.hasAttribute("device")) {
            int[] dev = sub.attribute("device");
            int[] g = new int[dev.length];
            for (int i = 0; i < dev.length; i++) {
                g[i] = dev[i] < devices / 2 ? 1 : 0;
            }
            extra.put(DEVICE_GROUP, g);
        }
        return relabel(sub, classes, name, extra);
    }

    /** The rows relabelled to their index in {@code classes}, with {@code extra} attributes (one value per row) added. */
    static ImageDataset relabel(ImageDataset ds, List<Integer> classes, String name, Map<String, int[]> extra) {
        List<Path> images = new ArrayList<>();
        int[] labels = new int[ds.size()];
        Map<String, int[]> attrs = new LinkedHashMap<>();
        for (String a : ds.attributeNames()) {
            attrs.put(a, ds.attribute(a));
        }
        attrs.putAll(extra);
        for (int i = 0; i < ds.size(); i++) {
            images.add(ds.image(i));
            labels[i] = classes.indexOf(ds.label(i));
        }
        return new ImageDataset(name, images, labels, attrs);
    }

    /**
     * A real dataset's sequence from its preset: per task, the two classes' samples with a known sensitive
     * value become a Learning-from-Failure benchmark (biased train and val with {@code bias} aligned
     * per class, group-balanced test), grouped by lesion, seeded; splits are capped at the given sizes
     * (their order is already a seeded shuffle).
     */
    public static List<ContinualTask> ham(Path folder, String sensitive, int tasks, long dataSeed, double bias,
                                          int trainSize, int valSize, int testSize) {
        SequencePreset preset = SequencePreset.load("ham");
        String attr = sensitive == null ? preset.sensitive().get(0) : sensitive;
        if (!preset.sensitive().contains(attr)) {
            throw new UserException("--sensitive for ham must be one of " + preset.sensitive() + ", got " + attr);
        }
        if (tasks < 1 || tasks > preset.tasks().size()) {
            throw new UserException("--tasks must be 1.." + preset.tasks().size() + " for ham, got " + tasks);
        }
        if (!java.nio.file.Files.isRegularFile(folder.resolve(org.debias4j.data.datasets.Ham10000.METADATA))) {
            throw new UserException("--data-dir " + folder + " has no " + org.debias4j.data.datasets.Ham10000.METADATA
                    + " (HAM10000: metadata CSV and images/)");
        }
        org.debias4j.data.datasets.SampleSet all = org.debias4j.data.datasets.Ham10000.read(folder, false);
        List<ContinualTask> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            List<String> names = preset.tasks().get(t).classes();
            List<Integer> classes = new ArrayList<>();
            for (String n : names) {
                int k = all.classes().indexOf(n);
                if (k < 0) {
                    throw new UserException("ham preset task " + t + ": unknown class " + n + "; classes " + all.classes());
                }
                classes.add(k);
            }
            if (classes.size() != 2) {
                throw new UserException("ham preset task " + t + ": the Learning-from-Failure recipe needs two classes");
            }
            List<org.debias4j.data.datasets.LffBenchmark.Item> items = new ArrayList<>();
            for (org.debias4j.data.datasets.Sample s : all.samples()) {
                int v = s.attribute(attr);
                if (classes.contains(s.label()) && v >= 0) {
                    items.add(new org.debias4j.data.datasets.LffBenchmark.Item(s, classes.indexOf(s.label()), v));
                }
            }
            String where = "HAM10000 task " + t + " (" + String.join(" vs ", names) + ", " + attr + ")";
            org.debias4j.data.datasets.LffBenchmark.Result r = org.debias4j.data.datasets.LffBenchmark.build(items,
                    new org.debias4j.data.datasets.LffBenchmark.Spec(bias, 0.15, 0.25, false, dataSeed * 31 + t), where);
            String name = "task" + t + " (" + names.get(0) + " vs " + names.get(1) + ", " + attr + "-biased)";
            out.add(new ContinualTask(t, name, classes, names, attr,
                    items(r.splits().get("train"), trainSize, attr, "task" + t + "/train"),
                    items(r.splits().get("val"), valSize, attr, "task" + t + "/val"),
                    items(r.splits().get("test_unbiased"), testSize, attr, "task" + t + "/test_unbiased")));
        }
        return out;
    }

    private static ImageDataset items(List<org.debias4j.data.datasets.LffBenchmark.Item> items, int cap, String attr,
                                      String name) {
        int n = cap > 0 ? Math.min(cap, items.size()) : items.size();
        List<Path> images = new ArrayList<>();
        int[] labels = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            images.add(items.get(i).sample().image());
            labels[i] = items.get(i).target();
            a[i] = items.get(i).bias();
        }
        return new ImageDataset(name, images, labels, Map.of(attr, a));
    }
}
