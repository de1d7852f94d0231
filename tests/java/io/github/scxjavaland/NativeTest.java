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
 * counts from Java are checked against the batch capacity, and scheduler-only calls refuse a
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

    private static int stride(int cap) {
        return Native.columnStride(cap);
    }

    @Test
    void columnBuffersAreDirectAndSizedByCapacityAndStride() {
        int stride = stride(CAPACITY);
        assertTrue(stride >= CAPACITY && stride % 8 == 0 && (stride / 8) % 2 == 1, "odd number of lines: " + stride);
        assertEquals(Layout.QCOLS * stride * Long.BYTES, buffer(Native.BUF_IN).capacity());
        assertEquals(Layout.DCOLS * stride * Long.BYTES, buffer(Native.BUF_OUT).capacity());
        assertEquals(Layout.QCOLS * stride(1) * Long.BYTES, buffer(Native.BUF_ONE_IN).capacity());
        assertEquals(Layout.DCOLS * stride(1) * Long.BYTES, buffer(Native.BUF_ONE_OUT).capacity());
        for (int b : new int[] {Native.BUF_IN, Native.BUF_OUT, Native.BUF_ONE_IN, Native.BUF_ONE_OUT}) {
            assertTrue(buffer(b).isDirect(), "buffer " + b);
        }
        assertEquals(Layout.QCOL_MASK + Layout.MASK_WORDS, Layout.QCOLS);
        assertEquals(Layout.QCOL_COMM + Layout.COMM_LEN / Long.BYTES, Layout.QCOL_MASK);
        assertEquals(-EINVAL, Native.columnStride(0));
    }

    @Test
    void dequeueScattersEachRecordIntoItsColumns() {
        int stride = stride(CAPACITY);
        assertEquals(3, Native.loopbackProduce(h, 3, 40, 0));
        assertEquals(2, Native.dequeue(h, 2));
        ByteBuffer in = buffer(Native.BUF_IN);
        assertEquals(40, in.getLong(Layout.QCOL_PID * stride * Long.BYTES));
        assertEquals(41, in.getLong((Layout.QCOL_PID * stride + 1) * Long.BYTES));
        assertEquals(0, in.getLong((Layout.QCOL_PID * stride + 2) * Long.BYTES), "only two rows were asked for");
        assertEquals(1, Native.dequeueOne(h));
        assertEquals(42, buffer(Native.BUF_ONE_IN).getLong(Layout.QCOL_PID * stride(1) * Long.BYTES));
    }

    @Test
    void dispatchSendsTheFirstRowsOfTheColumns() {
        long[] st = new long[8];
        int stride = stride(CAPACITY);
        ByteBuffer out = buffer(Native.BUF_OUT);
        out.putLong(Layout.DCOL_PID * stride * Long.BYTES, 77);
        out.putLong(Layout.DCOL_CPU * stride * Long.BYTES, 1);
        out.putLong(Layout.DCOL_VTIME * stride * Long.BYTES, 5);
        out.putLong((Layout.DCOL_PID * stride + 1) * Long.BYTES, 99); // past n: not sent
        assertEquals(1, Native.dispatch(h, 1));
        ByteBuffer one = buffer(Native.BUF_ONE_OUT);
        one.putLong(Layout.DCOL_PID * stride(1) * Long.BYTES, 88);
        one.putLong(Layout.DCOL_CPU * stride(1) * Long.BYTES, 2);
        one.putLong(Layout.DCOL_VTIME * stride(1) * Long.BYTES, 6);
        assertEquals(1, Native.dispatchOne(h));
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
    void countsBeyondTheBatchCapacityAreRejectedWithoutTouchingTheRings() {
        assertEquals(CAPACITY + 4, Native.loopbackProduce(h, CAPACITY + 4, 0, 0));
        assertEquals(-EINVAL, Native.dequeue(h, CAPACITY + 1));
        assertEquals(-EINVAL, Native.dequeue(h, -1));
        assertEquals(-EINVAL, Native.dispatch(h, CAPACITY + 1));
        assertEquals(-EINVAL, Native.dispatch(h, -1));
        assertEquals(-EINVAL, Native.loopbackProduce(h, -1, 0, 0));
        assertEquals(0, Native.loopbackConsume(h, false), "nothing was dispatched");
        assertEquals(CAPACITY, Native.dequeue(h, CAPACITY), "nothing was dequeued by the rejected calls");
        assertEquals(0, Native.dequeue(h, 0));
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
