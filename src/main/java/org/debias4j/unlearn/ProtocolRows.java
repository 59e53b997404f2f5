package org.debias4j.unlearn;

import org.debias4j.data.ImageDataset;
import org.debias4j.data.datasets.IsicRow;
import org.debias4j.data.datasets.IsicRules;
import org.debias4j.util.UserException;

import java.nio.file.Path;
import java.util.List;

/**
 * The reference's training-row rules that depend on run flags, applied to a prepared training CSV
 * (the synthetic benchmark's, or one written by `preprocess`) through the datasets package's
 * {@link IsicRules}: --skew (drop benign marked/ruler rows, duplicate the malignant ones) and the
 * --cv folds (year + tfrecord). Rows are selected by index, so every attribute column is kept.
 * Not reproduced: the reference's random flips/transposes of marked rows at load time (use
 * --augment to flip every training image instead).
 */
public final class ProtocolRows {
    private ProtocolRows() {
    }

    /** Returns {train, val}: the skewed training rows, and with a CV fold its complement and the fold itself. */
    public static ImageDataset[] apply(UnlearnOptions o, long seed, Path trainCsv, ImageDataset train, ImageDataset val) {
        if (!o.skew() && o.cvFold() < 0) {
            return new ImageDataset[]{train, val};
        }
        List<IsicRow> rows;
        try {
            rows = IsicRules.read(trainCsv);
        } catch (UserException e) {
            throw new UserException((o.skew() ? "--skew" : "--cv") + " needs the ISIC training-CSV columns "
                    + IsicRules.REQUIRED + " in " + trainCsv + ": " + e.getMessage(), e);
        }
        if (rows.size() != train.size()) {
            throw new IllegalStateException(trainCsv + ": " + rows.size() + " rules rows vs " + train.size() + " images");
        }
        if (o.skew()) {
            if (!o.marked() && !o.rulers()) {
                throw new UserException("--skew skews markings (--marked) or rulers (--rulers): give one of them");
            }
            IsicRules.Options opts = IsicRules.Options.defaults().withSkew(o.marked(), o.rulers()).withSeed(seed);
            opts = new IsicRules.Options(opts.marked(), opts.rulers(), true, o.duplicationsM(), o.duplicationsR(),
                    false, seed, opts.views());
            rows = IsicRules.skew(rows, opts);
        }
        if (o.cvFold() < 0) {
            return new ImageDataset[]{train.subset(train.name(), sources(rows)), val};
        }
        List<IsicRow> fit = IsicRules.foldRows(rows, o.cvFold(), false);
        List<IsicRow> held = IsicRules.foldRows(rows, o.cvFold(), true);
        if (fit.isEmpty() || held.isEmpty()) {
            throw new UserException("--cv fold " + o.cvFold() + " of " + trainCsv + " leaves " + fit.size()
                    + " training and " + held.size() + " validation rows; the folds come from the year and tfrecord columns");
        }
        return new ImageDataset[]{train.subset(train.name(), sources(fit)),
                train.subset("val_fold" + o.cvFold(), sources(held))};
    }

    private static int[] sources(List<IsicRow> rows) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).source();
        }
        return out;
    }

}
