// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * A snapshot of the counters the BPF side keeps (read from shared memory, no system call).
 *
 * <h2>How they add up</h2>
 * <ul>
 *   <li><b>Every task sent to user space has one outcome.</b> {@code nrUserQueued} = decisions
 *       applied ({@code nrUserDispatches}) + decisions redirected to a CPU the task may use
 *       ({@code nrBounceDispatches}) + tasks the kernel took back ({@code nrUserDequeued}) +
 *       tasks taken back at the wait bound ({@code nrAgedUser}) or because user space stalled
 *       ({@code nrStallRescues}) + tasks still in user space's hands ({@code nrInUser}).
 *       {@link #nrUnaccounted()} is the difference: 0 at rest.</li>
 *   <li><b>Every decision user space sends has one outcome.</b> {@link #nrDecisions()} =
 *       {@code nrUserDispatches + nrCancelDispatches + nrBounceDispatches + nrFailedDispatches}.
 *       A cancelled or failed decision was for a task that had already gone elsewhere, so it
 *       is not an outcome of a sent task. Kicks ({@code nrUserKicks}) ride the same ring and
 *       are not decisions; one naming no CPU is counted as failed.</li>
 *   <li><b>Enqueues.</b> {@code nrEnqueues} counts the kernel's enqueue calls. Each sends its
 *       task to user space or lets the BPF side place it (counted in
 *       {@code nrKernelDispatches}, {@code nrSelfDispatches}); a wakeup placed on an idle CPU
 *       straight away is a kernel dispatch without an enqueue, and the scheduling thread's own
 *       enqueues are counted nowhere else, so there is no exact sum.</li>
 *   <li><b>Gauges</b>, not totals: {@code nrQueued} (records not read yet), {@code nrScheduled}
 *       (what the policy last said it holds), {@code nrRunning}, {@code nrInUser}, and the
 *       maxima {@code maxWaitNs}, {@code maxKthreadWaitNs}.</li>
 * </ul>
 *
 * <h2>Names</h2>
 * The MXBean ({@link SchedulerStatsMXBean}) and the Flight Recorder's Counters event
 * ({@code io.github.scxjavaland.Counters}) use these component names; the {@code --stats}
 * line ({@link #keyValues()}) keeps short keys: {@code queued} nrQueued, {@code scheduled}
 * nrScheduled, {@code running} nrRunning, {@code cpus} nrOnlineCpus, {@code user}
 * nrUserDispatches, {@code kernel} nrKernelDispatches, {@code cancel} nrCancelDispatches,
 * {@code bounce} nrBounceDispatches, {@code failed} nrFailedDispatches, {@code congested}
 * nrSchedCongested, {@code self} nrSelfDispatches, {@code stall} nrStallFallbacks,
 * {@code enqueues} nrEnqueues, {@code user_queued} nrUserQueued, {@code kept} nrKeptRunning,
 * {@code aged_dsq} nrAgedDsq, {@code aged_user} nrAgedUser, {@code tick_preempts}
 * nrTickPreempts, {@code max_wait_us} maxWaitNs, {@code max_kthread_wait_us}
 * maxKthreadWaitNs, {@code in_user} nrInUser, {@code user_dequeued} nrUserDequeued,
 * {@code stall_rescues} nrStallRescues, {@code preempts} nrPreemptDispatches, {@code kicks}
 * nrUserKicks, {@code usersched_cuts} nrUserschedCuts; {@code to_decision_us},
 * {@code decision_to_run_us} and {@code usersched_wait_us} are the averages of the three sums.
 *
 * @param nrQueued tasks sent to user space and not yet read
 * @param nrScheduled tasks user space says it still holds
 * @param nrRunning tasks on a CPU now (the scheduling thread excluded)
 * @param nrOnlineCpus online CPUs when the scheduler started
 * @param nrUserDispatches decisions applied as user space asked
 * @param nrKernelDispatches tasks the BPF side placed itself (kthreads, idle CPUs, congestion)
 * @param nrCancelDispatches stale decisions dropped (the task was re-enqueued meanwhile)
 * @param nrBounceDispatches decisions for a CPU the task may not use, sent elsewhere
 * @param nrFailedDispatches decisions for a task that no longer exists, or malformed ones
 * @param nrSchedCongested tasks placed by BPF because the queued ring was full
 * @param nrSelfDispatches threads of this process placed by BPF (GC, JIT, ...)
 * @param nrStallFallbacks tasks placed by BPF because user space stopped reading
 * @param nrHeartbeatKicks times the heartbeat woke the scheduling thread
 * @param nrEnqueues enqueue events seen by the BPF side
 * @param nrUserQueued tasks ever sent to user space
 * @param nrKeptRunning slice ends where the BPF side let the running task go on, because
 *     nothing else waited and user space held nothing
 * @param nrAgedDsq tasks that waited the wait bound in a queue and were served first
 * @param nrAgedUser tasks user space held for the wait bound, taken back and run by BPF
 * @param nrTickPreempts running tasks cut at a tick so that a kernel thread, an aged task, a
 *     thread of this process or the scheduling thread could run
 * @param maxWaitNs the longest time any task waited between becoming runnable and running, ns
 * @param maxKthreadWaitNs the same, for kernel threads only, ns
 * @param nrInUser tasks in user space's hands now: sent, and neither decided nor taken back
 * @param nrUserDequeued tasks the kernel took back while user space held them (the task
 *     exited, or its affinity or scheduling class changed)
 * @param nrStallRescues tasks the BPF side took back because user space stalled
 * @param nrPreemptDispatches decisions with {@link DispatchedTask#PREEMPT} that cut the task
 *     of the policy's their CPU ran (a subset of {@code nrUserDispatches})
 * @param nrUserKicks kicks user space sent ({@link DispatchedTasks#kickPreempt},
 *     {@link DispatchedTasks#kickIdle}); not decisions
 * @param nrUserschedCuts policy tasks the BPF side cut so that the scheduling thread could run
 *     and read a wakeup when no CPU was idle (at most one until that thread runs)
 * @param sumWaitToDecisionNs over the decisions timed: ns from the task becoming runnable (or
 *     re-queued) until its decision was applied
 * @param sumDecisionToRunNs over the same decisions: ns from the decision until the task ran
 * @param nrDecisionsTimed decisions in the two sums (applied, and the task then ran)
 * @param sumUserschedWaitNs ns the scheduling thread waited for a CPU while it had records to
 *     read
 * @param nrUserschedWaits waits in that sum
 */
public record SchedulerStats(long nrQueued, long nrScheduled, long nrRunning, long nrOnlineCpus,
        long nrUserDispatches, long nrKernelDispatches, long nrCancelDispatches, long nrBounceDispatches,
        long nrFailedDispatches, long nrSchedCongested, long nrSelfDispatches, long nrStallFallbacks,
        long nrHeartbeatKicks, long nrEnqueues, long nrUserQueued, long nrKeptRunning, long nrAgedDsq,
        long nrAgedUser, long nrTickPreempts, long maxWaitNs, long maxKthreadWaitNs, long nrInUser,
        long nrUserDequeued, long nrStallRescues, long nrPreemptDispatches, long nrUserKicks,
        long nrUserschedCuts, long sumWaitToDecisionNs, long sumDecisionToRunNs, long nrDecisionsTimed,
        long sumUserschedWaitNs, long nrUserschedWaits) {

    /** The bound on any task's wait that the BPF side enforces, before enforcement latency, ns. */
    public static final long MAX_WAIT_NS = Layout.MAX_WAIT_NS;

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Reads a counter block (struct sjl_counters) from shared memory. */
    static SchedulerStats read(ByteBuffer c) {
        return new SchedulerStats(get(c, Layout.C_NR_QUEUED), get(c, Layout.C_NR_SCHEDULED),
                get(c, Layout.C_NR_RUNNING), get(c, Layout.C_NR_ONLINE_CPUS), get(c, Layout.C_NR_USER_DISPATCHES),
                get(c, Layout.C_NR_KERNEL_DISPATCHES), get(c, Layout.C_NR_CANCEL_DISPATCHES),
                get(c, Layout.C_NR_BOUNCE_DISPATCHES), get(c, Layout.C_NR_FAILED_DISPATCHES),
                get(c, Layout.C_NR_SCHED_CONGESTED), get(c, Layout.C_NR_SELF_DISPATCHES),
                get(c, Layout.C_NR_STALL_FALLBACKS), get(c, Layout.C_NR_HEARTBEAT_KICKS),
                get(c, Layout.C_NR_ENQUEUES), get(c, Layout.C_NR_USER_QUEUED), get(c, Layout.C_NR_KEPT_RUNNING),
                get(c, Layout.C_NR_AGED_DSQ), get(c, Layout.C_NR_AGED_USER), get(c, Layout.C_NR_TICK_PREEMPTS),
                get(c, Layout.C_MAX_WAIT_NS), get(c, Layout.C_MAX_KTHREAD_WAIT_NS), get(c, Layout.C_NR_IN_USER),
                get(c, Layout.C_NR_USER_DEQUEUED), get(c, Layout.C_NR_STALL_RESCUES),
                get(c, Layout.C_NR_PREEMPT_DISPATCHES), get(c, Layout.C_NR_USER_KICKS),
                get(c, Layout.C_NR_USERSCHED_CUTS), get(c, Layout.C_SUM_WAIT_TO_DECISION_NS),
                get(c, Layout.C_SUM_DECISION_TO_RUN_NS), get(c, Layout.C_NR_DECISIONS_TIMED),
                get(c, Layout.C_SUM_USERSCHED_WAIT_NS), get(c, Layout.C_NR_USERSCHED_WAITS));
    }

    private static long get(ByteBuffer c, int offset) {
        return (long) LONGS.getOpaque(c, offset);
    }

    /**
     * @return records sent to user space that have no outcome by this count: 0 when every
     *     task is accounted for ({@code nrUserQueued = nrUserDispatches + nrBounceDispatches
     *     + nrUserDequeued + nrAgedUser + nrStallRescues + nrInUser}); a snapshot taken while
     *     the scheduler runs may be off by the few tasks in flight
     */
    public long nrUnaccounted() {
        return nrUserQueued - (nrUserDispatches + nrBounceDispatches + nrUserDequeued + nrAgedUser + nrStallRescues
                + nrInUser);
    }

    /** @return decisions that reached the BPF side in any way (user + cancel + bounce + failed) */
    public long nrDecisions() {
        return nrUserDispatches + nrCancelDispatches + nrBounceDispatches + nrFailedDispatches;
    }

    /**
     * @return every counter as {@code key=value} pairs separated by spaces, the names the C FIFO
     *     prints too (scripts parse both alike)
     */
    public String keyValues() {
        return "queued=" + nrQueued + " scheduled=" + nrScheduled + " running=" + nrRunning + " cpus=" + nrOnlineCpus
                + " user=" + nrUserDispatches + " kernel=" + nrKernelDispatches + " cancel=" + nrCancelDispatches
                + " bounce=" + nrBounceDispatches + " failed=" + nrFailedDispatches + " congested=" + nrSchedCongested
                + " self=" + nrSelfDispatches + " stall=" + nrStallFallbacks + " enqueues=" + nrEnqueues
                + " user_queued=" + nrUserQueued + " kept=" + nrKeptRunning + " aged_dsq=" + nrAgedDsq
                + " aged_user=" + nrAgedUser + " tick_preempts=" + nrTickPreempts + " max_wait_us="
                + maxWaitNs / 1000 + " max_kthread_wait_us=" + maxKthreadWaitNs / 1000 + " in_user=" + nrInUser
                + " user_dequeued=" + nrUserDequeued + " stall_rescues=" + nrStallRescues + " preempts="
                + nrPreemptDispatches + " kicks=" + nrUserKicks + " usersched_cuts=" + nrUserschedCuts
                + String.format(Locale.ROOT, " to_decision_us=%.1f decision_to_run_us=%.1f usersched_wait_us=%.1f",
                        avgUs(sumWaitToDecisionNs, nrDecisionsTimed), avgUs(sumDecisionToRunNs, nrDecisionsTimed),
                        avgUs(sumUserschedWaitNs, nrUserschedWaits));
    }

    private static double avgUs(long sumNs, long n) {
        return n == 0 ? 0 : sumNs / 1000.0 / n;
    }

    /** @return a one-line summary in the style of scx schedulers */
    public String line() {
        // ROOT: ASCII digits whatever the default locale, so scripts can parse the line.
        return String.format(Locale.ROOT, "tasks r: %d/%d q: %d s: %d | dispatch u: %d k: %d c: %d b: %d"
                + " f: %d | cg: %d self: %d stall: %d", nrRunning, nrOnlineCpus, nrQueued, nrScheduled,
                nrUserDispatches, nrKernelDispatches, nrCancelDispatches, nrBounceDispatches, nrFailedDispatches,
                nrSchedCongested, nrSelfDispatches, nrStallFallbacks);
    }
}
