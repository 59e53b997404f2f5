package org.debias4j.train;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.internal.TrainingSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.GradientUpdater;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SameDiff's TrainingSession with every array it allocates returned to its array cache at the end of each
 * step (issue 8: resident memory crept ~0.2 MiB per step without levelling off).
 *
 * <p>Measured on resnet20_cifar, batch 16: of the ~360 arrays the session allocates per step, ~140 never reach
 * its memory manager's {@code release}: every parameter gradient (a requested output, which the session keeps),
 * and forward activations, their gradients and batch-norm statistics that share an id with an array released
 * earlier. ND4J M2.1 gives a cache hit a new id with {@code incrementAndGet} while constructors take the
 * counter's current value, so the next new array gets the same id, and the session's set of released ids
 * ({@code freedArrays}) then says "already released". Each step therefore allocated ~15 MiB of new native
 * buffers that only the garbage collector freed, in bulk and in random order, between buffers that live on in
 * the cache: glibc's heap filled with free holes (mallinfo: free bytes inside the arenas 57 -> 171 MiB over 300
 * steps while bytes in use stayed 125-210 MiB) and resident memory ratcheted up.
 *
 * <p>The fix: the memory manager skips the duplicated id after each cache hit, remembers what it handed out, and
 * at the end of the step releases to the cache whatever the session did not, so the next step reuses the same
 * buffers. Safe because a training step hands no session array out: {@link TrainingSession#trainingIteration}
 * returns only loss values, the gradients have been applied in place by then, and listeners read outputs
 * during the op that produced them. The set of released ids, which M2.1 never clears (+225 ids per step for the
 * life of the session), is cleared per step: with unique ids, only the current step's ids matter.
 */
final class RecyclingSession extends TrainingSession {
    private final RecyclingMemMgr memory = new RecyclingMemMgr();

    RecyclingSession(SameDiff sd) {
        super(sd);
        setMmgr(memory);
    }

    @Override
    public Loss trainingIteration(TrainingConfig config, Map<String, INDArray> placeholders, Set<String> paramsToTrain,
                                  Map<String, GradientUpdater> updaters, MultiDataSet batch, List<String> lossVariables,
                                  List<Listener> listeners, At at) {
        freedArrays.clear();
        try {
            return super.trainingIteration(config, placeholders, paramsToTrain, updaters, batch, lossVariables,
                    listeners, at);
        } finally {
            memory.recycle();
        }
    }

    /** Arrays the session itself did not release in the last step (taken back by {@link RecyclingMemMgr#recycle}). */
    int unreleasedLastStep() {
        return memory.lastRecycled;
    }

    /** Number of arrays the cache could not serve since the session was created (new native buffers). */
    long newAllocations() {
        return memory.misses;
    }

    /** Bytes of those new native buffers. */
    long newAllocationBytes() {
        return memory.missBytes;
    }

    /** ArrayCacheMemoryMgr that remembers what it handed out and takes back whatever the session did not release. */
    static final class RecyclingMemMgr extends ArrayCacheMemoryMgr {
        private static final AtomicLong ARRAY_COUNTER = arrayCounter();
        private final Map<INDArray, Boolean> outstanding = new IdentityHashMap<>();
        private int lastRecycled;
        private long misses;
        private long missBytes;

        @Override
        public INDArray allocate(boolean detached, DataType dataType, long... shape) {
            long cached = getCurrentCacheSize();
            return track(super.allocate(detached, dataType, shape), cached);
        }

        @Override
        public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
            long cached = getCurrentCacheSize();
            return track(super.allocate(detached, descriptor), cached);
        }

        private INDArray track(INDArray a, long cachedBefore) {
            if (getCurrentCacheSize() >= cachedBefore) {
                misses++; // a cache hit shrinks the cache; anything else was a new buffer
                missBytes += a.isEmpty() ? 0 : a.length() * a.dataType().width();
            } else {
                // A cache hit got a new id from assignNewId(), which takes counter+1 while constructors take
                // the counter's current value: the next new array would get the same id. Skip that value.
                ARRAY_COUNTER.incrementAndGet();
            }
            outstanding.put(a, Boolean.TRUE);
            return a;
        }

        @Override
        public void release(INDArray array) {
            outstanding.remove(array);
            super.release(array);
        }

        /** BaseNDArray's private id counter (SameDiff's session tells arrays apart by id). */
        private static AtomicLong arrayCounter() {
            try {
                Field f = BaseNDArray.class.getDeclaredField("arrayCounter");
                f.setAccessible(true);
                return (AtomicLong) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("ND4J's BaseNDArray.arrayCounter is not accessible (ND4J version?)", e);
            }
        }

        void recycle() {
            List<INDArray> left = new ArrayList<>(outstanding.keySet());
            outstanding.clear();
            lastRecycled = left.size();
            for (INDArray a : left) {
                if (!a.wasClosed()) {
                    super.release(a);
                }
            }
        }
    }
}
