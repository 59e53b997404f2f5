package org.debias4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a parameter array is laid out here versus in PyTorch, so that saved state dicts use
 * torchvision's names and layouts and torchvision weights load without renaming.
 */
public enum Layout {
    /** Same layout (biases, batch-norm parameters and statistics). */
    PLAIN,
    /** Convolution weight: YXIO [kH, kW, in, out] here, OIHW [out, in, kH, kW] in PyTorch. */
    CONV_YXIO,
    /** Linear weight: [in, out] here, [out, in] in PyTorch. */
    LINEAR_IO;

    public INDArray toTorch(INDArray a) {
        return switch (this) {
            case PLAIN -> a;
            case CONV_YXIO -> a.permute(3, 2, 0, 1);
            case LINEAR_IO -> a.transpose();
        };
    }

    public INDArray fromTorch(INDArray a) {
        return switch (this) {
            case PLAIN -> a;
            case CONV_YXIO -> a.permute(2, 3, 1, 0);
            case LINEAR_IO -> a.transpose();
        };
    }

    public long[] torchShape(long[] shape) {
        return switch (this) {
            case PLAIN -> shape;
            case CONV_YXIO -> new long[]{shape[3], shape[2], shape[0], shape[1]};
            case LINEAR_IO -> new long[]{shape[1], shape[0]};
        };
    }
}
