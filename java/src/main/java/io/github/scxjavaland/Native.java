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
    static final int BUF_COUNTERS = 0;
    static final int BUF_CPU_PID = 1;
    static final int BUF_EXIT_INFO = 2;
    static final int BUF_IDLE_CPUS = 3;
    static final int BUF_CPU_NR_RUNS = 4;

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

    static native void close(long handle);

    static native ByteBuffer buffer(long handle, int which);

    /** Drains up to {@code max} records into {@code cols} (SJL_QCOLS columns, {@code stride} apart). */
    static native int dequeue(long handle, long[] cols, int stride, int max);

    /** Submits the first {@code n} rows of {@code cols} (SJL_DCOLS columns, {@code stride} apart). */
    static native int dispatch(long handle, long[] cols, int stride, int n);

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

    /** The C core's user side over a loopback's rings (benchmark reference): n queued tasks, batch at a time. */
    static native int loopbackCoreUser(long handle, int batch, int n);

    /** Drains one batch into the C reference's struct buffer (for {@link #loopbackCoreDecide}). */
    static native int loopbackCoreFill(long handle, int batch);

    /** The C decision loop alone, {@code passes} times over that batch. */
    static native int loopbackCoreDecide(long handle, int batch, int passes);

    static native long openMonitor();

    static native ByteBuffer monitorCounters(long handle);

    static native void closeMonitor(long handle);

    static native void lockMemory();

    static native int currentTid();
}
