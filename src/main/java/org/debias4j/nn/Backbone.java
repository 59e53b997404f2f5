package org.debias4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A feature extractor: image batch [N, 3, H, W] in, pooled features [N, featureWidth] out. Heads
 * (classifiers, adversarial bias heads) attach to the features. Built once per branch by
 * {@link Model}; implementations must create parameters through the {@link GraphBuilder} so both
 * branches share them.
 */
public interface Backbone {
    int featureWidth();

    SDVariable features(GraphBuilder g, SDVariable input);
}
