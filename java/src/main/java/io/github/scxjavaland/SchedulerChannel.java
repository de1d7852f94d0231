// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * What a scheduling policy talks to: queued tasks come in, decisions go out. {@link BpfScheduler}
 * implements it over the kernel; a simulated machine can implement it too, so one policy runs
 * unchanged in both. One thread drives a channel.
 *
 * <p>Mistakes, one rule everywhere: what the API can check itself (a CPU id outside
 * {@code 0..nrCpus()-1} where a CPU is asked for, a pid that is not positive) throws
 * {@link IllegalArgumentException} at the call, naming the value and the range, and changes
 * nothing. What only the kernel knows is not an exception: a task that exited is counted as a
 * failed decision ({@link SchedulerStats#nrFailedDispatches}) or answered with {@code -ESRCH}, a
 * CPU outside the task's affinity as a bounce ({@link SchedulerStats#nrBounceDispatches}), a
 * full ring by sending fewer. A closed channel throws {@link IllegalStateException}.
 *
 * <p>The batch methods move many tasks per call without allocating; the single-task methods
 * exist for simple policies and cost one native crossing per task.
 */
public interface SchedulerChannel {
    /** @return this channel's reusable batch for {@link #dequeueTasks} */
    QueuedTasks queuedTasks();

    /** @return this channel's reusable batch for {@link #dispatchTasks} */
    DispatchedTasks dispatchedTasks();

    /**
     * Moves up to {@code batch.capacity()} queued tasks into {@code batch}; never waits.
     *
     * @param batch this channel's {@link #queuedTasks()}
     * @return how many arrived (also {@code batch.size()})
     */
    int dequeueTasks(QueuedTasks batch);

    /**
     * Sends every decision in {@code batch}. If the kernel's ring is full, the unsent ones stay
     * in the batch (at the front) and the call returns fewer than were there.
     *
     * @param batch this channel's {@link #dispatchedTasks()}
     * @return how many were sent
     */
    int dispatchTasks(DispatchedTasks batch);

    /**
     * Takes one queued task, if there is one.
     *
     * @param into overwritten with the task
     * @return false if nothing was queued
     */
    boolean dequeueTask(QueuedTask into);

    /**
     * Takes one queued task (allocates a new object; prefer {@link #dequeueTask(QueuedTask)}).
     *
     * @return the task, or null if nothing was queued
     */
    default QueuedTask dequeueTask() {
        QueuedTask t = new QueuedTask();
        return dequeueTask(t) ? t : null;
    }

    /**
     * Sends one decision.
     *
     * @param task the decision
     * @return false if the ring was full (try again after {@link #notifyComplete})
     * @throws IllegalArgumentException if its pid is not positive, or its CPU is neither a CPU id
     *     of this machine nor {@link DispatchedTask#RL_CPU_ANY}
     */
    boolean dispatchTask(DispatchedTask task);

    /**
     * Claims an idle CPU for a task: {@code prevCpu} if it is idle and allowed, else any idle
     * CPU it may use.
     *
     * @param pid the task
     * @param prevCpu the CPU to try first, a CPU id below {@link #nrCpus()}
     * @param flags reserved, pass the task's enqueue flags or 0
     * @return the claimed CPU, or a negative errno (-16 EBUSY: none idle; -3 ESRCH: no such task)
     * @throws IllegalArgumentException if {@code pid} is not positive or {@code prevCpu} is not a
     *     CPU id of this machine
     */
    int selectCpu(int pid, int prevCpu, long flags);

    /**
     * Ends one round of the scheduling loop: tells the kernel side how many tasks this policy
     * still holds and gives the CPU away, so the tasks just dispatched can run.
     *
     * @param nrPending tasks received but not dispatched yet
     */
    void notifyComplete(long nrPending);

    /**
     * The pid running on a CPU, as the kernel side last recorded it when a task started or
     * stopped there. A snapshot: by the time it is read the CPU may run something else. Use it
     * for decisions that stay right if it is a moment old (is the task I sent there still on
     * it?), never as a lock.
     *
     * @param cpu a CPU id below {@link #nrCpus()}
     * @return the pid, 0 while nothing runs there
     * @throws IllegalArgumentException if {@code cpu} is not a CPU id of this machine
     */
    int getCpuPid(int cpu);

    /**
     * How many times a task started running on a CPU since the scheduler attached (shared
     * memory, no system call). With {@link #getCpuPid} it tells what a CPU did since a moment:
     * unchanged, nothing started there; changed and idle now, whatever was queued there ran.
     *
     * @param cpu a CPU id below {@link #nrCpus()}
     * @return the count, never decreasing
     * @throws IllegalArgumentException if {@code cpu} is not a CPU id of this machine
     */
    long getCpuRunCount(int cpu);

    /**
     * The CPUs idle now, as the kernel side last recorded them (shared memory, no system call):
     * what a policy reads once per round to place a whole batch on idle CPUs, with
     * {@link Topology#pickIdleCpu} for a cache-near one. A snapshot: a CPU may take work
     * between the read and the decision, which then waits for that CPU's next slice end at
     * worst; remove each CPU you pick from the set so one round does not pick it twice.
     *
     * @param into the set to overwrite
     * @return {@code into}
     */
    CpuSet idleCpus(CpuSet into);

    /** @return the number of CPU ids (valid CPUs are below it) */
    int nrCpus();

    /** @return the channel's clock in ns (monotonic; the simulator's virtual clock) */
    long nowNs();
}
