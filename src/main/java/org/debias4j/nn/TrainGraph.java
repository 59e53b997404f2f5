package org.debias4j.nn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TRAINING branch of a CIFAR ResNet backbone (stem, BasicBlocks with option-A shortcuts, global average
 * pool) as ONE SameDiff op each way, executed as oneDNN 2.5 primitives through {@link JavaExec}. Why: through
 * SameDiff a resnet56_cifar step is ~650 small graph ops, and each conv2d reorders plain NCHW to oneDNN's
 * blocked layout and back; here activations stay blocked from the image to the pooled features, batch norm
 * + ReLU is one oneDNN primitive each way (fuse_norm_relu, its workspace for the backward), and buffers and
 * primitives are created once per input shape.
 *
 * <p>Forward op: inputs image, every backbone parameter (SameDiff's order), every block's unit mask;
 * outputs the pooled features [N, C] and each batch norm's batch mean and biased variance (named like the
 * moments of {@link Layers#batchNorm}, read by {@link BatchNormStats}). Backward op: the gradient of the image
 * and of every parameter (zero for the masks, which are constants). Masks are folded into the batch-norm
 * scale and shift (gamma*m, beta*m) as in the SameDiff branch, so masked units are exactly 0 and the
 * gradients of gamma and beta are multiplied by m. Heads, losses, optimizers and running statistics stay
 * in SameDiff, so every method trains unchanged. The eval branch is untouched ({@link FoldedGraph}).
 */
public final class TrainGraph {
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private static final AtomicLong IDS = new AtomicLong(1);
    /** Live graphs by id: SameDiff clones ops from their integer arguments only, so a clone finds its graph here. */
    private static final Map<Long, WeakReference<TrainGraph>> REGISTRY = new ConcurrentHashMap<>();

    static {
        NativeOp.register(new Forward());
    }

    private final long id;
    private final Stem stem;
    private final List<Block> blockSpecs;
    private final double eps;
    /** Channels of every batch norm in creation order (stem, then per block bn1, bn2[, downsample.1]). */
    private final List<Integer> bnChannels = new ArrayList<>();
    private final int paramCount;
    /**
     * Plans by input shape, at most two (the engine's full batch and an epoch's last, smaller one): each holds
     * every saved activation of a step, so an evicted plan frees its native memory at once.
     */
    private final Map<String, Plan> plans = new java.util.LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Plan> eldest) {
            if (size() > 2) {
                if (last == eldest.getValue()) {
                    last = null;
                }
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };
    /** The plan whose saved activations belong to the last forward call (the backward needs them). */
    private Plan last;

    /** The stem: a k x k convolution (3 input channels), batch norm + ReLU, optionally a 3x3 stride-2 max pool. */
    record Stem(int out, int k, int stride, int pad, boolean maxPool) {
    }

    /** How a BasicBlock's input reaches its sum: as it is, option A (subsample + zero channels), or conv 1x1 + BN. */
    enum Shortcut { IDENTITY, OPTION_A, PROJECTION }

    /** A BasicBlock (conv3x3-BN-ReLU-conv3x3-BN, + shortcut, ReLU) under {@code scope}, its first conv's outputs masked. */
    record Block(String scope, int in, int out, int stride, Shortcut shortcut) {
    }

    private TrainGraph(Stem stem, List<Block> blocks, double eps) {
        this.id = IDS.getAndIncrement();
        this.stem = stem;
        this.blockSpecs = List.copyOf(blocks);
        this.eps = eps;
        int pc = 3;
        bnChannels.add(stem.out());
        for (Block b : blocks) {
            bnChannels.add(b.out());
            bnChannels.add(b.out());
            pc += 6;
            if (b.shortcut() == Shortcut.PROJECTION) {
                bnChannels.add(b.out());
                pc += 3;
            }
        }
        this.paramCount = pc;
        REGISTRY.put(id, new WeakReference<>(this));
    }

    /**
     * Whether the training branch can be built as this op: float32, the executioner hook installs, oneDNN
     * loads, and {@code -Ddebias4j.dnnlTrain=false} does not force SameDiff.
     */
    public static boolean available(GraphBuilder g) {
        if ("false".equals(System.getProperty("debias4j.dnnlTrain")) || g.dtype() != DataType.FLOAT || !g.training()) {
            return false;
        }
        try {
            return ENGINE != null && JavaExec.install();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** The training branch of {@link CifarResNet}: 3x3 stem, three stages, option-A shortcuts. */
    static SDVariable cifarResNet(GraphBuilder g, SDVariable input, int blocksPerStage, int[] widths) {
        List<Block> blocks = new ArrayList<>();
        int in = widths[0];
        for (int stage = 0; stage < 3; stage++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                int out = widths[stage];
                blocks.add(new Block("layer" + (stage + 1) + "." + b, in, out, stride,
                        stride != 1 || in != out ? Shortcut.OPTION_A : Shortcut.IDENTITY));
                in = out;
            }
        }
        return build(g, input, new Stem(widths[0], 3, 1, 1, false), blocks);
    }

    /**
     * The training branch of a torchvision ResNet with BasicBlocks (resnet18/34): 7x7 stride-2 stem, max pool,
     * four stages, projection shortcuts ("downsample.0" conv 1x1, "downsample.1" batch norm).
     */
    static SDVariable basicResNet(GraphBuilder g, SDVariable input, int stemWidth, int[] planes, int[] layers) {
        List<Block> blocks = new ArrayList<>();
        int in = stemWidth;
        for (int stage = 0; stage < planes.length; stage++) {
            for (int b = 0; b < layers[stage]; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                int out = planes[stage];
                blocks.add(new Block("layer" + (stage + 1) + "." + b, in, out, stride,
                        stride != 1 || in != out ? Shortcut.PROJECTION : Shortcut.IDENTITY));
                in = out;
            }
        }
        return build(g, input, new Stem(stemWidth, 7, 2, 3, true), blocks);
    }

    /**
     * Creates the parameters, masks and batch-norm layers in the same order and with the same initialisers as
     * the SameDiff layers (same seed, same weights), and the op; returns the pooled features [N, last width].
     */
    private static SDVariable build(GraphBuilder g, SDVariable input, Stem stem, List<Block> blocks) {
        TrainGraph tg = new TrainGraph(stem, blocks, Layers.BN_EPS);
        List<SDVariable> params = new ArrayList<>();
        List<SDVariable> masks = new ArrayList<>();
        List<BatchNormStats.Layer> bns = new ArrayList<>();
        List<String> bnNames = new ArrayList<>();
        convParam(g, "conv1", 3, stem.out(), stem.k(), params);
        bnParams(g, "bn1", stem.out(), params, bns, bnNames);
        for (Block b : blocks) {
            g.scoped(b.scope(), () -> {
                UnitMask mask = g.mask("units", b.out());
                masks.add(mask.variable());
                convParam(g, "conv1", b.in(), b.out(), 3, params);
                bnParams(g, "bn1", b.out(), params, bns, bnNames);
                convParam(g, "conv2", b.out(), b.out(), 3, params);
                bnParams(g, "bn2", b.out(), params, bns, bnNames);
                if (b.shortcut() == Shortcut.PROJECTION) {
                    convParam(g, "downsample.0", b.in(), b.out(), 1, params);
                    bnParams(g, "downsample.1", b.out(), params, bns, bnNames);
                }
                return null;
            });
        }
        List<SDVariable> args = new ArrayList<>();
        args.add(input);
        args.addAll(params);
        args.addAll(masks);
        Forward op = new Forward(g.sd(), args.toArray(new SDVariable[0]), tg);
        SDVariable[] out = op.outputVariables();
        for (int i = 0; i < bns.size(); i++) {
            g.sd().updateVariableNameAndReference(out[1 + 2 * i], bnNames.get(i) + "/mean");
            g.sd().updateVariableNameAndReference(out[2 + 2 * i], bnNames.get(i) + "/var");
            bns.get(i).batchMeanVar = out[1 + 2 * i].name();
        }
        return out[0];
    }

    private static void convParam(GraphBuilder g, String name, int in, int out, int k, List<SDVariable> params) {
        params.add(g.param(name + ".weight", new long[]{k, k, in, out}, GraphBuilder.Init.kaimingConvFanOut(), Layout.CONV_YXIO));
    }

    private static void bnParams(GraphBuilder g, String name, int c, List<SDVariable> params,
                                 List<BatchNormStats.Layer> bns, List<String> bnNames) {
        params.add(g.param(name + ".weight", new long[]{c}, GraphBuilder.Init.constant(1)));
        params.add(g.param(name + ".bias", new long[]{c}, GraphBuilder.Init.constant(0)));
        BatchNormStats.Layer stats = g.batchNorm(g.scope() + name, c);
        stats.momentum = Double.NaN;
        bns.add(stats);
        bnNames.add(g.act(name));
    }

    static TrainGraph lookup(long id) {
        WeakReference<TrainGraph> r = REGISTRY.get(id);
        TrainGraph tg = r == null ? null : r.get();
        if (tg == null) {
            throw new IllegalStateException("training graph " + id + " is gone");
        }
        return tg;
    }

    private int batchNorms() {
        return bnChannels.size();
    }

    private static long convOut(long h, long k, long stride, long pad) {
        return (h + 2 * pad - k) / stride + 1;
    }

    /** Spatial size [h, w] at the input of every block, then after the last block (stem conv and pool applied). */
    private long[][] blockInputSizes(long h, long w) {
        h = convOut(h, stem.k(), stem.stride(), stem.pad());
        w = convOut(w, stem.k(), stem.stride(), stem.pad());
        if (stem.maxPool()) {
            h = convOut(h, 3, 2, 1);
            w = convOut(w, 3, 2, 1);
        }
        long[][] out = new long[blockSpecs.size() + 1][];
        for (int i = 0; i < blockSpecs.size(); i++) {
            out[i] = new long[]{h, w};
            int s = blockSpecs.get(i).stride();
            h = convOut(h, 3, s, 1);
            w = convOut(w, 3, s, 1);
        }
        out[blockSpecs.size()] = new long[]{h, w};
        return out;
    }

    /** Values per channel that batch norm {@code k} (creation order) normalised over, for an input of this shape. */
    long valuesPerChannel(int k, long[] image) {
        if (k == 0) {
            return image[0] * convOut(image[2], stem.k(), stem.stride(), stem.pad())
                    * convOut(image[3], stem.k(), stem.stride(), stem.pad());
        }
        long[][] sizes = blockInputSizes(image[2], image[3]);
        int idx = 1;
        for (int i = 0; i < blockSpecs.size(); i++) {
            int n = blockSpecs.get(i).shortcut() == Shortcut.PROJECTION ? 3 : 2;
            if (k < idx + n) {
                return image[0] * sizes[i + 1][0] * sizes[i + 1][1];
            }
            idx += n;
        }
        throw new IllegalArgumentException("no batch norm " + k);
    }

    // ---------------------------------------------------------------- execution

    synchronized void forward(INDArray[] in, INDArray[] out) {
        Plan p = plan(in[0]);
        p.forward(in);
        p.features(out[0]);
        for (int k = 0; k < batchNorms(); k++) {
            p.copyStats(k, out[1 + 2 * k], out[2 + 2 * k]);
        }
        last = p;
    }

    synchronized void backward(INDArray[] in, INDArray[] out) {
        INDArray image = in[0];
        Plan p = plan(image);
        // The saved activations must be this input's: a forward of another batch in between (never in the
        // engine's steps, which run forward then backward) is redone.
        if (last != p || !p.holds(image)) {
            p.forward(Arrays.copyOf(in, in.length - 1));
            last = p;
        }
        p.backward(in, out);
    }

    private Plan plan(INDArray image) {
        long[] s = image.shape();
        if (s.length != 4 || s[1] != 3) {
            throw new IllegalArgumentException("CIFAR ResNet input must be [N, 3, H, W], got " + Arrays.toString(s));
        }
        return plans.computeIfAbsent(Arrays.toString(s), k -> new Plan(s));
    }

    /** Option A shortcut weights (YXIO [1, 1, in, out]): input channel i to output channel i + offset. */
    static INDArray selectionWeight(int in, int out, int offset) {
        INDArray w = Nd4j.zeros(DataType.FLOAT, 1, 1, in, out);
        for (int i = 0; i < in; i++) {
            w.putScalar(new long[]{0, 0, i, i + offset}, 1.0);
        }
        return w;
    }

    private static Pointer ptr(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.offset() != 0 || a.isView()) {
            throw new IllegalArgumentException("expected a dense float32 array, got " + a.shapeInfoToString());
        }
        return a.data().addressPointer();
    }

    private static memory.desc desc(long[] d, memory.format_tag tag) {
        return new memory.desc(d, memory.data_type.f32, tag);
    }

    /**
     * The layout every activation of these dims keeps: the one oneDNN picks for a 3x3 convolution's output
     * (nChw8c with AVX2 kernels, nChw16c with AVX-512; a layout its jit kernels do not take falls to the slow
     * reference code). Fixed rather than "any" per primitive so that no reorders are needed in between.
     */
    private static memory.desc layout(long[] d) {
        memory.desc any = desc(d, memory.format_tag.any);
        long c = d[1];
        convolution_forward.primitive_desc probe = new convolution_forward.primitive_desc(new convolution_forward.desc(
                dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, any,
                desc(new long[]{c, c, 3, 3}, memory.format_tag.any), any, new long[]{1, 1}, new long[]{1, 1},
                new long[]{1, 1}), ENGINE);
        memory.desc d0 = probe.dst_desc();
        // A channel count that is not a multiple of the block is padded inside oneDNN; the padded layout gave
        // wrong features through this chain of primitives (width 0.25: 4 channels), so those keep plain NCHW.
        long plain = 4L * d[0] * d[1] * d[2] * d[3];
        return d0.get_size() == plain ? d0 : desc(d, memory.format_tag.nchw);
    }

    private static boolean isRef(org.bytedeco.dnnl.primitive_desc_base pd) {
        return pd.impl_info_str().getString().startsWith("ref");
    }

    /** The primitive for the first candidate layouts that oneDNN runs with a jit kernel, else for the first. */
    private static <T extends org.bytedeco.dnnl.primitive_desc_base> T firstJit(
            memory.desc[][] candidates, java.util.function.Function<memory.desc[], T> make) {
        T first = null;
        for (memory.desc[] c : candidates) {
            T t = make.apply(c);
            if (!isRef(t)) {
                return t;
            }
            if (first == null) {
                first = t;
            }
        }
        return first;
    }

    private static memory.desc anyOf(memory.desc d) {
        return new memory.desc(d.dims(), memory.data_type.f32, memory.format_tag.any);
    }

    private static memory.desc blocked(memory.desc d, int block) {
        return new memory.desc(d.dims(), memory.data_type.f32, block == 8 ? memory.format_tag.nChw8c : memory.format_tag.nChw16c);
    }

    /** One conv layer: forward / backward-data / backward-weights primitives, its weights in their layouts. */
    private final class Conv {
        /** Index of its weight among the op's inputs (-1: a fixed selection weight). */
        int param = -1;
        final memory userDiffW;
        final memory fwdW;
        final memory bwdW;
        final reorder toFwd;
        final reorder toBwd;
        final reorder diffOut;
        final memory diffW;
        final convolution_forward.primitive_desc fpd;
        final convolution_backward_data.primitive_desc dpd;
        final convolution_backward_weights.primitive_desc wpd;

        Conv(Plan p, memory.desc src, memory.desc dst, long in, long out, long k, long stride, long pad,
             memory.desc diffSrc) {
            long[] wd = {out, in, k, k};
            // YXIO [kH, kW, in, out] as dims (O, I, kH, kW) with explicit strides, as in FoldedGraph.
            memory.desc user = new memory.desc(wd, memory.data_type.f32, new long[]{1, out, k * in * out, in * out});
            memory.desc anyW = desc(wd, memory.format_tag.any);
            long[] st = {stride, stride};
            long[] pd = {pad, pad};
            fpd = new convolution_forward.primitive_desc(new convolution_forward.desc(dnnl.prop_kind.forward_training,
                    dnnl.algorithm.convolution_direct, src, anyW, dst, st, pd, pd), ENGINE);
            // The activation layouts first; where oneDNN only has its reference kernel for them (e.g. backward
            // weights at 2x2 maps, the 7x7 stem's backward data: seconds per call), layouts its jit kernels take,
            // with reorders around the primitive (Plan#bwdData, Plan#bwdWeights).
            dpd = firstJit(new memory.desc[][]{{diffSrc, dst}, {anyOf(diffSrc), anyOf(dst)},
                    {blocked(diffSrc, 8), dst}, {blocked(diffSrc, 16), dst}}, c -> new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, c[0], anyW, c[1], st, pd, pd),
                    ENGINE, fpd));
            wpd = firstJit(new memory.desc[][]{{src, dst}, {anyOf(src), anyOf(dst)}},
                    c -> new convolution_backward_weights.primitive_desc(
                            new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, c[0], anyW, c[1], st, pd, pd),
                            ENGINE, fpd));
            memory uw = new memory(user, ENGINE, (Pointer) null);
            p.keep(uw);
            this.userWRef = uw;
            fwdW = p.keep(new memory(fpd.weights_desc(), ENGINE));
            toFwd = p.keep(new reorder(uw, fwdW));
            if (dpd.weights_desc().equals(fpd.weights_desc())) {
                bwdW = fwdW;
                toBwd = null;
            } else {
                bwdW = p.keep(new memory(dpd.weights_desc(), ENGINE));
                toBwd = p.keep(new reorder(uw, bwdW));
            }
            diffW = p.keep(new memory(wpd.diff_weights_desc(), ENGINE));
            userDiffW = p.keep(new memory(user, ENGINE, (Pointer) null));
            diffOut = p.keep(new reorder(diffW, userDiffW));
        }

        memory userWRef;

        /** Binds the current weights (a dense YXIO array) and reorders them for the forward and backward-data. */
        void loadWeights(Plan p, INDArray w) {
            userWRef.set_data_handle(ptr(w), p.strm);
            toFwd.execute(p.strm, userWRef, fwdW);
            if (toBwd != null) {
                toBwd.execute(p.strm, userWRef, bwdW);
            }
        }
    }

    /** One batch norm: forward_training / backward with scale-shift (+ fused ReLU), its statistics and scale-shift. */
    private final class Bn {
        /** Indexes of gamma, beta and the unit mask (-1: none) among the op's inputs. */
        int gamma;
        int beta;
        int mask = -1;
        final batch_normalization_forward.primitive_desc fpd;
        final batch_normalization_backward.primitive_desc bpd;
        final memory mean;
        final memory var;
        final memory scaleShift;
        final memory diffScaleShift;
        final memory workspace;
        final FloatPointer ss;
        final FloatPointer dss;
        final FloatPointer meanP;
        final FloatPointer varP;
        final int c;
        final boolean relu;

        Bn(Plan p, memory.desc data, int c, boolean relu) {
            this.c = c;
            this.relu = relu;
            int flags = dnnl.normalization_flags.use_scale_shift.value | (relu ? dnnl.normalization_flags.fuse_norm_relu.value : 0);
            fpd = new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                    dnnl.prop_kind.forward_training.value, data, (float) eps, flags), ENGINE);
            bpd = new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                    dnnl.prop_kind.backward.value, data, data, (float) eps, flags), ENGINE, fpd);
            meanP = p.keep(new FloatPointer(c));
            varP = p.keep(new FloatPointer(c));
            ss = p.keep(new FloatPointer(2L * c));
            dss = p.keep(new FloatPointer(2L * c));
            mean = p.keep(new memory(fpd.mean_desc(), ENGINE, meanP));
            var = p.keep(new memory(fpd.variance_desc(), ENGINE, varP));
            scaleShift = p.keep(new memory(fpd.weights_desc(), ENGINE, ss));
            diffScaleShift = p.keep(new memory(bpd.diff_weights_desc(), ENGINE, dss));
            workspace = relu ? p.keep(new memory(fpd.workspace_desc(), ENGINE)) : null;
        }

        /** scale = gamma * m, shift = beta * m (m = 1 without a mask). */
        void loadScaleShift(INDArray gamma, INDArray beta, INDArray mask) {
            float[] g = gamma.data().asFloat();
            float[] b = beta.data().asFloat();
            float[] m = mask == null ? null : mask.data().asFloat();
            float[] v = new float[2 * c];
            for (int i = 0; i < c; i++) {
                float mi = m == null ? 1f : m[i];
                v[i] = g[i] * mi;
                v[c + i] = b[i] * mi;
            }
            ss.put(v);
        }

        /** dL/dgamma = dL/dscale * m, dL/dbeta = dL/dshift * m. */
        void storeDiffs(INDArray dGamma, INDArray dBeta, INDArray mask) {
            float[] d = new float[2 * c];
            dss.get(d);
            float[] m = mask == null ? null : mask.data().asFloat();
            float[] dg = Arrays.copyOfRange(d, 0, c);
            float[] db = Arrays.copyOfRange(d, c, 2 * c);
            if (m != null) {
                for (int i = 0; i < c; i++) {
                    dg[i] *= m[i];
                    db[i] *= m[i];
                }
            }
            new FloatPointer(ptr(dGamma)).capacity(c).put(dg);
            new FloatPointer(ptr(dBeta)).capacity(c).put(db);
        }
    }

    /** Primitives and buffers for one input shape, built once and reused every step. */
    private final class Plan {
        final stream strm = new stream(ENGINE);
        final List<Object> keep = new ArrayList<>();
        final long[] inDims;
        final memory userImage;
        final memory userDiffImage;
        final memory userFeatures;
        final memory userDiffFeatures;
        /** Forward and backward as primitive + arguments, in order; {@code fwd} after the weights are loaded. */
        final List<primitive> fwd = new ArrayList<>();
        final List<IntMemoryMap> fwdArgs = new ArrayList<>();
        final List<primitive> bwd = new ArrayList<>();
        final List<IntMemoryMap> bwdArgs = new ArrayList<>();
        final List<Conv> convs = new ArrayList<>();
        final List<Bn> bns = new ArrayList<>();
        final memory pooled;
        final reorder featuresOut;
        final reorder diffFeaturesIn;
        final memory diffPooled;
        /** The image of the last forward (kept alive: the stem's weight gradient reads it). */
        INDArray image;
        long imageAddress;

        <T> T keep(T o) {
            keep.add(o);
            return o;
        }

        Plan(long[] inDims) {
            this.inDims = inDims.clone();
            long n = inDims[0];
            memory.desc imgD = desc(inDims, memory.format_tag.nchw);
            userImage = keep(new memory(imgD, ENGINE, (Pointer) null));
            userDiffImage = keep(new memory(imgD, ENGINE, (Pointer) null));
            // Per-shape pools of gradient buffers (only one block's gradients are live at a time).
            Map<String, memory[]> gradPool = new HashMap<>();
            long[][] sizes = blockInputSizes(inDims[2], inDims[3]);

            // stem: conv -> bn + relu [-> max pool]
            long[] d0 = {n, stem.out(), convOut(inDims[2], stem.k(), stem.stride(), stem.pad()),
                    convOut(inDims[3], stem.k(), stem.stride(), stem.pad())};
            memory.desc a0 = layout(d0);
            Conv stemConv = new Conv(this, imgD, a0, 3, stem.out(), stem.k(), stem.stride(), stem.pad(),
                    desc(inDims, memory.format_tag.any));
            stemConv.param = 1;
            convs.add(stemConv);
            memory c0 = act(a0);
            step(fwd, fwdArgs, new convolution_forward(stemConv.fpd), Map.of(dnnl.DNNL_ARG_SRC, userImage,
                    dnnl.DNNL_ARG_WEIGHTS, stemConv.fwdW, dnnl.DNNL_ARG_DST, c0));
            Bn bn0 = new Bn(this, a0, stem.out(), true);
            bn0.gamma = 2;
            bn0.beta = 3;
            bns.add(bn0);
            memory h0 = act(a0);
            bnForward(bn0, c0, h0);
            memory x = h0;
            memory.desc xd = a0;
            long[] xdims = d0;
            pooling_forward.primitive_desc maxPd = null;
            memory maxWs = null;
            if (stem.maxPool()) {
                long[] pd = {n, stem.out(), sizes[0][0], sizes[0][1]};
                memory.desc pdesc = layout(pd);
                maxPd = new pooling_forward.primitive_desc(new pooling_forward.desc(dnnl.prop_kind.forward_training,
                        dnnl.algorithm.pooling_max, a0, pdesc, new long[]{2, 2}, new long[]{3, 3}, new long[]{1, 1},
                        new long[]{1, 1}), ENGINE);
                maxWs = keep(new memory(maxPd.workspace_desc(), ENGINE));
                memory p0 = act(pdesc);
                step(fwd, fwdArgs, new pooling_forward(maxPd), Map.of(dnnl.DNNL_ARG_SRC, h0, dnnl.DNNL_ARG_DST, p0,
                        dnnl.DNNL_ARG_WORKSPACE, maxWs));
                x = p0;
                xd = pdesc;
                xdims = pd;
            }
            int param = 4;
            int mask = 1 + paramCount;
            for (int i = 0; i < blockSpecs.size(); i++) {
                Block spec = blockSpecs.get(i);
                long cin = spec.in();
                long cout = spec.out();
                int stride = spec.stride();
                long[] yd = {n, cout, sizes[i + 1][0], sizes[i + 1][1]};
                memory.desc ydesc = layout(yd);
                Conv conv1 = new Conv(this, xd, ydesc, cin, cout, 3, stride, 1, xd);
                Bn bn1 = new Bn(this, ydesc, (int) cout, true);
                Conv conv2 = new Conv(this, ydesc, ydesc, cout, cout, 3, 1, 1, ydesc);
                Bn bn2 = new Bn(this, ydesc, (int) cout, false);
                conv1.param = param;
                bn1.gamma = param + 1;
                bn1.beta = param + 2;
                bn1.mask = mask++;
                conv2.param = param + 3;
                bn2.gamma = param + 4;
                bn2.beta = param + 5;
                param += 6;
                convs.add(conv1);
                convs.add(conv2);
                bns.add(bn1);
                bns.add(bn2);
                memory c1 = act(ydesc);
                memory h1 = act(ydesc);
                memory c2 = act(ydesc);
                memory y = act(ydesc);
                step(fwd, fwdArgs, new convolution_forward(conv1.fpd), Map.of(dnnl.DNNL_ARG_SRC, x,
                        dnnl.DNNL_ARG_WEIGHTS, conv1.fwdW, dnnl.DNNL_ARG_DST, c1));
                bnForward(bn1, c1, h1);
                step(fwd, fwdArgs, new convolution_forward(conv2.fpd), Map.of(dnnl.DNNL_ARG_SRC, h1,
                        dnnl.DNNL_ARG_WEIGHTS, conv2.fwdW, dnnl.DNNL_ARG_DST, c2));
                bnForward(bn2, c2, y);
                Conv sel = null;
                Bn bnD = null;
                memory cD = null;
                memory sc = x;
                if (spec.shortcut() == Shortcut.OPTION_A) {
                    // x[:, :, ::2, ::2] zero-padded to cout channels, as a fixed 1x1 stride-2 selection convolution
                    sel = new Conv(this, xd, ydesc, cin, cout, 1, stride, 0, xd);
                    INDArray selW = keep(selectionWeight((int) cin, (int) cout, (int) ((cout - cin) / 2)));
                    sel.loadWeights(this, selW);
                    strm._wait();
                    sc = pooledAct(gradPool, "sc" + Arrays.toString(yd), ydesc, 0);
                    step(fwd, fwdArgs, new convolution_forward(sel.fpd), Map.of(dnnl.DNNL_ARG_SRC, x,
                            dnnl.DNNL_ARG_WEIGHTS, sel.fwdW, dnnl.DNNL_ARG_DST, sc));
                } else if (spec.shortcut() == Shortcut.PROJECTION) {
                    sel = new Conv(this, xd, ydesc, cin, cout, 1, stride, 0, xd);
                    bnD = new Bn(this, ydesc, (int) cout, false);
                    sel.param = param;
                    bnD.gamma = param + 1;
                    bnD.beta = param + 2;
                    param += 3;
                    convs.add(sel);
                    bns.add(bnD);
                    cD = act(ydesc);
                    sc = pooledAct(gradPool, "sc" + Arrays.toString(yd), ydesc, 0);
                    step(fwd, fwdArgs, new convolution_forward(sel.fpd), Map.of(dnnl.DNNL_ARG_SRC, x,
                            dnnl.DNNL_ARG_WEIGHTS, sel.fwdW, dnnl.DNNL_ARG_DST, cD));
                    bnForward(bnD, cD, sc);
                }
                primitive_attr reluAttr = keep(new primitive_attr());
                post_ops po = keep(new post_ops());
                po.append_eltwise(1.0f, dnnl.algorithm.eltwise_relu, 0f, 0f);
                reluAttr.set_post_ops(po);
                binary.primitive_desc addPd = new binary.primitive_desc(new binary.desc(dnnl.algorithm.binary_add,
                        ydesc, ydesc, ydesc), reluAttr, ENGINE);
                step(fwd, fwdArgs, new binary(addPd), Map.of(dnnl.DNNL_ARG_SRC_0, y, dnnl.DNNL_ARG_SRC_1, sc,
                        dnnl.DNNL_ARG_DST, y));

                eltwise_forward.primitive_desc reluHint = new eltwise_forward.primitive_desc(new eltwise_forward.desc(
                        dnnl.prop_kind.forward_training, dnnl.algorithm.eltwise_relu_use_dst_for_bwd, ydesc, 0f, 0f), ENGINE);
                eltwise_backward.primitive_desc reluBwd = new eltwise_backward.primitive_desc(new eltwise_backward.desc(
                        dnnl.algorithm.eltwise_relu_use_dst_for_bwd, ydesc, ydesc, 0f, 0f), ENGINE, reluHint);
                binary.primitive_desc addX = new binary.primitive_desc(new binary.desc(dnnl.algorithm.binary_add,
                        xd, xd, xd), ENGINE);
                blocks.add(new BlockBwd(yd, ydesc, xdims, xd, x, c1, h1, c2, y, conv1, conv2, bn1, bn2, sel, bnD, cD,
                        reluBwd, addX));
                x = y;
                xd = ydesc;
                xdims = yd;
            }
            // global average pool -> [N, C, 1, 1] -> user [N, C]
            long c3 = xdims[1];
            long[] pd = {n, c3, 1, 1};
            pooling_forward.primitive_desc ppd = new pooling_forward.primitive_desc(new pooling_forward.desc(
                    dnnl.prop_kind.forward_training, dnnl.algorithm.pooling_avg_exclude_padding, xd,
                    desc(pd, memory.format_tag.any), new long[]{1, 1}, new long[]{xdims[2], xdims[3]},
                    new long[]{0, 0}, new long[]{0, 0}), ENGINE);
            pooled = keep(new memory(ppd.dst_desc(), ENGINE));
            step(fwd, fwdArgs, new pooling_forward(ppd), Map.of(dnnl.DNNL_ARG_SRC, x, dnnl.DNNL_ARG_DST, pooled));
            memory.desc userF = desc(pd, memory.format_tag.nchw);
            userFeatures = keep(new memory(userF, ENGINE, (Pointer) null));
            userDiffFeatures = keep(new memory(userF, ENGINE, (Pointer) null));
            featuresOut = keep(new reorder(pooled, userFeatures));
            pooling_backward.primitive_desc pbd = new pooling_backward.primitive_desc(new pooling_backward.desc(
                    dnnl.algorithm.pooling_avg_exclude_padding, xd, ppd.dst_desc(), new long[]{1, 1},
                    new long[]{xdims[2], xdims[3]}, new long[]{0, 0}, new long[]{0, 0}), ENGINE, ppd);
            diffPooled = keep(new memory(pbd.diff_dst_desc(), ENGINE));
            diffFeaturesIn = keep(new reorder(userDiffFeatures, diffPooled));

            // ---- backward, from the pooled features to the image
            memory gy = pooledAct(gradPool, Arrays.toString(xdims), xd, 0);
            step(bwd, bwdArgs, new pooling_backward(pbd), Map.of(dnnl.DNNL_ARG_DIFF_DST, diffPooled,
                    dnnl.DNNL_ARG_DIFF_SRC, gy));
            for (int i = blocks.size() - 1; i >= 0; i--) {
                gy = blocks.get(i).build(gradPool, gy);
            }
            if (maxPd != null) {
                pooling_backward.primitive_desc mbd = new pooling_backward.primitive_desc(new pooling_backward.desc(
                        dnnl.algorithm.pooling_max, a0, maxPd.dst_desc(), new long[]{2, 2}, new long[]{3, 3},
                        new long[]{1, 1}, new long[]{1, 1}), ENGINE, maxPd);
                memory gh0 = otherThan(gradPool, Arrays.toString(d0), a0);
                step(bwd, bwdArgs, new pooling_backward(mbd), Map.of(dnnl.DNNL_ARG_DIFF_DST, gy,
                        dnnl.DNNL_ARG_DIFF_SRC, gh0, dnnl.DNNL_ARG_WORKSPACE, maxWs));
                gy = gh0;
            }
            // stem: bn + relu backward, conv backward weights and data
            memory gc0 = otherThan(gradPool, Arrays.toString(d0), a0, gy);
            bnBackward(bn0, c0, gy, gc0);
            bwdWeights(stemConv, userImage, gc0);
            // the image gradient (plain NCHW with 3 channels has only the reference kernel: computed in a jit
            // layout and reordered, see Conv)
            bwdData(stemConv, gc0, userDiffImage);
        }

        final List<BlockBwd> blocks = new ArrayList<>();

        /** A BasicBlock's saved forward values and the primitives of its backward. */
        private final class BlockBwd {
            final long[] yd;
            final memory.desc ydesc;
            final long[] xdims;
            final memory.desc xd;
            final memory x, c1, h1, c2, y, cD;
            final Conv conv1, conv2, sel;
            final Bn bn1, bn2, bnD;
            final eltwise_backward.primitive_desc reluBwd;
            final binary.primitive_desc addX;

            BlockBwd(long[] yd, memory.desc ydesc, long[] xdims, memory.desc xd, memory x, memory c1, memory h1,
                     memory c2, memory y, Conv conv1, Conv conv2, Bn bn1, Bn bn2, Conv sel, Bn bnD, memory cD,
                     eltwise_backward.primitive_desc reluBwd, binary.primitive_desc addX) {
                this.yd = yd;
                this.ydesc = ydesc;
                this.xdims = xdims;
                this.xd = xd;
                this.x = x;
                this.c1 = c1;
                this.h1 = h1;
                this.c2 = c2;
                this.y = y;
                this.cD = cD;
                this.conv1 = conv1;
                this.conv2 = conv2;
                this.sel = sel;
                this.bn1 = bn1;
                this.bn2 = bn2;
                this.bnD = bnD;
                this.reluBwd = reluBwd;
                this.addX = addX;
            }

            /** Appends this block's backward; {@code gy} holds dL/dy; returns the buffer that will hold dL/dx. */
            memory build(Map<String, memory[]> pool, memory gy) {
                String ys = Arrays.toString(yd);
                String xs = Arrays.toString(xdims);
                memory gz = otherThan(pool, ys, ydesc, gy);
                // dL/dz = relu'(y) * dL/dy (z = bn2 + shortcut)
                step(bwd, bwdArgs, new eltwise_backward(reluBwd), Map.of(dnnl.DNNL_ARG_DST, y,
                        dnnl.DNNL_ARG_DIFF_DST, gy, dnnl.DNNL_ARG_DIFF_SRC, gz));
                // the shortcut's gradient first (it reads dL/dz only)
                memory gsc = gz;
                if (bnD != null) {
                    memory gcD = otherThan(pool, ys, ydesc, gy, gz);
                    bnBackward(bnD, cD, gz, gcD);
                    bwdWeights(sel, x, gcD);
                    gsc = otherThan(pool, xs, xd, gy, gz, gcD);
                    bwdData(sel, gcD, gsc);
                } else if (sel != null) {
                    gsc = otherThan(pool, xs, xd, gy, gz);
                    bwdData(sel, gz, gsc);
                }
                memory gc2 = otherThan(pool, ys, ydesc, gy, gz, gsc);
                bnBackward(bn2, c2, gz, gc2);
                memory gh1 = gy; // dL/dy is dead now
                bwdWeights(conv2, h1, gc2);
                bwdData(conv2, gc2, gh1);
                memory gc1 = gc2; // dL/dc2 is dead now
                bnBackward(bn1, c1, gh1, gc1);
                bwdWeights(conv1, x, gc1);
                memory gx = otherThan(pool, xs, xd, gc1, gsc);
                bwdData(conv1, gc1, gx);
                // the gradient of the block input is the sum over both paths
                step(bwd, bwdArgs, new binary(addX), Map.of(dnnl.DNNL_ARG_SRC_0, gx, dnnl.DNNL_ARG_SRC_1, gsc,
                        dnnl.DNNL_ARG_DST, gx));
                return gx;
            }
        }

        private memory act(memory.desc d) {
            return keep(new memory(d, ENGINE));
        }

        private memory pooledAct(Map<String, memory[]> pool, String key, memory.desc d, int index) {
            memory[] p = pool.get(key);
            if (p == null || p.length <= index) {
                memory[] q = p == null ? new memory[index + 1] : Arrays.copyOf(p, index + 1);
                pool.put(key, q);
                p = q;
            }
            if (p[index] == null) {
                p[index] = act(d);
            }
            return p[index];
        }

        /** A gradient buffer of this shape that is none of {@code busy}. */
        private memory otherThan(Map<String, memory[]> pool, String key, memory.desc d, memory... busy) {
            for (int i = 0; ; i++) {
                memory m = pooledAct(pool, key, d, i);
                boolean free = true;
                for (memory b : busy) {
                    free &= b != m;
                }
                if (free) {
                    return m;
                }
            }
        }

        /** {@code m} in layout {@code want}: itself, or a buffer a reorder step (appended to the backward) fills. */
        private memory asBwd(memory m, memory.desc want) {
            if (m.get_desc().equals(want)) {
                return m;
            }
            memory t = keep(new memory(want, ENGINE));
            step(bwd, bwdArgs, new reorder(m, t), Map.of(dnnl.DNNL_ARG_FROM, m, dnnl.DNNL_ARG_TO, t));
            return t;
        }

        private void bwdWeights(Conv c, memory src, memory diffDst) {
            memory s = asBwd(src, c.wpd.src_desc());
            memory d = asBwd(diffDst, c.wpd.diff_dst_desc());
            step(bwd, bwdArgs, new convolution_backward_weights(c.wpd), Map.of(dnnl.DNNL_ARG_SRC, s,
                    dnnl.DNNL_ARG_DIFF_DST, d, dnnl.DNNL_ARG_DIFF_WEIGHTS, c.diffW));
        }

        private void bwdData(Conv c, memory diffDst, memory diffSrc) {
            memory d = asBwd(diffDst, c.dpd.diff_dst_desc());
            boolean direct = diffSrc.get_desc().equals(c.dpd.diff_src_desc());
            memory out = direct ? diffSrc : keep(new memory(c.dpd.diff_src_desc(), ENGINE));
            step(bwd, bwdArgs, new convolution_backward_data(c.dpd), Map.of(dnnl.DNNL_ARG_DIFF_DST, d,
                    dnnl.DNNL_ARG_WEIGHTS, c.bwdW, dnnl.DNNL_ARG_DIFF_SRC, out));
            if (!direct) {
                step(bwd, bwdArgs, new reorder(out, diffSrc), Map.of(dnnl.DNNL_ARG_FROM, out, dnnl.DNNL_ARG_TO, diffSrc));
            }
        }

        private void bnForward(Bn bn, memory src, memory dst) {
            Map<Integer, memory> a = new HashMap<>(Map.of(dnnl.DNNL_ARG_SRC, src, dnnl.DNNL_ARG_DST, dst,
                    dnnl.DNNL_ARG_SCALE_SHIFT, bn.scaleShift, dnnl.DNNL_ARG_MEAN, bn.mean,
                    dnnl.DNNL_ARG_VARIANCE, bn.var));
            if (bn.workspace != null) {
                a.put(dnnl.DNNL_ARG_WORKSPACE, bn.workspace);
            }
            step(fwd, fwdArgs, new batch_normalization_forward(bn.fpd), a);
        }

        private void bnBackward(Bn bn, memory src, memory diffDst, memory diffSrc) {
            Map<Integer, memory> a = new HashMap<>(Map.of(dnnl.DNNL_ARG_SRC, src, dnnl.DNNL_ARG_DIFF_DST, diffDst,
                    dnnl.DNNL_ARG_SCALE_SHIFT, bn.scaleShift, dnnl.DNNL_ARG_MEAN, bn.mean,
                    dnnl.DNNL_ARG_VARIANCE, bn.var, dnnl.DNNL_ARG_DIFF_SRC, diffSrc,
                    dnnl.DNNL_ARG_DIFF_SCALE_SHIFT, bn.diffScaleShift));
            if (bn.workspace != null) {
                a.put(dnnl.DNNL_ARG_WORKSPACE, bn.workspace);
            }
            step(bwd, bwdArgs, new batch_normalization_backward(bn.bpd), a);
        }

        private void step(List<primitive> prims, List<IntMemoryMap> args, primitive p, Map<Integer, memory> a) {
            IntMemoryMap map = new IntMemoryMap();
            for (Map.Entry<Integer, memory> e : a.entrySet()) {
                map.put(e.getKey(), e.getValue());
            }
            prims.add(keep(p));
            args.add(keep(map));
        }

        void close() {
            for (int i = keep.size() - 1; i >= 0; i--) {
                if (keep.get(i) instanceof Pointer p) {
                    p.close();
                }
            }
            keep.clear();
            strm.close();
            image = null;
        }

        boolean holds(INDArray img) {
            return image != null && img.data().addressPointer().address() == imageAddress;
        }

        /** in: image, parameters (SameDiff's order), masks. */
        void forward(INDArray[] in) {
            INDArray img = in[0];
            if (img.ordering() != 'c' || img.isView() || img.offset() != 0) {
                img = img.dup('c');
            }
            image = img;
            imageAddress = img.data().addressPointer().address();
            userImage.set_data_handle(ptr(img), strm);
            for (Conv c : convs) {
                if (c.param >= 0) {
                    c.loadWeights(this, in[c.param]);
                }
            }
            for (Bn b : bns) {
                b.loadScaleShift(in[b.gamma], in[b.beta], b.mask < 0 ? null : in[b.mask]);
            }
            for (int i = 0; i < fwd.size(); i++) {
                fwd.get(i).execute(strm, fwdArgs.get(i));
            }
            strm._wait();
        }

        void features(INDArray out) {
            userFeatures.set_data_handle(ptr(out), strm);
            featuresOut.execute(strm, pooled, userFeatures);
            strm._wait();
        }

        void copyStats(int k, INDArray mean, INDArray var) {
            Bn bn = bns.get(k);
            Pointer.memcpy(ptr(mean), bn.meanP, 4L * bn.c);
            Pointer.memcpy(ptr(var), bn.varP, 4L * bn.c);
        }

        /** in: forward inputs + dL/dfeatures; out: dL/d(every forward input). */
        void backward(INDArray[] in, INDArray[] out) {
            INDArray g = in[in.length - 1];
            if (g.ordering() != 'c' || g.isView() || g.offset() != 0) {
                g = g.dup('c');
            }
            userDiffFeatures.set_data_handle(ptr(g), strm);
            diffFeaturesIn.execute(strm, userDiffFeatures, diffPooled);
            userDiffImage.set_data_handle(ptr(out[0]), strm);
            for (int i = 0; i < bwd.size(); i++) {
                bwd.get(i).execute(strm, bwdArgs.get(i));
            }
            // weight gradients from the primitives' layouts into SameDiff's YXIO arrays
            for (Conv c : convs) {
                c.userDiffW.set_data_handle(ptr(out[c.param]), strm);
                c.diffOut.execute(strm, c.diffW, c.userDiffW);
            }
            strm._wait();
            for (Bn b : bns) {
                b.storeDiffs(out[b.gamma], out[b.beta], b.mask < 0 ? null : in[b.mask]);
            }
            for (int i = 1 + paramCount; i < out.length; i++) {
                out[i].assign(0); // masks are constants
            }
        }
    }

    // ---------------------------------------------------------------- SameDiff ops

    private static List<LongShapeDescriptor> shapesOf(INDArray[] in) {
        List<LongShapeDescriptor> out = new ArrayList<>(in.length);
        for (INDArray a : in) {
            out.add(LongShapeDescriptor.fromShape(a.shape(), DataType.FLOAT));
        }
        return out;
    }

    /** The forward op; integer arguments (all a clone keeps): graph id, number of outputs, feature width. */
    public static final class Forward extends NativeOp implements JavaExec.Op, BatchNormStats.StatsOp {
        /** Keeps the graph alive as long as the model's graph holds this op (clones find it by id). */
        private TrainGraph owner;

        public Forward() {
        }

        Forward(SameDiff sd, SDVariable[] args, TrainGraph tg) {
            super(sd, args);
            this.owner = tg;
            addIArgument(tg.id, 1 + 2L * tg.batchNorms(), tg.blockSpecs.get(tg.blockSpecs.size() - 1).out());
        }

        private TrainGraph graph() {
            return lookup(iArguments.get(0));
        }

        @Override
        public String opName() {
            return "debias4j_resnet_train";
        }

        // Only a hash for serialisation (SameDiff's clone); execution never reaches the native op.
        @Override
        protected String nativeName() {
            return "batchnorm";
        }

        @Override
        public int getNumOutputs() {
            return iArguments.size() > 1 ? (int) (long) iArguments.get(1) : 1;
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> in) {
            return Collections.nCopies(getNumOutputs(), DataType.FLOAT);
        }

        @Override
        public List<LongShapeDescriptor> calculateOutputShape() {
            return outputShapes(inputArguments().toArray(new INDArray[0]));
        }

        @Override
        public List<LongShapeDescriptor> calculateOutputShape(OpContext oc) {
            return outputShapes(JavaExec.inputs(oc));
        }

        @Override
        public List<LongShapeDescriptor> outputShapes(INDArray[] in) {
            long n = in[0].size(0);
            List<LongShapeDescriptor> out = new ArrayList<>();
            out.add(LongShapeDescriptor.fromShape(new long[]{n, iArguments.get(2)}, DataType.FLOAT));
            for (int c : graph().bnChannels) {
                out.add(LongShapeDescriptor.fromShape(new long[]{c}, DataType.FLOAT));
                out.add(LongShapeDescriptor.fromShape(new long[]{c}, DataType.FLOAT));
            }
            return out;
        }

        @Override
        public void compute(INDArray[] in, INDArray[] out) {
            graph().forward(in, out);
        }

        @Override
        public long valuesPerChannel(int output, INDArray input0) {
            return graph().valuesPerChannel((output - 1) / 2, input0.shape());
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grad) {
            SDVariable[] in = args();
            SDVariable[] bpIn = Arrays.copyOf(in, in.length + 1);
            bpIn[in.length] = grad.get(0);
            return Arrays.asList(new Backward(sameDiff, bpIn, iArguments.get(0), in.length).outputVariables());
        }
    }

    /** Gradient of {@link Forward}: inputs the forward's inputs and dL/dfeatures; outputs dL/d(each input). */
    static final class Backward extends NativeOp.Grad implements JavaExec.Op {
        Backward(SameDiff sd, SDVariable[] in, long id, int outputs) {
            super(sd, in, List.of(id), List.of(), outputs);
        }

        @Override
        public String opName() {
            return "debias4j_resnet_train_bp";
        }

        @Override
        public long opHash() {
            return Nd4j.getExecutioner().getCustomOperations().get("batchnorm_bp").getHash();
        }

        @Override
        public List<LongShapeDescriptor> calculateOutputShape() {
            return outputShapes(inputArguments().toArray(new INDArray[0]));
        }

        @Override
        public List<LongShapeDescriptor> calculateOutputShape(OpContext oc) {
            return outputShapes(JavaExec.inputs(oc));
        }

        @Override
        public List<LongShapeDescriptor> outputShapes(INDArray[] in) {
            return shapesOf(Arrays.copyOf(in, in.length - 1));
        }

        @Override
        public void compute(INDArray[] in, INDArray[] out) {
            lookup(iArguments.get(0)).backward(in, out);
        }
    }
}
