package org.debias4j.bench;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

public class BnBench {
    interface Variant { SDVariable apply(SameDiff sd, SDVariable x, SDVariable gamma, SDVariable beta, int c); }

    public static void main(String[] a) {
        int n = 64, c = 16, h = 32;
        Map<String, Variant> variants = new java.util.LinkedHashMap<>();
        variants.put("moments+bcast", (sd, x, g, b, C) -> {
            SDVariable[] m = sd.math().moments(x, new int[]{0, 2, 3}, false);
            SDVariable scale = g.mul(sd.math().rsqrt(m[1].add(1e-5)));
            SDVariable shift = b.sub(m[0].mul(scale));
            return x.mul(sd.reshape(scale, 1, C, 1, 1)).add(sd.reshape(shift, 1, C, 1, 1));
        });
        variants.put("moments+depthwise", (sd, x, g, b, C) -> {
            SDVariable[] m = sd.math().moments(x, new int[]{0, 2, 3}, false);
            SDVariable scale = g.mul(sd.math().rsqrt(m[1].add(1e-5)));
            SDVariable shift = b.sub(m[0].mul(scale));
            Conv2DConfig cfg = Conv2DConfig.builder().kH(1).kW(1).dataFormat("NCHW").build();
            return sd.cnn().depthWiseConv2d(x, sd.reshape(scale, 1, 1, C, 1), shift, cfg);
        });
        variants.put("moments+bcast+biasadd", (sd, x, g, b, C) -> {
            SDVariable[] m = sd.math().moments(x, new int[]{0, 2, 3}, false);
            SDVariable scale = g.mul(sd.math().rsqrt(m[1].add(1e-5)));
            SDVariable shift = b.sub(m[0].mul(scale));
            return sd.nn().biasAdd(x.mul(sd.reshape(scale, 1, C, 1, 1)), shift, true);
        });
        variants.put("mul+biasadd(no stats)", (sd, x, g, b, C) -> sd.nn().biasAdd(x.mul(sd.reshape(g, 1, C, 1, 1)), b, true));
        variants.put("mul only", (sd, x, g, b, C) -> x.mul(sd.reshape(g, 1, C, 1, 1)));
        variants.put("biasadd only", (sd, x, g, b, C) -> sd.nn().biasAdd(x, b, true));
        variants.put("bcast add only", (sd, x, g, b, C) -> x.add(sd.reshape(b, 1, C, 1, 1)));
        variants.put("identity", (sd, x, g, b, C) -> x.add(0.0));
        variants.put("only-bcast-mul(no stats)", (sd, x, g, b, C) -> x.mul(sd.reshape(g, 1, C, 1, 1)).add(sd.reshape(b, 1, C, 1, 1)));
        variants.put("only-depthwise(no stats)", (sd, x, g, b, C) -> {
            Conv2DConfig cfg = Conv2DConfig.builder().kH(1).kW(1).dataFormat("NCHW").build();
            return sd.cnn().depthWiseConv2d(x, sd.reshape(g, 1, 1, C, 1), b, cfg);
        });
        variants.put("conv3x3 (reference)", (sd, x, g, b, C) -> {
            SDVariable w = sd.var("w3", Nd4j.randn(DataType.FLOAT, 3, 3, C, C).muli(0.1));
            Conv2DConfig cfg = Conv2DConfig.builder().kH(3).kW(3).pH(1).pW(1).dataFormat("NCHW").build();
            return sd.cnn().conv2d(x, w, cfg);
        });
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.var("x", Nd4j.randn(DataType.FLOAT, n, c, h, h));
            SDVariable g = sd.var("g", Nd4j.rand(DataType.FLOAT, c));
            SDVariable b = sd.var("b", Nd4j.rand(DataType.FLOAT, c));
            SDVariable y = e.getValue().apply(sd, x, g, b, c);
            SDVariable w = sd.constant(Nd4j.randn(DataType.FLOAT, n, c, h, h));
            SDVariable loss = sd.nn().relu(y, 0).mul(w).sum();
            sd.setLossVariables(loss);
            org.debias4j.util.Quiet.stdout(() -> sd.createGradFunction());
            List<String> vars = List.of("x", "g", "b");
            for (int i = 0; i < 3; i++) sd.calculateGradients(Map.of(), vars);
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) sd.calculateGradients(Map.of(), vars);
            System.out.printf("%-28s %.2f ms%n", e.getKey(), (System.nanoTime() - t0) / 1e7);
        }
    }
}
