// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches a scx_javaland scheduler that runs in another process (or this one): maps the newest
 * loaded scheduler's counters read-only, so {@link #stats()} is a shared-memory read. Needs root.
 * Works for any scheduler built on this library, Java or C.
 *
 * <pre>{@code
 * try (SchedulerMonitor m = SchedulerMonitor.attach()) {
 *     System.out.println(m.opsName() + ": " + m.stats().line());
 * }
 * }</pre>
 */
public final class SchedulerMonitor implements AutoCloseable {
    private static final Path OPS = Path.of("/sys/kernel/sched_ext/root/ops");
    private final long handle;
    private final ByteBuffer counters;
    private boolean closed;

    private SchedulerMonitor(long handle) {
        this.handle = handle;
        this.counters = Native.monitorCounters(handle).order(ByteOrder.nativeOrder());
    }

    /**
     * @return a monitor of the newest loaded scheduler
     * @throws SchedulerException if none is loaded (reason OTHER, errno 2) or without root
     */
    public static SchedulerMonitor attach() {
        return new SchedulerMonitor(Native.openMonitor());
    }

    /** @return the counters now */
    public synchronized SchedulerStats stats() {
        if (closed) {
            throw new IllegalStateException("monitor is closed");
        }
        return SchedulerStats.read(counters);
    }

    /** @return the ops name of the sched_ext scheduler enabled now, or "" if none is */
    public String opsName() {
        try {
            return Files.exists(OPS) ? Files.readString(OPS).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** @return true while some sched_ext scheduler is enabled */
    public boolean isRunning() {
        return !opsName().isEmpty();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Native.closeMonitor(handle);
        }
    }
}
