package org.debias4j.nn;

import java.util.List;

/** A backbone and the heads on its features; with the seed, fully determines the initial model. */
public record ModelSpec(BackboneSpec backbone, List<HeadSpec> heads, long seed) {
    public ModelSpec {
        heads = List.copyOf(heads);
    }

    public HeadSpec head(String name) {
        return heads.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no head " + name));
    }
}
