package org.debias4j.nn;

import org.debias4j.util.UserException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The one registry that creates backbones by name, as timm's create_model does. */
public final class Backbones {
    private static final Map<String, Function<BackboneSpec, Backbone>> REGISTRY = new LinkedHashMap<>();

    static {
        for (int depth : new int[]{20, 32, 44, 56, 110}) {
            register("resnet" + depth + "_cifar", s -> new CifarResNet(scaledDepth(depth, s.depthMultiplier()),
                    s.widthMultiplier()));
        }
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
