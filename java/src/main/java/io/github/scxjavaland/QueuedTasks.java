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

    QueuedTasks(ByteBuffer buf, Object owner, Object memory) {
        this.buf = buf.order(ByteOrder.nativeOrder());
        this.memory = memory;
        this.capacity = buf.capacity() / Layout.Q_SIZE;
        this.owner = owner;
    }

    /** A heap-backed batch for simulations and tests (no native memory). */
    static QueuedTasks onHeap(int capacity, Object owner) {
        return new QueuedTasks(ByteBuffer.allocate(capacity * Layout.Q_SIZE), owner, null);
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
     * @return size of its affinity mask
     */
    public long nrCpusAllowed(int i) {
        return buf.getLong(base(i) + Layout.Q_NR_CPUS_ALLOWED);
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
        into.readFrom(buf, base(i));
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
