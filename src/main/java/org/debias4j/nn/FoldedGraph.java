package org.debias4j.nn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.AvgPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.MaxPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inference branch of a SameDiff graph translated to oneDNN primitives, with batch norm and unit
 * masks folded into the convolution weights and a bias: conv(+bias, +ReLU) with no batch-norm op. Why:
 * through SameDiff each conv2d reorders its input into oneDNN's blocked layout and its output back,
 * batch norm and ReLU run as separate ops (together half of a forward pass at resnet56_cifar's sizes);
 * here activations stay in the blocked layout and ReLU is a post-op of the convolution.
 *
 * <p>The graph is read from SameDiff (the same ops the eval branch runs), so this is generic over the
 * backbones whose ops it knows: conv2d, depthwise conv2d, the native batch norm (folded into the conv
 * that produces its input, or a per-channel scale and shift otherwise), ReLU, SiLU, sigmoid, add and
 * multiply (also broadcast by [N,C,1,1]), max and average pooling, mean over H and W, matmul, identity,
 * reshape of [N,C] to [N,C,1,1] and back, channel concat, grouped convolution written as split / G convs /
 * concat, and option-A shortcuts (strided slice + channel zero padding, as a 1x1 selection convolution).
 * {@link #compile} returns null for a graph with any other op. A residual add becomes a sum post-op.
 *
 * <p>Training, BiasPruner's per-task swaps and loadStateDict change parameters, running statistics and
 * masks in place, so every {@link #output} call first checks whether any array the folded weights derive
 * from changed since they were folded (exact copies, or CRC-32 + CRC-32C above {@link #EXACT_SNAPSHOT_BYTES})
 * and refolds if so (~1% of a resnet56_cifar batch for the check).
 */
public final class FoldedGraph {
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);

    /** A value known without the input: a graph variable/constant (or derived from them), or a fixed array. */
    private record Static(String name, INDArray fixed) {
    }

    private abstract static class Node {
        String out;
        List<String> ins = new ArrayList<>();
        boolean relu;
    }

    private static final class ConvNode extends Node {
        Static weight;        // YXIO [kH, kW, in/groups, out] (depthwise: [kH, kW, C, 1] reshaped)
        Static bias;          // conv bias [out] or null
        Static mean, var, gamma, beta; // folded batch norm, or null
        double eps;
        boolean scaleShiftOnly; // a batch norm without a conv: depthwise 1x1 with weight = scale
        int groups = 1;
        long kh, kw, sh, sw, ph, pw, dh, dw;
        int in, outC;
        boolean depthwise;
        float[] fixedFloatsCache;

        float[] fixedFloats() {
            if (fixedFloatsCache == null) {
                fixedFloatsCache = weight.fixed().dup('c').data().asFloat();
            }
            return fixedFloatsCache;
        }

        /** Option-A shortcut: a 1x1 selection conv (channels offset by padBefore, widened by padAfter); sized at plan time. */
        boolean selection;
        int padBefore, padAfter;
        /** Residual add as a sum post-op: ins.get(1) is added to the result (before the ReLU post-op). */
        boolean sum;
    }

    private static final class EltNode extends Node {
        dnnl.algorithm alg;
    }

    private static final class BinNode extends Node {
        dnnl.algorithm alg;
        Static other;         // a static second operand (broadcast), or null when ins has two values
    }

    private static final class PoolNode extends Node {
        dnnl.algorithm alg;
        long kh, kw, sh, sw, ph, pw;
        boolean global;
    }

    private static final class IpNode extends Node {
        Static weight;        // [in, out]
        Static bias;          // [out] or null
    }

    /** Concatenation along channels (into a plain NCHW buffer, one reorder per input). */
    private static final class ConcatNode extends Node {
    }

    /** Reshape between [N, C] and [N, C, 1, 1] (plain layouts only). */
    private static final class ReshapeNode extends Node {
        boolean to4d;
        long channels = -1;
    }

    private final SameDiff sd;
    private final String input;
    private final List<String> outputs;
    private final List<Node> nodes;
    private final Map<String, String> alias;
    private final Map<String, Plan> plans = new HashMap<>();

    private FoldedGraph(SameDiff sd, String input, List<String> outputs, List<Node> nodes, Map<String, String> alias) {
        this.sd = sd;
        this.input = input;
        this.outputs = outputs;
        this.nodes = nodes;
        this.alias = alias;
    }

    /** Why the last {@link #compile} returned null (for logs and tests). */
    private static volatile String lastReason = "";

    public static String lastReason() {
        return lastReason;
    }

    /**
     * Translates the ops between {@code input} (a [N, C, H, W] placeholder) and {@code outputs}. Null when
     * the graph holds an op this class does not translate; the caller then runs SameDiff.
     */
    public static FoldedGraph compile(SameDiff sd, String input, List<String> outputs) {
        try {
            return new Compiler(sd, input).compile(outputs);
        } catch (Unsupported e) {
            lastReason = e.getMessage();
            return null;
        }
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported(String m) {
            super(m, null, false, false);
        }
    }

    private static final class Compiler {
        final SameDiff sd;
        final String input;
        final Map<String, Boolean> dynamic = new HashMap<>();
        final List<Node> nodes = new ArrayList<>();
        final Map<String, String> alias = new HashMap<>();
        /** Ops already translated as part of a pattern (grouped convolution). */
        final Set<String> handled = new HashSet<>();

        Compiler(SameDiff sd, String input) {
            this.sd = sd;
            this.input = input;
        }

        boolean isDynamic(String v) {
            Boolean d = dynamic.get(v);
            if (d != null) {
                return d;
            }
            boolean r;
            if (v.equals(input)) {
                r = true;
            } else {
                SDVariable var = sd.getVariable(v);
                if (var.getVariableType() != VariableType.ARRAY) {
                    r = false;
                } else {
                    DifferentialFunction op = sd.getVariableOutputOp(v);
                    r = false;
                    for (SDVariable a : op.args()) {
                        if (isDynamic(a.name())) {
                            r = true;
                            break;
                        }
                    }
                }
            }
            dynamic.put(v, r);
            return r;
        }

        String resolve(String v) {
            String a = alias.get(v);
            return a == null ? v : resolve(a);
        }

        FoldedGraph compile(List<String> outputs) {
            // Ops needed for the outputs, in creation order (SameDiff keeps ops in the order they were added).
            Set<String> neededOps = new HashSet<>();
            List<String> stack = new ArrayList<>(outputs);
            Set<String> seen = new HashSet<>();
            while (!stack.isEmpty()) {
                String v = stack.remove(stack.size() - 1);
                if (!seen.add(v) || !isDynamic(v) || v.equals(input)) {
                    continue;
                }
                DifferentialFunction op = sd.getVariableOutputOp(v);
                if (neededOps.add(op.getOwnName())) {
                    for (SDVariable a : op.args()) {
                        stack.add(a.name());
                    }
                }
            }
            for (String name : sd.getOps().keySet()) {
                if (neededOps.contains(name) && !handled.contains(name)) {
                    translate(sd.getOpById(name));
                }
            }
            List<String> outs = new ArrayList<>();
            for (String o : outputs) {
                if (!isDynamic(o)) {
                    throw new Unsupported(o + " does not depend on " + input);
                }
                outs.add(o);
            }
            fuse(outputs);
            return new FoldedGraph(sd, input, outs, nodes, alias);
        }


        private Static stat(SDVariable v) {
            if (isDynamic(v.name())) {
                throw new Unsupported(v.name() + " must not depend on the input");
            }
            return new Static(v.name(), null);
        }

        private void translate(DifferentialFunction op) {
            String name = op.opName();
            SDVariable[] args = op.args();
            String out = op.outputVariables()[0].name();
            switch (name) {
                case "conv2d" -> {
                    Conv2DConfig c = ((Conv2D) op).getConfig();
                    ConvNode n = convNode(c, op, args);
                    long[] w = args[1].getShape();
                    if (w == null) {
                        w = args[1].getArr().shape();
                    }
                    n.in = (int) w[2];
                    n.outC = (int) w[3];
                    add(n, out);
                }
                case "depthwise_conv2d" -> {
                    Conv2DConfig c = ((DepthwiseConv2D) op).getConfig();
                    ConvNode n = convNode(c, op, args);
                    long[] w = sd.output(Map.of(), args[1].name()).get(args[1].name()).shape();
                    if (w.length != 4 || w[3] != 1) {
                        throw new Unsupported("depthwise conv with multiplier != 1: " + op.getOwnName());
                    }
                    n.in = (int) w[2];
                    n.outC = (int) w[2];
                    n.groups = (int) w[2];
                    n.depthwise = true;
                    add(n, out);
                }
                case "debias4j_batchnorm" -> {
                    ConvNode n = new ConvNode();
                    n.ins.add(dyn(args[0]));
                    n.mean = stat(args[1]);
                    n.var = stat(args[2]);
                    n.gamma = stat(args[3]);
                    n.beta = stat(args[4]);
                    n.eps = ((DynamicCustomOp) op).getTArgument(0);
                    n.scaleShiftOnly = true;
                    long[] s = args[1].getShape();
                    int c = (int) (s != null ? s[0] : args[1].getArr().length());
                    n.in = c;
                    n.outC = c;
                    n.groups = c;
                    n.kh = n.kw = n.sh = n.sw = n.dh = n.dw = 1;
                    add(n, out);
                }
                case "debias4j_relu", "relu" -> {
                    if (op instanceof DynamicCustomOp d && d.numTArguments() > 0 && d.getTArgument(0) != 0.0) {
                        throw new Unsupported("relu with a threshold");
                    }
                    elt(dnnl.algorithm.eltwise_relu, args[0], out);
                }
                case "swish" -> elt(dnnl.algorithm.eltwise_swish, args[0], out);
                case "sigmoid" -> elt(dnnl.algorithm.eltwise_logistic, args[0], out);
                case "identity" -> {
                    alias.put(out, dyn(args[0]));
                }
                case "add", "multiply" -> {
                    BinNode n = new BinNode();
                    n.alg = name.equals("add") ? dnnl.algorithm.binary_add : dnnl.algorithm.binary_mul;
                    boolean d0 = isDynamic(args[0].name());
                    boolean d1 = isDynamic(args[1].name());
                    if (d0 && d1) {
                        n.ins.add(dyn(args[0]));
                        n.ins.add(dyn(args[1]));
                    } else {
                        n.ins.add(dyn(d0 ? args[0] : args[1]));
                        n.other = stat(d0 ? args[1] : args[0]);
                    }
                    add(n, out);
                }
                case "reduce_mean" -> {
                    int[] dims = ((BaseReduceOp) op).getDimensions();
                    if (dims == null || !Arrays.equals(dims, new int[]{2, 3}) || ((BaseReduceOp) op).isKeepDims()) {
                        throw new Unsupported("mean over " + Arrays.toString(dims));
                    }
                    PoolNode n = new PoolNode();
                    n.ins.add(dyn(args[0]));
                    n.alg = dnnl.algorithm.pooling_avg_exclude_padding;
                    n.global = true;
                    add(n, out + "#4d");
                    ReshapeNode r = new ReshapeNode();
                    r.ins.add(out + "#4d");
                    r.to4d = false;
                    add(r, out);
                }
                case "maxpool2d", "avgpool2d" -> {
                    Pooling2DConfig c = op instanceof MaxPooling2D m ? m.getConfig() : ((AvgPooling2D) op).getConfig();
                    if (c.isNHWC() || c.getPaddingMode() != PaddingMode.VALID || c.getDH() != 1 || c.getDW() != 1) {
                        throw new Unsupported("pooling config " + c);
                    }
                    PoolNode n = new PoolNode();
                    n.ins.add(dyn(args[0]));
                    n.alg = name.equals("maxpool2d") ? dnnl.algorithm.pooling_max
                            : c.getExtra() == 1 ? dnnl.algorithm.pooling_avg_include_padding : dnnl.algorithm.pooling_avg_exclude_padding;
                    n.kh = c.getKH();
                    n.kw = c.getKW();
                    n.sh = c.getSH();
                    n.sw = c.getSW();
                    n.ph = c.getPH();
                    n.pw = c.getPW();
                    add(n, out);
                }
                case "matmul", "mmul" -> {
                    DynamicCustomOp d = (DynamicCustomOp) op;
                    for (int i = 0; i < d.numIArguments(); i++) {
                        if (d.getIArgument(i) != 0) {
                            throw new Unsupported("transposed matmul");
                        }
                    }
                    if (d.numTArguments() > 0 && (d.getTArgument(0) != 1.0 || (d.numTArguments() > 1 && d.getTArgument(1) != 0.0))) {
                        throw new Unsupported("scaled matmul");
                    }
                    IpNode n = new IpNode();
                    n.ins.add(dyn(args[0]));
                    n.weight = stat(args[1]);
                    add(n, out);
                }
                case "reshape" -> {
                    // target shape: a constant second argument or integer arguments (-1 = inferred)
                    long[] s;
                    if (args.length > 1) {
                        if (isDynamic(args[1].name())) {
                            throw new Unsupported("reshape to a computed shape");
                        }
                        s = sd.output(Map.of(), args[1].name()).get(args[1].name()).toLongVector();
                    } else {
                        s = ((DynamicCustomOp) op).iArgs();
                        if (s.length > 0 && (s[0] == -'c' || s[0] == 'c')) { // the order flag
                            s = Arrays.copyOfRange(s, 1, s.length);
                        }
                    }
                    ReshapeNode r = new ReshapeNode();
                    r.ins.add(dyn(args[0]));
                    if (s.length == 4 && s[2] == 1 && s[3] == 1) {
                        r.to4d = true;
                        r.channels = s[1];
                    } else if (s.length == 2) {
                        r.to4d = false;
                        r.channels = s[1];
                    } else {
                        throw new Unsupported("reshape to " + Arrays.toString(s));
                    }
                    add(r, out);
                }
                case "split" -> groupedConv(op, args);
                case "concat" -> {
                    DynamicCustomOp d = (DynamicCustomOp) op;
                    long axis = d.numIArguments() > 0 ? d.getIArgument(d.numIArguments() - 1) : -1;
                    if (axis != 1) {
                        throw new Unsupported("concat along axis " + axis);
                    }
                    ConcatNode n = new ConcatNode();
                    for (SDVariable a : args) {
                        n.ins.add(dyn(a));
                    }
                    add(n, out);
                }
                case "strided_slice" -> selection(op, args, out);
                case "pad" -> channelPad(op, args, out);
                default -> throw new Unsupported("op " + name + " (" + op.getOwnName() + ")");
            }
        }

        private List<DifferentialFunction> consumers(String var) {
            List<DifferentialFunction> out = new ArrayList<>();
            List<String> ops = sd.getVariables().get(var).getInputsForOp();
            if (ops != null) {
                for (String o : ops) {
                    out.add(sd.getOpById(o));
                }
            }
            return out;
        }

        /**
         * split(x, G, 1) -> G conv2d(x_i, split(w, G, 3)_i) -> concat(1): the grouped convolution
         * {@link Blocks#conv} writes for SameDiff, which has none; oneDNN runs it as one conv with groups G.
         */
        private void groupedConv(DifferentialFunction split, SDVariable[] args) {
            SDVariable[] parts = split.outputVariables();
            int groups = parts.length;
            DynamicCustomOp sp = (DynamicCustomOp) split;
            if (args.length != 1 || sp.numIArguments() < 2 || sp.getIArgument(sp.numIArguments() - 1) != 1) {
                throw new Unsupported("split " + split.getOwnName() + " " + Arrays.toString(sp.iArgs()));
            }
            List<DifferentialFunction> convs = new ArrayList<>();
            String weight = null;
            DifferentialFunction concat = null;
            Conv2DConfig cfg = null;
            for (int i = 0; i < groups; i++) {
                List<DifferentialFunction> cs = consumers(parts[i].name());
                if (cs.size() != 1 || !(cs.get(0) instanceof Conv2D conv) || conv.args().length != 2
                        || !conv.args()[0].name().equals(parts[i].name())) {
                    throw new Unsupported("split " + split.getOwnName() + " not feeding one conv per group");
                }
                SDVariable wi = conv.args()[1];
                DifferentialFunction ws = sd.getVariableOutputOp(wi.name());
                if (ws == null || !ws.opName().equals("split") || ws.args().length != 1
                        || !ws.outputVariables()[i].name().equals(wi.name()) || isDynamic(ws.args()[0].name())) {
                    throw new Unsupported("grouped conv weights of " + conv.getOwnName());
                }
                DynamicCustomOp wsp = (DynamicCustomOp) ws;
                if (wsp.getIArgument(wsp.numIArguments() - 1) != 3) {
                    throw new Unsupported("grouped conv weights split along " + wsp.getIArgument(wsp.numIArguments() - 1));
                }
                String w = ws.args()[0].name();
                if (weight != null && !weight.equals(w)) {
                    throw new Unsupported("grouped conv with several weights");
                }
                weight = w;
                Conv2DConfig c = conv.getConfig();
                checkConv(c, conv);
                if (cfg != null && !cfg.toString().equals(c.toString())) {
                    throw new Unsupported("grouped conv with differing configs");
                }
                cfg = c;
                List<DifferentialFunction> cc = consumers(conv.outputVariables()[0].name());
                if (cc.size() != 1 || !cc.get(0).opName().equals("concat") || (concat != null && concat != cc.get(0))) {
                    throw new Unsupported("grouped conv outputs not concatenated");
                }
                concat = cc.get(0);
                if (!concat.args()[i].name().equals(conv.outputVariables()[0].name())) {
                    throw new Unsupported("grouped conv outputs concatenated out of order");
                }
                convs.add(conv);
            }
            if (concat.args().length != groups) {
                throw new Unsupported("concat of more than the groups");
            }
            long[] w = sd.getVariable(weight).getArr().shape();
            ConvNode n = new ConvNode();
            n.ins.add(dyn(args[0]));
            n.weight = new Static(weight, null);
            n.kh = cfg.getKH();
            n.kw = cfg.getKW();
            n.sh = cfg.getSH();
            n.sw = cfg.getSW();
            n.ph = cfg.getPH();
            n.pw = cfg.getPW();
            n.dh = cfg.getDH();
            n.dw = cfg.getDW();
            n.groups = groups;
            n.in = (int) w[2] * groups;
            n.outC = (int) w[3];
            for (DifferentialFunction c : convs) {
                handled.add(c.getOwnName());
            }
            handled.add(concat.getOwnName());
            add(n, concat.outputVariables()[0].name());
        }

        /** A convolution's node: input, weight, optional bias and geometry from its config (NCHW, VALID, YXIO only). */
        private ConvNode convNode(Conv2DConfig c, DifferentialFunction op, SDVariable[] args) {
            checkConv(c, op);
            ConvNode n = new ConvNode();
            n.ins.add(dyn(args[0]));
            n.weight = stat(args[1]);
            n.bias = args.length > 2 ? stat(args[2]) : null;
            n.kh = c.getKH();
            n.kw = c.getKW();
            n.sh = c.getSH();
            n.sw = c.getSW();
            n.ph = c.getPH();
            n.pw = c.getPW();
            n.dh = c.getDH();
            n.dw = c.getDW();
            return n;
        }

        private void checkConv(Conv2DConfig c, DifferentialFunction op) {
            if (!Conv2DConfig.NCHW.equals(c.getDataFormat()) || c.getPaddingMode() != PaddingMode.VALID
                    || (c.getWeightsFormat() != null && c.getWeightsFormat() != org.nd4j.enums.WeightsFormat.YXIO)) {
                throw new Unsupported("conv config of " + op.getOwnName() + ": " + c);
            }
        }

        private void elt(dnnl.algorithm alg, SDVariable x, String out) {
            EltNode n = new EltNode();
            n.alg = alg;
            n.ins.add(dyn(x));
            add(n, out);
        }

        private String dyn(SDVariable v) {
            if (!isDynamic(v.name())) {
                throw new Unsupported(v.name() + " was expected to depend on the input");
            }
            return resolve(v.name());
        }

        private void add(Node n, String out) {
            n.out = out;
            nodes.add(n);
        }

        /** x[:, :, ::s, ::s] with every other index whole: a 1x1 convolution with stride s selecting channels. */
        private void selection(DifferentialFunction op, SDVariable[] args, String out) {
            long[] ia = ((DynamicCustomOp) op).iArgs();
            // iArgs: beginMask, ellipsisMask, endMask, newAxisMask, shrinkAxisMask, begin[4], end[4], strides[4]
            if (ia.length != 5 + 12 || ia[0] != 15 || ia[1] != 0 || ia[2] != 15 || ia[3] != 0 || ia[4] != 0
                    || ia[5 + 8] != 1 || ia[5 + 9] != 1 || ia[5 + 10] != ia[5 + 11] || args.length != 1) {
                throw new Unsupported("strided slice " + Arrays.toString(ia));
            }
            ConvNode n = new ConvNode();
            n.ins.add(dyn(args[0]));
            n.kh = n.kw = 1;
            n.sh = n.sw = ia[5 + 10];
            n.dh = n.dw = 1;
            n.selection = true;
            add(n, out);
        }

        /** Zero padding of channels only, after a selection convolution: widen that convolution. */
        private void channelPad(DifferentialFunction op, SDVariable[] args, String out) {
            INDArray pads = args.length > 1 && !isDynamic(args[1].name()) ? args[1].getArr() : null;
            Node prev = nodes.isEmpty() ? null : nodes.get(nodes.size() - 1);
            String src = dyn(args[0]);
            DynamicCustomOp d = (DynamicCustomOp) op;
            boolean zero = d.numTArguments() == 0 || d.getTArgument(0) == 0.0;
            boolean constMode = d.numIArguments() == 0 || d.getIArgument(0) == 0;
            if (pads == null || !zero || !constMode || !(prev instanceof ConvNode c) || !c.out.equals(src)
                    || !c.selection || pads.rank() != 2 || pads.size(0) != 4) {
                throw new Unsupported("pad " + op.getOwnName());
            }
            long[][] p = new long[4][2];
            for (int i = 0; i < 4; i++) {
                p[i][0] = pads.getLong(i, 0);
                p[i][1] = pads.getLong(i, 1);
            }
            if (p[0][0] != 0 || p[0][1] != 0 || p[2][0] != 0 || p[2][1] != 0 || p[3][0] != 0 || p[3][1] != 0) {
                throw new Unsupported("pad beyond channels");
            }
            c.padBefore = (int) p[1][0];
            c.padAfter = (int) p[1][1];
            alias.put(out, c.out);
        }

        static INDArray selectionWeight(int in, int out, int offset) {
            INDArray w = Nd4j.zeros(DataType.FLOAT, 1, 1, in, out);
            for (int i = 0; i < in; i++) {
                w.putScalar(new long[]{0, 0, i, i + offset}, 1.0);
            }
            return w;
        }

        /** conv -> batch norm becomes one conv; conv/binary/matmul+bias -> relu become post-ops. */
        private void fuse(List<String> outputs) {
            Map<String, Integer> uses = new HashMap<>();
            for (Node n : nodes) {
                for (String i : n.ins) {
                    uses.merge(resolve(i), 1, Integer::sum);
                }
            }
            Set<String> outs = new HashSet<>();
            for (String o : outputs) {
                outs.add(resolve(o));
            }
            List<Node> fused = new ArrayList<>();
            Map<String, Node> producer = new HashMap<>();
            for (Node n : nodes) {
                n.ins.replaceAll(this::resolve);
                Node p = n.ins.isEmpty() ? null : producer.get(n.ins.get(0));
                boolean single = p != null && uses.getOrDefault(p.out, 0) == 1 && !outs.contains(p.out) && !p.relu;
                if (single && n instanceof ConvNode bn && bn.scaleShiftOnly && p instanceof ConvNode conv
                        && conv.mean == null && !conv.scaleShiftOnly && !conv.relu) {
                    conv.mean = bn.mean;
                    conv.var = bn.var;
                    conv.gamma = bn.gamma;
                    conv.beta = bn.beta;
                    conv.eps = bn.eps;
                    merge(n, conv, uses, outs);
                    continue;
                }
                if (single && n instanceof EltNode e && e.alg == dnnl.algorithm.eltwise_relu
                        && (p instanceof ConvNode || p instanceof BinNode || p instanceof IpNode)) {
                    p.relu = true;
                    merge(n, p, uses, outs);
                    continue;
                }
                if (n instanceof BinNode b && b.alg == dnnl.algorithm.binary_add && b.other == null
                        && !n.ins.get(0).equals(n.ins.get(1))) {
                    // the operand computed later takes the other one as a sum post-op
                    Node p0 = producer.get(n.ins.get(0));
                    Node p1 = producer.get(n.ins.get(1));
                    boolean second = fused.indexOf(p1) > fused.indexOf(p0);
                    Node later = second ? p1 : p0;
                    String other = second ? n.ins.get(0) : n.ins.get(1);
                    if (later instanceof ConvNode c && !c.relu && !c.sum && !c.scaleShiftOnly
                            && uses.getOrDefault(c.out, 0) == 1 && !outs.contains(c.out) && !other.equals(c.ins.get(0))) {
                        c.sum = true;
                        c.ins.add(other);
                        merge(n, c, uses, outs);
                        continue;
                    }
                }
                if (single && n instanceof BinNode b && b.alg == dnnl.algorithm.binary_add && b.other != null
                        && p instanceof IpNode ip && ip.bias == null) {
                    long[] s = sd.getVariable(b.other.name()).getShape();
                    if (s != null && s.length == 1) {
                        ip.bias = b.other;
                        merge(n, p, uses, outs);
                        continue;
                    }
                }
                fused.add(n);
                producer.put(n.out, n);
            }
            nodes.clear();
            nodes.addAll(fused);
        }

        /** {@code n} is now computed by {@code into}: its consumers and output status move there. */
        private void merge(Node n, Node into, Map<String, Integer> uses, Set<String> outs) {
            alias.put(n.out, into.out);
            uses.put(into.out, uses.getOrDefault(n.out, 0));
            if (outs.contains(n.out)) {
                outs.add(into.out);
            }
        }
    }

    // ---------------------------------------------------------------- execution

    /** Primitives for one batch size, with their memories; weights are refreshed before every run. */
    private final class Plan {
        final stream strm = new stream(ENGINE);
        final List<primitive> prims = new ArrayList<>();
        final List<IntMemoryMap> argsList = new ArrayList<>();
        /** Per run: writes current (folded) parameters into the primitives' memories; returns arrays to free after the run. */
        final List<java.util.function.Consumer<Statics>> refresh = new ArrayList<>();
        final Map<String, reorder> outReorders = new LinkedHashMap<>();
        final List<Pointer> staging = new ArrayList<>();
        final Map<String, memory> mem = new HashMap<>();
        final Map<String, memory.desc> md = new HashMap<>();
        final Map<String, long[]> dims = new HashMap<>();
        final memory inputMem;
        final Map<String, memory> outUser = new LinkedHashMap<>();
        final Map<String, long[]> outDims = new LinkedHashMap<>();
        final List<Object> keep = new ArrayList<>();
        /** Activation buffers are reused once their value is dead (a resnet56_cifar batch of 64 needs ~5, not ~90). */
        final Map<String, Buf> bufOf = new HashMap<>();
        final Map<Long, java.util.ArrayDeque<Buf>> free = new HashMap<>();
        final Map<String, Integer> lastUse = new HashMap<>();
        int pos;
        int temps;
        long bytes;
        /** The stored arrays the primitives' weights were last folded from. */
        final Snapshot snapshot = new Snapshot(leaves());
        /** Static values at plan time, for their shapes. */
        final Map<String, INDArray> st0 = evaluateStatics();

        Plan(long[] inDims) {
            memory.desc inMd = new memory.desc(inDims, memory.data_type.f32, memory.format_tag.nchw);
            inputMem = new memory(inMd, ENGINE, (Pointer) null);
            mem.put(input, inputMem);
            md.put(input, inMd);
            dims.put(input, inDims);
            for (int i = 0; i < nodes.size(); i++) {
                for (String in : nodes.get(i).ins) {
                    lastUse.put(in, i);
                }
            }
            for (String o : outputs) {
                lastUse.put(resolveAlias(o), Integer.MAX_VALUE);
            }
            for (pos = 0; pos < nodes.size(); pos++) {
                Node n = nodes.get(pos);
                lastUse.putIfAbsent(n.out, pos);
                build(n);
                for (Map.Entry<String, Integer> e : lastUse.entrySet()) {
                    if (e.getValue() == pos) {
                        release(e.getKey());
                    }
                }
            }
            for (String o : outputs) {
                String r = resolveAlias(o);
                long[] d = dims.get(r);
                memory.desc user = new memory.desc(d, memory.data_type.f32, d.length == 4 ? memory.format_tag.nchw
                        : memory.format_tag.nc);
                memory u = new memory(user, ENGINE, (Pointer) null);
                outUser.put(o, u);
                outReorders.put(o, new reorder(mem.get(r), u));
                outDims.put(o, d);
            }
        }

        private memory.desc any(long[] d) {
            return new memory.desc(d, memory.data_type.f32, memory.format_tag.any);
        }

        /** Persistent memory (weights, workspaces). */
        private memory alloc(memory.desc d) {
            memory m = new memory(d, ENGINE);
            keep.add(m);
            return m;
        }

        /** Memory for the value {@code name} from the pool of dead buffers. */
        private memory allocValue(memory.desc d, String name) {
            long size = d.get_size();
            java.util.ArrayDeque<Buf> q = free.get(size);
            Buf b = q == null || q.isEmpty() ? null : q.poll();
            if (b == null) {
                b = new Buf(new org.bytedeco.javacpp.BytePointer(size), size);
                bytes += size;
            }
            b.refs = 1;
            bufOf.put(name, b);
            memory m = new memory(d, ENGINE, b.ptr);
            keep.add(m);
            return m;
        }

        private void release(String name) {
            Buf b = bufOf.remove(name);
            if (b != null && --b.refs == 0) {
                free.computeIfAbsent(b.size, k -> new java.util.ArrayDeque<>()).add(b);
            }
        }

        /** The value {@code name} in layout {@code want}, reordering once per run when it differs. */
        private memory as(String name, memory.desc want) {
            memory m = mem.get(name);
            if (md.get(name).equals(want)) {
                return m;
            }
            String tmp = "#tmp" + (temps++);
            memory r = allocValue(want, tmp);
            lastUse.put(tmp, pos);
            step(new reorder(m, r), Map.of(dnnl.DNNL_ARG_SRC, m, dnnl.DNNL_ARG_DST, r));
            return r;
        }

        private void step(primitive p, Map<Integer, memory> args) {
            IntMemoryMap map = new IntMemoryMap();
            for (Map.Entry<Integer, memory> e : args.entrySet()) {
                map.put(e.getKey(), e.getValue());
            }
            prims.add(p);
            argsList.add(map);
        }

        private primitive_attr attr(boolean relu) {
            primitive_attr a = new primitive_attr();
            if (relu) {
                post_ops po = new post_ops();
                po.append_eltwise(1.0f, dnnl.algorithm.eltwise_relu, 0f, 0f);
                a.set_post_ops(po);
                keep.add(po);
            }
            keep.add(a);
            return a;
        }

        private void output(Node n, memory.desc d, long[] shape, memory m) {
            mem.put(n.out, m);
            md.put(n.out, d);
            dims.put(n.out, shape);
        }

        private void build(Node n) {
            long[] in = dims.get(n.ins.get(0));
            if (n instanceof ConvNode c) {
                if (c.selection && c.weight == null) {
                    c.in = (int) in[1];
                    c.outC = c.in + c.padBefore + c.padAfter;
                    c.weight = new Static(null, Compiler.selectionWeight(c.in, c.outC, c.padBefore));
                }
                long ho = (in[2] + 2 * c.ph - (c.dh * (c.kh - 1) + 1)) / c.sh + 1;
                long wo = (in[3] + 2 * c.pw - (c.dw * (c.kw - 1) + 1)) / c.sw + 1;
                long[] od = {in[0], c.outC, ho, wo};
                long[] wd = c.groups == 1 ? new long[]{c.outC, c.in, c.kh, c.kw}
                        : new long[]{c.groups, c.outC / c.groups, c.in / c.groups, c.kh, c.kw};
                convolution_forward.desc desc = new convolution_forward.desc(dnnl.prop_kind.forward_inference,
                        dnnl.algorithm.convolution_direct, any(in), any(wd), new memory.desc(new long[]{c.outC},
                        memory.data_type.f32, memory.format_tag.a), any(od), new long[]{c.sh, c.sw},
                        new long[]{c.dh - 1, c.dw - 1}, new long[]{c.ph, c.pw}, new long[]{c.ph, c.pw});
                primitive_attr attr = new primitive_attr();
                post_ops po = new post_ops();
                if (c.sum) {
                    po.append_sum();
                }
                if (c.relu) {
                    po.append_eltwise(1.0f, dnnl.algorithm.eltwise_relu, 0f, 0f);
                }
                attr.set_post_ops(po);
                keep.add(attr);
                keep.add(po);
                convolution_forward.primitive_desc pd = new convolution_forward.primitive_desc(desc, attr, ENGINE);
                memory src = as(n.ins.get(0), pd.src_desc());
                memory w = alloc(pd.weights_desc());
                memory b = new memory(pd.bias_desc(), ENGINE, (Pointer) null);
                keep.add(b);
                memory dst;
                if (c.sum) {
                    String other = n.ins.get(1);
                    Buf ob = bufOf.get(other);
                    if (ob != null && ob.refs == 1 && lastUse.get(other) == pos && md.get(other).equals(pd.dst_desc())) {
                        // the residual's buffer is dead after this conv: accumulate into it in place
                        bufOf.remove(other);
                        bufOf.put(n.out, ob);
                        dst = new memory(pd.dst_desc(), ENGINE, ob.ptr);
                        keep.add(dst);
                    } else {
                        dst = allocValue(pd.dst_desc(), n.out);
                        memory om = mem.get(other);
                        step(new reorder(om, dst), Map.of(dnnl.DNNL_ARG_SRC, om, dnnl.DNNL_ARG_DST, dst));
                    }
                } else {
                    dst = allocValue(pd.dst_desc(), n.out);
                }
                // YXIO user weights: dims (O, I, kH, kW) / (G, O/G, I/G, kH, kW) with explicit strides.
                long o = c.outC / c.groups;
                long i = c.in / c.groups;
                long[] ws = c.groups == 1 ? new long[]{1, o, c.kw * i * o, i * o}
                        : new long[]{o, 1, c.groups * o, c.kw * c.groups * i * o, c.groups * i * o};
                if (c.depthwise || c.scaleShiftOnly) {
                    // depthwise [kH, kW, C, 1]: element (g, 0, 0, y, x) at y*kW*C + x*C + g
                    ws = new long[]{1, 1, 1, c.kw * c.groups, c.groups};
                }
                memory.desc userWd = new memory.desc(wd, memory.data_type.f32, ws);
                FloatPointer biasBuf = new FloatPointer(c.outC);
                memory userW = new memory(userWd, ENGINE, (Pointer) null);
                b.set_data_handle(biasBuf, strm);
                keep.addAll(List.of(userW, biasBuf));
                reorder wr = new reorder(userW, w);
                keep.add(wr);
                refresh.add(st -> {
                    // staging buffers live only until the weights are in the primitive's own layout
                    float[][] tmp = new float[2][];
                    fold(c, st, tmp);
                    FloatPointer staged = new FloatPointer(tmp[0]);
                    userW.set_data_handle(staged, strm);
                    biasBuf.put(tmp[1]);
                    wr.execute(strm, userW, w);
                    staging.add(staged);
                });
                step(new convolution_forward(pd), Map.of(dnnl.DNNL_ARG_SRC, src, dnnl.DNNL_ARG_WEIGHTS, w,
                        dnnl.DNNL_ARG_BIAS, b, dnnl.DNNL_ARG_DST, dst));
                output(n, pd.dst_desc(), od, dst);
            } else if (n instanceof EltNode e) {
                memory.desc d = md.get(n.ins.get(0));
                eltwise_forward.primitive_desc pd = new eltwise_forward.primitive_desc(new eltwise_forward.desc(
                        dnnl.prop_kind.forward_inference, e.alg, d, e.alg == dnnl.algorithm.eltwise_swish ? 1f : 0f, 0f), ENGINE);
                memory dst = allocValue(pd.dst_desc(), n.out);
                step(new eltwise_forward(pd), Map.of(dnnl.DNNL_ARG_SRC, mem.get(n.ins.get(0)), dnnl.DNNL_ARG_DST, dst));
                output(n, pd.dst_desc(), in, dst);
            } else if (n instanceof BinNode b) {
                memory.desc d0 = md.get(n.ins.get(0));
                memory src0 = mem.get(n.ins.get(0));
                memory src1;
                memory.desc d1;
                if (b.other == null) {
                    long[] in1 = dims.get(n.ins.get(1));
                    if (Arrays.equals(in, in1)) {
                        src1 = as(n.ins.get(1), d0);
                        d1 = d0;
                    } else if (in1.length == 4 && in1[2] == 1 && in1[3] == 1 && in1[1] == in[1]) {
                        // squeeze-excitation scale [N, C, 1, 1]: oneDNN 2.5 runs this broadcast with a
                        // blocked src0 in its reference code (~100x slower); plain layouts take the jit path.
                        d1 = new memory.desc(in1, memory.data_type.f32, memory.format_tag.nchw);
                        src1 = as(n.ins.get(1), d1);
                        d0 = new memory.desc(in, memory.data_type.f32, memory.format_tag.nchw);
                        src0 = as(n.ins.get(0), d0);
                    } else {
                        throw new IllegalStateException("binary op on " + Arrays.toString(in) + " and " + Arrays.toString(in1));
                    }
                } else {
                    long[] s = st0.get(b.other.name()).shape();
                    long[] bd = new long[in.length];
                    Arrays.fill(bd, 1);
                    long len = 1;
                    for (long x : s) {
                        len *= x;
                    }
                    if (len == 1) {
                        // scalar
                    } else if (len == in[1]) {
                        bd[1] = len;
                    } else {
                        throw new IllegalStateException("binary op with a static operand of shape " + Arrays.toString(s));
                    }
                    d1 = new memory.desc(bd, memory.data_type.f32, in.length == 4 ? memory.format_tag.nchw : memory.format_tag.nc);
                    FloatPointer buf = new FloatPointer(d1.get_size() / 4);
                    memory m1 = new memory(d1, ENGINE, buf);
                    keep.add(m1);
                    keep.add(buf);
                    String sn = b.other.name();
                    refresh.add(st -> buf.put(st.get(sn)));
                    src1 = m1;
                }
                binary.primitive_desc pd = new binary.primitive_desc(new binary.desc(b.alg, d0, d1, any(in)), attr(b.relu), ENGINE);
                memory dst = allocValue(pd.dst_desc(), n.out);
                step(new binary(pd), Map.of(dnnl.DNNL_ARG_SRC_0, src0, dnnl.DNNL_ARG_SRC_1, src1,
                        dnnl.DNNL_ARG_DST, dst));
                output(n, pd.dst_desc(), in, dst);
            } else if (n instanceof PoolNode p) {
                long kh = p.global ? in[2] : p.kh;
                long kw = p.global ? in[3] : p.kw;
                long sh = p.global ? 1 : p.sh;
                long sw = p.global ? 1 : p.sw;
                long ph = p.global ? 0 : p.ph;
                long pw = p.global ? 0 : p.pw;
                long ho = (in[2] + 2 * ph - kh) / sh + 1;
                long wo = (in[3] + 2 * pw - kw) / sw + 1;
                long[] od = {in[0], in[1], ho, wo};
                memory.desc d = md.get(n.ins.get(0));
                memory.desc dd = any(od);
                pooling_forward.primitive_desc pd = new pooling_forward.primitive_desc(new pooling_forward.desc(
                        dnnl.prop_kind.forward_inference, p.alg, d, dd, new long[]{sh, sw}, new long[]{kh, kw},
                        new long[]{ph, pw}, new long[]{ph, pw}), ENGINE);
                memory dst = allocValue(pd.dst_desc(), n.out);
                Map<Integer, memory> args = new HashMap<>(Map.of(dnnl.DNNL_ARG_SRC, mem.get(n.ins.get(0)), dnnl.DNNL_ARG_DST, dst));
                if (pd.workspace_desc().get_size() > 0) {
                    args.put(dnnl.DNNL_ARG_WORKSPACE, alloc(pd.workspace_desc()));
                }
                step(new pooling_forward(pd), args);
                output(n, pd.dst_desc(), od, dst);
            } else if (n instanceof ConcatNode) {
                long total = 0;
                for (String i : n.ins) {
                    long[] d = dims.get(i);
                    if (d.length != 4 || d[0] != in[0] || d[2] != in[2] || d[3] != in[3]) {
                        throw new IllegalStateException("concat of " + Arrays.toString(in) + " and " + Arrays.toString(d));
                    }
                    total += d[1];
                }
                long[] od = {in[0], total, in[2], in[3]};
                memory.desc d = new memory.desc(od, memory.data_type.f32, memory.format_tag.nchw);
                memory dst = allocValue(d, n.out);
                long off = 0;
                for (String i : n.ins) {
                    long[] di = dims.get(i);
                    memory part = new memory(d.submemory_desc(di, new long[]{0, off, 0, 0}), ENGINE, dst.get_data_handle());
                    keep.add(part);
                    memory src = mem.get(i);
                    step(new reorder(src, part), Map.of(dnnl.DNNL_ARG_SRC, src, dnnl.DNNL_ARG_DST, part));
                    off += di[1];
                }
                output(n, d, od, dst);
            } else if (n instanceof ReshapeNode r) {
                long c = in.length == 4 ? in[1] : in[1];
                if ((in.length == 4 && (in[2] != 1 || in[3] != 1)) || (r.channels > 0 && r.channels != c)) {
                    throw new IllegalStateException("reshape of " + Arrays.toString(in));
                }
                long[] od = r.to4d ? new long[]{in[0], in[1], 1, 1} : new long[]{in[0], in[1]};
                memory.desc plainIn = new memory.desc(in, memory.data_type.f32, in.length == 4 ? memory.format_tag.nchw : memory.format_tag.nc);
                memory src = as(n.ins.get(0), plainIn);
                memory.desc d = new memory.desc(od, memory.data_type.f32, od.length == 4 ? memory.format_tag.nchw : memory.format_tag.nc);
                memory view = new memory(d, ENGINE, (Pointer) null);
                keep.add(view);
                // Same buffer, other dims: the handle is taken once the source is allocated (it is, by now).
                view.set_data_handle(src.get_data_handle(), strm);
                Buf sb = bufOf.get(md.get(n.ins.get(0)).equals(plainIn) ? n.ins.get(0) : "#tmp" + (temps - 1));
                if (sb != null) {
                    sb.refs++;
                    bufOf.put(n.out, sb);
                }
                output(n, d, od, view);
            } else if (n instanceof IpNode ip) {
                if (in.length != 2) {
                    throw new IllegalStateException("matmul of rank " + in.length);
                }
                long[] w = st0.get(ip.weight.name()).shape();
                long[] od = {in[0], w[1]};
                memory.desc wd = new memory.desc(new long[]{w[1], w[0]}, memory.data_type.f32, new long[]{1, w[1]});
                memory.desc bd = new memory.desc(new long[]{w[1]}, memory.data_type.f32, memory.format_tag.a);
                memory.desc srcD = new memory.desc(in, memory.data_type.f32, memory.format_tag.nc);
                memory.desc dstD = new memory.desc(od, memory.data_type.f32, memory.format_tag.nc);
                inner_product_forward.primitive_desc pd = new inner_product_forward.primitive_desc(
                        new inner_product_forward.desc(dnnl.prop_kind.forward_inference, srcD, wd, bd, dstD), attr(ip.relu), ENGINE);
                memory src = as(n.ins.get(0), srcD);
                FloatPointer wBuf = new FloatPointer(w[0] * w[1]);
                FloatPointer bBuf = new FloatPointer(w[1]);
                bBuf.put(new float[(int) w[1]]);
                memory wm = new memory(wd, ENGINE, wBuf);
                memory bm = new memory(bd, ENGINE, bBuf);
                keep.addAll(List.of(wm, bm, wBuf, bBuf));
                refresh.add(st -> {
                    wBuf.put(st.get(ip.weight.name()));
                    if (ip.bias != null) {
                        bBuf.put(st.get(ip.bias.name()));
                    }
                });
                memory dst = allocValue(dstD, n.out);
                step(new inner_product_forward(pd), Map.of(dnnl.DNNL_ARG_SRC, src, dnnl.DNNL_ARG_WEIGHTS, wm,
                        dnnl.DNNL_ARG_BIAS, bm, dnnl.DNNL_ARG_DST, dst));
                output(n, dstD, od, dst);
            } else {
                throw new IllegalStateException(n.getClass().getSimpleName());
            }
        }

        void close() {
            for (IntMemoryMap m : argsList) {
                m.close();
            }
            for (primitive p : prims) {
                p.close();
            }
            for (reorder r : outReorders.values()) {
                r.close();
            }
            for (memory m : outUser.values()) {
                m.close();
            }
            inputMem.close();
            strm.close();
            for (Object o : keep) {
                if (o instanceof Pointer p) {
                    p.close();
                }
            }
            Set<Buf> bufs = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            bufs.addAll(bufOf.values());
            free.values().forEach(bufs::addAll);
            for (Buf b : bufs) {
                b.ptr.close();
            }
        }

        Map<String, INDArray> run(INDArray x) {
            long t0 = System.nanoTime();
            // The stored arrays everything static derives from, compared byte for byte (not a hash) with
            // what the weights were last folded from: unchanged -> nothing to redo.
            if (!snapshot.unchanged()) {
                Statics st = new Statics();
                for (var r : refresh) {
                    r.accept(st);
                }
                strm._wait();
                for (Pointer p : staging) {
                    p.close();
                }
                staging.clear();
                snapshot.take();
            }
            lastRefreshNanos = System.nanoTime() - t0;
            inputMem.set_data_handle(x.data().addressPointer(), strm);
            for (int i = 0; i < prims.size(); i++) {
                prims.get(i).execute(strm, argsList.get(i));
            }
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, memory> e : outUser.entrySet()) {
                INDArray arr = Nd4j.createUninitialized(DataType.FLOAT, outDims.get(e.getKey()));
                memory u = e.getValue();
                u.set_data_handle(arr.data().addressPointer(), strm);
                String r = resolveAlias(e.getKey());
                outReorders.get(e.getKey()).execute(strm, mem.get(r), u);
                out.put(e.getKey(), arr);
            }
            strm._wait();
            return out;
        }
    }

    /** Variables and constants every static value is computed from. */
    private List<String> leaves() {
        Set<String> out = new java.util.TreeSet<>();
        List<String> stack = new ArrayList<>(staticNames());
        Set<String> seen = new HashSet<>();
        while (!stack.isEmpty()) {
            String v = stack.remove(stack.size() - 1);
            if (!seen.add(v)) {
                continue;
            }
            SDVariable var = sd.getVariable(v);
            if (var.getVariableType() == VariableType.VARIABLE || var.getVariableType() == VariableType.CONSTANT) {
                out.add(v);
            } else if (var.getVariableType() == VariableType.ARRAY) {
                for (SDVariable a : sd.getVariableOutputOp(v).args()) {
                    stack.add(a.name());
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Leaf arrays up to this many bytes in total are kept as exact copies; larger networks keep checksums. */
    static final long EXACT_SNAPSHOT_BYTES = 64L << 20;

    private volatile boolean fixedWeights;

    /**
     * A promise that the weights, statistics and masks no longer change (a deployed model): after the first
     * fold, calls skip the change check, which for large models is a real share of a call (resnext101_32x8d:
     * checksums over 350 MB per call). Never for a model that trains or swaps BiasPruner tasks.
     */
    public void setFixedWeights(boolean fixed) {
        this.fixedWeights = fixed;
    }

    /**
     * What the leaf arrays held when the weights were last folded: exact copies of their bytes (compared
     * without copying; ByteBuffer.mismatch is vectorised) or, above {@link #EXACT_SNAPSHOT_BYTES}, CRC-32
     * and CRC-32C of each (64 bits, two polynomials), so that resnext101_32x8d does not keep a third copy
     * of its 350 MB of weights.
     */
    private final class Snapshot {
        final List<String> names;
        final java.nio.ByteBuffer[] copies;
        final long[] sums;
        final boolean exact;
        boolean taken;

        Snapshot(List<String> names) {
            this.names = names;
            long total = 0;
            for (String n : names) {
                INDArray a = sd.getVariable(n).getArr();
                total += a.data().length() * a.data().getElementSize();
            }
            this.exact = total <= EXACT_SNAPSHOT_BYTES;
            this.copies = new java.nio.ByteBuffer[names.size()];
            this.sums = new long[names.size()];
        }

        private java.nio.ByteBuffer bytes(String name) {
            INDArray a = sd.getVariable(name).getArr();
            long n = a.data().length() * a.data().getElementSize();
            org.bytedeco.javacpp.BytePointer p = new org.bytedeco.javacpp.BytePointer(a.data().addressPointer());
            p.capacity(n).limit(n);
            return p.asByteBuffer();
        }

        private long checksum(java.nio.ByteBuffer b) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            java.util.zip.CRC32C crcC = new java.util.zip.CRC32C();
            crc.update(b.duplicate());
            crcC.update(b);
            return crc.getValue() << 32 | crcC.getValue();
        }

        boolean unchanged() {
            if (!taken) {
                return false;
            }
            if (fixedWeights) {
                return true;
            }
            for (int i = 0; i < names.size(); i++) {
                java.nio.ByteBuffer b = bytes(names.get(i));
                if (exact ? b.mismatch(copies[i]) != -1 : checksum(b) != sums[i]) {
                    return false;
                }
            }
            return true;
        }

        void take() {
            for (int i = 0; i < names.size(); i++) {
                java.nio.ByteBuffer b = bytes(names.get(i));
                if (!exact) {
                    sums[i] = checksum(b);
                    continue;
                }
                if (copies[i] == null || copies[i].capacity() != b.capacity()) {
                    copies[i] = java.nio.ByteBuffer.allocate(b.capacity());
                }
                copies[i].clear();
                copies[i].put(b);
                copies[i].flip();
            }
            taken = true;
        }
    }

    private static final class Buf {
        final Pointer ptr;
        final long size;
        int refs;

        Buf(Pointer ptr, long size) {
            this.ptr = ptr;
            this.size = size;
        }
    }

    private static INDArray contiguous(INDArray a) {
        return a.isView() || a.ordering() != 'c' || a.offset() != 0 ? a.dup('c') : a;
    }

    /**
     * Folded weights (YXIO, output channel fastest; depthwise [kH, kW, C]) and bias of a conv node from the
     * current statics, into new arrays {@code out[0]} and {@code out[1]}. Plain Java: the
     * arithmetic is tiny and ~10 ND4J calls per layer cost 20% of a resnet56_cifar batch.
     */
    private static void fold(ConvNode c, Statics st, float[][] out) {
        int oc = c.outC;
        float[] bias = c.bias == null ? null : st.get(c.bias.name());
        float[] w = c.scaleShiftOnly ? null : c.weight.fixed() != null ? c.fixedFloats() : st.get(c.weight.name());
        int wl = w == null ? oc : w.length;
        out[0] = new float[wl];
        out[1] = new float[oc];
        float[] fw = out[0];
        float[] fb = out[1];
        if (c.mean == null) {
            System.arraycopy(w, 0, fw, 0, wl);
            for (int o = 0; o < oc; o++) {
                fb[o] = bias == null ? 0f : bias[o];
            }
            return;
        }
        float[] mean = st.get(c.mean.name());
        float[] var = st.get(c.var.name());
        float[] gamma = st.get(c.gamma.name());
        float[] beta = st.get(c.beta.name());
        float[] scale = new float[oc];
        for (int o = 0; o < oc; o++) {
            // scale = gamma / sqrt(var + eps); bias' = beta + (bias - mean) * scale
            double sc = gamma[o] / Math.sqrt(var[o] + c.eps);
            scale[o] = (float) sc;
            fb[o] = (float) (beta[o] + ((bias == null ? 0.0 : bias[o]) - mean[o]) * sc);
        }
        if (w == null) {
            System.arraycopy(scale, 0, fw, 0, oc);
            return;
        }
        for (int i = 0; i < wl; i++) {
            fw[i] = w[i] * scale[i % oc];
        }
    }

    private String resolveAlias(String v) {
        String a = alias.get(v);
        return a == null ? v : resolveAlias(a);
    }

    /**
     * Static values as float arrays in C order, read when a layer asks for them (so a large network never
     * holds a second full copy of its weights on the Java heap); mask products and reshapes without ND4J
     * calls, anything else derived through one SameDiff call.
     */
    private final class Statics {
        private Map<String, float[]> derived;

        float[] get(String name) {
            float[] v = directFloats(name);
            if (v != null) {
                return v;
            }
            if (derived == null) {
                List<String> names = new ArrayList<>();
                for (String n : staticNames()) {
                    if (directFloats(n) == null) {
                        names.add(n);
                    }
                }
                derived = new HashMap<>();
                for (Map.Entry<String, INDArray> e : sd.output(Map.of(), names.toArray(new String[0])).entrySet()) {
                    derived.put(e.getKey(), floats(e.getValue()));
                }
            }
            return derived.get(name);
        }
    }

    private static float[] floats(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            a = a.castTo(DataType.FLOAT);
        }
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length()) {
            a = a.dup('c');
        }
        return a.data().asFloat();
    }

    private float[] directFloats(String name) {
        SDVariable v = sd.getVariable(name);
        if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
            return floats(v.getArr());
        }
        DifferentialFunction op = sd.getVariableOutputOp(name);
        String k = op.opName();
        if (k.equals("identity") || k.equals("reshape") && op.args().length == 1) {
            return directFloats(op.args()[0].name()); // a C-order reshape keeps the element order
        }
        if (k.equals("multiply")) {
            float[] x = directFloats(op.args()[0].name());
            float[] y = x == null ? null : directFloats(op.args()[1].name());
            if (y == null || x.length != y.length) {
                return null;
            }
            float[] r = new float[x.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = x[i] * y[i];
            }
            return r;
        }
        return null;
    }

    private Set<String> staticNames() {
        Set<String> names = new HashSet<>();
        for (Node n : nodes) {
            if (n instanceof ConvNode c) {
                for (Static s : new Static[]{c.weight, c.bias, c.mean, c.var, c.gamma, c.beta}) {
                    if (s != null && s.name() != null) {
                        names.add(s.name());
                    }
                }
            } else if (n instanceof BinNode b && b.other != null) {
                names.add(b.other.name());
            } else if (n instanceof IpNode ip) {
                names.add(ip.weight.name());
                if (ip.bias != null) {
                    names.add(ip.bias.name());
                }
            }
        }
        return names;
    }

    /** Current values of every static input (parameters, statistics, masks and what is derived from them). */
    private Map<String, INDArray> evaluateStatics() {
        Set<String> names = staticNames();
        Map<String, INDArray> out = new HashMap<>();
        List<String> derived = new ArrayList<>();
        for (String n : names) {
            INDArray v = direct(n);
            if (v != null) {
                out.put(n, v);
            } else {
                derived.add(n);
            }
        }
        if (!derived.isEmpty()) {
            out.putAll(sd.output(Map.of(), derived.toArray(new String[0])));
        }
        return out;
    }

    /** A variable's array, or a mask-scaled one (x * m of two stored arrays), without running SameDiff. */
    private INDArray direct(String name) {
        SDVariable v = sd.getVariable(name);
        if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
            return v.getArr();
        }
        DifferentialFunction op = sd.getVariableOutputOp(name);
        if (op.opName().equals("multiply") || op.opName().equals("reshape") || op.opName().equals("identity")) {
            SDVariable[] a = op.args();
            INDArray x = direct(a[0].name());
            if (x == null) {
                return null;
            }
            if (op.opName().equals("identity")) {
                return x;
            }
            if (op.opName().equals("reshape")) {
                long[] s = a.length == 1 ? ((DynamicCustomOp) op).iArgs() : null;
                if (s != null && s.length > 0 && (s[0] == -'c' || s[0] == 'c')) {
                    s = Arrays.copyOfRange(s, 1, s.length);
                }
                return s == null || s.length == 0 ? null : x.reshape(s);
            }
            INDArray y = direct(a[1].name());
            return y == null || !Arrays.equals(x.shape(), y.shape()) ? null : x.mul(y);
        }
        return null;
    }

    /** Runs the translated graph on a float [N, C, H, W] batch; returns the requested outputs. */
    public synchronized Map<String, INDArray> output(INDArray x) {
        if (x.dataType() != DataType.FLOAT) {
            x = x.castTo(DataType.FLOAT);
        }
        x = contiguous(x);
        long[] shape = x.shape();
        String key = Arrays.toString(shape);
        Plan p = plans.get(key);
        if (p == null) {
            if (plans.size() >= 4) {
                // many batch sizes: free the old plans' native memory now rather than at some collection
                for (Plan old : plans.values()) {
                    old.close();
                }
                plans.clear();
            }
            p = new Plan(shape);
            plans.put(key, p);
        }
        try {
            return p.run(x);
        } finally {
            // oneDNN reads x's native buffer through a raw pointer: keep its wrapper (and buffer) alive until done
            java.lang.ref.Reference.reachabilityFence(x);
        }
    }

    private volatile long lastRefreshNanos;

    /** Time the last {@link #output} spent recomputing folded weights from the live parameters (diagnostics). */
    public long lastRefreshNanos() {
        return lastRefreshNanos;
    }

    /** Number of translated nodes after fusion (diagnostics). */
    public int nodeCount() {
        return nodes.size();
    }
}
