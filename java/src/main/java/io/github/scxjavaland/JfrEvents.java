// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The scheduler's JDK Flight Recorder events (category "scx_javaland"): attach, exit (with the
 * exit report), one event per scheduling round that moved tasks ({@link SchedulerRunner}), and
 * the BPF side's counters every second. Fields carry the names of {@link SchedulerStats}' and
 * the MXBean's counters. Used only once JFR runs ({@link JfrGate}); then a round whose event a
 * recording has off costs a disabled check, and one it has on one small event object, never
 * one per task.
 */
final class JfrEvents {
    private JfrEvents() {}

    /** Schedulers open now, for the periodic counters event. */
    private static final Set<BpfScheduler> OPEN = new CopyOnWriteArraySet<>();

    static {
        FlightRecorder.addPeriodicEvent(Counters.class, JfrEvents::emitCounters);
    }

    /** One round of {@code policy} with its event, if a recording has it on: what moved, and the policy's own time. */
    static void round(NativeBatchChannel sched, SchedulingPolicy policy) {
        Round round = new Round();
        if (!round.isEnabled()) {
            policy.schedule(sched);
            return;
        }
        NativeChannel ch = sched.channel;
        ch.beginRound();
        round.begin();
        long t0 = System.nanoTime(); // inside the event's interval: the decide time never exceeds it
        long t1;
        try {
            policy.schedule(sched);
        } finally {
            t1 = System.nanoTime();
            round.end();
            ch.endRound();
        }
        if ((ch.roundDequeued | ch.roundDispatched) != 0 && round.shouldCommit()) {
            round.dequeued = ch.roundDequeued;
            round.dispatched = ch.roundDispatched;
            round.crossings = ch.roundCrossings;
            round.decideNs = Math.max(0, t1 - t0 - ch.roundCrossingNs);
            round.commit();
        }
    }

    static void opened(BpfScheduler s, String opsName, int nrCpus) {
        OPEN.add(s);
        Attach e = new Attach();
        if (e.isEnabled()) {
            e.opsName = opsName;
            e.nrCpus = nrCpus;
            e.commit();
        }
    }

    static void exited(BpfScheduler s, String opsName, ExitInfo info, SchedulerStats last) {
        OPEN.remove(s);
        Exit e = new Exit();
        if (e.isEnabled()) {
            e.opsName = opsName;
            e.kind = info.kind();
            e.kindName = info.kindName();
            e.exitCode = info.exitCode();
            e.reason = info.reason();
            e.message = info.message();
            e.report = info.report();
            e.error = info.isError();
            e.commit();
        }
        if (last != null) {
            emit(opsName, last);
        }
    }

    private static void emitCounters() {
        for (BpfScheduler s : OPEN) {
            SchedulerStats st;
            try {
                st = s.stats();
            } catch (IllegalStateException closing) {
                continue;
            }
            emit(s.opsName(), st);
        }
    }

    private static void emit(String opsName, SchedulerStats s) {
        Counters c = new Counters();
        if (!c.isEnabled()) {
            return;
        }
        c.opsName = opsName;
        c.nrQueued = s.nrQueued();
        c.nrScheduled = s.nrScheduled();
        c.nrRunning = s.nrRunning();
        c.nrOnlineCpus = s.nrOnlineCpus();
        c.nrUserDispatches = s.nrUserDispatches();
        c.nrKernelDispatches = s.nrKernelDispatches();
        c.nrCancelDispatches = s.nrCancelDispatches();
        c.nrBounceDispatches = s.nrBounceDispatches();
        c.nrFailedDispatches = s.nrFailedDispatches();
        c.nrSchedCongested = s.nrSchedCongested();
        c.nrStallFallbacks = s.nrStallFallbacks();
        c.nrStallRescues = s.nrStallRescues();
        c.nrAgedUser = s.nrAgedUser();
        c.nrAgedDsq = s.nrAgedDsq();
        c.nrUserQueued = s.nrUserQueued();
        c.nrUserDequeued = s.nrUserDequeued();
        c.nrInUser = s.nrInUser();
        c.nrTickPreempts = s.nrTickPreempts();
        c.nrPreemptDispatches = s.nrPreemptDispatches();
        c.nrUserKicks = s.nrUserKicks();
        c.nrUserschedCuts = s.nrUserschedCuts();
        c.maxWaitNs = s.maxWaitNs();
        c.maxKthreadWaitNs = s.maxKthreadWaitNs();
        c.commit();
    }

    /** A scheduler was attached: it schedules the machine from now on. */
    @Name("io.github.scxjavaland.Attach")
    @Label("Scheduler Attached")
    @Category("scx_javaland")
    @StackTrace(false)
    static final class Attach extends Event {
        @Label("Ops Name") String opsName;
        @Label("CPU Ids") int nrCpus;
    }

    /** A scheduler stopped (detached from user space, ejected by the kernel, or failed). */
    @Name("io.github.scxjavaland.Exit")
    @Label("Scheduler Exit")
    @Category("scx_javaland")
    @StackTrace(false)
    static final class Exit extends Event {
        @Label("Ops Name") String opsName;
        @Label("Kind") @Description("SCX_EXIT_*: 64 is a clean detach from user space") int kind;
        @Label("Kind Name") String kindName;
        @Label("Exit Code") long exitCode;
        @Label("Reason") String reason;
        @Label("Message") String message;
        @Label("Report") @Description("ExitInfo.report(): what the scheduler prints at exit") String report;
        @Label("Error") boolean error;
    }

    /** One scheduling round that moved tasks: SchedulingPolicy.schedule, once. */
    @Name("io.github.scxjavaland.Round")
    @Label("Scheduling Round")
    @Category("scx_javaland")
    @StackTrace(false)
    @Description("One call of the policy's schedule() that dequeued or dispatched something; the "
            + "event's duration is the whole call")
    static final class Round extends Event {
        @Label("Tasks Dequeued") int dequeued;
        @Label("Decisions Sent") @Description("decisions and kicks the dispatch ring took") int dispatched;
        @Label("Crossings") @Description("calls into native code: dequeue, dispatch, wait, notifyComplete") int crossings;
        @Label("Decide Time") @Timespan(Timespan.NANOSECONDS)
        @Description("the round's duration minus the time spent in its crossings (waits included): the policy's own work")
        long decideNs;
    }

    /** The BPF side's counters (struct sjl_counters), every second and once at exit. */
    @Name("io.github.scxjavaland.Counters")
    @Label("Scheduler Counters")
    @Category("scx_javaland")
    @StackTrace(false)
    @Period("1 s")
    @Description("Totals since attach; the names are SchedulerStats' (and the MXBean's)")
    static final class Counters extends Event {
        @Label("Ops Name") String opsName;
        @Label("Queued (nrQueued)") long nrQueued;
        @Label("Scheduled (nrScheduled)") long nrScheduled;
        @Label("Running (nrRunning)") long nrRunning;
        @Label("Online CPUs") long nrOnlineCpus;
        @Label("User Dispatches") long nrUserDispatches;
        @Label("Kernel Dispatches") long nrKernelDispatches;
        @Label("Cancelled Dispatches") long nrCancelDispatches;
        @Label("Bounced Dispatches") long nrBounceDispatches;
        @Label("Failed Dispatches") long nrFailedDispatches;
        @Label("Congestion (ring full)") long nrSchedCongested;
        @Label("Stall Fallbacks") long nrStallFallbacks;
        @Label("Stall Rescues") long nrStallRescues;
        @Label("Aged Out of User Space") long nrAgedUser;
        @Label("Aged in a DSQ") long nrAgedDsq;
        @Label("Sent to User Space") long nrUserQueued;
        @Label("Dequeued While in User Space") long nrUserDequeued;
        @Label("In User Space Now") long nrInUser;
        @Label("Tick Preemptions") long nrTickPreempts;
        @Label("Preempting Decisions") long nrPreemptDispatches;
        @Label("User Kicks") long nrUserKicks;
        @Label("Scheduling Thread Cuts") long nrUserschedCuts;
        @Label("Longest Wait") @Timespan(Timespan.NANOSECONDS) long maxWaitNs;
        @Label("Longest Kernel Thread Wait") @Timespan(Timespan.NANOSECONDS) long maxKthreadWaitNs;
    }
}
