// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scxjavaland.DispatchedTask;
import io.github.scxjavaland.DispatchedTasks;
import io.github.scxjavaland.QueuedTask;
import io.github.scxjavaland.QueuedTasks;
import io.github.scxjavaland.SchedulerChannel;
import io.github.scxjavaland.SchedulerStats;
import io.github.scxjavaland.SchedulingPolicy;
import io.github.scxjavaland.examples.DeadlineScheduler;
import io.github.scxjavaland.examples.FifoScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SimulatedMachineTest {
    private static final long MS = 1_000_000L;

    /** Records every queued task it sees, then behaves like FIFO with the given slice and vtime. */
    private static final class Recorder implements SchedulingPolicy {
        final List<QueuedTask> seen = new ArrayList<>();
        long sliceNs;
        long vtime;

        @Override
        public void schedule(SchedulerChannel ch) {
            QueuedTasks in = ch.queuedTasks();
            DispatchedTasks out = ch.dispatchedTasks();
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                seen.add(in.copyTo(i, new QueuedTask()));
                int cpu = ch.selectCpu(in.pid(i), in.cpu(i), 0);
                out.add(in.pid(i), cpu >= 0 ? cpu : DispatchedTask.RL_CPU_ANY, sliceNs, vtime, in.enqCnt(i));
            }
            ch.dispatchTasks(out);
            ch.notifyComplete(out.size());
        }
    }

    @Test
    void fifoRunsTasksInTheOrderTheyWereQueued() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).seed(1).build();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // Staggered wakeups while the CPU is busy: they queue up in this order.
            m.addTask(TaskSpec.oneShot("t" + i).runNs(3 * MS).startAtNs(i * 100_000L));
            expected.add("t" + i);
        }
        m.run(new FifoScheduler(), Duration.ofMillis(100));
        assertEquals(expected, m.runOrder());
        for (SimTask t : m.tasks()) {
            assertEquals(3 * MS, m.stats(t).cpuTimeNs(), t.name());
            assertEquals(1, m.stats(t).runs(), t.name()); // 3 ms < the 5 ms default slice: one run each
        }
    }

    @Test
    void fifoKeepsOrderOfTasksWakingTogether() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).builtinIdle(false).build();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            m.addTask(TaskSpec.oneShot("w" + i).runNs(MS));
            expected.add("w" + i);
        }
        m.run(new FifoScheduler(), Duration.ofMillis(50));
        assertEquals(expected, m.runOrder());
        assertEquals(20, m.schedulerStats().nrUserDispatches());
        assertEquals(0, m.schedulerStats().nrKernelDispatches());
    }

    @Test
    void pinnedTaskNeverRunsElsewhere() {
        for (Supplier<SchedulingPolicy> p : List.<Supplier<SchedulingPolicy>>of(FifoScheduler::new,
                DeadlineScheduler::new, () -> new FifoScheduler(false))) {
            SimulatedMachine m = SimulatedMachine.builder().cpus(4).seed(3).build();
            for (int i = 0; i < 6; i++) {
                m.addTask(TaskSpec.cpuHog("hog" + i));
            }
            SimTask pinned = m.addTask(TaskSpec.periodic("pinned").runNs(2 * MS).sleepNs(3 * MS).affinity(1));
            SimTask pair = m.addTask(TaskSpec.cpuHog("pair").affinity(2, 3));
            m.run(p.get(), Duration.ofSeconds(2));
            TaskStats s = m.stats(pinned);
            assertArrayEquals(new int[] {1}, s.cpusUsed(), s.toString());
            assertTrue(s.cpuTimeNs() > 50 * MS, s.toString());
            int[] used = m.stats(pair).cpusUsed();
            assertTrue(used.length > 0 && used[0] >= 2, m.stats(pair).toString());
        }
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        List<TaskStats> a = jitteryRun(7);
        List<TaskStats> b = jitteryRun(7);
        List<TaskStats> c = jitteryRun(8);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    private static List<TaskStats> jitteryRun(long seed) {
        SimulatedMachine m = SimulatedMachine.builder().cpus(3).seed(seed).build();
        m.addTask(TaskSpec.cpuHog("hog").nice(3));
        m.addTask(TaskSpec.cpuHog("hog2"));
        for (int i = 0; i < 5; i++) {
            m.addTask(TaskSpec.periodic("p" + i).runNs(700_000).sleepNs(4 * MS).jitter(0.5));
        }
        m.run(new DeadlineScheduler(), Duration.ofSeconds(1));
        List<TaskStats> s = m.stats();
        assertEquals(m.runLog().size(), m.runOrder().size());
        return s;
    }

    @Test
    void runLogIsIdenticalForTheSameSeed() {
        SimulatedMachine x = SimulatedMachine.builder().cpus(2).seed(5).build();
        SimulatedMachine y = SimulatedMachine.builder().cpus(2).seed(5).build();
        for (SimulatedMachine m : List.of(x, y)) {
            m.addTask(TaskSpec.cpuHog("h"));
            m.addTask(TaskSpec.periodic("p").jitter(0.3));
            m.addTask(TaskSpec.periodic("q").runNs(300_000).sleepNs(MS).jitter(0.9));
            m.run(new FifoScheduler(), Duration.ofMillis(300));
        }
        List<String> lx = new ArrayList<>();
        List<String> ly = new ArrayList<>();
        x.runLog().forEach(r -> lx.add(r.task().name() + "@" + r.cpu() + "@" + r.startNs()));
        y.runLog().forEach(r -> ly.add(r.task().name() + "@" + r.cpu() + "@" + r.startNs()));
        assertEquals(lx, ly);
        assertTrue(lx.size() > 100);
    }

    @Test
    void recordsCarryWhatTheBpfSideWouldSend() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).builtinIdle(false).build();
        SimTask hog = m.addTask(TaskSpec.cpuHog("a-long-name-for-comm").weight(250));
        SimTask other = m.addTask(TaskSpec.cpuHog("other"));
        Recorder r = new Recorder();
        r.sliceNs = 2 * MS;
        r.vtime = 777;
        m.run(r, Duration.ofMillis(20));
        List<QueuedTask> mine = new ArrayList<>();
        for (QueuedTask q : r.seen) {
            if (q.pid() == hog.pid()) {
                mine.add(q);
            }
        }
        assertTrue(mine.size() >= 4, mine.toString());
        QueuedTask first = mine.get(0);
        assertEquals(SimulatedMachine.ENQ_WAKEUP, first.flags());
        assertEquals(0, first.vtime()); // new task
        assertEquals(0, first.execRuntime());
        assertEquals(250, first.weight());
        assertEquals(1, first.nrCpusAllowed());
        assertEquals("a-long-name-for", first.comm()); // 15 bytes + NUL, like TASK_COMM_LEN
        for (int i = 1; i < mine.size(); i++) {
            QueuedTask q = mine.get(i);
            assertEquals(0, q.flags(), "preempted, not woken");
            assertEquals(777, q.vtime(), "vtime echoes the last decision");
            assertEquals(2 * MS, q.stopTs() - q.startTs(), "ran one 2 ms slice");
            assertEquals(2 * MS * i, q.execRuntime(), "CPU time since it woke");
            assertEquals(mine.get(i - 1).enqCnt() + 1, q.enqCnt());
            assertEquals(0, q.cpu());
        }
        assertTrue(m.stats(other).cpuTimeNs() > 0);
        assertEquals(0, m.schedulerStats().nrCancelDispatches());
    }

    @Test
    void disallowedCpuBouncesToTheSharedQueue() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).builtinIdle(false).build();
        SimTask t = m.addTask(TaskSpec.periodic("t").affinity(1));
        SchedulingPolicy toCpu0 = ch -> {
            QueuedTasks in = ch.queuedTasks();
            DispatchedTasks out = ch.dispatchedTasks();
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                out.add(in.pid(i), 0, 0, 0, in.enqCnt(i));
            }
            ch.dispatchTasks(out);
            ch.notifyComplete(0);
        };
        m.run(toCpu0, Duration.ofMillis(100));
        SchedulerStats s = m.schedulerStats();
        assertTrue(s.nrBounceDispatches() >= 5, s.line());
        assertEquals(0, s.nrUserDispatches());
        assertArrayEquals(new int[] {1}, m.stats(t).cpusUsed());
    }

    @Test
    void staleAndUnknownDecisionsAreCancelledAndFailed() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).builtinIdle(false).build();
        SimTask t = m.addTask(TaskSpec.cpuHog("t"));
        m.addTask(TaskSpec.cpuHog("u"));
        SchedulingPolicy sloppy = ch -> {
            QueuedTasks in = ch.queuedTasks();
            DispatchedTasks out = ch.dispatchedTasks();
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                out.add(in.pid(i), DispatchedTask.RL_CPU_ANY, 0, 0, in.enqCnt(i) - 1); // stale
                out.add(in.pid(i), DispatchedTask.RL_CPU_ANY, 0, 0, in.enqCnt(i));
                out.add(in.pid(i), DispatchedTask.RL_CPU_ANY, 0, 0, in.enqCnt(i)); // already decided
                out.add(99_999, 0, 0, 0, 1); // no such task
            }
            ch.dispatchTasks(out);
            ch.notifyComplete(0);
        };
        m.run(sloppy, Duration.ofMillis(50));
        SchedulerStats s = m.schedulerStats();
        // A record queued at the last slice end behind a busy CPU may still wait to be read.
        assertTrue(s.nrInUser() <= 1, s.keyValues());
        long read = s.nrUserQueued() - s.nrInUser();
        assertEquals(read, s.nrUserDispatches());
        assertEquals(2 * read, s.nrCancelDispatches());
        assertEquals(read, s.nrFailedDispatches());
        assertEquals(read * 4, s.nrDecisions());
        assertEquals(0, s.nrUnaccounted());
        assertTrue(m.stats(t).cpuTimeNs() > 20 * MS);
    }

    @Test
    void weightChangeWhileQueuedMakesTheFirstRecordStale() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).builtinIdle(false).build();
        m.addTask(TaskSpec.cpuHog("hog"));
        // Wakes at 2 ms while the hog runs: its record waits unread until the hog's slice ends.
        SimTask p = m.addTask(TaskSpec.periodic("p").startAtNs(2 * MS).bursts(1));
        m.changeWeight(p, 3 * MS, 200);
        Recorder r = new Recorder();
        m.run(r, Duration.ofMillis(20));
        List<QueuedTask> mine = new ArrayList<>();
        for (QueuedTask q : r.seen) {
            if (q.pid() == p.pid()) {
                mine.add(q);
            }
        }
        assertEquals(2, mine.size(), mine.toString());
        assertEquals(100, mine.get(0).weight());
        assertEquals(200, mine.get(1).weight());
        assertEquals(mine.get(0).enqCnt() + 1, mine.get(1).enqCnt());
        SchedulerStats s = m.schedulerStats();
        assertEquals(1, s.nrCancelDispatches(), s.line()); // the answer to the first record
        assertEquals(MS, m.stats(p).cpuTimeNs());
        assertEquals(3 * MS, m.stats(p).wakeupWaits().maxNs()); // woke at 2 ms, ran when the hog's slice ended
    }

    @Test
    void affinityChangeMovesARunningTask() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).build();
        SimTask a = m.addTask(TaskSpec.cpuHog("a"));
        m.addTask(TaskSpec.cpuHog("b"));
        m.addTask(TaskSpec.cpuHog("c"));
        m.changeAffinity(a, 12 * MS, 1);
        m.run(new FifoScheduler(), Duration.ofMillis(200));
        for (RunRecord r : m.runLog()) {
            if (r.task() == a && r.startNs() >= 12 * MS) {
                assertEquals(1, r.cpu(), r.toString());
            }
        }
        TaskStats st = m.stats(a);
        assertTrue(st.cpuTimeNs(0) <= 12 * MS, st.toString());
        assertTrue(st.cpuTimeNs(1) > 40 * MS, st.toString());
        SchedulerStats s = m.schedulerStats();
        assertEquals(s.nrUserQueued(), s.nrDecisions() + s.nrInUser(), s.keyValues());
        assertEquals(0, s.nrUnaccounted());
    }

    @Test
    void aFullRingIsCongestionAndTasksStillRun() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).queueCapacity(2).builtinIdle(false).build();
        for (int i = 0; i < 6; i++) {
            m.addTask(TaskSpec.oneShot("t" + i).runNs(MS));
        }
        m.run(new FifoScheduler(), Duration.ofMillis(20));
        SchedulerStats s = m.schedulerStats();
        assertEquals(4, s.nrSchedCongested());
        assertEquals(4, s.nrKernelDispatches());
        assertEquals(2, s.nrUserQueued());
        for (TaskStats t : m.stats()) {
            assertEquals(MS, t.cpuTimeNs(), t.name());
        }
    }

    @Test
    void partialSendsKeepTheRestInTheBatch() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).dispatchCapacity(1).builtinIdle(false).build();
        for (int i = 0; i < 10; i++) {
            m.addTask(TaskSpec.periodic("p" + i).runNs(MS).sleepNs(2 * MS));
        }
        m.run(new FifoScheduler(), Duration.ofMillis(500));
        SchedulerStats s = m.schedulerStats();
        assertEquals(0, s.nrCancelDispatches() + s.nrFailedDispatches());
        for (TaskStats t : m.stats()) {
            assertTrue(t.cpuTimeNs() > 20 * MS, t.toString());
        }
    }

    @Test
    void aLoneTaskKeepsItsCpuWithoutRoundTrips() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).build();
        SimTask hog = m.addTask(TaskSpec.cpuHog("hog"));
        m.run(new FifoScheduler(), Duration.ofSeconds(1));
        assertEquals(1_000_000_000L, m.stats(hog).cpuTimeNs());
        assertEquals(1, m.stats(hog).runs());
        assertTrue(m.refills() >= 190, "refills " + m.refills());
        assertEquals(1, m.schedulerStats().nrKernelDispatches()); // the idle CPU at its wakeup
        assertEquals(0, m.rounds());
    }

    @Test
    void aSliceEndGoesBackToAPolicyThatHoldsTasksWhateverItReports() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).build();
        SimTask a = m.addTask(TaskSpec.cpuHog("a"));
        SimTask b = m.addTask(TaskSpec.cpuHog("b"));
        SchedulingPolicy holdsB = ch -> {
            QueuedTasks in = ch.queuedTasks();
            DispatchedTasks out = ch.dispatchedTasks();
            int n = ch.dequeueTasks(in);
            for (int i = 0; i < n; i++) {
                if (in.pid(i) != b.pid()) {
                    out.add(in.pid(i), DispatchedTask.RL_CPU_ANY, 0, 0, in.enqCnt(i));
                }
            }
            ch.dispatchTasks(out);
            ch.notifyComplete(0); // says it holds nothing; the BPF side counts for itself
        };
        m.run(holdsB, Duration.ofSeconds(1));
        SchedulerStats s = m.schedulerStats();
        // a never just goes on while b is held: every slice end is a round trip to the policy.
        assertEquals(0, m.refills(), s.keyValues());
        assertTrue(m.stats(a).runs() > 100, m.stats(a).toString());
        // b is taken back at the wait bound and run first, each time the policy sits on it.
        assertTrue(s.nrAgedUser() >= 2 && m.stats(b).runs() >= 2, s.keyValues());
        assertTrue(s.maxWaitNs() <= SchedulerStats.MAX_WAIT_NS + 100 * MS, s.keyValues());
        assertEquals(0, s.nrUnaccounted(), s.keyValues());
    }

    @Test
    void aTickCutsOneSecondSlicesForTasksThatWaitedTheBound() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).tick(Duration.ofMillis(4)).build();
        for (int i = 0; i < 3; i++) {
            m.addTask(TaskSpec.cpuHog("hog" + i));
        }
        Recorder oneSecond = new Recorder();
        oneSecond.sliceNs = 1_000_000_000L;
        m.run(oneSecond, Duration.ofSeconds(5));
        SchedulerStats s = m.schedulerStats();
        // Queued behind 1 s slices, the others age in the shared queue and cut the runner.
        assertTrue(s.nrAgedDsq() > 5 && s.nrTickPreempts() > 5, s.keyValues());
        assertTrue(s.maxWaitNs() <= SchedulerStats.MAX_WAIT_NS + 100 * MS + 4 * MS, s.keyValues());
        for (TaskStats t : m.stats()) {
            assertTrue(t.cpuTimeNs() > 1_000 * MS, t.toString());
        }
    }

    @Test
    void slicesEndOnTheNextTickWhenTicksAreModelled() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).tick(Duration.ofMillis(4)).builtinIdle(false).build();
        SimTask a = m.addTask(TaskSpec.cpuHog("a"));
        m.addTask(TaskSpec.cpuHog("b"));
        Recorder r = new Recorder();
        r.sliceNs = MS; // asks for 1 ms; the kernel notices the end on the next 4 ms tick
        m.run(r, Duration.ofMillis(40));
        for (RunRecord run : m.runLog()) {
            assertEquals(0, run.startNs() % (4 * MS), run.toString());
        }
        assertEquals(20 * MS, m.stats(a).cpuTimeNs());
        SimTask oneShot = m.addTask(TaskSpec.oneShot("short").runNs(300_000));
        m.run(r, Duration.ofMillis(40));
        assertEquals(300_000, m.stats(oneShot).cpuTimeNs()); // blocking ends a run at once
    }

    @Test
    void selectCpuClaimsIdleCpusTheTaskMayUse() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(4).build();
        SimTask t = m.addTask(TaskSpec.cpuHog("t").affinity(2, 3));
        assertEquals(2, m.selectCpu(t.pid(), 2, 0));
        assertEquals(3, m.selectCpu(t.pid(), 0, 0)); // 0 is idle but not allowed
        assertEquals(-16, m.selectCpu(t.pid(), 2, 0)); // both claimed
        assertEquals(-3, m.selectCpu(4242, 0, 0));
    }

    @Test
    void aPolicyThatHoldsTasksCannotStarveThem() {
        // It used to trip the watchdog; the BPF side now takes held tasks back at the wait
        // bound, and treats a policy that decides nothing for the stall timeout as stalled.
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).watchdog(Duration.ofSeconds(2)).build();
        m.addTask(TaskSpec.cpuHog("a"));
        SimTask starved = m.addTask(TaskSpec.cpuHog("starved"));
        SchedulingPolicy hoarder = ch -> {
            int n = ch.dequeueTasks(ch.queuedTasks());
            ch.notifyComplete(n); // takes everything, dispatches nothing
        };
        m.run(hoarder, Duration.ofSeconds(10));
        SchedulerStats s = m.schedulerStats();
        // Not a fair share (the CPU idles while the policy sits on both tasks), but every
        // task keeps running: taken back at the bound, or when the policy looks stalled.
        assertTrue(m.stats(starved).runs() >= 20, m.stats(starved).toString());
        assertTrue(s.nrAgedUser() > 0, s.keyValues());
        assertEquals(0, s.nrUserDispatches());
        assertTrue(s.maxWaitNs() <= SchedulerStats.MAX_WAIT_NS + 100 * MS, s.keyValues());
        assertEquals(0, s.nrUnaccounted(), s.keyValues());
    }

    @Test
    void runContinuesWhereItStopped() {
        SimulatedMachine once = SimulatedMachine.builder().cpus(2).seed(9).build();
        SimulatedMachine twice = SimulatedMachine.builder().cpus(2).seed(9).build();
        for (SimulatedMachine m : List.of(once, twice)) {
            m.addTask(TaskSpec.cpuHog("h1"));
            m.addTask(TaskSpec.cpuHog("h2"));
            m.addTask(TaskSpec.periodic("p").jitter(0.2));
        }
        DeadlineScheduler p1 = new DeadlineScheduler();
        DeadlineScheduler p2 = new DeadlineScheduler();
        once.run(p1, Duration.ofMillis(400));
        twice.run(p2, Duration.ofMillis(150));
        twice.run(p2, Duration.ofMillis(250));
        assertEquals(400 * MS, twice.nowNs());
        assertEquals(once.stats(), twice.stats());
        long busy = twice.cpuBusyNs(0) + twice.cpuBusyNs(1);
        assertEquals(800 * MS, busy); // three runnable tasks on two CPUs: never idle
    }

    @Test
    void misuseIsReported() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).build();
        SimulatedMachine other = SimulatedMachine.builder().cpus(2).build();
        assertThrows(IllegalArgumentException.class, () -> m.dequeueTasks(other.queuedTasks()));
        assertThrows(IllegalArgumentException.class, () -> m.dispatchTasks(other.dispatchedTasks()));
        assertThrows(IllegalArgumentException.class, () -> m.addTask(TaskSpec.cpuHog("x").affinity(2)));
        assertThrows(IllegalArgumentException.class, () -> m.notifyComplete(-1));
        SimTask t = other.addTask(TaskSpec.cpuHog("y"));
        assertThrows(IllegalArgumentException.class, () -> m.stats(t));
        assertThrows(IllegalArgumentException.class, () -> TaskSpec.cpuHog("z").weight(0));
        assertThrows(IllegalArgumentException.class, () -> SimulatedMachine.builder().cpus(0));
        SchedulingPolicy reentrant = ch -> m.run(c -> { }, Duration.ofMillis(1));
        m.addTask(TaskSpec.cpuHog("a"));
        m.addTask(TaskSpec.cpuHog("b"));
        m.addTask(TaskSpec.cpuHog("c"));
        assertThrows(IllegalStateException.class, () -> m.run(reentrant, Duration.ofMillis(10)));
    }

    @Test
    void niceLevelsMapToKernelWeights() {
        assertEquals(100, TaskSpec.weightOfNice(0));
        assertEquals(33, TaskSpec.weightOfNice(5));
        assertEquals(8668, TaskSpec.weightOfNice(-20));
        assertEquals(1, TaskSpec.weightOfNice(19));
        assertFalse(TaskSpec.periodic("x").isCpuHog());
    }

    @Test
    void histogramQuantilesAreClose() {
        Histogram h = new Histogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 1000);
        }
        LatencyStats s = h.snapshot();
        assertEquals(100_000, s.count());
        assertEquals(50_000_500, s.meanNs());
        assertEquals(100_000_000, s.maxNs());
        assertEquals(99_000_000, s.p99Ns(), 99_000_000 * 0.035);
        assertEquals(50_000_000, s.p50Ns(), 50_000_000 * 0.035);
        Histogram small = new Histogram();
        small.record(7);
        assertEquals(7, small.snapshot().p99Ns());
        assertEquals(LatencyStats.EMPTY, new Histogram().snapshot());
    }
}
