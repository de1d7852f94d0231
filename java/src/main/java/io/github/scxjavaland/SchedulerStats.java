// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * A snapshot of the counters the BPF side keeps (read from shared memory, no system call).
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
 */
public record SchedulerStats(long nrQueued, long nrScheduled, long nrRunning, long nrOnlineCpus,
        long nrUserDispatches, long nrKernelDispatches, long nrCancelDispatches, long nrBounceDispatches,
        long nrFailedDispatches, long nrSchedCongested, long nrSelfDispatches, long nrStallFallbacks,
        long nrHeartbeatKicks, long nrEnqueues, long nrUserQueued) {

    /** @return decisions that reached the BPF side in any way (user + cancel + bounce + failed) */
    public long nrDecisions() {
        return nrUserDispatches + nrCancelDispatches + nrBounceDispatches + nrFailedDispatches;
    }

    /** @return a one-line summary in the style of scx schedulers */
    public String line() {
        return String.format("tasks r: %d/%d q: %d s: %d | dispatch u: %d k: %d c: %d b: %d f: %d | cg: %d"
                + " self: %d stall: %d", nrRunning, nrOnlineCpus, nrQueued, nrScheduled, nrUserDispatches,
                nrKernelDispatches, nrCancelDispatches, nrBounceDispatches, nrFailedDispatches,
                nrSchedCongested, nrSelfDispatches, nrStallFallbacks);
    }
}
