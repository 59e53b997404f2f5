package org.debias4j.nn;

/**
 * What to build: a registry name (e.g. "resnet56_cifar"), the input size, and multipliers for
 * CPU-sized variants. Immutable and saved with every model.
 */
public record BackboneSpec(String name, int imageSize, double widthMultiplier, double depthMultiplier) {
    public BackboneSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("backbone name is empty");
        }
        if (imageSize < 8) {
            throw new IllegalArgumentException("image size must be at least 8, got " + imageSize);
        }
        if (widthMultiplier <= 0 || depthMultiplier <= 0) {
            throw new IllegalArgumentException("width and depth multipliers must be positive");
        }
    }

    public static BackboneSpec of(String name, int imageSize) {
        return new BackboneSpec(name, imageSize, 1.0, 1.0);
    }
}
