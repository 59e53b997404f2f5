package org.debias4j.data.synth;

/**
 * The lesion types the generator draws, in label order: a benchmark with numClasses = n uses the
 * first n. Label 0 and 1 (nevus, melanoma) are the binary benign/melanoma default.
 */
public enum LesionClass {
    /** Roughly symmetric, regular border, uniform brown, darker centre, regular network. */
    NEVUS("nevus", "nevus", false),
    /** Asymmetric, irregular border, several colours (browns, black, blue-grey, white, red), larger. */
    MELANOMA("melanoma", "melanoma", true),
    /** Sharp "stuck-on" tan-brown lesion with fissures, milia-like cysts and comedo-like openings. */
    SEBORRHEIC_KERATOSIS("seb_keratosis", "seborrheic keratosis", false),
    /** Red-purple, well demarcated, with darker lacunae. */
    VASCULAR("vascular", "vascular lesion", false),
    /** Pearly pink, arborizing red vessels, blue-grey ovoid nests, sometimes ulcerated. */
    BCC("bcc", "basal cell carcinoma", true),
    /** Small, central white scar-like patch with a delicate light-brown peripheral ring. */
    DERMATOFIBROMA("dermatofibroma", "dermatofibroma", false);

    private final String shortName;
    private final String diagnosis;
    private final boolean malignant;

    LesionClass(String shortName, String diagnosis, boolean malignant) {
        this.shortName = shortName;
        this.diagnosis = diagnosis;
        this.malignant = malignant;
    }

    public String shortName() {
        return shortName;
    }

    /** The ISIC {@code diagnosis} column value. */
    public String diagnosis() {
        return diagnosis;
    }

    /** The ISIC {@code benign_malignant} column: melanoma and BCC are malignant. */
    public boolean malignant() {
        return malignant;
    }

    public static LesionClass forLabel(int label) {
        LesionClass[] v = values();
        if (label < 0 || label >= v.length) {
            throw new IllegalArgumentException("label must be 0.." + (v.length - 1) + ", got " + label);
        }
        return v[label];
    }
}
