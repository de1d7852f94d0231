// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland.sim;

import io.github.scxjavaland.SchedulerStats;

/**
 * The BPF side's numbers the simulator plays by, in one place. Where the native library
 * exports a value (bpf/intf.h, read at load through the layout table) it is taken from there,
 * so the model cannot drift from the kernel side; the rest are the defaults of
 * bpf/scheduler.bpf.c's {@code const volatile} settings, which user space may override.
 */
final class BpfConstants {
    /** SJL_MAX_WAIT_NS (bpf/intf.h, 250 ms): the wait after which a task is served first. */
    static final long MAX_WAIT_NS = SchedulerStats.MAX_WAIT_NS;

    /** heartbeat_ns (scheduler.bpf.c, 100 ms): the period of the heartbeat timer. */
    static final long HEARTBEAT_NS = 100_000_000L;

    /** stall_ns (scheduler.bpf.c, 1 s): no decision for this long while holding tasks is a stall. */
    static final long STALL_NS = 1_000_000_000L;

    /** sjl_ops.timeout_ms (scheduler.bpf.c, 5 s): the kernel watchdog ejects the scheduler after it. */
    static final long WATCHDOG_NS = 5_000_000_000L;

    /** slice_ns (scheduler.bpf.c, 5 ms): the slice of tasks BPF places itself. */
    static final long SLICE_NS = 5_000_000L;

    /** SJL_SLICE_MIN_NS (bpf/intf.h): decisions' slices are clamped to at least this. */
    static final long SLICE_MIN_NS = CoreAccess.SLICE_MIN_NS;

    /** SJL_SLICE_MAX_NS (bpf/intf.h): decisions' slices are clamped to at most this. */
    static final long SLICE_MAX_NS = CoreAccess.SLICE_MAX_NS;

    private BpfConstants() {}
}
