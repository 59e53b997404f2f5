package org.debias4j.api;

import java.util.List;

/**
 * One image's prediction.
 *
 * @param classes       class names, in the order of {@code probabilities}
 * @param probabilities one per class, summing to 1 (averaged over the bundle's test-time views)
 * @param classIndex    the most probable class (the first on a tie)
 * @param className     {@code classes.get(classIndex)}
 * @param subnetwork    for a BiasPruner bundle, the subnetwork that made the prediction; "" for a single network
 */
public record Prediction(List<String> classes, double[] probabilities, int classIndex, String className,
                         String subnetwork) {
    public Prediction {
        classes = List.copyOf(classes);
        probabilities = probabilities.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** Probability of the named class. */
    public double probability(String className) {
        int i = classes.indexOf(className);
        if (i < 0) {
            throw new IllegalArgumentException("no class \"" + className + "\"; classes: " + classes);
        }
        return probabilities[i];
    }

    /** Probability of the chosen class. */
    public double confidence() {
        return probabilities[classIndex];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && classes.equals(p.classes) && java.util.Arrays.equals(probabilities, p.probabilities)
                && classIndex == p.classIndex && subnetwork.equals(p.subnetwork);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(classes, java.util.Arrays.hashCode(probabilities), classIndex, subnetwork);
    }

    @Override
    public String toString() {
        return className + " " + java.util.Arrays.toString(probabilities) + (subnetwork.isEmpty() ? "" : " via " + subnetwork);
    }
}
