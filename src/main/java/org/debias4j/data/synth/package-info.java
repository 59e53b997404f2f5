/**
 * The synthetic biased-lesion benchmark: the embedded default dataset that demos, tests and
 * benchmarks generate themselves (plain Java2D/ImageIO, no download, no ND4J).
 *
 * <h2>Images</h2>
 * Dermoscopy-like RGB images of {@code imageSize} pixels (default 64, 32..512): textured skin whose
 * tone is the sensitive attribute (light / dark, each with continuous variation), and a lesion whose
 * class shows in visual cues. Binary (default): benign nevus = roughly symmetric, regular soft
 * border, uniform brown with a darker centre; melanoma = asymmetric shape and colour, irregular
 * partly abrupt border, variegated colours (browns, black, blue-grey, white, red), larger. One latent
 * "atypia" drawn from overlapping class distributions drives all cues, so the classes overlap
 * (a 4-layer CNN trained 15 epochs on the unbiased preset reached 0.87 AUC on test_unbiased, still
 * rising; {@code cueStrength} makes it easier or harder).
 * Up to 6 classes ({@link org.debias4j.data.synth.LesionClass}) for continual-learning sequences.
 * On top: optional hair (label-independent nuisance), surgical-marking ink (violet/blue circle,
 * dots or strokes near the lesion), a ruler strip with ticks at one edge, and the look of imaging
 * device k ({@link org.debias4j.data.synth.Device}: vignetting / circular field of view, colour
 * cast, contrast, resolution loss, noise).
 *
 * <h2>Bias</h2>
 * Per split and attribute (marked, ruler, device, skin) a correlation p = P(attribute aligned with
 * the label); see {@link org.debias4j.data.synth.SplitSpec}. Counts are exact per class (rounded).
 *
 * <h2>Files</h2>
 * {@link org.debias4j.data.synth.SyntheticBenchmark#generate} writes {@code images/<image_name>.png},
 * {@code <split>.csv} per split and {@code benchmark.json} (the spec). CSV columns, in order:
 * <pre>
 * image_name, patient_id, sex, age_approx, anatom_site_general_challenge, diagnosis,
 * benign_malignant, target, tfrecord, width, height, year, scale, marked, size,
 * skin_tone, device, label, split
 * </pre>
 * target = 1 for melanoma; scale = ruler (0/1); marked = ink (0/1); size = ISIC image width of the
 * device (k-th of 1024, 1872, 2592, 3264, 4288, 5184, 6000, 640: the reference's sorted-string
 * instrument mapping recovers k); tfrecord = index % 15; width = height = imageSize; year = 2020;
 * skin_tone 0 light / 1 dark; device 0..K-1; label = class index (= target when binary).
 * age_approx is written like ISIC ("45.0").
 *
 * <h2>Determinism</h2>
 * Labels and attributes come from seeded shuffles per (seed, split); each image's metadata and
 * pixels from a {@link java.util.SplittableRandom} derived from (seed, split, index), and its
 * components (skin, lesion, hair, ink, ruler, device) from streams split off it in a fixed order.
 * Per-pixel maths is pure Java arithmetic or {@link java.lang.StrictMath}, so the same spec gives
 * identical pixels everywhere and byte-identical CSVs; PNG bytes depend only on the zlib in use.
 */
package org.debias4j.data.synth;
