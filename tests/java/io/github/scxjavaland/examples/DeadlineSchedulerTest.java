// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scxjavaland.SchedulerStats;
import io.github.scxjavaland.SchedulingPolicy;
import io.github.scxjavaland.sim.LatencyStats;
import io.github.scxjavaland.sim.SimTask;
import io.github.scxjavaland.sim.SimulatedMachine;
import io.github.scxjavaland.sim.TaskSpec;
import io.github.scxjavaland.sim.TaskStats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DeadlineSchedulerTest {
    private static final long MS = 1_000_000L;

    private static double ratio(SimulatedMachine m, SimTask num, SimTask den) {
        return (double) m.stats(num).cpuTimeNs() / m.stats(den).cpuTimeNs();
    }

    @Test
    void twoHogsOnOneCpuShareByWeight() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).seed(1).build();
        SimTask light = m.addTask(TaskSpec.cpuHog("light").weight(100));
        SimTask heavy = m.addTask(TaskSpec.cpuHog("heavy").weight(200));
        m.run(new DeadlineScheduler(), Duration.ofSeconds(10));
        double r = ratio(m, heavy, light);
        System.out.printf("weights 1:2 on one CPU: CPU time ratio %.4f (%s / %s)%n", r, m.stats(heavy), m.stats(light));
        assertEquals(2.0, r, 2.0 * 0.05);
        assertEquals(10_000 * MS, m.stats(light).cpuTimeNs() + m.stats(heavy).cpuTimeNs());
    }

    @Test
    void niceFiveGetsAThirdOfNiceZero() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).seed(2).build();
        SimTask nice0 = m.addTask(TaskSpec.cpuHog("nice0").nice(0));
        SimTask nice5 = m.addTask(TaskSpec.cpuHog("nice5").nice(5));
        m.run(new DeadlineScheduler(), Duration.ofSeconds(10));
        double r = ratio(m, nice0, nice5);
        System.out.printf("nice 0 vs nice 5: ratio %.3f (weights 100:33 = %.3f)%n", r, 100 / 33.0);
        assertEquals(100 / 33.0, r, 100 / 33.0 * 0.05);
    }

    @Test
    void weightsHoldWhenSlicesEndOnTicks() {
        // HZ=250: the 1 ms and 0.33 ms slices both last a 4 ms tick; the deadline order must
        // still give nice 0 three times the CPU of nice 5.
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).seed(2).tick(Duration.ofMillis(4)).build();
        SimTask nice0 = m.addTask(TaskSpec.cpuHog("nice0").nice(0));
        SimTask nice5 = m.addTask(TaskSpec.cpuHog("nice5").nice(5));
        m.run(new DeadlineScheduler(), Duration.ofSeconds(10));
        assertEquals(100 / 33.0, ratio(m, nice0, nice5), 100 / 33.0 * 0.05);
        TaskStats n5 = m.stats(nice5);
        assertEquals(4 * MS, n5.cpuTimeNs() / n5.runs(), MS / 10, "its turns last a tick, not 0.33 ms");
    }

    @Test
    void threeHogsOnOneCpuShareByWeightThroughTheQueueOrder() {
        // Equal slices: only the deadline order in the queue can make the shares differ.
        DeadlineScheduler p = DeadlineScheduler.builder().sliceMinNs(20 * MS).sliceMaxNs(20 * MS).build();
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).seed(9).build();
        SimTask w1 = m.addTask(TaskSpec.cpuHog("w100").weight(100));
        SimTask w2 = m.addTask(TaskSpec.cpuHog("w200").weight(200));
        SimTask w3 = m.addTask(TaskSpec.cpuHog("w300").weight(300));
        m.run(p, Duration.ofSeconds(30));
        assertEquals(20 * MS, p.sliceFor(100));
        assertEquals(20 * MS, p.sliceFor(300));
        System.out.printf("equal slices, weights 1:2:3: %.3f : %.3f : 3%n", 3 / ratio(m, w3, w1), 3 / ratio(m, w3, w2));
        assertEquals(2.0, ratio(m, w2, w1), 2.0 * 0.05);
        assertEquals(3.0, ratio(m, w3, w1), 3.0 * 0.05);
    }

    @Test
    void pinnedPairKeepsItsWeightsWhenTheMachineRunsLate() {
        // Ticks 25 ms apart: how an emulated VM on a loaded host looks from inside (timer
        // interrupts arrive late, so a 1 ms slice lasts tens of ms). A hold timed from the
        // decision ran out while the hog still ran, and the pair drifted towards 1:1.
        assertEquals(100 / 33.0, pinnedPairRatio(25, 20), 100 / 33.0 * 0.05);
    }

    @Test
    void pinnedPairKeepsItsWeightsWhenRoundsRunMidSlice() {
        // The waiting hog must not be queued behind the running one out of deadline order.
        assertEquals(100 / 33.0, pinnedPairRatio(4, 10), 100 / 33.0 * 0.05);
    }

    /**
     * Nice 0 and nice 5 pinned to CPU 1, with a busy neighbour on CPU 0 that makes the scheduler
     * run while a hog is mid-slice.
     *
     * @return nice 0's CPU time over nice 5's
     */
    private static double pinnedPairRatio(int tickMs, int seconds) {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).seed(3).tick(Duration.ofMillis(tickMs))
                .builtinIdle(false).build();
        SimTask nice0 = m.addTask(TaskSpec.cpuHog("nice0").nice(0).affinity(1));
        SimTask nice5 = m.addTask(TaskSpec.cpuHog("nice5").nice(5).affinity(1));
        m.addTask(TaskSpec.periodic("ticker").runNs(50_000).sleepNs(700_000).jitter(0.5).affinity(0));
        m.run(new DeadlineScheduler(), Duration.ofSeconds(seconds));
        double r = ratio(m, nice0, nice5);
        System.out.printf("pinned nice 0/5 pair, %d ms ticks, rounds mid-slice: ratio %.3f%n", tickMs, r);
        return r;
    }

    @Test
    void aPinnedHogStillGetsTheCpuOfAnEarlySleeper() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).seed(4).tick(Duration.ofMillis(4)).build();
        SimTask sleeper = m.addTask(TaskSpec.periodic("sleeper").runNs(500_000).sleepNs(2 * MS).affinity(1));
        SimTask hog = m.addTask(TaskSpec.cpuHog("hog").affinity(1));
        m.addTask(TaskSpec.periodic("ticker").runNs(50_000).sleepNs(700_000).affinity(0));
        m.run(new DeadlineScheduler(), Duration.ofSeconds(5));
        TaskStats h = m.stats(hog);
        TaskStats s = m.stats(sleeper);
        System.out.printf("pinned sleeper %.0f ms, pinned hog %.0f ms of 5000 on CPU 1%n", s.cpuTimeNs() / 1e6,
                h.cpuTimeNs() / 1e6);
        assertTrue(h.cpuTimeNs() + s.cpuTimeNs() > 4_500 * MS, "CPU 1 left idle: " + h + " / " + s);
        assertTrue(h.cpuTimeNs() > 2_000 * MS, h.toString());
    }

    @Test
    void weightedHogsOnFourCpusGetTheirShare() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(4).seed(3).build();
        long[] weights = {100, 100, 100, 100, 200, 200, 50, 50}; // sum 900: 0.44 CPU per 100
        List<SimTask> hogs = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            hogs.add(m.addTask(TaskSpec.cpuHog("w" + weights[i] + "-" + i).weight(weights[i])));
        }
        m.run(new DeadlineScheduler(), Duration.ofSeconds(10));
        double total = 0;
        for (SimTask h : hogs) {
            total += m.stats(h).cpuTimeNs();
        }
        assertEquals(40_000 * MS, total, 40_000 * MS * 0.001); // no CPU left idle
        for (int i = 0; i < hogs.size(); i++) {
            double share = m.stats(hogs.get(i)).cpuTimeNs() / total;
            double expected = weights[i] / 900.0;
            assertEquals(expected, share, expected * 0.10, m.stats(hogs.get(i)).toString());
        }
    }

    @Test
    void weightChangeWhileHeldIsHonoured() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(1).seed(4).build();
        SimTask a = m.addTask(TaskSpec.cpuHog("a"));
        SimTask b = m.addTask(TaskSpec.cpuHog("b"));
        DeadlineScheduler p = new DeadlineScheduler();
        m.changeWeight(b, 1_000 * MS + 123, 300);
        m.run(p, Duration.ofSeconds(1));
        long a0 = m.stats(a).cpuTimeNs();
        long b0 = m.stats(b).cpuTimeNs();
        assertEquals(1.0, (double) b0 / a0, 0.05);
        m.run(p, Duration.ofSeconds(5));
        double r = (double) (m.stats(b).cpuTimeNs() - b0) / (m.stats(a).cpuTimeNs() - a0);
        assertEquals(3.0, r, 3.0 * 0.05);
        SchedulerStats s = m.schedulerStats();
        // Every record was answered, is held, was merged into a held task's decision, or still
        // waits unread in the ring.
        assertEquals(s.nrUserQueued(), s.nrDecisions() + p.nrHeld() + p.nrMerged() + s.nrQueued());
        assertTrue(s.nrCancelDispatches() <= 1, s.line());
    }

    /** Hogs saturate two CPUs; an interactive task runs 0.5 ms every ~10 ms. */
    private static LatencyStats interactiveWaits(Supplier<SchedulingPolicy> policy, long bpfSliceNs, String label) {
        // The BPF default slice as each example's command line sets it (FIFO: 5 ms, deadline: -S).
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).seed(11).sliceNs(bpfSliceNs).build();
        for (int i = 0; i < 4; i++) {
            m.addTask(TaskSpec.cpuHog("hog" + i));
        }
        SimTask ui = m.addTask(TaskSpec.periodic("ui").runNs(500_000).sleepNs(10 * MS).jitter(0.3));
        m.run(policy.get(), Duration.ofSeconds(20));
        TaskStats s = m.stats(ui);
        System.out.printf("%-8s interactive wakeup waits: %s; its CPU %.1f ms%n", label, s.wakeupWaits(),
                s.cpuTimeNs() / 1e6);
        return s.wakeupWaits();
    }

    @Test
    void interactiveTaskWaitsLessThanUnderFifo() {
        LatencyStats fifo = interactiveWaits(FifoScheduler::new, 5 * MS, "fifo");
        LatencyStats deadline = interactiveWaits(DeadlineScheduler::new, DeadlineScheduler.DEFAULT_SLICE_MIN_NS,
                "deadline");
        assertTrue(fifo.count() > 500 && deadline.count() > 500);
        assertTrue(deadline.meanNs() * 3 < fifo.meanNs(), deadline + " vs " + fifo);
        assertTrue(deadline.p99Ns() * 2 < fifo.p99Ns(), deadline + " vs " + fifo);
        // Without preemption it waits for the next slice end: at most one 1 ms base slice (the
        // first wakeup, at time 0 with every task new, may wait longer).
        assertTrue(deadline.p99Ns() <= DeadlineScheduler.DEFAULT_SLICE_MIN_NS, deadline.toString());
    }

    /**
     * A hog pinned to CPU 1 with 20 ms slices and a task pinned beside it that runs 0.1 ms every
     * ~10 ms: its wakeup wait is the rest of the hog's slice unless it preempts. CPU 0 runs a
     * task that sleeps every 0.5 ms, so the scheduler runs a round soon after each wakeup.
     */
    private static LatencyStats pinnedWakerWaits(boolean preempt) {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).seed(12).sliceNs(20 * MS).build();
        m.addTask(TaskSpec.periodic("busy0").runNs(500_000).sleepNs(500_000).affinity(0));
        m.addTask(TaskSpec.cpuHog("hog1").affinity(1));
        SimTask waker = m.addTask(TaskSpec.periodic("waker").runNs(100_000).sleepNs(10 * MS).jitter(0.3)
                .affinity(1));
        DeadlineScheduler p = DeadlineScheduler.builder().sliceMinNs(20 * MS).preempt(preempt).build();
        m.run(p, Duration.ofSeconds(10));
        LatencyStats w = m.stats(waker).wakeupWaits();
        System.out.printf("pinned waker beside a 20 ms hog, preempt %s: %s, %d preempting decisions%n", preempt, w,
                p.nrPreempts());
        assertTrue(w.count() > 400, w.toString());
        assertEquals(preempt, p.nrPreempts() > 0);
        return w;
    }

    @Test
    void preemptionCutsTheWaitBehindAHogsLongSlice() {
        LatencyStats without = pinnedWakerWaits(false);
        LatencyStats with = pinnedWakerWaits(true);
        // Without preemption the waker waits for the hog's slice end (a tick after 20 ms of it).
        // With it, the hog is cut as soon as the decision lands: its deadline, charged for what
        // it ran since it was sent, is far later than the waker's.
        assertTrue(with.meanNs() * 4 < without.meanNs(), with + " vs " + without);
        assertTrue(with.p99Ns() * 4 < without.p99Ns(), with + " vs " + without);
    }

    @Test
    void thousandsOfTasksAllRun() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(8).seed(5).recordRuns(0).build();
        for (int i = 0; i < 4; i++) {
            m.addTask(TaskSpec.cpuHog("hog" + i));
        }
        for (int i = 0; i < 6000; i++) {
            m.addTask(TaskSpec.periodic("t" + i).runNs(100_000).sleepNs(100 * MS).jitter(0.9)
                    .startAtNs(i * 10_000L).weight(1 + i % 400));
        }
        DeadlineScheduler p = new DeadlineScheduler();
        m.run(p, Duration.ofSeconds(2));
        for (TaskStats s : m.stats()) {
            assertTrue(s.runs() >= 5, s.toString());
        }
        assertTrue(p.tableCapacity() >= 6004 && p.tableCapacity() <= 2 * 8192, "capacity " + p.tableCapacity());
        assertEquals(6004, p.nrTracked());
        SchedulerStats s = m.schedulerStats();
        assertEquals(0, s.nrCancelDispatches() + s.nrFailedDispatches() + s.nrBounceDispatches());
    }

    @Test
    void percpuLocalKeepsTasksOnTheirCpu() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(4).seed(6).build();
        List<SimTask> hogs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hogs.add(m.addTask(TaskSpec.cpuHog("hog" + i)));
        }
        for (int i = 0; i < 4; i++) {
            m.addTask(TaskSpec.periodic("p" + i).startAtNs(MS));
        }
        DeadlineScheduler p = DeadlineScheduler.builder().percpuLocal(true).build();
        m.run(p, Duration.ofSeconds(2));
        for (SimTask h : hogs) {
            assertEquals(1, m.stats(h).cpusUsed().length, m.stats(h).toString());
        }
        assertEquals(0, p.nrIdleClaims());
    }

    @Test
    void partialSendsLoseNoTask() {
        SimulatedMachine m = SimulatedMachine.builder().cpus(2).dispatchCapacity(1).seed(7).build();
        for (int i = 0; i < 6; i++) {
            m.addTask(TaskSpec.cpuHog("hog" + i).weight(100 + 50 * i));
        }
        DeadlineScheduler p = new DeadlineScheduler();
        m.run(p, Duration.ofSeconds(3));
        SchedulerStats s = m.schedulerStats();
        assertEquals(0, s.nrCancelDispatches() + s.nrFailedDispatches(), s.line());
        for (TaskStats t : m.stats()) {
            assertTrue(t.cpuTimeNs() > 300 * MS, t.toString());
        }
    }

    @Test
    void noAllocationPerTaskInSteadyState() throws Throwable {
        SimulatedMachine m = SimulatedMachine.builder().cpus(4).seed(8).recordRuns(0).build();
        for (int i = 0; i < 8; i++) {
            m.addTask(TaskSpec.cpuHog("hog" + i).weight(50 + 25 * i));
        }
        for (int i = 0; i < 300; i++) {
            m.addTask(TaskSpec.periodic("p" + i).runNs(200_000).sleepNs(20 * MS).jitter(0.5));
        }
        DeadlineScheduler p = new DeadlineScheduler();
        Duration window = Duration.ofSeconds(4);
        // Warm up: JIT-compiled, every array at its working size, every path taken once (the first
        // preemptions come late in the second window).
        m.run(p, window);
        m.run(p, window);
        m.run(p, window);
        MethodHandle counter = allocationCounter();
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long idle = (long) counter.invokeExact(bean, self);
        idle = (long) counter.invokeExact(bean, self) - idle; // what a reading costs, if anything
        long rounds = m.rounds();
        long decisions = p.nrDispatched();
        long before = (long) counter.invokeExact(bean, self);
        m.run(p, window);
        long allocated = (long) counter.invokeExact(bean, self) - before - idle;
        rounds = m.rounds() - rounds;
        decisions = p.nrDispatched() - decisions;
        System.out.printf("steady state: %d bytes allocated over %d rounds and %d decisions%n", allocated, rounds,
                decisions);
        assertTrue(decisions > 50_000, "decisions " + decisions);
        // One byte per decision would be 50 KB; allow a few words of JVM noise.
        assertTrue(allocated < 64, allocated + " bytes over " + decisions + " decisions");
    }

    /**
     * HotSpot's per-thread allocation counter, com.sun.management.ThreadMXBean
     * .getThreadAllocatedBytes(long), as a handle typed (ThreadMXBean, long)long: no boxing, so
     * reading it allocates nothing (this module does not read jdk.management, hence no cast).
     */
    private static MethodHandle allocationCounter() throws Exception {
        Class<?> ext = Class.forName("com.sun.management.ThreadMXBean");
        assertTrue(ext.isInstance(ManagementFactory.getThreadMXBean()), "no per-thread allocation counter");
        return MethodHandles.publicLookup()
                .findVirtual(ext, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                .asType(MethodType.methodType(long.class, ThreadMXBean.class, long.class));
    }

    @Test
    void slicesScaleWithWeightWithinBounds() {
        DeadlineScheduler d = new DeadlineScheduler();
        assertEquals(MS, d.sliceFor(100));
        assertEquals(2 * MS, d.sliceFor(200));
        assertEquals(330_000, d.sliceFor(33));
        assertEquals(100_000, d.sliceFor(1)); // floor: base / 10
        assertEquals(20 * MS, d.sliceFor(10_000)); // maximum
        assertThrows(IllegalArgumentException.class,
                () -> DeadlineScheduler.builder().sliceMinNs(30 * MS).sliceMaxNs(20 * MS).build());
        assertThrows(IllegalArgumentException.class, () -> DeadlineScheduler.builder().sliceMinNs(5).build());
    }

    @Test
    void tableReclaimsForgottenTasksBeforeGrowing() {
        DeadlineScheduler.TaskTable t = new DeadlineScheduler.TaskTable(16);
        assertEquals(16, t.capacity());
        for (int pid = 1; pid <= 16; pid++) {
            t.slotOf(pid, 0, 0);
        }
        assertEquals(16, t.size());
        long later = (DeadlineScheduler.EVICT_AFTER_S + 1) * 1_000_000_000L;
        int s17 = t.slotOf(17, later, 5);
        assertEquals(16, t.capacity(), "reclaimed, not grown");
        assertEquals(1, t.size());
        assertEquals(-1, t.find(1));
        assertEquals(s17, t.find(17));
        assertEquals(5, t.vruntime[s17]);
        for (int pid = 18; pid <= 40; pid++) {
            t.slotOf(pid, later, 0);
        }
        assertEquals(32, t.capacity(), "all recent: grown");
        for (int pid = 17; pid <= 40; pid++) {
            int s = t.find(pid);
            assertTrue(s >= 0);
            assertEquals(pid, t.pid[s]);
        }
    }

    @Test
    void heapPopsByDeadlineThenArrival() {
        DeadlineScheduler.DeadlineQueue q = new DeadlineScheduler.DeadlineQueue(4);
        SplittableRandom r = new SplittableRandom(1);
        List<long[]> in = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long key = r.nextInt(50) - 25; // duplicates and negatives
            q.push(key, i, i);
            in.add(new long[] {key, i});
        }
        in.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (long[] e : in) {
            assertEquals(e[0], q.peekKey());
            assertEquals(e[1], q.peekSlot());
            q.pop();
        }
        assertTrue(q.isEmpty());
    }
}
