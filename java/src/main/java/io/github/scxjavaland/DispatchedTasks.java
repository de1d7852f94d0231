// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.Objects;

/**
 * A batch of decisions, written into plain {@code long[]} columns (one per field) that one
 * dispatch crossing sends, so writing a decision costs what array stores cost. Append
 * with {@link #decide} (then set CPU, slice and vtime by name: {@code
 * out.decide(in, i).cpu(cpu).sliceNs(slice)}) or {@link #add(QueuedTasks, int)}, adjust with the
 * indexed setters, send with {@code dispatchTasks}: what the
 * kernel's ring could not take stays here, at the front, for the next call. Allocation-free.
 */
public final class DispatchedTasks {
    /** {@code Layout.DCOLS} columns {@link #stride} apart: field c of decision i at c * stride + i. */
    private final long[] cols;
    private final int capacity;
    private final int stride;
    final Object owner;
    private int size;
    private int nrCpus = Layout.MAX_CPUS; // the CPU id space until the scheduler knows nr_cpu_ids
    private final Decision decision = new Decision();
    // Where each column starts (final: the JIT folds them into the index like constants).
    private final int pidAt;
    private final int cpuAt;
    private final int flagsAt;
    private final int sliceAt;
    private final int vtimeAt;
    private final int enqCntAt;

    DispatchedTasks(int capacity, Object owner) {
        this.capacity = Args.capacity(capacity);
        this.stride = Layout.columnStride(capacity);
        this.owner = owner;
        this.cols = new long[Math.multiplyExact(Layout.DCOLS, stride)];
        pidAt = Layout.DCOL_PID * stride;
        cpuAt = Layout.DCOL_CPU * stride;
        flagsAt = Layout.DCOL_FLAGS * stride;
        sliceAt = Layout.DCOL_SLICE_NS * stride;
        vtimeAt = Layout.DCOL_VTIME * stride;
        enqCntAt = Layout.DCOL_ENQ_CNT * stride;
    }

    /** A batch for simulations and tests, for a machine of {@code nrCpus} CPU ids. */
    static DispatchedTasks onHeap(int capacity, int nrCpus, Object owner) {
        DispatchedTasks d = new DispatchedTasks(capacity, owner);
        d.limitCpus(nrCpus);
        return d;
    }

    /** Decisions name CPU ids below {@code n} (or "any") from now on. */
    void limitCpus(int n) {
        nrCpus = n;
    }

    /** @return decisions waiting to be sent */
    public int size() {
        return size;
    }

    /** @return the most decisions the batch holds */
    public int capacity() {
        return capacity;
    }

    /** @return room left */
    public int remaining() {
        return capacity - size;
    }

    /** @return true if no decision can be added */
    public boolean isFull() {
        return size == capacity;
    }

    /** @return true if nothing waits to be sent */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Drops every decision in the batch. */
    public void clear() {
        size = 0;
    }

    /** The columns the native dispatch reads ({@code Layout.DCOLS}, {@link #stride()} apart). */
    long[] columns() {
        return cols;
    }

    /** @return the distance between two columns of {@link #columns()} */
    int stride() {
        return stride;
    }

    /**
     * Starts a decision for a task this policy holds: to any CPU, default slice, vtime 0, until
     * the returned {@link Decision}'s named setters say otherwise:
     * {@code out.decide(pid, enqCnt).cpu(cpu).sliceNs(slice).vtime(deadline)}.
     *
     * @param pid the task, as it was queued
     * @param enqCnt its enqueue generation, as it was queued ({@link QueuedTasks#enqCnt})
     * @return this batch's decision cursor, on the new decision
     * @throws IllegalStateException if the batch is full
     * @throws IllegalArgumentException if {@code pid} is not positive (nothing is added)
     */
    public Decision decide(int pid, long enqCnt) {
        return decision.at(add0(pid, DispatchedTask.RL_CPU_ANY, 0, 0, enqCnt));
    }

    /**
     * Starts the default decision for queued task {@code i}: its pid and enqueue generation, the
     * CPU it is on, default slice, vtime 0; then adjust it with the named setters.
     *
     * @param queued a batch from a dequeue
     * @param i index in that batch
     * @return this batch's decision cursor, on the new decision
     * @throws IllegalStateException if the batch is full
     */
    public Decision decide(QueuedTasks queued, int i) {
        return decision.at(add(queued, i));
    }

    /**
     * The decision {@link #decide} just appended, set field by field by name, so a slice cannot
     * pass for a vtime. One cursor per batch, reused by every {@code decide} (no allocation):
     * keep it only until the next one, or use the index setters of the batch.
     */
    public final class Decision {
        private int index;

        private Decision() {}

        private Decision at(int i) {
            index = i;
            return this;
        }

        /** @return the decision's index in the batch */
        public int index() {
            return index;
        }

        /**
         * @param cpu the CPU to run on, or {@link DispatchedTask#RL_CPU_ANY}
         * @return this
         * @throws IllegalArgumentException if it is neither a CPU id of this machine nor
         *     {@link DispatchedTask#RL_CPU_ANY}
         */
        public Decision cpu(int cpu) {
            DispatchedTasks.this.cpu(index, cpu);
            return this;
        }

        /**
         * @param ns how long the task may run before it comes back: 0 = the scheduler's default,
         *     anything else clamped to [10 us, 1 s] by the BPF side
         * @return this
         */
        public Decision sliceNs(long ns) {
            DispatchedTasks.this.sliceNs(index, ns);
            return this;
        }

        /**
         * @param vtime ordering key among the tasks queued on the same CPU (or on any CPU):
         *     lower runs first
         * @return this
         */
        public Decision vtime(long vtime) {
            DispatchedTasks.this.vtime(index, vtime);
            return this;
        }

        /**
         * @param flags dispatch flags: {@link DispatchedTask#PREEMPT} is honoured, the rest
         *     ignored
         * @return this
         */
        public Decision flags(long flags) {
            DispatchedTasks.this.flags(index, flags);
            return this;
        }

        /**
         * Makes this decision cut what its CPU runs now ({@link DispatchedTask#PREEMPT}): for a
         * task that must run before the running one, such as a wakeup with an earlier
         * deadline. Needs a concrete {@link #cpu}.
         *
         * @return this
         */
        public Decision preempt() {
            long at = DispatchedTasks.this.flags(index);
            DispatchedTasks.this.flags(index, at | DispatchedTask.PREEMPT);
            return this;
        }
    }

    /**
     * Appends a decision.
     *
     * @param pid thread id
     * @param cpu target CPU or {@link DispatchedTask#RL_CPU_ANY}
     * @param sliceNs how long the task may run before it comes back, in ns: 0 means the
     *     scheduler's default ({@link SchedulerConfig.Builder#sliceNs}); the BPF side clamps
     *     anything else to [10 us, 1 s]
     * @param vtime ordering key among the tasks queued on the same CPU (or on "any CPU"): lower
     *     runs first; not a time limit
     * @param enqCnt the enqueue generation from the queued task
     * @return the new decision's index
     * @throws IllegalStateException if the batch is full
     * @throws IllegalArgumentException if {@code pid} is not positive, or {@code cpu} is neither
     *     a CPU id of this machine nor {@link DispatchedTask#RL_CPU_ANY} (nothing is added); a
     *     CPU outside the task's affinity is the kernel's to know: it is sent, and counted as a
     *     bounce
     * @deprecated two adjacent {@code long}s: a slice and a vtime swapped compile and run. Use
     *     {@link #decide(int, long)} and the named setters of {@link Decision}.
     */
    @Deprecated
    public int add(int pid, int cpu, long sliceNs, long vtime, long enqCnt) {
        return add0(pid, cpu, sliceNs, vtime, enqCnt);
    }

    private int add0(int pid, int cpu, long sliceNs, long vtime, long enqCnt) {
        if (size == capacity) {
            throw new IllegalStateException("dispatch batch full (" + capacity + "): send it first");
        }
        Args.pid(pid);
        Args.cpuOrAny(cpu, nrCpus);
        int i = size++;
        cols[pidAt + i] = pid;
        cols[cpuAt + i] = cpu;
        cols[flagsAt + i] = 0;
        cols[sliceAt + i] = sliceNs;
        cols[vtimeAt + i] = vtime;
        cols[enqCntAt + i] = enqCnt;
        return i;
    }

    /**
     * Appends a kick of {@code cpu} that cuts the task of the policy's it runs now (kernel
     * threads and the scheduler's own threads are not cut; an idle CPU is woken). The CPU then
     * takes the first task from its queues, so send the decisions it should find first, in
     * the same batch before the kick. It rides the batch like a decision (one crossing for
     * all), counted in {@link SchedulerStats#nrUserKicks}, and is not a decision: it holds no
     * task and {@link SchedulerStats#nrDecisions} does not count it.
     *
     * @param cpu a CPU id of this machine
     * @return the kick's index in the batch
     * @throws IllegalStateException if the batch is full
     * @throws IllegalArgumentException if {@code cpu} is not a CPU id of this machine
     */
    public int kickPreempt(int cpu) {
        return addKick(cpu, Layout.KICK_PREEMPT);
    }

    /**
     * Appends a kick that wakes {@code cpu} if it is idle and does nothing to a busy CPU; for a
     * task sent to {@link DispatchedTask#RL_CPU_ANY} that should start on a CPU of your
     * choosing now (the BPF side already wakes some idle CPU the task may use). Otherwise as
     * {@link #kickPreempt}.
     *
     * @param cpu a CPU id of this machine
     * @return the kick's index in the batch
     * @throws IllegalStateException if the batch is full
     * @throws IllegalArgumentException if {@code cpu} is not a CPU id of this machine
     */
    public int kickIdle(int cpu) {
        return addKick(cpu, Layout.KICK_IDLE);
    }

    private int addKick(int cpu, long flags) {
        if (size == capacity) {
            throw new IllegalStateException("dispatch batch full (" + capacity + "): send it first");
        }
        Args.cpu(cpu, nrCpus);
        int i = size++;
        cols[pidAt + i] = Layout.KICK_PID;
        cols[cpuAt + i] = cpu;
        cols[flagsAt + i] = flags;
        cols[sliceAt + i] = 0;
        cols[vtimeAt + i] = 0;
        cols[enqCntAt + i] = 0;
        return i;
    }

    /**
     * @param i index
     * @return true if entry {@code i} is a kick ({@link #kickPreempt}, {@link #kickIdle}), not
     *     a decision
     */
    public boolean isKick(int i) {
        return pid(i) == Layout.KICK_PID;
    }

    /**
     * Appends the default decision for queued task {@code i}: same pid, its current CPU and
     * enqueue generation, default slice, vtime 0.
     *
     * @param queued a batch from a dequeue
     * @param i index in that batch
     * @return the new decision's index
     */
    public int add(QueuedTasks queued, int i) {
        return add0(queued.pid(i), queued.cpu(i), 0, 0, queued.enqCnt(i));
    }

    /**
     * Appends a copy of one decision.
     *
     * @param t the decision
     * @return its index
     */
    public int add(DispatchedTask t) {
        int i = add0(t.pid, t.cpu, t.sliceNs, t.vtime, t.enqCnt);
        flags(i, t.flags);
        return i;
    }

    private int row(int i) {
        return Objects.checkIndex(i, size);
    }

    /**
     * @param i index
     * @param cpu CPU or {@link DispatchedTask#RL_CPU_ANY}
     * @return this
     * @throws IllegalArgumentException if {@code cpu} is neither a CPU id of this machine nor
     *     {@link DispatchedTask#RL_CPU_ANY}
     */
    public DispatchedTasks cpu(int i, int cpu) {
        cols[cpuAt + row(i)] = Args.cpuOrAny(cpu, nrCpus);
        return this;
    }

    /**
     * @param i index
     * @param sliceNs slice in ns: 0 = the scheduler's default, anything else clamped to
     *     [10 us, 1 s] by the BPF side
     * @return this
     */
    public DispatchedTasks sliceNs(int i, long sliceNs) {
        cols[sliceAt + row(i)] = sliceNs;
        return this;
    }

    /**
     * @param i index
     * @param vtime ordering key
     * @return this
     */
    public DispatchedTasks vtime(int i, long vtime) {
        cols[vtimeAt + row(i)] = vtime;
        return this;
    }

    /**
     * @param i index
     * @param flags dispatch flags: {@link DispatchedTask#PREEMPT} is honoured, the rest ignored
     * @return this
     */
    public DispatchedTasks flags(int i, long flags) {
        cols[flagsAt + row(i)] = flags;
        return this;
    }

    /**
     * @param i index
     * @return the decision's pid
     */
    public int pid(int i) {
        return (int) cols[pidAt + row(i)];
    }

    /**
     * @param i index
     * @return the decision's CPU
     */
    public int cpu(int i) {
        return (int) cols[cpuAt + row(i)];
    }

    /**
     * @param i index
     * @return the decision's slice
     */
    public long sliceNs(int i) {
        return cols[sliceAt + row(i)];
    }

    /**
     * @param i index
     * @return the decision's vtime
     */
    public long vtime(int i) {
        return cols[vtimeAt + row(i)];
    }

    /**
     * @param i index
     * @return the decision's enqueue generation
     */
    public long enqCnt(int i) {
        return cols[enqCntAt + row(i)];
    }

    /**
     * @param i index
     * @return the decision's flags
     */
    public long flags(int i) {
        return cols[flagsAt + row(i)];
    }

    /** After a partial send: move the {@code size - sent} unsent decisions to the front. */
    void consumed(int sent) {
        if (sent <= 0) {
            return;
        }
        int left = size - sent;
        if (left > 0) {
            for (int c = 0; c < Layout.DCOLS; c++) {
                System.arraycopy(cols, c * stride + sent, cols, c * stride, left);
            }
        }
        size = Math.max(left, 0);
    }
}
