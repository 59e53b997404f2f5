package org.debias4j.prune;

import org.debias4j.nn.BatchNormStats;
import org.debias4j.nn.Model;
import org.debias4j.util.UserException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which weights belong to which prunable units in a CIFAR ResNet block: a unit (output channel of the
 * block's first conv) owns its incoming filter (conv1 output channel) and its outgoing weights (conv2
 * input channel). Everything else in the backbone (stem, residual-width convs' other inputs) is shared
 * by all tasks. Freezing a task's units and, after the first task, the shared weights means no later
 * task can change what an earlier task's subnetwork computes: free units are masked out of every
 * earlier subnetwork, so their weights (including their outgoing conv2 slices) may keep learning.
 */
final class UnitGraph {
    private UnitGraph() {
    }

    static String block(String mask) {
        return mask.substring(0, mask.length() - ".units".length());
    }

    static String producer(String mask) {
        return block(mask) + ".conv1.weight";
    }

    static String consumer(String mask) {
        return block(mask) + ".conv2.weight";
    }

    /** Fails unless every mask has the CIFAR ResNet block layout this method relies on. */
    static void check(Model model) {
        Set<String> params = new HashSet<>(model.parameterNames());
        if (model.masks().isEmpty()) {
            throw new UserException("backbone " + model.spec().backbone().name() + " has no prunable units");
        }
        for (String m : model.masks().keySet()) {
            if (!params.contains(producer(m)) || !params.contains(consumer(m))) {
                throw new UserException("biaspruner needs a CIFAR ResNet backbone (resnet20/32/44/56_cifar): "
                        + model.spec().backbone().name() + " has no " + producer(m) + " / " + consumer(m));
            }
        }
    }

    /**
     * Freeze masks (1 = trainable, 0 = frozen, shaped like the parameter) protecting the {@code used}
     * units' incoming and outgoing weights and, when {@code freezeShared}, every other backbone weight
     * except batch norm (which is per task). Parameters absent from the map train freely.
     */
    static Map<String, INDArray> freezeMasks(Model model, Map<String, boolean[]> used, boolean freezeShared) {
        Set<String> bnParams = new HashSet<>();
        for (BatchNormStats.Layer l : model.batchNorms()) {
            bnParams.add(l.name() + ".weight");
            bnParams.add(l.name() + ".bias");
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        Set<String> unitParams = new HashSet<>();
        for (String m : model.masks().keySet()) {
            unitParams.add(producer(m));
            unitParams.add(consumer(m));
        }
        for (String p : model.backboneParameters()) {
            if (bnParams.contains(p)) {
                continue;
            }
            if (!unitParams.contains(p) && freezeShared) {
                out.put(p, Nd4j.zeros(model.param(p).dataType(), model.param(p).shape()));
            }
        }
        for (Map.Entry<String, boolean[]> e : used.entrySet()) {
            freezeSlices(model, out, producer(e.getKey()), 3, e.getValue());
            freezeSlices(model, out, consumer(e.getKey()), 2, e.getValue());
        }
        return out;
    }

    private static void freezeSlices(Model model, Map<String, INDArray> out, String param, int axis, boolean[] frozen) {
        INDArray p = model.param(param);
        INDArray m = out.computeIfAbsent(param, k -> Nd4j.ones(p.dataType(), p.shape()));
        for (int u = 0; u < frozen.length; u++) {
            if (frozen[u]) {
                slice(m, axis, u).assign(0);
            }
        }
    }

    /** A view of index i along one axis. */
    static INDArray slice(INDArray a, int axis, int i) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
        for (int d = 0; d < idx.length; d++) {
            idx[d] = d == axis ? NDArrayIndex.point(i) : NDArrayIndex.all();
        }
        return a.get(idx);
    }
}
