// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.nio.ByteBuffer;

/**
 * The JNI entry points (jni/jni_bridge.c). Package-private: the public API wraps every call.
 * Hot-path methods return a count or a negative errno instead of throwing; setup methods throw
 * {@link SchedulerException}. Handles are only used while their owner holds its close guard.
 */
final class Native {
    /** Buffer ids for {@link #buffer}; the same order as the enum in jni_bridge.c. */
    static final int BUF_IN = 0;
    static final int BUF_OUT = 1;
    static final int BUF_ONE_IN = 2;
    static final int BUF_ONE_OUT = 3;
    static final int BUF_COUNTERS = 4;
    static final int BUF_CPU_PID = 5;
    static final int BUF_EXIT_INFO = 6;
    static final int BUF_IDLE_CPUS = 7;
    static final int BUF_CPU_NR_RUNS = 8;

    private Native() {}

    static {
        NativeLoader.load();
    }

    /** Throws the reason the library could not be loaded, if any. */
    static void ensureLoaded() {
        // Class initialisation above either succeeded or threw; nothing else to do.
    }

    static native void setLogLevel(int minLevel);

    static native String[] layoutNames();

    static native long[] layoutValues();

    static native long open(String name, long sliceNs, int timeoutMs, int exitDumpLen, long stallNs,
            boolean partial, boolean debug, boolean builtinIdle, int capacity);

    static native long openLoopback(int queuedBytes, int dispatchedBytes, int capacity);

    static native void attach(long handle);

    static native void detach(long handle);

    /** Frees the handle but not its batch buffers (see {@link #freeBatch}). */
    static native void close(long handle);

    /** The handle of the batch buffers, valid after close until {@link #freeBatch}. */
    static native long batchHandle(long handle);

    static native void freeBatch(long batch);

    /** The distance in longs between two columns of a batch of {@code capacity} rows (jni/core.h). */
    static native int columnStride(int capacity);

    static native ByteBuffer buffer(long handle, int which);

    /** Drains up to {@code max} records into the columns of {@link #BUF_IN}. */
    static native int dequeue(long handle, int max);

    static native int dequeueOne(long handle);

    /** Submits the first {@code n} rows of the columns of {@link #BUF_OUT}. */
    static native int dispatch(long handle, int n);

    static native int dispatchOne(long handle);

    static native int waitForWork(long handle, int timeoutMs);

    static native void notifyComplete(long handle, long nrPending);

    static native int selectCpu(long handle, int pid, int prevCpu, long flags);

    static native String exitDump(long handle, int max);

    static native int nrCpuIds(long handle);

    static native long ringBadRecords(long handle);

    static native long ringFullEvents(long handle);

    static native int loopbackProduce(long handle, int n, int basePid, int recordSize);

    static native int loopbackConsume(long handle, boolean echo);

    static native void loopbackLastConsume(long handle, long[] out);

    static native long openMonitor();

    static native ByteBuffer monitorCounters(long handle);

    static native void closeMonitor(long handle);

    static native void lockMemory();

    static native int currentTid();
}
