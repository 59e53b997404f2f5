package org.debias4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The torchvision ImageNet architectures in the {@link Backbones} registry, with what a
 * torchvision model has around its backbone: the default input size (the crop size of
 * torchvision's ImageNet weights), the classifier's dropout and its parameter names.
 */
public final class TorchvisionModels {
    /** What torchvision puts around a backbone: input size, classifier dropout and classifier name. */
    public record Info(String name, int imageSize, double dropout, String classifier) {
    }

    private static final Map<String, Info> INFO = new LinkedHashMap<>();

    private TorchvisionModels() {
    }

    private static void add(String name, int size, double dropout, String classifier,
                            java.util.function.Function<BackboneSpec, Backbone> factory) {
        INFO.put(name, new Info(name, size, dropout, classifier));
        Backbones.register(name, factory, size);
    }

    /** Called from the {@link Backbones} registry's static initialiser. */
    static void registerAll() {
        int[] r18 = {2, 2, 2, 2};
        int[] r34 = {3, 4, 6, 3};
        int[] r101 = {3, 4, 23, 3};
        int[] r152 = {3, 8, 36, 3};
        add("resnet18", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BASIC, r18, 1, 64, s));
        add("resnet34", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BASIC, r34, 1, 64, s));
        add("resnet50", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BOTTLENECK, r34, 1, 64, s));
        add("resnet101", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BOTTLENECK, r101, 1, 64, s));
        add("resnet152", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BOTTLENECK, r152, 1, 64, s));
        add("resnext50_32x4d", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BOTTLENECK, r34, 32, 4, s));
        add("resnext101_32x8d", 224, 0, "fc", s -> ResNet.of(ResNet.Block.BOTTLENECK, r101, 32, 8, s));
        int[] effSizes = {224, 240, 288, 300, 380, 456, 528, 600};
        for (int i = 0; i < 8; i++) {
            int idx = i;
            add("efficientnet_b" + i, effSizes[i], EfficientNet.classifierDropout(i), "classifier.1",
                    s -> EfficientNet.b(idx, s));
        }
        add("densenet121", 224, 0, "classifier", s -> DenseNet.of(32, new int[]{6, 12, 24, 16}, 64, s));
        add("densenet161", 224, 0, "classifier", s -> DenseNet.of(48, new int[]{6, 12, 36, 24}, 96, s));
        add("densenet169", 224, 0, "classifier", s -> DenseNet.of(32, new int[]{6, 12, 32, 32}, 64, s));
        add("densenet201", 224, 0, "classifier", s -> DenseNet.of(32, new int[]{6, 12, 48, 32}, 64, s));
        add("inception_v3", 299, 0.5, "fc", s -> new InceptionV3(true, s.widthMultiplier(), s.depthMultiplier()));
    }

    /** torchvision facts for a registered ImageNet name, or null (e.g. the CIFAR ResNets). */
    public static Info info(String name) {
        Backbones.names(); // the registry's initialiser fills INFO
        return INFO.get(name);
    }

    public static Map<String, Info> all() {
        Backbones.names();
        return java.util.Collections.unmodifiableMap(INFO);
    }
}
