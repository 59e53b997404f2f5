package org.debias4j.prune;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Acquisition statistics of an input image for the {@code input_stats} inference rule: per colour channel
 * the mean, the standard deviation and the mean of the four corner patches (vignetting, a dermoscope's
 * field of view) of the normalised image, 9 numbers. They describe the source (camera, colour cast,
 * optics) much more than the lesion, so a task's Gaussian over them recognises images from its own
 * source whatever their class or spurious attribute.
 */
final class InputStats {
    static final int DIMENSION = 9;

    private InputStats() {
    }

    /** One row of {@link #DIMENSION} statistics per image of an NCHW batch. */
    static double[][] of(INDArray images) {
        int n = (int) images.size(0);
        int c = (int) images.size(1);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        int k = Math.max(2, Math.min(h, w) / 8);
        float[] x = images.dup('c').data().asFloat();
        double[][] out = new double[n][DIMENSION];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < Math.min(3, c); ch++) {
                int base = (i * c + ch) * h * w;
                double sum = 0;
                double sq = 0;
                double corner = 0;
                int cornerN = 0;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double v = x[base + y * w + xx];
                        sum += v;
                        sq += v * v;
                        if ((y < k || y >= h - k) && (xx < k || xx >= w - k)) {
                            corner += v;
                            cornerN++;
                        }
                    }
                }
                double mean = sum / (h * w);
                out[i][3 * ch] = mean;
                out[i][3 * ch + 1] = Math.sqrt(Math.max(0, sq / (h * w) - mean * mean));
                out[i][3 * ch + 2] = corner / cornerN;
            }
        }
        return out;
    }
}
