// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A batch of queued tasks: a reusable view over the columns one dequeue crossing fills. Each
 * field of the batch is one column of a plain {@code long[]} that the native side writes
 * straight from the kernel's ring, so a loop over {@code pid(i)}, {@code cpu(i)}, ... costs
 * what array reads cost, and walking a batch allocates nothing. The content is valid until
 * the next {@code dequeueTasks} on the same channel.
 *
 * <pre>{@code
 * QueuedTasks batch = sched.queuedTasks();
 * int n = sched.dequeueTasks(batch);
 * for (int i = 0; i < n; i++) {
 *     int pid = batch.pid(i);
 *     ...
 * }
 * }</pre>
 */
public final class QueuedTasks {
    /** The comm's bytes sit in its column words in memory order. */
    private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** {@code Layout.QCOLS} columns {@link #stride} apart: field c of task i at c * stride + i. */
    private final long[] cols;
    private final int capacity;
    private final int stride;
    final Object owner;
    private int size;
    private int nrCpus = Layout.MAX_CPUS; // the CPU id space until the scheduler knows nr_cpu_ids
    // Where each column starts (final: the JIT folds them into the index like constants).
    private final int pidAt;
    private final int cpuAt;
    private final int nrCpusAllowedAt;
    private final int flagsAt;
    private final int startTsAt;
    private final int stopTsAt;
    private final int execRuntimeAt;
    private final int weightAt;
    private final int vtimeAt;
    private final int enqCntAt;
    private final int commAt;
    private final int maskAt;

    QueuedTasks(int capacity, Object owner) {
        this.capacity = Args.capacity(capacity);
        this.stride = Layout.columnStride(capacity);
        this.owner = owner;
        this.cols = new long[Math.multiplyExact(Layout.QCOLS, stride)];
        pidAt = Layout.QCOL_PID * stride;
        cpuAt = Layout.QCOL_CPU * stride;
        nrCpusAllowedAt = Layout.QCOL_NR_CPUS_ALLOWED * stride;
        flagsAt = Layout.QCOL_FLAGS * stride;
        startTsAt = Layout.QCOL_START_TS * stride;
        stopTsAt = Layout.QCOL_STOP_TS * stride;
        execRuntimeAt = Layout.QCOL_EXEC_RUNTIME * stride;
        weightAt = Layout.QCOL_WEIGHT * stride;
        vtimeAt = Layout.QCOL_VTIME * stride;
        enqCntAt = Layout.QCOL_ENQ_CNT * stride;
        commAt = Layout.QCOL_COMM * stride;
        maskAt = Layout.QCOL_MASK * stride;
    }

    /** A batch for simulations and tests, for {@code nrCpus} CPU ids. */
    static QueuedTasks onHeap(int capacity, int nrCpus, Object owner) {
        QueuedTasks q = new QueuedTasks(capacity, owner);
        q.limitCpus(nrCpus);
        return q;
    }

    /** @return the number of CPU ids of the machine the tasks come from (valid CPUs are below it) */
    int nrCpuIds() {
        return nrCpus;
    }

    /** CPU ids asked about are below {@code n} from now on. */
    void limitCpus(int n) {
        nrCpus = n;
    }

    /** @return how many tasks the last dequeue put here */
    public int size() {
        return size;
    }

    /** @return the most tasks one dequeue can bring */
    public int capacity() {
        return capacity;
    }

    /** @return true if the last dequeue brought nothing */
    public boolean isEmpty() {
        return size == 0;
    }

    void setSize(int n) {
        size = n;
    }

    /** The columns the native dequeue fills ({@code Layout.QCOLS}, {@link #stride()} apart). */
    long[] columns() {
        return cols;
    }

    /** @return the distance between two columns of {@link #columns()} */
    int stride() {
        return stride;
    }

    /**
     * Row {@code i} from a record in the kernel's layout at {@code base} of {@code rec} (the
     * simulator writes records as BPF does); the affinity words of {@code nrCpus} CPU ids.
     */
    void putRecord(int i, ByteBuffer record, int base) {
        Objects.checkIndex(i, capacity);
        ByteBuffer rec = record.duplicate().order(ByteOrder.nativeOrder());
        cols[pidAt + i] = rec.getInt(base + Layout.Q_PID);
        cols[cpuAt + i] = rec.getInt(base + Layout.Q_CPU);
        cols[nrCpusAllowedAt + i] = rec.getLong(base + Layout.Q_NR_CPUS_ALLOWED);
        cols[flagsAt + i] = rec.getLong(base + Layout.Q_FLAGS);
        cols[startTsAt + i] = rec.getLong(base + Layout.Q_START_TS);
        cols[stopTsAt + i] = rec.getLong(base + Layout.Q_STOP_TS);
        cols[execRuntimeAt + i] = rec.getLong(base + Layout.Q_EXEC_RUNTIME);
        cols[weightAt + i] = rec.getLong(base + Layout.Q_WEIGHT);
        cols[vtimeAt + i] = rec.getLong(base + Layout.Q_VTIME);
        cols[enqCntAt + i] = rec.getLong(base + Layout.Q_ENQ_CNT);
        for (int w = 0; w < Layout.COMM_LEN / Long.BYTES; w++) {
            cols[commAt + w * stride + i] = rec.getLong(base + Layout.Q_COMM + w * Long.BYTES);
        }
        for (int w = 0, words = (nrCpus + 63) >>> 6; w < words; w++) {
            cols[maskAt + w * stride + i] = rec.getLong(base + Layout.Q_CPUS_ALLOWED + w * Long.BYTES);
        }
    }

    private int row(int i) {
        return Objects.checkIndex(i, size);
    }

    private long maskWord(int row, int w) {
        return cols[maskAt + w * stride + row];
    }

    /**
     * @param i index below {@link #size()}
     * @return the thread id
     */
    public int pid(int i) {
        return (int) cols[pidAt + row(i)];
    }

    /**
     * @param i index
     * @return the CPU it last ran on, or an idle CPU BPF picked
     */
    public int cpu(int i) {
        return (int) cols[cpuAt + row(i)];
    }

    /**
     * @param i index
     * @return how many CPUs its affinity allows ({@link #cpusAllowed} says which)
     */
    public long nrCpusAllowed(int i) {
        return cols[nrCpusAllowedAt + row(i)];
    }

    /**
     * Whether task {@code i} may run on {@code cpu}: its affinity when it was queued, which is
     * its affinity when the decision is applied (a change of affinity re-queues the task with a
     * new {@link #enqCnt}, and a decision carrying the old one is cancelled, never bounced). A
     * decision for a CPU this allows is never bounced. One word read: O(1).
     *
     * @param i index below {@link #size()}
     * @param cpu a CPU id of this machine
     * @return true if the task may run there
     * @throws IllegalArgumentException if {@code cpu} is not a CPU id of this machine
     */
    public boolean mayRunOn(int i, int cpu) {
        Args.cpu(cpu, nrCpus);
        return (maskWord(row(i), cpu >>> 6) & (1L << cpu)) != 0;
    }

    /**
     * The CPU task {@code i} may run on that comes first at or after {@code fromCpu}, wrapping
     * around to CPU 0: what a round-robin policy asks. Reads the task's affinity words, no
     * allocation.
     *
     * @param i index below {@link #size()}
     * @param fromCpu a CPU id of this machine to start from (inclusive)
     * @return a CPU the task may run on; -1 only if its affinity is empty (the kernel never
     *     queues such a task)
     * @throws IllegalArgumentException if {@code fromCpu} is not a CPU id of this machine
     */
    public int nextAllowedCpu(int i, int fromCpu) {
        Args.cpu(fromCpu, nrCpus);
        int r = row(i);
        int words = (nrCpus + 63) >>> 6;
        int w = fromCpu >>> 6;
        long bits = maskWord(r, w) & (-1L << fromCpu);
        for (int k = 0; k <= words; k++) {
            if (bits != 0) {
                int cpu = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (cpu < nrCpus) {
                    return cpu;
                }
            }
            w = w + 1 == words ? 0 : w + 1;
            bits = maskWord(r, w);
        }
        return -1;
    }

    /**
     * Copies the affinity of task {@code i} into a reusable set (see {@link #mayRunOn} for why
     * it is the one the decision meets).
     *
     * @param i index below {@link #size()}
     * @param into the set to overwrite
     * @return {@code into}
     */
    public CpuSet cpusAllowed(int i, CpuSet into) {
        int r = row(i);
        int words = (nrCpus + 63) >>> 6;
        into.clear();
        for (int w = 0; w < words; w++) {
            into.setWord(w, maskWord(r, w), nrCpus);
        }
        return into;
    }

    /**
     * @param i index
     * @return enqueue flags
     */
    public long flags(int i) {
        return cols[flagsAt + row(i)];
    }

    /**
     * @param i index
     * @return ns when it last started running
     */
    public long startTs(int i) {
        return cols[startTsAt + row(i)];
    }

    /**
     * @param i index
     * @return ns when it last stopped running
     */
    public long stopTs(int i) {
        return cols[stopTsAt + row(i)];
    }

    /**
     * @param i index
     * @return ns of CPU used since it last became runnable
     */
    public long execRuntime(int i) {
        return cols[execRuntimeAt + row(i)];
    }

    /**
     * @param i index
     * @return weight, 100 for nice 0
     */
    public long weight(int i) {
        return cols[weightAt + row(i)];
    }

    /**
     * @param i index
     * @return the vtime user space last gave it
     */
    public long vtime(int i) {
        return cols[vtimeAt + row(i)];
    }

    /**
     * @param i index
     * @return the enqueue generation to echo back
     */
    public long enqCnt(int i) {
        return cols[enqCntAt + row(i)];
    }

    /**
     * Copies task {@code i} into a reusable object.
     *
     * @param i index
     * @param into the object to overwrite
     * @return {@code into}
     */
    public QueuedTask copyTo(int i, QueuedTask into) {
        int r = row(i);
        into.nrCpus = nrCpus;
        into.pid = (int) cols[pidAt + r];
        into.cpu = (int) cols[cpuAt + r];
        into.nrCpusAllowed = cols[nrCpusAllowedAt + r];
        into.flags = cols[flagsAt + r];
        into.startTs = cols[startTsAt + r];
        into.stopTs = cols[stopTsAt + r];
        into.execRuntime = cols[execRuntimeAt + r];
        into.weight = cols[weightAt + r];
        into.vtime = cols[vtimeAt + r];
        into.enqCnt = cols[enqCntAt + r];
        for (int k = 0; k < into.comm.length; k++) {
            long word = cols[commAt + (k >>> 3) * stride + r];
            int shift = NATIVE_LE ? (k & 7) * 8 : 56 - (k & 7) * 8;
            into.comm[k] = (byte) (word >>> shift);
        }
        for (int w = 0, words = (nrCpus + 63) >>> 6; w < words; w++) {
            into.cpusAllowed[w] = maskWord(r, w);
        }
        return into;
    }

    /**
     * @param i index
     * @return the command name (allocates; not for the hot path)
     */
    public String comm(int i) {
        return copyTo(i, new QueuedTask()).comm();
    }
}
