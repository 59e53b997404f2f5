package org.debias4j.data.synth;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each artefact changes the pixels it should, and only those. */
class ArtefactTest {
    private static final SyntheticSpec SPEC = SyntheticSpec.defaults();
    /** Device 1: no resolution loss, so local artefacts stay local. */
    private static final SampleAttributes PLAIN = SampleAttributes.of(0, 0, false, false, 1);

    @Test
    void inkChangesAFewPixelsTowardsViolet() {
        for (long seed = 1; seed <= 20; seed++) {
            int[] off = GenerationTest.pixels(SyntheticBenchmark.render(SPEC, PLAIN, seed));
            int[] on = GenerationTest.pixels(SyntheticBenchmark.render(SPEC, PLAIN.withMarked(true), seed));
            int changed = 0;
            double blueShift = 0;
            for (int i = 0; i < off.length; i++) {
                if (off[i] != on[i]) {
                    changed++;
                    // ink is violet/blue: blue rises relative to green
                    blueShift += ((on[i] & 255) - ((on[i] >> 8) & 255)) - ((off[i] & 255) - ((off[i] >> 8) & 255));
                }
            }
            assertTrue(changed > 10, "seed " + seed + ": ink changed " + changed + " pixels");
            assertTrue(changed < off.length * 0.3, "seed " + seed + ": ink changed " + changed + " pixels");
            assertTrue(blueShift / changed > 5, "seed " + seed + ": ink is not bluish: " + blueShift / changed);
        }
    }

    @Test
    void rulerChangesOnlyABandAtOneEdge() {
        int s = SPEC.imageSize();
        for (long seed = 1; seed <= 20; seed++) {
            int[] off = GenerationTest.pixels(SyntheticBenchmark.render(SPEC, PLAIN, seed));
            int[] on = GenerationTest.pixels(SyntheticBenchmark.render(SPEC, PLAIN.withRuler(true), seed));
            int minX = s, maxX = -1, minY = s, maxY = -1, changed = 0;
            for (int i = 0; i < off.length; i++) {
                if (off[i] != on[i]) {
                    changed++;
                    minX = Math.min(minX, i % s);
                    maxX = Math.max(maxX, i % s);
                    minY = Math.min(minY, i / s);
                    maxY = Math.max(maxY, i / s);
                }
            }
            assertTrue(changed > s, "seed " + seed + ": ruler changed " + changed + " pixels");
            int band = (int) (0.25 * s);
            boolean edge = maxY < band || minY >= s - band || maxX < band || minX >= s - band;
            assertTrue(edge, "seed " + seed + ": ruler changes span x " + minX + ".." + maxX + ", y " + minY + ".." + maxY);
        }
    }

    @Test
    void deviceAndSkinToneChangeTheWholeLook() {
        for (long seed = 1; seed <= 10; seed++) {
            int[] d1 = GenerationTest.pixels(SyntheticBenchmark.render(SPEC, PLAIN, seed));
            int[] d6 = GenerationTest.pixels(SyntheticBenchmark.render(SPEC, PLAIN.withDevice(6), seed));
            int changed = 0;
            for (int i = 0; i < d1.length; i++) {
                changed += d1[i] != d6[i] ? 1 : 0;
            }
            assertTrue(changed > d1.length * 0.8, "device changed only " + changed);
            double light = cornerLuminance(SyntheticBenchmark.render(SPEC, PLAIN, seed));
            double dark = cornerLuminance(SyntheticBenchmark.render(SPEC, PLAIN.withSkinTone(1), seed));
            assertTrue(dark < light - 40, "dark skin " + dark + " vs light " + light);
        }
    }

    @Test
    void melanomaAndBenignDifferOnAverage() {
        // the same seed drawn as either class: melanomas are larger (more dark pixels) on average
        double ben = 0;
        double mel = 0;
        for (long seed = 1; seed <= 40; seed++) {
            ben += darkFraction(SyntheticBenchmark.render(SPEC, PLAIN, seed));
            mel += darkFraction(SyntheticBenchmark.render(SPEC, PLAIN.withLabel(1), seed));
        }
        assertTrue(mel > ben * 1.3, "melanoma dark area " + mel / 40 + " vs benign " + ben / 40);
    }

    @Test
    void everyClassDrawsAVisibleLesionNearTheCentre() {
        SyntheticSpec spec = SPEC.withNumClasses(6);
        for (int label = 0; label < 6; label++) {
            int visible = 0;
            for (long seed = 1; seed <= 20; seed++) {
                BufferedImage img = SyntheticBenchmark.render(spec, PLAIN.withLabel(label), seed);
                int[] px = GenerationTest.pixels(img);
                int s = img.getWidth();
                double diff = 0;
                for (int y = s / 2 - 2; y < s / 2 + 2; y++) {
                    for (int x = s / 2 - 2; x < s / 2 + 2; x++) {
                        int p = px[y * s + x];
                        int q = px[(s / 8) * s + s / 8 + (x - s / 2)]; // skin near a corner
                        for (int sh = 0; sh <= 16; sh += 8) {
                            diff += Math.abs(((p >> sh) & 255) - ((q >> sh) & 255));
                        }
                    }
                }
                visible += diff / 16 > 30 ? 1 : 0;
            }
            assertTrue(visible >= 18, "class " + label + ": lesion visible at the centre in " + visible + "/20");
        }
    }

    private static double cornerLuminance(BufferedImage img) {
        int s = img.getWidth();
        double sum = 0;
        int n = 0;
        for (int y = s / 8; y < s / 4; y++) {
            for (int x = s / 8; x < s / 4; x++) {
                int p = img.getRGB(x, y);
                sum += 0.3 * ((p >> 16) & 255) + 0.59 * ((p >> 8) & 255) + 0.11 * (p & 255);
                n++;
            }
        }
        return sum / n;
    }

    private static double darkFraction(BufferedImage img) {
        double centre = cornerLuminance(img);
        int[] px = GenerationTest.pixels(img);
        int n = 0;
        for (int p : px) {
            double l = 0.3 * ((p >> 16) & 255) + 0.59 * ((p >> 8) & 255) + 0.11 * (p & 255);
            n += l < centre * 0.75 ? 1 : 0;
        }
        return (double) n / px.length;
    }
}
