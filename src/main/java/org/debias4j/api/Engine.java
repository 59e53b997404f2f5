package org.debias4j.api;

import org.debias4j.nn.SafeTensors;
import org.debias4j.prune.MultiTaskModel;
import org.debias4j.util.Quiet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One graph copy that turns a normalised batch into predictions; used by one thread at a time. */
interface Engine {
    /**
     * @param input {@code n * views} normalised images [3, size, size], image-major, then view
     */
    List<Prediction> predict(float[] input, int n, int views, int size);

    void release();

    /** Builds {@code copies} engines of the bundle's kind. */
    static List<Engine> create(Bundle.Contents b, int copies) {
        Manifest m = b.manifest();
        List<Engine> out = new ArrayList<>();
        try {
            if (m.kind().equals(ModelInfo.KIND_SINGLE)) {
                Map<String, INDArray> state = Engine.state(b);
                try {
                    for (int i = 0; i < copies; i++) {
                        org.debias4j.nn.Model g = Quiet.stdout(() -> org.debias4j.nn.Model.create(m.graph().spec()));
                        // Before loadStateDict, so a failure still frees this copy.
                        out.add(new Single(g, m.graph().mainHead(), m.graph().output().equals("sigmoid"), m.classes()));
                        g.loadStateDict(state, b.file().toString());
                        g.setFixedWeights(true); // a bundle only predicts: no per-call check for changed weights
                    }
                } finally {
                    state.values().forEach(INDArray::close);
                }
            } else {
                Path tmp = Engine.unpack(b);
                try {
                    for (int i = 0; i < copies; i++) {
                        out.add(new Pruner(Quiet.stdout(() -> MultiTaskModel.load(tmp)), m.classes()));
                    }
                } finally {
                    Engine.delete(tmp);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(Engine::release);
            throw e instanceof BundleException ? e : new BundleException(b.file() + ": " + e.getMessage(), e);
        }
    }

    /** The weights entry as a file (SafeTensors and MultiTaskModel read files). */
    private static Path unpack(Bundle.Contents b) {
        try {
            Path tmp = Files.createTempFile("debias4j-bundle", ".safetensors");
            Files.write(tmp, b.entries().get(b.manifest().graph().weights()));
            return tmp;
        } catch (IOException e) {
            throw new BundleException("Cannot unpack the weights of " + b.file() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, INDArray> state(Bundle.Contents b) {
        Path tmp = unpack(b);
        try {
            return SafeTensors.read(tmp).tensors();
        } finally {
            delete(tmp);
        }
    }

    private static void delete(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    /** One network: sigmoid of one logit (probability of classes[1]) or softmax over the classes, mean over views. */
    final class Single implements Engine {
        private final org.debias4j.nn.Model graph;
        private final String head;
        private final boolean sigmoid;
        private final List<String> classes;

        Single(org.debias4j.nn.Model graph, String head, boolean sigmoid, List<String> classes) {
            this.graph = graph;
            this.head = head;
            this.sigmoid = sigmoid;
            this.classes = classes;
        }

        @Override
        public List<Prediction> predict(float[] input, int n, int views, int size) {
            int k = classes.size();
            double[][] probs = new double[n][k];
            try (INDArray x = Nd4j.create(input, new long[]{(long) n * views, 3, size, size}, 'c')) {
                INDArray logits = graph.predict(x, head).get(head);
                float[] z = logits.dup('c').data().asFloat();
                logits.close();
                int width = sigmoid ? 1 : k;
                for (int i = 0; i < n; i++) {
                    for (int v = 0; v < views; v++) {
                        int row = (i * views + v) * width;
                        if (sigmoid) {
                            double p = 1.0 / (1.0 + Math.exp(-z[row]));
                            probs[i][0] += (1 - p) / views;
                            probs[i][1] += p / views;
                        } else {
                            double[] s = softmax(z, row, k);
                            for (int c = 0; c < k; c++) {
                                probs[i][c] += s[c] / views;
                            }
                        }
                    }
                }
            }
            List<Prediction> out = new ArrayList<>(n);
            for (double[] p : probs) {
                int best = argmax(p);
                out.add(new Prediction(classes, p, best, classes.get(best), ""));
            }
            return out;
        }

        @Override
        public void release() {
            Graphs.release(graph);
        }
    }

    /**
     * BiasPruner's multi-task model: every task's subnetwork sees the image, the model's inference
     * rule picks one; probabilities are that task's, placed at its classes' global positions (other
     * classes 0). One view: BiasPruner evaluates without test-time augmentation.
     */
    final class Pruner implements Engine {
        private final MultiTaskModel model;
        private final List<String> classes;

        Pruner(MultiTaskModel model, List<String> classes) {
            this.model = model;
            this.classes = classes;
        }

        @Override
        public List<Prediction> predict(float[] input, int n, int views, int size) {
            MultiTaskModel.Prediction r;
            try (INDArray x = Nd4j.create(input, new long[]{(long) n * views, 3, size, size}, 'c')) {
                r = model.predict(x);
            }
            List<Prediction> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                MultiTaskModel.TaskInfo t = model.info().tasks().get(r.task()[i]);
                double[] p = new double[classes.size()];
                for (int c = 0; c < t.classes().size(); c++) {
                    p[t.classes().get(c)] = r.probs()[i][c];
                }
                int g = r.globalClass()[i];
                out.add(new Prediction(classes, p, g, classes.get(g), t.name()));
            }
            return out;
        }

        @Override
        public void release() {
            Graphs.release(model.model());
        }
    }

    static double[] softmax(float[] z, int from, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, z[from + c]);
        }
        double[] e = new double[k];
        double sum = 0;
        for (int c = 0; c < k; c++) {
            e[c] = Math.exp(z[from + c] - max);
            sum += e[c];
        }
        for (int c = 0; c < k; c++) {
            e[c] /= sum;
        }
        return e;
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }
}
