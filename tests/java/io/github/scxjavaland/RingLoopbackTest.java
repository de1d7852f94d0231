// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Java batch path against real kernel ring buffers on this host: a BPF program plays the
 * kernel's side (produce = ops.enqueue, consume = ops.dispatch), so no sched_ext is needed.
 */
class RingLoopbackTest {
    // Ring records carry an 8-byte header (bpf ringbuf / user ringbuf).
    private static final int QUEUED_RECORD_BYTES = 8 + 88 + 8; // header, record, one affinity word
    private static final int DISPATCHED_RECORD_BYTES = 8 + 40;
    private static final int PAGE = 4096;

    private final List<RingLoopback> opened = new ArrayList<>();
    private RingLoopback lb;

    /** BPF_PROG_TEST_RUN needs root; CI runs as root, so this only skips on a developer box. */
    static void assumeRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                String euid = line.split("\\s+")[2];
                assumeTrue(euid.equals("0"), "loading the loopback BPF program needs root");
                return;
            }
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    private RingLoopback open(int queuedBytes, int dispatchedBytes, int capacity) {
        RingLoopback r = RingLoopback.open(queuedBytes, dispatchedBytes, capacity);
        opened.add(r);
        return r;
    }

    @BeforeEach
    void openDefault() throws IOException {
        assumeRoot();
        lb = open(1 << 20, 1 << 19, 512);
    }

    @AfterEach
    void closeAll() {
        opened.forEach(RingLoopback::close);
    }

    /** Drains with the batch until a dequeue brings nothing; returns the pids in arrival order. */
    private static List<Integer> drainPids(RingLoopback r) {
        QueuedTasks in = r.queuedTasks();
        List<Integer> pids = new ArrayList<>();
        for (int n; (n = r.dequeueTasks(in)) > 0;) {
            for (int i = 0; i < n; i++) {
                pids.add(in.pid(i));
            }
        }
        return pids;
    }

    private static List<Integer> range(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).boxed().collect(java.util.stream.Collectors.toList());
    }

    @Test
    void dequeueFromAnEmptyRingReturnsZeroAndAnEmptyBatch() {
        QueuedTasks in = lb.queuedTasks();
        assertEquals(512, in.capacity());
        assertEquals(0, lb.dequeueTasks(in));
        assertEquals(0, in.size());
        assertTrue(in.isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> in.pid(0));
    }

    @Test
    void dequeueDeliversEveryFieldBpfWrote() {
        assertEquals(10, lb.produce(10, 1000, 0));
        QueuedTasks in = lb.queuedTasks();
        assertEquals(10, lb.dequeueTasks(in));
        assertEquals(10, in.size());
        QueuedTask t = new QueuedTask();
        for (int i = 0; i < 10; i++) {
            int k = i;
            // bpf/loopback.bpf.c produce_one: what each record holds.
            assertAll("task " + i,
                    () -> assertEquals(1000 + k, in.pid(k)),
                    () -> assertEquals(k % 4, in.cpu(k)),
                    () -> assertEquals(4 - k % 2, in.nrCpusAllowed(k)),
                    // CPUs 0-3 for even tasks, 0, 1 and 3 for odd ones (one affinity word).
                    () -> assertTrue(in.mayRunOn(k, 0) && in.mayRunOn(k, 1) && in.mayRunOn(k, 3)),
                    () -> assertEquals(k % 2 == 0, in.mayRunOn(k, 2)),
                    () -> assertFalse(in.mayRunOn(k, 4)),
                    () -> assertEquals(k % 2 == 0 ? 2 : 3, in.nextAllowedCpu(k, 2)),
                    () -> assertEquals(0, in.nextAllowedCpu(k, 4), "wraps around to CPU 0"),
                    () -> assertEquals(k % 2 == 0 ? "0-3" : "0-1,3", in.cpusAllowed(k, new CpuSet()).toString()),
                    () -> assertThrows(IllegalArgumentException.class, () -> in.mayRunOn(k, RingLoopback.NR_CPUS)),
                    () -> assertThrows(IllegalArgumentException.class, () -> in.nextAllowedCpu(k, -1)),
                    () -> assertEquals(100, in.weight(k)),
                    () -> assertEquals(k, in.vtime(k)),
                    () -> assertEquals(k + 1, in.enqCnt(k)),
                    () -> assertEquals(1000L * k, in.execRuntime(k)),
                    () -> assertEquals(0, in.flags(k)),
                    () -> assertEquals(0, in.startTs(k)),
                    () -> assertEquals(0, in.stopTs(k)),
                    () -> assertEquals("t" + (k % 10), in.comm(k)));
            assertSame(t, in.copyTo(i, t));
            assertAll("copy of task " + i,
                    () -> assertEquals(1000 + k, t.pid()),
                    () -> assertEquals(k % 4, t.cpu()),
                    () -> assertEquals(4 - k % 2, t.nrCpusAllowed()),
                    () -> assertEquals(k % 2 == 0, t.mayRunOn(2)),
                    () -> assertTrue(t.mayRunOn(3)),
                    () -> assertEquals(k % 2 == 0 ? "0-3" : "0-1,3", t.cpusAllowed(new CpuSet()).toString()),
                    () -> assertThrows(IllegalArgumentException.class, () -> t.mayRunOn(-1)),
                    () -> assertEquals(100, t.weight()),
                    () -> assertEquals(k, t.vtime()),
                    () -> assertEquals(k + 1, t.enqCnt()),
                    () -> assertEquals(1000L * k, t.execRuntime()),
                    () -> assertEquals("t" + (k % 10), t.comm()));
        }
        // Records past the batch size are not readable, even though the buffer holds bytes there.
        assertThrows(IndexOutOfBoundsException.class, () -> in.pid(10));
        assertThrows(IndexOutOfBoundsException.class, () -> in.vtime(-1));
        assertEquals(0, lb.dequeueTasks(in));
        assertEquals(0, in.size());
    }

    @Test
    void dequeueTakesAtMostTheCapacityAndKeepsArrivalOrder() {
        RingLoopback r = open(1 << 20, 1 << 19, 32);
        assertEquals(32, r.queuedTasks().capacity());
        assertEquals(100, r.produce(100, 0, 0));
        QueuedTasks in = r.queuedTasks();
        int next = 0;
        for (int expected : new int[] {32, 32, 32, 4, 0}) {
            assertEquals(expected, r.dequeueTasks(in));
            for (int i = 0; i < in.size(); i++) {
                assertEquals(next++, in.pid(i));
            }
        }
        assertEquals(100, next);
    }

    @Test
    void smallRingWrapsAroundManyTimesWithoutLosingOrder() {
        RingLoopback r = open(PAGE, PAGE, 64);
        QueuedTasks in = r.queuedTasks();
        // A page holds 39 records; 300 rounds of 30 wrap it about 200 times.
        int next = 0;
        for (int round = 0; round < 300; round++) {
            assertEquals(30, r.produce(30, round * 30, 0), "round " + round);
            assertEquals(30, r.dequeueTasks(in), "round " + round);
            for (int i = 0; i < 30; i++) {
                if (in.pid(i) != next) {
                    assertEquals(next, in.pid(i), "round " + round + " index " + i);
                }
                next++;
            }
        }
    }

    @Test
    void fullQueuedRingDropsOnTheProducerAndTheConsumerGetsExactlyWhatFit() {
        RingLoopback r = open(PAGE, PAGE, 512);
        int fit = PAGE / QUEUED_RECORD_BYTES;
        assertEquals(fit, r.produce(100, 0, 0));
        assertEquals(range(0, fit), drainPids(r));
        // Room is back once drained.
        assertEquals(10, r.produce(10, 500, 0));
        assertEquals(range(500, 510), drainPids(r));
        assertEquals(0, r.badRecords());
    }

    @Test
    void malformedRecordsAreSkippedAndCounted() {
        assertEquals(3, lb.produce(3, 0, 0));
        assertEquals(5, lb.produce(5, 0, 8));
        assertEquals(2, lb.produce(2, 100, 0));
        assertEquals(List.of(0, 1, 2, 100, 101), drainPids(lb));
        assertEquals(5, lb.badRecords());
    }

    @Test
    void dispatchedDecisionsReachBpfIntact() {
        DispatchedTasks out = lb.dispatchedTasks();
        long sumPid = 0;
        long sumVtime = 0;
        long sumSlice = 0;
        for (int pid = 1; pid <= 50; pid++) {
            int i = out.add(pid, pid % 3, 1000 + pid, 7L * pid, pid + 1);
            assertEquals(pid - 1, i);
            sumPid += pid;
            sumVtime += 7L * pid;
            sumSlice += 1000 + pid;
        }
        assertEquals(50, out.size());
        assertEquals(50, lb.dispatchTasks(out));
        assertTrue(out.isEmpty(), "a fully sent batch is empty");
        assertEquals(50, lb.consume(false));
        long[] st = lb.lastConsume().clone();
        // drained, bad, echoDropped, sumPid, sumVtime, sumSlice, lastPid, lastCpu
        assertArrayEquals(new long[] {50, 0, 0, sumPid, sumVtime, sumSlice, 50, 50 % 3}, st);
        assertEquals(0, lb.fullEvents());
    }

    @Test
    void kicksRideTheRingAfterTheDecisionsBeforeThem() {
        DispatchedTasks out = lb.dispatchedTasks();
        out.decide(7, 1).cpu(2).preempt();
        assertEquals(DispatchedTask.PREEMPT, out.flags(0));
        assertFalse(out.isKick(0));
        assertEquals(1, out.kickPreempt(2));
        assertEquals(2, out.kickIdle(3));
        assertTrue(out.isKick(1) && out.isKick(2));
        assertThrows(IllegalArgumentException.class, () -> out.kickPreempt(RingLoopback.NR_CPUS));
        assertThrows(IllegalArgumentException.class, () -> out.kickIdle(-1));
        assertEquals(3, out.size(), "a refused kick adds nothing");
        assertEquals(3, lb.dispatchTasks(out));
        assertEquals(3, lb.consume(false));
        long[] st = lb.lastConsume().clone();
        // In order: the decision for pid 7, then the two kicks (pid 0), the last one for CPU 3.
        assertEquals(3, st[0]);
        assertEquals(7, st[3], "kicks carry pid 0");
        assertEquals(0, st[6]);
        assertEquals(3, st[7]);
    }

    @Test
    void indexedSettersRewriteTheDecisionThatIsSent() {
        DispatchedTasks out = lb.dispatchedTasks();
        out.add(42, 0, 0, 0, 9);
        out.cpu(0, 3).sliceNs(0, 777).vtime(0, 99).flags(0, 8);
        assertAll(
                () -> assertEquals(42, out.pid(0)),
                () -> assertEquals(3, out.cpu(0)),
                () -> assertEquals(777, out.sliceNs(0)),
                () -> assertEquals(99, out.vtime(0)),
                () -> assertEquals(8, out.flags(0)),
                () -> assertEquals(9, out.enqCnt(0)));
        assertThrows(IndexOutOfBoundsException.class, () -> out.cpu(1, 0));
        assertEquals(1, lb.dispatchTasks(out));
        assertEquals(1, lb.consume(true));
        assertArrayEquals(new long[] {1, 0, 0, 42, 99, 777, 42, 3}, lb.lastConsume().clone());
        QueuedTasks in = lb.queuedTasks();
        assertEquals(1, lb.dequeueTasks(in));
        assertEquals(9, in.enqCnt(0));
    }

    @Test
    void clearedBatchSendsNothing() {
        DispatchedTasks out = lb.dispatchedTasks();
        out.add(1, 0, 0, 0, 0);
        out.add(2, 0, 0, 0, 0);
        out.clear();
        assertTrue(out.isEmpty());
        assertEquals(out.capacity(), out.remaining());
        assertEquals(0, lb.dispatchTasks(out));
        assertEquals(0, lb.consume(false));
    }

    @Test
    void fullDispatchRingKeepsTheUnsentDecisionsInOrderAndDeliversEachExactlyOnce() {
        RingLoopback r = open(1 << 20, PAGE, 256);
        DispatchedTasks out = r.dispatchedTasks();
        for (int pid = 1; pid <= 200; pid++) { // pids are positive
            out.add(pid, pid % 5, 10_000 + pid, 3L * pid, pid + 7);
        }
        int sent = r.dispatchTasks(out);
        assertTrue(sent > 0 && sent <= PAGE / DISPATCHED_RECORD_BYTES, "first send took " + sent);
        assertEquals(1, r.fullEvents());
        // The unsent ones moved to the front, in order, every field intact.
        assertEquals(200 - sent, out.size());
        for (int k = 0; k < out.size(); k++) {
            int pid = sent + k + 1;
            assertEquals(pid, out.pid(k), "index " + k);
            assertEquals(pid % 5, out.cpu(k));
            assertEquals(10_000 + pid, out.sliceNs(k));
            assertEquals(3L * pid, out.vtime(k));
            assertEquals(pid + 7, out.enqCnt(k));
        }
        // The echo turns each decision BPF drained into a queued task, so we see every one.
        List<Integer> arrived = new ArrayList<>();
        int consumed = r.consume(true);
        arrived.addAll(drainPids(r));
        int retries = 0;
        while (!out.isEmpty()) {
            assertTrue(++retries < 100, "dispatch made no progress");
            int before = out.size();
            int n = r.dispatchTasks(out);
            assertTrue(n > 0, "nothing sent after the ring was drained");
            assertEquals(before - n, out.size());
            consumed += r.consume(true);
            assertEquals(0, r.lastConsume()[2], "echo dropped");
            arrived.addAll(drainPids(r));
        }
        assertEquals(200, consumed);
        assertEquals(range(1, 201), arrived);
    }

    @Test
    void roundTripThroughBothRingsKeepsPidCpuVtimeAndEnqueueCount() {
        DispatchedTasks out = lb.dispatchedTasks();
        for (int i = 0; i < 256; i++) {
            int pid = 10_000 + i;
            out.add(pid, pid % 3, 0, 7L * pid, pid + 1);
        }
        assertEquals(256, lb.dispatchTasks(out));
        assertEquals(256, lb.consume(true));
        assertEquals(0, lb.lastConsume()[2], "echo dropped");
        QueuedTasks in = lb.queuedTasks();
        assertEquals(256, lb.dequeueTasks(in));
        for (int i = 0; i < 256; i++) {
            int pid = 10_000 + i;
            assertEquals(pid, in.pid(i));
            assertEquals(pid % 3, in.cpu(i));
            assertEquals(7L * pid, in.vtime(i));
            assertEquals(pid + 1, in.enqCnt(i));
            assertEquals(100, in.weight(i));
        }
    }

    @Test
    void defaultDecisionForAQueuedTaskEchoesPidCpuAndEnqueueCount() {
        assertEquals(4, lb.produce(4, 300, 0));
        QueuedTasks in = lb.queuedTasks();
        DispatchedTasks out = lb.dispatchedTasks();
        assertEquals(4, lb.dequeueTasks(in));
        for (int i = 0; i < 4; i++) {
            out.add(in, i);
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(in.pid(i), out.pid(i));
            assertEquals(in.cpu(i), out.cpu(i));
            assertEquals(in.enqCnt(i), out.enqCnt(i));
            assertEquals(0, out.sliceNs(i));
            assertEquals(0, out.vtime(i));
            assertEquals(0, out.flags(i));
        }
        assertEquals(4, lb.dispatchTasks(out));
        assertEquals(4, lb.consume(false));
        assertArrayEquals(new long[] {4, 0, 0, 300 + 301 + 302 + 303, 0, 0, 303, 3}, lb.lastConsume().clone());
    }

    @Test
    void singleTaskPathMovesOneTaskEachWay() {
        QueuedTask t = new QueuedTask();
        assertFalse(lb.dequeueTask(t), "nothing queued yet");
        assertNull(lb.dequeueTask());
        assertEquals(3, lb.produce(3, 70, 0));
        for (int i = 0; i < 3; i++) {
            assertTrue(lb.dequeueTask(t));
            assertEquals(70 + i, t.pid());
            assertEquals(i % 4, t.cpu());
            assertEquals(i, t.vtime());
            assertEquals(i + 1, t.enqCnt());
            assertEquals("t" + i, t.comm());
        }
        assertFalse(lb.dequeueTask(t));

        DispatchedTask d = new DispatchedTask(t).sliceNs(5000).vtime(70);
        assertEquals(72, d.pid());
        assertEquals(2, d.cpu());
        assertEquals(3, d.enqCnt());
        assertTrue(lb.dispatchTask(d));
        assertEquals(1, lb.consume(true));
        assertArrayEquals(new long[] {1, 0, 0, 72, 70, 5000, 72, 2}, lb.lastConsume().clone());
        QueuedTask back = lb.dequeueTask();
        assertEquals(72, back.pid());
        assertEquals(2, back.cpu());
        assertEquals(70, back.vtime());
        assertEquals(3, back.enqCnt());
    }

    @Test
    void singleTaskPathLeavesTheBatchesAlone() {
        // dequeueTask has its own one-record buffer: the batch keeps what the last batch dequeue read.
        RingLoopback r = open(1 << 16, 1 << 16, 2);
        assertEquals(5, r.produce(5, 0, 0));
        QueuedTasks rin = r.queuedTasks();
        assertEquals(2, r.dequeueTasks(rin));
        QueuedTask t = new QueuedTask();
        assertTrue(r.dequeueTask(t));
        assertEquals(2, t.pid());
        assertEquals(2, rin.size());
        assertEquals(0, rin.pid(0));
        assertEquals(1, rin.pid(1));
        DispatchedTasks out = r.dispatchedTasks();
        out.add(900, 1, 0, 0, 0);
        assertTrue(r.dispatchTask(new DispatchedTask().pid(901)));
        assertEquals(1, out.size());
        assertEquals(900, out.pid(0));
    }

    @Test
    void singleDispatchReportsAFullRingAndSucceedsAfterTheKernelDrains() {
        RingLoopback r = open(1 << 20, PAGE, 16);
        DispatchedTask d = new DispatchedTask();
        int sent = 0;
        while (r.dispatchTask(d.pid(sent + 1))) {
            sent++;
            assertTrue(sent <= PAGE / DISPATCHED_RECORD_BYTES, "ring took more than fits");
        }
        assertEquals(PAGE / DISPATCHED_RECORD_BYTES, sent);
        assertEquals(sent, r.consume(false));
        assertEquals(sent, r.lastConsume()[6]);
        assertTrue(r.dispatchTask(d.pid(1234)));
        assertEquals(1, r.consume(false));
        assertEquals(1234, r.lastConsume()[6]);
    }

    @Test
    void waitForWorkTimesOutWhenEmptyAndReturnsAtOnceWithData() {
        long t0 = System.nanoTime();
        assertEquals(0, lb.waitForWork(50));
        assertTrue(System.nanoTime() - t0 >= 40_000_000L, "returned before the timeout");
        assertEquals(1, lb.produce(1, 0, 0));
        assertEquals(1, lb.waitForWork(5000));
        assertEquals(1, lb.dequeueTasks(lb.queuedTasks()));
    }

    @Test
    void batchOfAnotherChannelIsRejected() {
        RingLoopback other = open(1 << 16, 1 << 16, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lb.dequeueTasks(other.queuedTasks()));
        assertTrue(e.getMessage().contains("another channel"), e.getMessage());
        other.dispatchedTasks().add(1, 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> lb.dispatchTasks(other.dispatchedTasks()));
        // Even an empty one: the mistake is the same.
        assertThrows(IllegalArgumentException.class, () -> other.dispatchTasks(lb.dispatchedTasks()));
        assertThrows(IllegalArgumentException.class, () -> lb.dequeueTasks(QueuedTasks.onHeap(4, 2, new Object())));
        assertThrows(IllegalArgumentException.class,
                () -> lb.dispatchTasks(DispatchedTasks.onHeap(4, 2, new Object())));
        // Nothing was sent from the foreign batch.
        assertEquals(1, other.dispatchedTasks().size());
        assertEquals(0, lb.consume(false));
    }

    @Test
    void addingToAFullDispatchBatchThrowsAndKeepsTheBatch() {
        RingLoopback r = open(1 << 16, 1 << 16, 4);
        DispatchedTasks out = r.dispatchedTasks();
        assertEquals(4, out.capacity());
        for (int i = 0; i < 4; i++) {
            assertEquals(4 - i, out.remaining());
            out.add(i + 1, 0, 0, 0, 0);
        }
        assertTrue(out.isFull());
        assertEquals(0, out.remaining());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.add(9, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("full"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> out.add(new DispatchedTask().pid(9)));
        assertEquals(4, r.produce(4, 50, 0));
        assertEquals(4, r.dequeueTasks(r.queuedTasks()));
        assertThrows(IllegalStateException.class, () -> out.add(r.queuedTasks(), 0));
        assertEquals(4, out.size());
        assertEquals(4, out.pid(3));
        assertEquals(4, r.dispatchTasks(out));
        assertEquals(4, r.consume(false));
        assertEquals(1 + 2 + 3 + 4, r.lastConsume()[3]);
    }

    @Test
    void everyNativeMethodAfterCloseThrowsIllegalState() {
        RingLoopback r = open(1 << 16, 1 << 16, 8);
        QueuedTasks in = r.queuedTasks();
        DispatchedTasks out = r.dispatchedTasks();
        out.add(1, 0, 0, 0, 0);
        r.close();
        // Only channel methods here: the batch views over the freed buffers are not guarded.
        List<Executable> calls = List.of(
                () -> r.dequeueTasks(in),
                () -> r.dispatchTasks(out),
                () -> r.dequeueTask(new QueuedTask()),
                () -> r.dequeueTask(),
                () -> r.dispatchTask(new DispatchedTask()),
                () -> r.produce(1, 0, 0),
                () -> r.consume(false),
                r::lastConsume,
                r::badRecords,
                r::fullEvents,
                () -> r.waitForWork(0));
        for (Executable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        r.close();
        r.close();
        assertThrows(IllegalStateException.class, () -> r.dequeueTasks(in));
    }

    @Test
    void dispatchOfAnEmptyBatchAfterCloseThrowsToo() {
        RingLoopback r = open(1 << 16, 1 << 16, 8);
        r.close();
        assertThrows(IllegalStateException.class, () -> r.dispatchTasks(r.dispatchedTasks()));
    }

    @Test
    void closingOneChannelLeavesAnotherWorking() {
        RingLoopback a = open(1 << 16, 1 << 16, 8);
        RingLoopback b = open(1 << 16, 1 << 16, 8);
        a.close();
        assertEquals(3, b.produce(3, 10, 0));
        assertEquals(List.of(10, 11, 12), drainPids(b));
    }

    @Test
    void openingAndClosingManyTimesWorksEveryTime() {
        for (int i = 0; i < 50; i++) {
            try (RingLoopback r = RingLoopback.open(PAGE, PAGE, 16)) {
                assertEquals(1, r.produce(1, i, 0));
                assertEquals(List.of(i), drainPids(r));
            }
        }
    }

    // ---- allocation ----

    /** com.sun.management.ThreadMXBean#getThreadAllocatedBytes, found reflectively: this module reads neither java.management nor jdk.management. */
    private static MethodHandle allocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> sunBean = Class.forName("com.sun.management.ThreadMXBean");
        assumeTrue(sunBean.isInstance(bean), "no per-thread allocation counter on this JVM");
        boolean enabled = (boolean) sunBean.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean);
        assumeTrue(enabled, "per-thread allocation counting is disabled");
        return MethodHandles.publicLookup()
                .findVirtual(sunBean, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                .bindTo(bean);
    }

    private static long allocated(MethodHandle h, long tid) throws Throwable {
        return (long) h.invokeExact(tid);
    }

    /** One scheduling round of {@code tasks} tasks through both rings; returns a checksum. */
    private static long batchRound(RingLoopback r, QueuedTasks in, DispatchedTasks out, int tasks, int base) {
        r.produce(tasks, base + 1, 0); // pids are positive
        int n = r.dequeueTasks(in);
        for (int i = 0; i < n; i++) {
            out.add(in.pid(i), in.cpu(i), 20_000, in.vtime(i) + in.weight(i), in.enqCnt(i));
        }
        r.dispatchTasks(out);
        r.consume(false);
        return r.lastConsume()[0] + n;
    }

    private static long singleRound(RingLoopback r, QueuedTask t, DispatchedTask d, int tasks, int base) {
        r.produce(tasks, base + 1, 0);
        long got = 0;
        while (r.dequeueTask(t)) {
            r.dispatchTask(d.from(t).vtime(t.vtime() + 1));
            got++;
        }
        r.consume(false);
        return r.lastConsume()[0] + got;
    }

    @Test
    void batchPathAllocatesNothingPerTaskInSteadyState() throws Throwable {
        MethodHandle h = allocatedBytes();
        long tid = Thread.currentThread().getId();
        QueuedTasks in = lb.queuedTasks();
        DispatchedTasks out = lb.dispatchedTasks();
        int tasks = 256;
        int rounds = 200;
        long sum = 0;
        for (int warm = 0; warm < 2000; warm++) {
            sum += batchRound(lb, in, out, tasks, warm);
        }
        assertEquals(2000L * tasks * 2, sum, "warm-up rounds lost tasks");
        allocated(h, tid);
        long before = allocated(h, tid);
        sum = 0;
        for (int round = 0; round < rounds; round++) {
            sum += batchRound(lb, in, out, tasks, round);
        }
        long bytes = allocated(h, tid) - before;
        assertEquals((long) rounds * tasks * 2, sum, "measured rounds lost tasks");
        double perTask = (double) bytes / ((long) rounds * tasks);
        assertTrue(perTask < 1.0, bytes + " bytes for " + rounds * tasks + " tasks (" + perTask + " per task)");
    }

    @Test
    void singleTaskPathWithReusedObjectsAllocatesNothingPerTask() throws Throwable {
        MethodHandle h = allocatedBytes();
        long tid = Thread.currentThread().getId();
        QueuedTask t = new QueuedTask();
        DispatchedTask d = new DispatchedTask();
        int tasks = 64;
        int rounds = 200;
        long sum = 0;
        for (int warm = 0; warm < 1000; warm++) {
            sum += singleRound(lb, t, d, tasks, warm);
        }
        assertEquals(1000L * tasks * 2, sum, "warm-up rounds lost tasks");
        allocated(h, tid);
        long before = allocated(h, tid);
        sum = 0;
        for (int round = 0; round < rounds; round++) {
            sum += singleRound(lb, t, d, tasks, round);
        }
        long bytes = allocated(h, tid) - before;
        assertEquals((long) rounds * tasks * 2, sum, "measured rounds lost tasks");
        double perTask = (double) bytes / ((long) rounds * tasks);
        assertTrue(perTask < 1.0, bytes + " bytes for " + rounds * tasks + " tasks (" + perTask + " per task)");
    }
}
