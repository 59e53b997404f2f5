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

public class PhaseBench {
    public static void main(String[] a) {
        long t0 = System.nanoTime();
        Model m = Model.create(new ModelSpec(new BackboneSpec("resnet20_cifar", 32, 0.25, 1.0), List.of(new HeadSpec("main", 1, 0, 0.5)), 1));
        long t1 = System.nanoTime();
        SDVariable y = m.sd().placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable bce = m.sd().loss().sigmoidCrossEntropy("bce", y, m.trainLogits("main"), null);
        StepRunner r = new StepRunner(m, Map.of("bce", bce), List.of(new ParamGroup("all", Optim.sgd(1e-3, 0.9), m.parameterNames())), 0.1);
        long t2 = System.nanoTime();
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 32, 32);
        INDArray lab = Nd4j.rand(DataType.FLOAT, 8, 1).gt(0.5).castTo(DataType.FLOAT);
        INDArray keep = Nd4j.ones(DataType.FLOAT, 8, 16);
        Step s = new Step("s", Map.of("bce", 1.0), List.of("all"));
        Map<String, INDArray> ph = Map.of(Model.INPUT, x, "y", lab, m.dropouts().get(0).placeholder(), keep);
        r.run(s, ph, 0);
        long t3 = System.nanoTime();
        for (int i = 0; i < 10; i++) r.run(s, ph, 0);
        long t4 = System.nanoTime();
        m.predict(x, "main");
        long t5 = System.nanoTime();
        for (int i = 0; i < 10; i++) m.predict(x, "main");
        long t6 = System.nanoTime();
        System.out.printf("build %.2fs, gradfn %.2fs, first step %.2fs, step %.3fs, first predict %.2fs, predict %.3fs%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e10, (t5 - t4) / 1e9, (t6 - t5) / 1e10);
    }
}
