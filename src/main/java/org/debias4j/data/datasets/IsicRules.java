package org.debias4j.data.datasets;

import org.debias4j.data.CsvTable;
import org.debias4j.data.ImageDataset;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The Skin Deep Unlearning reference's rules for its ISIC training CSV (dataset.py, get_df), as pure
 * functions over {@link IsicRow}s, applied in the reference's order by {@link #prepare}:
 * <ol>
 *   <li>{@link #skew}: with --skew and --marked (then --rulers), rows of benign marked (ruler) images
 *       are removed and the malignant marked (ruler) rows are added again 20 (18) times;</li>
 *   <li>{@link #filter}: drop mclassd == 1 (overlap with the MClass test sets), year 2019, tfrecord -1;</li>
 *   <li>{@link #fold}: 5 cross-validation folds, 2017 by tfrecord % 5, 2020 by {@link #TFRECORD_TO_FOLD};</li>
 *   <li>{@link #validationSplit}: validation = 33% of the ISIC 2018 rows (scikit-learn's
 *       train_test_split with random_state = --seed, reproduced exactly by {@link NumpyRandom}), then all
 *       2018 rows leave the training set;</li>
 *   <li>{@link #instrumentClasses}: with --instrument only rows of the 8 most common image sizes stay, and
 *       the instrument class is the index of the size in the sorted (string) list of sizes present.</li>
 * </ol>
 * The synthetic benchmark's CSVs use the same columns ({@code size} written as the width only, "6000"
 * for "6000x6000"), so these rules apply to them too.
 */
public final class IsicRules {
    /** Columns every ISIC training CSV must have. */
    public static final List<String> REQUIRED = List.of("image_name", "target", "tfrecord", "year", "scale", "marked", "size");

    /** The reference's kept image sizes (its `keep` list), in sorted-string order: instrument 0..7. */
    public static final List<String> INSTRUMENT_SIZES = List.of("1024x1024", "1872x1872", "2592x2592", "3264x3264",
            "4288x4288", "5184x5184", "6000x6000", "640x640");

    /** ISIC 2020 tfrecord shard to fold, the reference's tfrecord2fold. */
    public static final Map<Integer, Integer> TFRECORD_TO_FOLD = Map.ofEntries(
            Map.entry(2, 0), Map.entry(4, 0), Map.entry(5, 0),
            Map.entry(1, 1), Map.entry(10, 1), Map.entry(13, 1),
            Map.entry(0, 2), Map.entry(9, 2), Map.entry(12, 2),
            Map.entry(3, 3), Map.entry(8, 3), Map.entry(11, 3),
            Map.entry(6, 4), Map.entry(7, 4), Map.entry(14, 4));

    /** Reference defaults: copies of marked melanomas (--duplications_m) and ruler melanomas (--duplications_r). */
    public static final int DUPLICATIONS_MARKED = 20;
    public static final int DUPLICATIONS_RULERS = 18;
    /** Fraction of the ISIC 2018 rows that becomes the validation set. */
    public static final double VALIDATION_FRACTION = 0.33;

    /** Which rows are loaded through a random dihedral view under --skew. */
    public enum SkewViews {
        /**
         * The reference: its random transpose/flip transform is applied to every row with marked == 1
         * whenever --skew is on (originals and duplicates; ruler duplicates only when also marked).
         */
        REFERENCE,
        /** Every duplicate (marked or ruler), never an original: duplicates become new data points either way. */
        DUPLICATES
    }

    /**
     * The flags of the reference that change the training CSV.
     *
     * @param marked        --marked: markings are the artefact (--skew then skews markings)
     * @param rulers        --rulers: rulers are the artefact (--skew then skews rulers)
     * @param skew          --skew
     * @param duplicationsM --duplications_m
     * @param duplicationsR --duplications_r
     * @param instrument    --instrument: keep the 8 instrument sizes and add the instrument class
     * @param seed          --seed (random_state of the validation split; 0 .. 2^32-1)
     * @param views         which rows get random views under --skew
     */
    public record Options(boolean marked, boolean rulers, boolean skew, int duplicationsM, int duplicationsR,
                          boolean instrument, long seed, SkewViews views) {
        public Options {
            if (duplicationsM < 0 || duplicationsR < 0) {
                throw new UserException("--duplications_m and --duplications_r must be >= 0, got " + duplicationsM
                        + " and " + duplicationsR);
            }
            if (seed < 0 || seed > 0xffffffffL) {
                throw new UserException("--seed must be between 0 and 4294967295 for the reference's validation split, got "
                        + seed);
            }
            if (views == null) {
                views = SkewViews.REFERENCE;
            }
        }

        /** No skew, no instrument, seed 0: the plain filters, folds and validation split. */
        public static Options defaults() {
            return new Options(false, false, false, DUPLICATIONS_MARKED, DUPLICATIONS_RULERS, false, 0, SkewViews.REFERENCE);
        }

        public Options withSkew(boolean marked, boolean rulers) {
            return new Options(marked, rulers, true, duplicationsM, duplicationsR, instrument, seed, views);
        }

        public Options withInstrument(boolean on) {
            return new Options(marked, rulers, skew, duplicationsM, duplicationsR, on, seed, views);
        }

        public Options withSeed(long s) {
            return new Options(marked, rulers, skew, duplicationsM, duplicationsR, instrument, s, views);
        }

        public Options withViews(SkewViews v) {
            return new Options(marked, rulers, skew, duplicationsM, duplicationsR, instrument, seed, v);
        }
    }

    /**
     * The reference's training and validation rows.
     *
     * @param train           ISIC 2020 + 2017 rows after skew, filters and (with --instrument) the size filter
     * @param val             33% of the ISIC 2018 rows, in scikit-learn's order (empty when the CSV has no 2018
     *                        rows, as df_main_instr_17_20.csv)
     * @param instrumentSizes with --instrument, the sizes present in train, sorted: instrument k = sizes.get(k);
     *                        empty otherwise
     */
    public record Splits(List<IsicRow> train, List<IsicRow> val, List<String> instrumentSizes) {
        public Splits {
            train = List.copyOf(train);
            val = List.copyOf(val);
            instrumentSizes = List.copyOf(instrumentSizes);
        }

        /** Instrument class of a training row (-1 without --instrument or for a size not kept). */
        public int instrument(IsicRow r) {
            return instrumentSizes.indexOf(normalizeSize(r.size()));
        }
    }

    private IsicRules() {
    }

    // ------------------------------------------------------------------ reading

    /** Reads an ISIC training CSV (df_main_instr_17_20.csv, isic_train_20-19-18-17.csv, a synthetic split). */
    public static List<IsicRow> read(Path csv) {
        return read(CsvTable.read(csv));
    }

    /**
     * Rows of a CSV table. Required: {@link #REQUIRED}; optional: patient_id, benign_malignant (derived
     * from target when absent), mclassd (0 when absent or empty, as pandas' NaN != 1).
     */
    public static List<IsicRow> read(CsvTable t) {
        t.require(REQUIRED.toArray(String[]::new));
        boolean hasPatient = t.has("patient_id");
        boolean hasBm = t.has("benign_malignant");
        boolean hasMclassd = t.has("mclassd");
        List<IsicRow> rows = new ArrayList<>(t.size());
        for (int r = 0; r < t.size(); r++) {
            String name = t.get(r, "image_name").strip();
            if (name.isEmpty()) {
                throw new UserException(t.file() + " line " + (r + 2) + ": empty image_name");
            }
            int target = binary(t, r, "target");
            String bm = hasBm ? t.get(r, "benign_malignant").strip() : (target == 1 ? "malignant" : "benign");
            if (!bm.equals("benign") && !bm.equals("malignant")) {
                throw new UserException(t.file() + " line " + (r + 2) + ", column 'benign_malignant': '" + bm
                        + "' is not one of benign, malignant");
            }
            int mclassd = hasMclassd && !t.get(r, "mclassd").isBlank() ? t.getInt(r, "mclassd") : 0;
            rows.add(new IsicRow(r, name, hasPatient ? t.get(r, "patient_id").strip() : "", target, bm,
                    t.getInt(r, "tfrecord"), t.getInt(r, "year"), binary(t, r, "scale"), binary(t, r, "marked"),
                    t.get(r, "size").strip(), mclassd, 0, 0));
        }
        return rows;
    }

    private static int binary(CsvTable t, int r, String column) {
        int v = t.getInt(r, column);
        if (v != 0 && v != 1) {
            throw new UserException(t.file() + " line " + (r + 2) + ", column '" + column + "': " + v
                    + " is not 0 or 1");
        }
        return v;
    }

    // ------------------------------------------------------------------ the rules

    /** All rules in the reference's order: skew, filter, folds, validation split, instrument sizes. */
    public static Splits prepare(List<IsicRow> rows, Options o) {
        List<IsicRow> all = filter(skew(rows, o));
        List<IsicRow> val = validationSplit(all, o.seed());
        List<IsicRow> train = new ArrayList<>();
        for (IsicRow r : all) {
            if (r.year() != 2018) {
                train.add(r);
            }
        }
        List<String> sizes = List.of();
        if (o.instrument()) {
            train = keepInstrumentSizes(train);
            sizes = instrumentClasses(train);
        }
        return new Splits(train, val, sizes);
    }

    /**
     * --skew (before the filters, as the reference): for markings (with {@code o.marked()}), rows whose image
     * is a benign marked image are removed and the remaining marked rows are added {@code duplicationsM} more
     * times; then the same for rulers (with {@code o.rulers()}, on the already skewed rows) with
     * {@code duplicationsR}. Copies come first, latest first, then the original rows, as the reference's
     * repeated pd.concat([copies, df]) orders them. Without {@code o.skew()} the rows are returned unchanged.
     */
    public static List<IsicRow> skew(List<IsicRow> rows, Options o) {
        if (!o.skew()) {
            return List.copyOf(rows);
        }
        List<IsicRow> df = new ArrayList<>(rows);
        if (o.marked()) {
            df = skewOne(df, IsicRow::marked, o.duplicationsM());
        }
        if (o.rulers()) {
            df = skewOne(df, IsicRow::scale, o.duplicationsR());
        }
        List<IsicRow> out = new ArrayList<>(df.size());
        for (IsicRow r : df) {
            boolean random = o.views() == SkewViews.REFERENCE ? r.marked() == 1 : r.copy() > 0;
            out.add(random ? r.withView(-1) : r);
        }
        return out;
    }

    private static List<IsicRow> skewOne(List<IsicRow> df, java.util.function.ToIntFunction<IsicRow> artefact, int copies) {
        Set<String> benignWithArtefact = new HashSet<>();
        for (IsicRow r : df) {
            if (artefact.applyAsInt(r) == 1 && r.benign()) {
                benignWithArtefact.add(r.imageName());
            }
        }
        List<IsicRow> kept = new ArrayList<>(df.size());
        List<IsicRow> withArtefact = new ArrayList<>();
        for (IsicRow r : df) {
            if (!benignWithArtefact.contains(r.imageName())) {
                kept.add(r);
                if (artefact.applyAsInt(r) == 1) {
                    withArtefact.add(r);
                }
            }
        }
        List<IsicRow> out = new ArrayList<>(kept.size() + copies * withArtefact.size());
        for (int k = copies; k >= 1; k--) {
            for (IsicRow r : withArtefact) {
                out.add(r.duplicate(k, r.view()));
            }
        }
        out.addAll(kept);
        return out;
    }

    /** The reference's filters: drop mclassd == 1, year 2019 and tfrecord -1 (order kept). */
    public static List<IsicRow> filter(List<IsicRow> rows) {
        List<IsicRow> out = new ArrayList<>(rows.size());
        for (IsicRow r : rows) {
            if (r.mclassd() != 1 && r.year() != 2019 && r.tfrecord() != -1) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Cross-validation fold 0..4: ISIC 2020 rows by {@link #TFRECORD_TO_FOLD}, other years except 2018 by
     * tfrecord % 5; -1 for 2018 rows and for 2020 shards the map lacks (NaN in the reference, so such rows
     * are in no validation fold).
     */
    public static int fold(IsicRow r) {
        if (r.year() == 2020) {
            return TFRECORD_TO_FOLD.getOrDefault(r.tfrecord(), -1);
        }
        if (r.year() == 2018) {
            return -1;
        }
        return Math.floorMod(r.tfrecord(), 5);
    }

    /** The rows of fold k (validation of cross-validation round k) or of every other fold (its training set). */
    public static List<IsicRow> foldRows(List<IsicRow> rows, int k, boolean inFold) {
        if (k < 0 || k > 4) {
            throw new UserException("fold must be 0..4, got " + k);
        }
        List<IsicRow> out = new ArrayList<>();
        for (IsicRow r : rows) {
            int f = fold(r);
            if (inFold ? f == k : f != k && f >= 0) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The validation rows: the ISIC 2018 rows (in order) that scikit-learn's
     * {@code train_test_split(df_2018, test_size=0.33, random_state=seed, shuffle=True)} returns as its
     * test part. Empty when there are no 2018 rows (scikit-learn would raise; the CSVs shipped with the
     * reference's data folder hold only 2017 and 2020).
     */
    public static List<IsicRow> validationSplit(List<IsicRow> rows, long seed) {
        List<IsicRow> y2018 = new ArrayList<>();
        for (IsicRow r : rows) {
            if (r.year() == 2018) {
                y2018.add(r);
            }
        }
        if (y2018.isEmpty()) {
            return List.of();
        }
        int[] test = NumpyRandom.trainTestSplitTest(y2018.size(), VALIDATION_FRACTION, seed);
        List<IsicRow> out = new ArrayList<>(test.length);
        for (int i : test) {
            out.add(y2018.get(i));
        }
        return out;
    }

    /** "6000" (the synthetic CSVs) to "6000x6000" (the real ones); anything else unchanged. */
    public static String normalizeSize(String size) {
        String s = size.strip();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return s + "x" + s;
        }
        return s;
    }

    /** Instrument class of an image size in the reference's full list (0..7), or -1 for another size. */
    public static int instrument(String size) {
        return INSTRUMENT_SIZES.indexOf(normalizeSize(size));
    }

    /** Rows whose size is one of the 8 instrument sizes (the reference drops the others in --instrument runs). */
    public static List<IsicRow> keepInstrumentSizes(List<IsicRow> rows) {
        List<IsicRow> out = new ArrayList<>(rows.size());
        for (IsicRow r : rows) {
            if (instrument(r.size()) >= 0) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The reference's size2idx: the distinct (normalised) sizes of {@code rows}, sorted as strings; the
     * instrument class of a row is the index of its size here. Equal to {@link #INSTRUMENT_SIZES} when all
     * 8 sizes occur (as in df_main_instr_17_20.csv); fewer sizes shift the later indices, as in the reference.
     */
    public static List<String> instrumentClasses(List<IsicRow> rows) {
        TreeSet<String> sizes = new TreeSet<>();
        for (IsicRow r : rows) {
            sizes.add(normalizeSize(r.size()));
        }
        return Collections.unmodifiableList(new ArrayList<>(sizes));
    }

    // ------------------------------------------------------------------ images

    /**
     * Where the reference's download script puts a training image: {@code isic_20_train_SIZE/NAME.jpg} for
     * 2020, {@code isic_19_train_SIZE/NAME.jpg} for the other years (the 2019 set holds 2017 and 2018).
     */
    public static Path referenceImage(Path imageRoot, IsicRow r, int imageSize) {
        String folder = (r.year() == 2020 ? "isic_20_train_" : "isic_19_train_") + imageSize;
        return imageRoot.resolve(folder).resolve(r.imageName() + ".jpg");
    }

    /**
     * An {@link ImageDataset} of rows (label = target) with attributes marked, scale, year, fold, copy,
     * view (0 as stored, -1 random view per load) and, when {@code instrumentSizes} is not empty,
     * instrument.
     */
    public static ImageDataset toDataset(String name, List<IsicRow> rows, Function<IsicRow, Path> image,
                                         List<String> instrumentSizes) {
        List<Path> images = new ArrayList<>(rows.size());
        int n = rows.size();
        int[] labels = new int[n];
        Map<String, int[]> at = new LinkedHashMap<>();
        for (String a : List.of("marked", "scale", "year", "fold", "copy", "view")) {
            at.put(a, new int[n]);
        }
        int[] instr = instrumentSizes.isEmpty() ? null : new int[n];
        for (int i = 0; i < n; i++) {
            IsicRow r = rows.get(i);
            images.add(image.apply(r));
            labels[i] = r.target();
            at.get("marked")[i] = r.marked();
            at.get("scale")[i] = r.scale();
            at.get("year")[i] = r.year();
            at.get("fold")[i] = fold(r);
            at.get("copy")[i] = r.copy();
            at.get("view")[i] = r.view();
            if (instr != null) {
                instr[i] = instrumentSizes.indexOf(normalizeSize(r.size()));
            }
        }
        if (instr != null) {
            at.put("instrument", instr);
        }
        return new ImageDataset(name, images, labels, at);
    }
}
