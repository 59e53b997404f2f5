package org.debias4j.nn;

import org.debias4j.util.UserException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The one registry that creates backbones by name, as timm's create_model does. */
public final class Backbones {
    private static final Map<String, Function<BackboneSpec, Backbone>> REGISTRY = new LinkedHashMap<>();
    private static final Map<String, Integer> DEFAULT_SIZES = new LinkedHashMap<>();

    static {
        for (int depth : new int[]{20, 32, 44, 56, 110}) {
            register("resnet" + depth + "_cifar", s -> new CifarResNet(scaledDepth(depth, s.depthMultiplier()),
                    s.widthMultiplier()), 32);
        }
        TorchvisionModels.registerAll();
    }

    private Backbones() {
    }

    /** CIFAR depth 6n+2 with n scaled by the depth multiplier (at least one block per stage). */
    private static int scaledDepth(int depth, double m) {
        int n = Math.max(1, (int) Math.round((depth - 2) / 6 * m));
        return 6 * n + 2;
    }

    public static synchronized void register(String name, Function<BackboneSpec, Backbone> factory) {
        REGISTRY.put(name, factory);
    }

    /** Registers a backbone with the input size it is usually run at (shown by the models command). */
    public static synchronized void register(String name, Function<BackboneSpec, Backbone> factory, int defaultImageSize) {
        REGISTRY.put(name, factory);
        DEFAULT_SIZES.put(name, defaultImageSize);
    }

    /** The input size a registered backbone is usually run at (224 when not registered with one). */
    public static synchronized int defaultImageSize(String name) {
        return DEFAULT_SIZES.getOrDefault(name, 224);
    }

    public static synchronized Backbone create(BackboneSpec spec) {
        Function<BackboneSpec, Backbone> f = REGISTRY.get(spec.name());
        if (f == null) {
            throw new UserException("Unknown backbone '" + spec.name() + "'; known: " + String.join(", ", names()));
        }
        return f.apply(spec);
    }

    public static synchronized java.util.Set<String> names() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(REGISTRY.keySet()));
    }
}
