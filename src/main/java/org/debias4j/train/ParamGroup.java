package org.debias4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named set of parameters with its own optimizer and optimizer state, like a PyTorch optimizer
 * ("optimizer" = encoder + main head, "optimizer_confusion" = encoder, ...). The state lives here,
 * so it survives across steps and is saved in checkpoints.
 */
public final class ParamGroup {
    private final String name;
    private final Optim optim;
    private final List<String> params;
    private final Map<String, INDArray[]> state = new LinkedHashMap<>();
    private final Map<String, long[]> stepCount = new LinkedHashMap<>();

    public ParamGroup(String name, Optim optim, List<String> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("parameter group " + name + " is empty");
        }
        this.name = name;
        this.optim = optim;
        this.params = List.copyOf(params);
    }

    public String name() {
        return name;
    }

    public Optim optim() {
        return optim;
    }

    public List<String> params() {
        return params;
    }

    INDArray[] state(String param, INDArray like) {
        return state.computeIfAbsent(param, p -> {
            INDArray[] s = new INDArray[optim.stateSlots()];
            for (int i = 0; i < s.length; i++) {
                s[i] = Nd4j.zeros(like.dataType(), like.shape());
            }
            return s;
        });
    }

    long[] stepCounter(String param) {
        return stepCount.computeIfAbsent(param, p -> new long[1]);
    }

    /** Optimizer state as named tensors for checkpoints ("opt.GROUP.PARAM.SLOT", "...step"). */
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray[]> e : state.entrySet()) {
            for (int i = 0; i < e.getValue().length; i++) {
                out.put("opt." + name + "." + e.getKey() + "." + i, e.getValue()[i]);
            }
            out.put("opt." + name + "." + e.getKey() + ".step", Nd4j.scalar((float) stepCounter(e.getKey())[0]));
        }
        return out;
    }

    /** Restores state saved by {@link #stateDict()} (entries of other groups are ignored). */
    public void loadStateDict(Map<String, INDArray> saved, Map<String, INDArray> paramArrays) {
        for (String p : params) {
            INDArray[] s = state(p, paramArrays.get(p));
            for (int i = 0; i < s.length; i++) {
                INDArray a = saved.get("opt." + name + "." + p + "." + i);
                if (a != null) {
                    s[i].assign(a.reshape(s[i].shape()));
                }
            }
            INDArray step = saved.get("opt." + name + "." + p + ".step");
            if (step != null) {
                stepCounter(p)[0] = Math.round(step.getDouble(0));
            }
        }
    }
}
