package org.debias4j.train;

import org.debias4j.util.UserException;

import java.util.Map;

/** Methods by --debias-config name, and the reference's --arch names mapped to registry names. */
public final class Methods {
    private static final Map<String, String> ARCH = Map.of(
            "resnext101", "resnext101_32x8d",
            "resnet101", "resnet101",
            "densenet", "densenet161",
            "inception", "inception_v3");

    private Methods() {
    }

    public static Method create(TrainConfig c) {
        return switch (c.method()) {
            case "baseline" -> new Baseline(c);
            default -> {
                org.debias4j.unlearn.UnlearnMethod.Kind k = org.debias4j.unlearn.UnlearnMethod.Kind.of(c.method());
                if (k == null) {
                    throw new UserException("--debias-config " + c.method()
                            + ": unknown; expected baseline, LNTL, TABE, both, doubleTABE or doubleLNTL");
                }
                yield new org.debias4j.unlearn.UnlearnMethod(c, k);
            }
        };
    }

    /** Registry name for --arch (reference names resnext101, enet, resnet101, densenet, inception, or any registry name). */
    public static String backboneName(TrainConfig c) {
        return ARCH.getOrDefault(c.arch(), c.arch());
    }
}
