package org.debias4j.train;

import java.util.List;
import java.util.Map;

/**
 * One optimisation step within a batch: a weighted sum of named losses, differentiated and applied
 * by the given parameter groups. Methods are sequences of steps (baseline: one; LNTL and TABE:
 * two per batch, each with its own forward pass, as the reference).
 */
public record Step(String name, Map<String, Double> lossWeights, List<String> groups) {
    public Step {
        lossWeights = Map.copyOf(lossWeights);
        groups = List.copyOf(groups);
    }
}
