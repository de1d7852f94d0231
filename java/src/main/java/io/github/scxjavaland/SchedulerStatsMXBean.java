// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

/**
 * The scheduler's counters over JMX (JConsole, VisualVM, any JMX client), registered as
 * {@code io.github.scxjavaland:type=Scheduler,name=<opsName>} by
 * {@link SchedulerRunner.Builder#jmx(boolean)} or {@link SchedulerStatsMXBeanImpl#register}.
 * Every attribute is read fresh from the BPF side's shared counters; the meaning of each is that
 * of the {@link SchedulerStats} component of the same name.
 */
public interface SchedulerStatsMXBean {
    /** @return the ops name of the scheduler */
    String getOpsName();

    /** @return tasks sent to user space and not yet read */
    long getNrQueued();

    /** @return tasks the policy says it still holds */
    long getNrScheduled();

    /** @return tasks on a CPU now (the scheduling thread excluded) */
    long getNrRunning();

    /** @return online CPUs when the scheduler started */
    long getNrOnlineCpus();

    /** @return decisions applied as user space asked */
    long getNrUserDispatches();

    /** @return tasks the BPF side placed itself */
    long getNrKernelDispatches();

    /** @return stale decisions dropped */
    long getNrCancelDispatches();

    /** @return decisions for a CPU the task may not use, sent elsewhere */
    long getNrBounceDispatches();

    /** @return decisions for a task that no longer exists, or malformed ones */
    long getNrFailedDispatches();

    /** @return tasks placed by BPF because the queued ring was full */
    long getNrSchedCongested();

    /** @return threads of the scheduler's own process placed by BPF */
    long getNrSelfDispatches();

    /** @return tasks placed by BPF because user space stopped reading */
    long getNrStallFallbacks();

    /** @return times the heartbeat woke the scheduling thread */
    long getNrHeartbeatKicks();

    /** @return enqueue events seen by the BPF side */
    long getNrEnqueues();

    /** @return tasks ever sent to user space */
    long getNrUserQueued();

    /** @return slice ends where the BPF side let the running task go on */
    long getNrKeptRunning();

    /** @return tasks that waited the wait bound in a queue and were served first */
    long getNrAgedDsq();

    /** @return tasks user space held for the wait bound, taken back by the BPF side */
    long getNrAgedUser();

    /** @return running tasks cut at a tick so that a waiting one could run */
    long getNrTickPreempts();

    /** @return the longest wait of any task between becoming runnable and running, ns */
    long getMaxWaitNs();

    /** @return the longest wait of a kernel thread, ns */
    long getMaxKthreadWaitNs();

    /** @return tasks in user space's hands now */
    long getNrInUser();

    /** @return tasks the kernel took back while user space held them */
    long getNrUserDequeued();

    /** @return tasks taken back from a stalled user space */
    long getNrStallRescues();

    /** @return decisions that preempted the task of the policy's their CPU ran */
    long getNrPreemptDispatches();

    /** @return kicks user space sent */
    long getNrUserKicks();

    /** @return policy tasks cut so the scheduling thread could read a wakeup */
    long getNrUserschedCuts();
}
