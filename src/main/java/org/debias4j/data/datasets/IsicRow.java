package org.debias4j.data.datasets;

/**
 * One row of a training CSV in the ISIC schema (df_main_instr_17_20.csv, the synthetic benchmark's
 * CSVs), with the fields the Skin Deep Unlearning rules read.
 *
 * @param source          0-based data row in the CSV (line = source + 2: the header is line 1)
 * @param imageName       image_name (file name without extension)
 * @param patientId       patient_id ("" when the CSV has no such column): the group for grouped splits
 * @param target          1 = melanoma
 * @param benignMalignant "benign" or "malignant" (what --skew tests, as the reference does)
 * @param tfrecord        the ISIC tfrecord shard (-1 = excluded by the reference)
 * @param year            2017..2020
 * @param scale           1 = ruler visible
 * @param marked          1 = surgical marking visible
 * @param size            the `size` column as written ("6000x6000" in the real CSV, "6000" in synthetic ones)
 * @param mclassd         1 = also in the MClassD test set (0 when the CSV has no mclassd column)
 * @param copy            0 for a row read from the CSV, k >= 1 for the k-th --skew duplicate
 * @param view            dihedral view to apply when the image is loaded (bit 0: flip width, bit 1: flip
 *                        height, bit 2: transpose; the bits of ImagePipeline): 0 = as stored, -1 = a random
 *                        view drawn at every load (what the reference does to marked rows under --skew, so
 *                        the duplicates act as new data points)
 */
public record IsicRow(int source, String imageName, String patientId, int target, String benignMalignant,
                      int tfrecord, int year, int scale, int marked, String size, int mclassd, int copy, int view) {

    /** Line number of this row in its CSV, as an editor shows it. */
    public int line() {
        return source + 2;
    }

    /** The same row as the k-th duplicate (k >= 1), loaded through {@code newView}. */
    public IsicRow duplicate(int k, int newView) {
        return new IsicRow(source, imageName, patientId, target, benignMalignant, tfrecord, year, scale, marked, size,
                mclassd, k, newView);
    }

    /** The same row loaded through {@code newView}. */
    public IsicRow withView(int newView) {
        return new IsicRow(source, imageName, patientId, target, benignMalignant, tfrecord, year, scale, marked, size,
                mclassd, copy, newView);
    }

    public boolean benign() {
        return "benign".equals(benignMalignant);
    }
}
