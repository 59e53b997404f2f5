package org.debias4j.unlearn;

import org.debias4j.data.ImageDataset;
import org.debias4j.util.UserException;

import java.util.ArrayList;
import java.util.List;

/**
 * Which dataset column each aux head predicts, and from which column its class weights are
 * counted. By default (the paper): --instrument makes head 1 the instrument and head 2 the
 * artefact (rulers with --rulers, else markings); otherwise head 1 is the artefact (rulers with
 * --rulers, else markings) and head 2, in double-head runs, the rulers; --switch-heads swaps them;
 * weights always come from the predicted column. With --reference-behaviour the reference code's
 * choices: its instrument+rulers branch is unreachable, so double-head instrument runs unlearn
 * markings even with --rulers; single-head --rulers runs switch head 1 to head 2's labels (markings
 * under --instrument) but keep head 1's class weights; only `both` honours --switch-heads.
 *
 * @param labelColumn  column with the class index (0..K-1) the head predicts
 * @param weightColumn column whose training-set class frequencies give the CE weights
 */
public record AuxLabels(String labelColumn, String weightColumn) {
    /** Stands for the instrument column: "instrument" when the data has it, else the synthetic "device". */
    public static final String INSTRUMENT = "instrument";

    public static List<AuxLabels> select(UnlearnMethod.Kind kind, UnlearnOptions o) {
        boolean dbl = kind.heads() == 2;
        List<AuxLabels> out = new ArrayList<>();
        String artefact = o.rulers() ? "scale" : "marked";
        if (o.referenceBehaviour()) {
            String aux = o.instrument() ? INSTRUMENT : "marked";
            String aux2 = o.instrument() ? "marked" : "scale";
            if (!dbl) {
                out.add(new AuxLabels(o.rulers() ? aux2 : aux, aux));
            } else {
                out.add(new AuxLabels(aux, aux));
                out.add(new AuxLabels(aux2, aux2));
                if (o.switchHeads() && kind == UnlearnMethod.Kind.BOTH) {
                    java.util.Collections.reverse(out);
                }
            }
            return out;
        }
        if (!dbl) {
            String c = o.instrument() ? INSTRUMENT : artefact;
            out.add(new AuxLabels(c, c));
            return out;
        }
        String c1 = o.instrument() ? INSTRUMENT : "marked";
        String c2 = o.instrument() ? artefact : "scale";
        out.add(new AuxLabels(c1, c1));
        out.add(new AuxLabels(c2, c2));
        if (o.switchHeads()) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    /** The dataset column a logical name refers to. */
    public static String column(ImageDataset data, String logical) {
        if (logical.equals(INSTRUMENT)) {
            if (data.hasAttribute("instrument")) {
                return "instrument";
            }
            if (data.hasAttribute("device")) {
                return "device";
            }
            throw new UserException("--instrument: dataset " + data.name() + " has neither an 'instrument' nor a "
                    + "'device' column (has " + data.attributeNames() + ")");
        }
        if (!data.hasAttribute(logical)) {
            throw new UserException("dataset " + data.name() + " has no '" + logical + "' column for the aux head "
                    + "labels (has " + data.attributeNames() + ")");
        }
        return logical;
    }

    /**
     * Inverse-frequency class weights over K classes, normalised to sum 1, from a column's values
     * (as the reference: frequencies, 1/f, then normalise). Classes absent from the data get 0.
     */
    public static float[] classWeights(int[] values, int k, String what) {
        long[] counts = new long[k];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v < 0 || v >= k) {
                throw new UserException(what + ": class " + v + " in row " + (i + 1) + " is outside 0.." + (k - 1)
                        + "; raise --num-aux/--num-aux2 to the number of classes");
            }
            counts[v]++;
        }
        double[] w = new double[k];
        double sum = 0;
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                w[c] = values.length / (double) counts[c];
                sum += w[c];
            }
        }
        float[] out = new float[k];
        for (int c = 0; c < k; c++) {
            out[c] = sum > 0 ? (float) (w[c] / sum) : 0f;
        }
        return out;
    }
}
