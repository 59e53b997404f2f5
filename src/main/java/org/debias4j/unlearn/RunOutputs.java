package org.debias4j.unlearn;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.ImagePipeline;
import org.debias4j.eval.Plots;
import org.debias4j.eval.Roc;
import org.debias4j.nn.Model;
import org.debias4j.nn.SafeTensors;
import org.debias4j.train.Checkpoint;
import org.debias4j.train.RunLog;
import org.debias4j.train.TrainConfig;
import org.debias4j.util.AtomicFiles;
import org.debias4j.util.Json;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The per-run outputs the Skin Deep Unlearning reference writes besides the log and ROC plot:
 * weights of the encoder and of every head as separate files, ROC data per test split, the
 * validation curve, and vanilla-gradient saliency maps (|d main logit / d input|, max over colour
 * channels) of the first test images.
 */
public final class RunOutputs {
    private RunOutputs() {
    }

    public static void write(TrainConfig c, Model model, Path runDir, List<Checkpoint.EpochStats> history,
                             Map<String, double[][]> scores, Map<String, ImageDataset> tests, ImagePipeline pipeline,
                             RunLog log) {
        writeWeights(model, runDir.resolve("weights"));
        for (Map.Entry<String, double[][]> e : scores.entrySet()) {
            writeRoc(e.getValue()[0], e.getValue()[1], runDir.resolve("roc-" + e.getKey() + ".csv"));
        }
        if (!history.isEmpty()) {
            StringBuilder sb = new StringBuilder("epoch,val_auc,val_acc\n");
            double[] auc = new double[history.size()];
            for (int i = 0; i < history.size(); i++) {
                Checkpoint.EpochStats s = history.get(i);
                sb.append(s.epoch()).append(',').append(s.valAuc()).append(',').append(s.valAccuracy()).append('\n');
                auc[i] = s.valAuc();
            }
            AtomicFiles.writeString(runDir.resolve("val_curve.csv"), sb.toString());
            Plots.trainingCurves(Map.of("validation AUC", auc), "Validation AUC, test " + c.testNo(),
                    runDir.resolve("val_curve.png"));
        }
        int n = c.unlearning().saliencyImages();
        if (n > 0 && !tests.isEmpty()) {
            Map.Entry<String, ImageDataset> first = tests.entrySet().iterator().next();
            Path dir = runDir.resolve("saliency");
            int written = saliency(runDir.resolve("model.safetensors"), first.getValue(), pipeline, n, dir);
            log.line("saliency maps of " + written + " " + first.getKey() + " images in " + dir);
        }
    }

    /** encoder.safetensors (backbone weights, running statistics, masks) and head-NAME.safetensors per head. */
    static void writeWeights(Model model, Path dir) {
        Map<String, INDArray> encoder = new LinkedHashMap<>();
        Map<String, Map<String, INDArray>> heads = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : model.stateDict().entrySet()) {
            if (e.getKey().startsWith("head.")) {
                String head = e.getKey().substring(5, e.getKey().indexOf('.', 5));
                heads.computeIfAbsent(head, k -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
            } else {
                encoder.put(e.getKey(), e.getValue());
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String spec = Json.write(model.spec());
        SafeTensors.write(dir.resolve("encoder.safetensors"), encoder, Map.of("debias4j.part", "encoder",
                "debias4j.model_spec", spec, "format", "pt"));
        heads.forEach((h, t) -> SafeTensors.write(dir.resolve("head-" + h + ".safetensors"), t,
                Map.of("debias4j.part", "head." + h, "debias4j.model_spec", spec, "format", "pt")));
    }

    static void writeRoc(double[] p, double[] yd, Path csv) {
        int[] y = new int[yd.length];
        boolean both0 = false;
        boolean both1 = false;
        for (int i = 0; i < y.length; i++) {
            y[i] = (int) yd[i];
            both0 |= y[i] == 0;
            both1 |= y[i] == 1;
        }
        if (!both0 || !both1) {
            return; // ROC undefined with one class
        }
        Roc r = Roc.curve(p, y);
        StringBuilder sb = new StringBuilder("threshold,fpr,tpr\n");
        for (int i = 0; i < r.fpr().length; i++) {
            sb.append(r.thresholds()[i]).append(',').append(r.fpr()[i]).append(',').append(r.tpr()[i]).append('\n');
        }
        AtomicFiles.writeString(csv, sb.toString());
    }

    /**
     * Vanilla-gradient saliency of the main head's logit on a fresh copy of the saved model (its
     * input placeholder becomes a variable, because SameDiff returns no gradient for placeholders).
     * Writes saliency/IMAGE.png: the input and the map side by side. Returns the number written.
     */
    public static int saliency(Path weights, ImageDataset data, ImagePipeline pipeline, int n, Path dir) {
        int count = Math.min(n, data.size());
        if (count == 0) {
            return 0;
        }
        INDArray images = images(data, pipeline, count);
        INDArray grad = inputGradient(weights, images.dup());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < count; i++) {
            BufferedImage png = sideBySide(images.slice(i), grad.slice(i));
            String name = data.image(i).getFileName().toString().replaceAll("\\.[A-Za-z]+$", "");
            writePng(png, dir.resolve(name + ".png"));
        }
        return count;
    }

    private static INDArray images(ImageDataset data, ImagePipeline pipeline, int count) {
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = i;
        }
        return pipeline.batch(data, rows, 0, new SplittableRandom(0));
    }

    /** d(sum of main logits)/d(input) for a batch of normalised images [N, 3, H, W]. */
    public static INDArray inputGradient(Path weights, INDArray images) {
        Model m = Model.load(weights);
        SameDiff sd = m.sd();
        SDVariable in = sd.getVariable(Model.INPUT);
        in.setArray(images);
        sd.convertToVariable(in);
        SDVariable total = m.evalLogits("main").sum();
        sd.setLossVariables(total);
        return org.debias4j.util.Quiet.stdout(() -> sd.calculateGradients(Map.of(), List.of(Model.INPUT)))
                .get(Model.INPUT);
    }

    private static BufferedImage sideBySide(INDArray image, INDArray grad) {
        int h = (int) image.size(1);
        int w = (int) image.size(2);
        BufferedImage out = new BufferedImage(2 * w, h, BufferedImage.TYPE_INT_RGB);
        double max = 1e-12;
        double[][] s = new double[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0;
                for (int ch = 0; ch < 3; ch++) {
                    v = Math.max(v, Math.abs(grad.getDouble(ch, y, x)));
                }
                s[y][x] = v;
                max = Math.max(max, v);
            }
        }
        float[] mean = ImagePipeline.MEAN;
        float[] std = ImagePipeline.STD;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int ch = 0; ch < 3; ch++) {
                    double v = image.getDouble(ch, y, x) * std[ch] + mean[ch];
                    rgb = (rgb << 8) | (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
                }
                out.setRGB(x, y, rgb);
                double t = s[y][x] / max; // black -> red -> yellow -> white
                int r = (int) Math.round(255 * Math.min(1, 3 * t));
                int g = (int) Math.round(255 * Math.max(0, Math.min(1, 3 * t - 1)));
                int b = (int) Math.round(255 * Math.max(0, Math.min(1, 3 * t - 2)));
                out.setRGB(w + x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static void writePng(BufferedImage img, Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }
}
