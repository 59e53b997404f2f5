package org.debias4j.unlearn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The aux-head losses of Skin Deep Unlearning, on logits [B, K]. Each returns a scalar.
 */
public final class UnlearnLosses {
    private UnlearnLosses() {
    }

    /**
     * LNTL's pseudo loss: the negative entropy of the aux softmax, mean over the batch of
     * {@code sum_k p_k log p_k} (minimising it pushes the encoder towards features from which the
     * aux head cannot be confident).
     */
    public static SDVariable negativeEntropy(SameDiff sd, String name, SDVariable logits) {
        SDVariable logp = sd.nn().logSoftmax(logits);
        SDVariable p = sd.math().exp(logp);
        return sd.identity(name, p.mul(logp).sum(1).mean());
    }

    /**
     * TABE's confusion loss: cross-entropy of the aux softmax against a target distribution,
     * {@code -sum_{b,k} t_bk log p_bk / B}. The paper's target is uniform (1/K); the reference code
     * feeds fresh U(0,1) noise each batch. {@code target} is a [B, K] placeholder.
     */
    public static SDVariable confusion(SameDiff sd, String name, SDVariable logits, SDVariable target) {
        SDVariable logp = sd.nn().logSoftmax(logits);
        return sd.identity(name, target.mul(logp).sum(1).mean().neg());
    }

    /**
     * Cross-entropy with per-class weights, as torch's CrossEntropyLoss(weight=w) with mean
     * reduction: {@code sum_b w_{y_b} * (-log p_{b,y_b}) / sum_b w_{y_b}}. {@code oneHot} is [B, K],
     * {@code weights} [K].
     */
    public static SDVariable weightedCrossEntropy(SameDiff sd, String name, SDVariable logits, SDVariable oneHot,
                                                  SDVariable weights) {
        SDVariable logp = sd.nn().logSoftmax(logits);
        SDVariable nll = oneHot.mul(logp).sum(1).neg();
        SDVariable w = oneHot.mul(weights).sum(1);
        return sd.identity(name, w.mul(nll).sum().div(w.sum()));
    }
}
