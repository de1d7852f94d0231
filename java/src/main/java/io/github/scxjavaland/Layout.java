// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.util.HashMap;
import java.util.Map;

/**
 * Sizes, offsets and constants of the records shared with BPF, read from the native library at
 * class initialisation (bpf/intf.h is the single definition; Java never retypes it). The values
 * are static finals, so the JIT folds them like literals.
 */
final class Layout {
    /** The record layout this Java code was written for (SJL_ABI_VERSION). */
    static final int EXPECTED_ABI = 3;

    private static final Map<String, Long> TABLE = read();

    static final int ABI_VERSION = get("SJL_ABI_VERSION");
    static final int CPU_ANY = get("SJL_CPU_ANY");
    static final int MAX_CPUS = get("SJL_MAX_CPUS");
    static final int COMM_LEN = get("SJL_COMM_LEN");
    static final int MASK_WORDS = get("SJL_MASK_WORDS");
    static final long DISPATCH_PREEMPT = getLong("SJL_DISPATCH_PREEMPT");
    static final int KICK_PID = get("SJL_KICK_PID");
    static final long KICK_IDLE = getLong("SJL_KICK_IDLE");
    static final long KICK_PREEMPT = getLong("SJL_KICK_PREEMPT");
    static final long SLICE_MIN_NS = getLong("SJL_SLICE_MIN_NS");
    static final long SLICE_MAX_NS = getLong("SJL_SLICE_MAX_NS");
    static final long ECODE_ACT_RESTART = getLong("SJL_ECODE_ACT_RESTART");
    static final long ECODE_RSN_HOTPLUG = getLong("SJL_ECODE_RSN_HOTPLUG");

    static final int Q_SIZE = get("sizeof.sjl_queued_task");
    static final int Q_PID = get("sjl_queued_task.pid");
    static final int Q_CPU = get("sjl_queued_task.cpu");
    static final int Q_NR_CPUS_ALLOWED = get("sjl_queued_task.nr_cpus_allowed");
    static final int Q_FLAGS = get("sjl_queued_task.flags");
    static final int Q_START_TS = get("sjl_queued_task.start_ts");
    static final int Q_STOP_TS = get("sjl_queued_task.stop_ts");
    static final int Q_EXEC_RUNTIME = get("sjl_queued_task.exec_runtime");
    static final int Q_WEIGHT = get("sjl_queued_task.weight");
    static final int Q_VTIME = get("sjl_queued_task.vtime");
    static final int Q_ENQ_CNT = get("sjl_queued_task.enq_cnt");
    static final int Q_COMM = get("sjl_queued_task.comm");
    static final int Q_CPUS_ALLOWED = get("sjl_queued_task.cpus_allowed");

    static final int QCOL_PID = get("SJL_QCOL_PID");
    static final int QCOL_CPU = get("SJL_QCOL_CPU");
    static final int QCOL_NR_CPUS_ALLOWED = get("SJL_QCOL_NR_CPUS_ALLOWED");
    static final int QCOL_FLAGS = get("SJL_QCOL_FLAGS");
    static final int QCOL_START_TS = get("SJL_QCOL_START_TS");
    static final int QCOL_STOP_TS = get("SJL_QCOL_STOP_TS");
    static final int QCOL_EXEC_RUNTIME = get("SJL_QCOL_EXEC_RUNTIME");
    static final int QCOL_WEIGHT = get("SJL_QCOL_WEIGHT");
    static final int QCOL_VTIME = get("SJL_QCOL_VTIME");
    static final int QCOL_ENQ_CNT = get("SJL_QCOL_ENQ_CNT");
    static final int QCOL_COMM = get("SJL_QCOL_COMM");
    static final int QCOL_MASK = get("SJL_QCOL_MASK");
    static final int QCOLS = get("SJL_QCOLS");

    static final int D_SIZE = get("sizeof.sjl_dispatched_task");
    static final int D_PID = get("sjl_dispatched_task.pid");
    static final int D_CPU = get("sjl_dispatched_task.cpu");
    static final int D_FLAGS = get("sjl_dispatched_task.flags");
    static final int D_SLICE_NS = get("sjl_dispatched_task.slice_ns");
    static final int D_VTIME = get("sjl_dispatched_task.vtime");
    static final int D_ENQ_CNT = get("sjl_dispatched_task.enq_cnt");

    static final int DCOL_PID = get("SJL_DCOL_PID");
    static final int DCOL_CPU = get("SJL_DCOL_CPU");
    static final int DCOL_FLAGS = get("SJL_DCOL_FLAGS");
    static final int DCOL_SLICE_NS = get("SJL_DCOL_SLICE_NS");
    static final int DCOL_VTIME = get("SJL_DCOL_VTIME");
    static final int DCOL_ENQ_CNT = get("SJL_DCOL_ENQ_CNT");
    static final int DCOLS = get("SJL_DCOLS");

    static final int C_SIZE = get("sizeof.sjl_counters");
    static final int C_NR_QUEUED = get("sjl_counters.nr_queued");
    static final int C_NR_SCHEDULED = get("sjl_counters.nr_scheduled");
    static final int C_NR_RUNNING = get("sjl_counters.nr_running");
    static final int C_NR_ONLINE_CPUS = get("sjl_counters.nr_online_cpus");
    static final int C_NR_USER_DISPATCHES = get("sjl_counters.nr_user_dispatches");
    static final int C_NR_KERNEL_DISPATCHES = get("sjl_counters.nr_kernel_dispatches");
    static final int C_NR_CANCEL_DISPATCHES = get("sjl_counters.nr_cancel_dispatches");
    static final int C_NR_BOUNCE_DISPATCHES = get("sjl_counters.nr_bounce_dispatches");
    static final int C_NR_FAILED_DISPATCHES = get("sjl_counters.nr_failed_dispatches");
    static final int C_NR_SCHED_CONGESTED = get("sjl_counters.nr_sched_congested");
    static final int C_NR_SELF_DISPATCHES = get("sjl_counters.nr_self_dispatches");
    static final int C_NR_STALL_FALLBACKS = get("sjl_counters.nr_stall_fallbacks");
    static final int C_NR_HEARTBEAT_KICKS = get("sjl_counters.nr_heartbeat_kicks");
    static final int C_USERSCHED_LAST_RUN_AT = get("sjl_counters.usersched_last_run_at");
    static final int C_NR_ENQUEUES = get("sjl_counters.nr_enqueues");
    static final int C_NR_USER_QUEUED = get("sjl_counters.nr_user_queued");
    static final int C_NR_KEPT_RUNNING = get("sjl_counters.nr_kept_running");
    static final int C_NR_AGED_DSQ = get("sjl_counters.nr_aged_dsq");
    static final int C_NR_AGED_USER = get("sjl_counters.nr_aged_user");
    static final int C_NR_TICK_PREEMPTS = get("sjl_counters.nr_tick_preempts");
    static final int C_MAX_WAIT_NS = get("sjl_counters.max_wait_ns");
    static final int C_MAX_KTHREAD_WAIT_NS = get("sjl_counters.max_kthread_wait_ns");
    static final int C_NR_IN_USER = get("sjl_counters.nr_in_user");
    static final int C_NR_USER_DEQUEUED = get("sjl_counters.nr_user_dequeued");
    static final int C_NR_STALL_RESCUES = get("sjl_counters.nr_stall_rescues");
    static final int C_NR_PREEMPT_DISPATCHES = get("sjl_counters.nr_preempt_dispatches");
    static final int C_NR_USER_KICKS = get("sjl_counters.nr_user_kicks");
    static final int C_NR_USERSCHED_CUTS = get("sjl_counters.nr_usersched_cuts");
    static final int C_SUM_WAIT_TO_DECISION_NS = get("sjl_counters.sum_wait_to_decision_ns");
    static final int C_SUM_DECISION_TO_RUN_NS = get("sjl_counters.sum_decision_to_run_ns");
    static final int C_NR_DECISIONS_TIMED = get("sjl_counters.nr_decisions_timed");
    static final int C_SUM_USERSCHED_WAIT_NS = get("sjl_counters.sum_usersched_wait_ns");
    static final int C_NR_USERSCHED_WAITS = get("sjl_counters.nr_usersched_waits");
    static final long MAX_WAIT_NS = getLong("SJL_MAX_WAIT_NS");

    static final int E_KIND = get("sjl_exit_info.kind");
    static final int E_EXIT_CPU = get("sjl_exit_info.exit_cpu");
    static final int E_EXIT_CODE = get("sjl_exit_info.exit_code");
    static final int E_REASON = get("sjl_exit_info.reason");
    static final int E_MSG = get("sjl_exit_info.msg");
    static final int E_REASON_LEN = get("SJL_EXIT_REASON_LEN");
    static final int E_MSG_LEN = get("SJL_EXIT_MSG_LEN");

    static {
        if (ABI_VERSION != EXPECTED_ABI) {
            throw new UnsatisfiedLinkError("native library record layout " + ABI_VERSION
                    + " does not match this jar's " + EXPECTED_ABI + ": mixed versions on the path?");
        }
    }

    private Layout() {}

    private static Map<String, Long> read() {
        String[] names = Native.layoutNames();
        long[] values = Native.layoutValues();
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], values[i]);
        }
        return m;
    }

    static long getLong(String name) {
        Long v = TABLE.get(name);
        if (v == null) {
            throw new UnsatisfiedLinkError("native library lacks layout entry " + name);
        }
        return v;
    }

    static int get(String name) {
        return Math.toIntExact(getLong(name));
    }

    /**
     * The distance, in longs, between two columns of a batch of {@code capacity} rows: at least
     * the capacity, rounded to an odd number of 64-byte lines, so the columns of one row fall
     * in different L1 sets (columns a multiple of 4 KiB apart alias, and a drain writing a
     * dozen of them per record then runs several times slower).
     */
    static int columnStride(int capacity) {
        int lines = (capacity + 7) >>> 3;
        return ((lines & 1) == 0 ? lines + 1 : lines) << 3;
    }

    /** The whole table, for tests and diagnostics. */
    static Map<String, Long> table() {
        return Map.copyOf(TABLE);
    }
}
