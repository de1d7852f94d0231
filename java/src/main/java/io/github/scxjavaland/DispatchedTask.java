// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * A scheduling decision for one task: where it runs ({@link #cpu}, or {@link #RL_CPU_ANY}), for
 * how long ({@link #sliceNs}, 0 = the scheduler's default slice) and in which order among the
 * tasks waiting for the same CPU ({@link #vtime}, smaller first). Mutable and reusable.
 */
public final class DispatchedTask {
    /** Run on whichever CPU becomes free first (the shared queue). */
    public static final int RL_CPU_ANY = 1 << 20;

    /**
     * Dispatch flag: run before what the target CPU runs now. The BPF side queues the task on
     * that CPU and cuts the task the CPU runs, if it is a task of the policy's (kernel threads
     * and the scheduler's own threads are never cut), counting it in
     * {@link SchedulerStats#nrPreemptDispatches}. The cut task comes back to the policy at
     * once, with the CPU time it used so far. Ignored with {@link #RL_CPU_ANY}: to make room
     * for such a task, kick a CPU with {@link DispatchedTasks#kickPreempt}.
     */
    public static final long PREEMPT = Layout.DISPATCH_PREEMPT;

    int pid;
    int cpu;
    long flags;
    long sliceNs;
    long vtime;
    long enqCnt;

    /** Creates an empty decision; fill it with {@link #from} or the setters. */
    public DispatchedTask() {}

    /**
     * A decision for a queued task: same pid, its current CPU, its enqueue generation; slice 0
     * (default) and vtime 0, like the seed's {@code DispatchedTask::new}.
     *
     * @param task the queued task
     */
    public DispatchedTask(QueuedTask task) {
        from(task);
    }

    /**
     * Resets this decision for {@code task} (no allocation).
     *
     * @param task the queued task
     * @return this
     */
    public DispatchedTask from(QueuedTask task) {
        pid = task.pid;
        cpu = task.cpu;
        flags = 0;
        sliceNs = 0;
        vtime = 0;
        enqCnt = task.enqCnt;
        return this;
    }

    /** @return the task's thread id */
    public int pid() {
        return pid;
    }

    /** @return the target CPU or {@link #RL_CPU_ANY} */
    public int cpu() {
        return cpu;
    }

    /** @return dispatch flags ({@link #PREEMPT} is the one honoured) */
    public long flags() {
        return flags;
    }

    /** @return the time slice in ns, 0 for the default */
    public long sliceNs() {
        return sliceNs;
    }

    /** @return the ordering key in the target queue */
    public long vtime() {
        return vtime;
    }

    /** @return the enqueue generation copied from the queued task */
    public long enqCnt() {
        return enqCnt;
    }

    /**
     * @param pid the thread id
     * @return this
     */
    public DispatchedTask pid(int pid) {
        this.pid = pid;
        return this;
    }

    /**
     * @param cpu a CPU id or {@link #RL_CPU_ANY}
     * @return this
     */
    public DispatchedTask cpu(int cpu) {
        this.cpu = cpu;
        return this;
    }

    /**
     * @param flags dispatch flags
     * @return this
     */
    public DispatchedTask flags(long flags) {
        this.flags = flags;
        return this;
    }

    /**
     * @param sliceNs slice in ns (0 = default; the BPF side clamps to its bounds)
     * @return this
     */
    public DispatchedTask sliceNs(long sliceNs) {
        this.sliceNs = sliceNs;
        return this;
    }

    /**
     * @param vtime ordering key
     * @return this
     */
    public DispatchedTask vtime(long vtime) {
        this.vtime = vtime;
        return this;
    }

    /**
     * @param enqCnt enqueue generation
     * @return this
     */
    public DispatchedTask enqCnt(long enqCnt) {
        this.enqCnt = enqCnt;
        return this;
    }

    @Override
    public String toString() {
        return "DispatchedTask[pid=" + pid + ", cpu=" + (cpu == RL_CPU_ANY ? "any" : String.valueOf(cpu))
                + ", sliceNs=" + sliceNs + ", vtime=" + vtime + ", enqCnt=" + enqCnt + "]";
    }
}
