package org.debias4j.bench;

import org.debias4j.nn.BackboneSpec;
import org.debias4j.nn.HeadSpec;
import org.debias4j.nn.Model;
import org.debias4j.nn.ModelSpec;
import org.debias4j.train.Optim;
import org.debias4j.train.ParamGroup;
import org.debias4j.train.Step;
import org.debias4j.train.StepRunner;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

public class QuickBench {
    public static void main(String[] a) {
        String arch = a.length > 0 ? a[0] : "resnet20_cifar";
        int size = a.length > 1 ? Integer.parseInt(a[1]) : 32;
        double wm = a.length > 2 ? Double.parseDouble(a[2]) : 1.0;
        int bs = 64;
        Model m = Model.create(new ModelSpec(new BackboneSpec(arch, size, wm, 1.0), List.of(new HeadSpec("main", 1, 0, 0.0)), 1));
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable bce = m.sd().loss().sigmoidCrossEntropy("bce", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("bce", bce), List.of(new ParamGroup("all", Optim.adam(1e-3, 0), m.parameterNames())), 0.1);
        INDArray x = Nd4j.rand(DataType.FLOAT, bs, 3, size, size);
        INDArray lab = Nd4j.rand(DataType.FLOAT, bs, 1).gt(0.5).castTo(DataType.FLOAT);
        Step s = new Step("s", Map.of("bce", 1.0), List.of("all"));
        for (int i = 0; i < 3; i++) r.run(s, Map.of(Model.INPUT, x, "y", lab), 0);
        long t0 = System.nanoTime();
        int n = 5;
        for (int i = 0; i < n; i++) { r.run(s, Map.of(Model.INPUT, x, "y", lab), 0); System.gc(); }
        double tr = n * bs / ((System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < 3; i++) m.predict(x, "main");
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) m.predict(x, "main");
        double inf = n * bs / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("%s %dpx wm %.2f: train %.1f img/s, infer %.1f img/s%n", arch, size, wm, tr, inf);
    }
}
