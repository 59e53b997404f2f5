package org.debias4j.unlearn;

/**
 * Settings of Skin Deep Unlearning (the reference's arguments.py names in brackets) and of its
 * training protocol. Immutable; part of the saved run configuration.
 *
 * @param grl                 gradient reversal between encoder and aux heads in the aux step (--GRL)
 * @param grlScale            reversal scale l: the encoder receives -l times the gradient (reference: 0.1)
 * @param switchHeads         swap the labels (and class weights) of aux heads 1 and 2 (--switch-heads)
 * @param deepAux             aux heads Linear(F,128)-ReLU-Linear(128,K) instead of Linear(F,K) (--deep-aux)
 * @param instrument          head 1 unlearns the imaging instrument (--instrument)
 * @param rulers              rulers (the `scale` column) instead of surgical markings (--rulers)
 * @param marked              surgical markings are the bias (--marked; also selects the --skew rows)
 * @param numAux              outputs K of aux head 1 (--num-aux)
 * @param numAux2             outputs K of aux head 2 (--num-aux2)
 * @param lambdaa             LNTL weight of the negative-entropy term (--lambdaa)
 * @param alpha               TABE weight of the confusion term (--alpha)
 * @param referenceBehaviour  reproduce the reference code where it departs from the papers (see README)
 * @param skew                skew the training set: drop benign marked (ruler) rows, duplicate malignant ones (--skew)
 * @param duplicationsM       copies of malignant marked rows with --skew (--duplications_m)
 * @param duplicationsR       copies of malignant ruler rows with --skew (--duplications_r)
 * @param cvFold              -1, or the held-out fold 0..4 of a --cv run (validation = that fold)
 * @param saliencyImages      vanilla-gradient saliency maps written per run (first N images of the first test
 *                            split); 0 here, `train --saliency` defaults to 4
 */
public record UnlearnOptions(boolean grl, double grlScale, boolean switchHeads, boolean deepAux, boolean instrument,
                             boolean rulers, boolean marked, int numAux, int numAux2, double lambdaa, double alpha,
                             boolean referenceBehaviour, boolean skew, int duplicationsM, int duplicationsR,
                             int cvFold, int saliencyImages) {
    public static final UnlearnOptions DEFAULT = builder().build();

    public UnlearnOptions {
        if (!(grlScale > 0)) {
            throw new IllegalArgumentException("--grl-scale must be positive, got " + grlScale);
        }
        if (numAux < 2 || numAux2 < 2) {
            throw new IllegalArgumentException("--num-aux and --num-aux2 must be at least 2 (an aux head is a "
                    + "softmax over bias classes), got " + numAux + " and " + numAux2);
        }
        if (lambdaa < 0 || alpha < 0) {
            throw new IllegalArgumentException("--lambdaa and --alpha must be >= 0, got " + lambdaa + " and " + alpha);
        }
        if (duplicationsM < 0 || duplicationsR < 0) {
            throw new IllegalArgumentException("--duplications_m/_r must be >= 0");
        }
        if (cvFold < -1 || cvFold > 4) {
            throw new IllegalArgumentException("cv fold must be -1 (none) or 0..4, got " + cvFold);
        }
        if (saliencyImages < 0) {
            throw new IllegalArgumentException("--saliency must be >= 0, got " + saliencyImages);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.grl = grl;
        b.grlScale = grlScale;
        b.switchHeads = switchHeads;
        b.deepAux = deepAux;
        b.instrument = instrument;
        b.rulers = rulers;
        b.marked = marked;
        b.numAux = numAux;
        b.numAux2 = numAux2;
        b.lambdaa = lambdaa;
        b.alpha = alpha;
        b.referenceBehaviour = referenceBehaviour;
        b.skew = skew;
        b.duplicationsM = duplicationsM;
        b.duplicationsR = duplicationsR;
        b.cvFold = cvFold;
        b.saliencyImages = saliencyImages;
        return b;
    }

    /** Mutable builder with the reference's defaults. */
    public static final class Builder {
        public boolean grl;
        public double grlScale = 0.1;
        public boolean switchHeads;
        public boolean deepAux;
        public boolean instrument;
        public boolean rulers;
        public boolean marked;
        public int numAux = 2;
        public int numAux2 = 2;
        public double lambdaa = 0.01;
        public double alpha = 0.03;
        public boolean referenceBehaviour;
        public boolean skew;
        public int duplicationsM = 20;
        public int duplicationsR = 18;
        public int cvFold = -1;
        public int saliencyImages = 0;

        public Builder grl(boolean v) { grl = v; return this; }
        public Builder grlScale(double v) { grlScale = v; return this; }
        public Builder switchHeads(boolean v) { switchHeads = v; return this; }
        public Builder deepAux(boolean v) { deepAux = v; return this; }
        public Builder instrument(boolean v) { instrument = v; return this; }
        public Builder rulers(boolean v) { rulers = v; return this; }
        public Builder marked(boolean v) { marked = v; return this; }
        public Builder numAux(int v) { numAux = v; return this; }
        public Builder numAux2(int v) { numAux2 = v; return this; }
        public Builder lambdaa(double v) { lambdaa = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder referenceBehaviour(boolean v) { referenceBehaviour = v; return this; }
        public Builder skew(boolean v) { skew = v; return this; }
        public Builder duplicationsM(int v) { duplicationsM = v; return this; }
        public Builder duplicationsR(int v) { duplicationsR = v; return this; }
        public Builder cvFold(int v) { cvFold = v; return this; }
        public Builder saliencyImages(int v) { saliencyImages = v; return this; }

        public UnlearnOptions build() {
            return new UnlearnOptions(grl, grlScale, switchHeads, deepAux, instrument, rulers, marked, numAux, numAux2,
                    lambdaa, alpha, referenceBehaviour, skew, duplicationsM, duplicationsR, cvFold, saliencyImages);
        }
    }
}
