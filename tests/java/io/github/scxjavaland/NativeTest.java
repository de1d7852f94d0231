// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The JNI entry points themselves, on a loopback handle: buffer ids agree with jni_bridge.c,
 * counts and column arrays from Java are checked against their real length, and scheduler-only calls refuse a
 * loopback handle with an exception rather than a crash.
 */
class NativeTest {
    private static final int EINVAL = 22;
    private static final int CAPACITY = 16;
    private long h;

    @BeforeEach
    void open() throws Exception {
        RingLoopbackTest.assumeRoot();
        h = Native.openLoopback(1 << 16, 1 << 16, CAPACITY);
    }

    @AfterEach
    void close() {
        if (h != 0) {
            Native.close(h);
        }
    }

    private ByteBuffer buffer(int which) {
        return Native.buffer(h, which).order(ByteOrder.nativeOrder());
    }

    private static void assertInvalidArgument(Executable call) {
        SchedulerException e = assertThrows(SchedulerException.class, call);
        assertEquals(SchedulerException.Reason.INVALID_ARGUMENT, e.reason(), e.getMessage());
    }

    private static long[] queuedColumns(int cap) {
        return new long[Layout.QCOLS * cap];
    }

    @Test
    void columnStridesAreAnOddNumberOfCacheLinesNeverFourKibApart() {
        for (int cap = 1; cap <= 1 << 16; cap += cap < 64 ? 1 : 61) {
            int stride = Layout.columnStride(cap);
            assertTrue(stride >= cap && stride < cap + 16, cap + " -> " + stride);
            assertEquals(1, (stride / 8) % 2, cap + " -> " + stride);
            assertTrue((stride * Long.BYTES) % 4096 != 0, cap + " -> " + stride);
        }
        assertEquals(520, Layout.columnStride(512));
    }

    @Test
    void columnCountsComeFromTheNativeLayout() {
        assertEquals(Layout.QCOL_MASK + Layout.MASK_WORDS, Layout.QCOLS);
        assertEquals(Layout.QCOL_COMM + Layout.COMM_LEN / Long.BYTES, Layout.QCOL_MASK);
        assertEquals(6, Layout.DCOLS);
    }

    @Test
    void dequeueScattersEachRecordIntoItsColumns() {
        long[] cols = queuedColumns(CAPACITY);
        assertEquals(3, Native.loopbackProduce(h, 3, 40, 0));
        assertEquals(2, Native.dequeue(h, cols, CAPACITY, 2));
        assertEquals(40, cols[Layout.QCOL_PID * CAPACITY]);
        assertEquals(41, cols[Layout.QCOL_PID * CAPACITY + 1]);
        assertEquals(0, cols[Layout.QCOL_PID * CAPACITY + 2], "only two rows were asked for");
        long[] one = queuedColumns(1);
        assertEquals(1, Native.dequeue(h, one, 1, 1));
        assertEquals(42, one[Layout.QCOL_PID]);
    }

    @Test
    void dispatchSendsTheFirstRowsOfTheColumns() {
        long[] st = new long[8];
        long[] cols = new long[Layout.DCOLS * CAPACITY];
        cols[Layout.DCOL_PID * CAPACITY] = 77;
        cols[Layout.DCOL_CPU * CAPACITY] = 1;
        cols[Layout.DCOL_VTIME * CAPACITY] = 5;
        cols[Layout.DCOL_PID * CAPACITY + 1] = 88;
        cols[Layout.DCOL_CPU * CAPACITY + 1] = 2;
        cols[Layout.DCOL_VTIME * CAPACITY + 1] = 6;
        cols[Layout.DCOL_PID * CAPACITY + 2] = 99; // past n: not sent
        assertEquals(2, Native.dispatch(h, cols, CAPACITY, 2));
        assertEquals(2, Native.loopbackConsume(h, false));
        Native.loopbackLastConsume(h, st);
        assertEquals(77 + 88, st[3]);
        assertEquals(11, st[4]);
        assertEquals(88, st[6]);
        assertEquals(2, st[7]);
    }

    @Test
    void schedulerOnlyBuffersAreRefusedForALoopback() {
        for (int b : new int[] {Native.BUF_COUNTERS, Native.BUF_CPU_PID, Native.BUF_EXIT_INFO, Native.BUF_EXIT_INFO + 1,
            -1}) {
            assertInvalidArgument(() -> Native.buffer(h, b));
        }
    }

    @Test
    void countsBeyondTheColumnsAreRejectedWithoutTouchingTheRings() {
        long[] q = queuedColumns(CAPACITY);
        long[] d = new long[Layout.DCOLS * CAPACITY];
        assertEquals(CAPACITY + 4, Native.loopbackProduce(h, CAPACITY + 4, 0, 0));
        assertEquals(-EINVAL, Native.dequeue(h, q, CAPACITY, CAPACITY + 1));
        assertEquals(-EINVAL, Native.dequeue(h, q, CAPACITY, -1));
        assertEquals(-EINVAL, Native.dequeue(h, q, CAPACITY + 1, 1), "array shorter than the capacity says");
        assertEquals(-EINVAL, Native.dequeue(h, q, 0, 0));
        assertEquals(-EINVAL, Native.dequeue(h, null, CAPACITY, 1));
        assertEquals(-EINVAL, Native.dispatch(h, d, CAPACITY, CAPACITY + 1));
        assertEquals(-EINVAL, Native.dispatch(h, d, CAPACITY, -1));
        assertEquals(-EINVAL, Native.dispatch(h, d, CAPACITY + 1, 1), "array shorter than the capacity says");
        assertEquals(-EINVAL, Native.dispatch(h, null, CAPACITY, 1));
        assertEquals(-EINVAL, Native.loopbackProduce(h, -1, 0, 0));
        assertEquals(0, Native.loopbackConsume(h, false), "nothing was dispatched");
        assertEquals(CAPACITY, Native.dequeue(h, q, CAPACITY, CAPACITY), "nothing was dequeued by the rejected calls");
        assertEquals(0, Native.dequeue(h, q, CAPACITY, 0));
    }

    @Test
    void schedulerOnlyCallsRefuseALoopbackHandle() {
        assertInvalidArgument(() -> Native.selectCpu(h, 1, 0, 0));
        assertInvalidArgument(() -> Native.nrCpuIds(h));
        assertInvalidArgument(() -> Native.exitDump(h, 100));
        assertInvalidArgument(() -> Native.attach(h));
        // Harmless no-ops on a loopback.
        Native.detach(h);
        Native.notifyComplete(h, 3);
    }

    @Test
    void lastConsumeNeedsEightSlots() {
        assertInvalidArgument(() -> Native.loopbackLastConsume(h, new long[7]));
    }

    @Test
    void openLoopbackValidatesItsArguments() {
        assertInvalidArgument(() -> Native.openLoopback(0, 4096, 8));
        assertInvalidArgument(() -> Native.openLoopback(4096, -1, 8));
        assertInvalidArgument(() -> Native.openLoopback(4096, 4096, 0));
        assertInvalidArgument(() -> Native.openLoopback(4096, 4096, (1 << 16) + 1));
    }

    @Test
    void currentTidIsTheKernelThreadIdOfTheCaller() throws Exception {
        int tid = Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        assertEquals(tid, Native.currentTid());
        int[] other = new int[2];
        Thread t = new Thread(() -> {
            other[0] = Native.currentTid();
            try {
                other[1] = Integer.parseInt(
                        Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            } catch (java.io.IOException e) {
                other[1] = -1;
            }
        });
        t.start();
        t.join();
        assertEquals(other[1], other[0]);
        assertTrue(other[0] != tid);
    }
}
