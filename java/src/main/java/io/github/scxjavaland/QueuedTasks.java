// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A batch of queued tasks: a reusable view over the buffer one dequeue crossing fills. Fields
 * are read by index straight from that buffer, so walking a batch allocates nothing. The
 * content is valid until the next {@code dequeueTasks} on the same channel.
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
    private final ByteBuffer buf;
    private final int capacity;
    final Object owner;
    @SuppressWarnings("unused") // keeps the native buffer alive while this view is reachable
    private final Object memory;
    private int size;
    private int nrCpus = Layout.MAX_CPUS; // the CPU id space until the scheduler knows nr_cpu_ids

    QueuedTasks(ByteBuffer buf, Object owner, Object memory) {
        this.buf = buf.order(ByteOrder.nativeOrder());
        this.memory = memory;
        this.capacity = buf.capacity() / Layout.Q_SIZE;
        this.owner = owner;
    }

    /** A heap-backed batch for simulations and tests (no native memory), for {@code nrCpus} CPU ids. */
    static QueuedTasks onHeap(int capacity, int nrCpus, Object owner) {
        QueuedTasks q = new QueuedTasks(ByteBuffer.allocate(capacity * Layout.Q_SIZE), owner, null);
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

    ByteBuffer buffer() {
        return buf;
    }

    private int base(int i) {
        return Objects.checkIndex(i, size) * Layout.Q_SIZE;
    }

    /**
     * @param i index below {@link #size()}
     * @return the thread id
     */
    public int pid(int i) {
        return buf.getInt(base(i) + Layout.Q_PID);
    }

    /**
     * @param i index
     * @return the CPU it last ran on, or an idle CPU BPF picked
     */
    public int cpu(int i) {
        return buf.getInt(base(i) + Layout.Q_CPU);
    }

    /**
     * @param i index
     * @return how many CPUs its affinity allows ({@link #cpusAllowed} says which)
     */
    public long nrCpusAllowed(int i) {
        return buf.getLong(base(i) + Layout.Q_NR_CPUS_ALLOWED);
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
        return (buf.getLong(base(i) + Layout.Q_CPUS_ALLOWED + (cpu >>> 6) * Long.BYTES) & (1L << cpu)) != 0;
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
        int at = base(i) + Layout.Q_CPUS_ALLOWED;
        int words = (nrCpus + 63) >>> 6;
        int w = fromCpu >>> 6;
        long bits = buf.getLong(at + w * Long.BYTES) & (-1L << fromCpu);
        for (int k = 0; k <= words; k++) {
            if (bits != 0) {
                int cpu = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (cpu < nrCpus) {
                    return cpu;
                }
            }
            w = w + 1 == words ? 0 : w + 1;
            bits = buf.getLong(at + w * Long.BYTES);
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
        int at = base(i) + Layout.Q_CPUS_ALLOWED;
        int words = (nrCpus + 63) >>> 6;
        into.clear();
        for (int w = 0; w < words; w++) {
            long bits = buf.getLong(at + w * Long.BYTES);
            into.setWord(w, bits, nrCpus);
        }
        return into;
    }

    /**
     * @param i index
     * @return enqueue flags
     */
    public long flags(int i) {
        return buf.getLong(base(i) + Layout.Q_FLAGS);
    }

    /**
     * @param i index
     * @return ns when it last started running
     */
    public long startTs(int i) {
        return buf.getLong(base(i) + Layout.Q_START_TS);
    }

    /**
     * @param i index
     * @return ns when it last stopped running
     */
    public long stopTs(int i) {
        return buf.getLong(base(i) + Layout.Q_STOP_TS);
    }

    /**
     * @param i index
     * @return ns of CPU used since it last became runnable
     */
    public long execRuntime(int i) {
        return buf.getLong(base(i) + Layout.Q_EXEC_RUNTIME);
    }

    /**
     * @param i index
     * @return weight, 100 for nice 0
     */
    public long weight(int i) {
        return buf.getLong(base(i) + Layout.Q_WEIGHT);
    }

    /**
     * @param i index
     * @return the vtime user space last gave it
     */
    public long vtime(int i) {
        return buf.getLong(base(i) + Layout.Q_VTIME);
    }

    /**
     * @param i index
     * @return the enqueue generation to echo back
     */
    public long enqCnt(int i) {
        return buf.getLong(base(i) + Layout.Q_ENQ_CNT);
    }

    /**
     * Copies task {@code i} into a reusable object.
     *
     * @param i index
     * @param into the object to overwrite
     * @return {@code into}
     */
    public QueuedTask copyTo(int i, QueuedTask into) {
        into.readFrom(buf, base(i), nrCpus);
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
