// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sizes, offsets and constants of the shared records, for Java to read at load time (it never
 * retypes them). The static asserts pin the layout the BPF side compiles to.
 */
#include <stddef.h>
#include "core.h"

#define SZ(type) { "sizeof." #type, (int64_t)sizeof(struct type) }
#define OFF(type, field) { #type "." #field, (int64_t)offsetof(struct type, field) }
#define CONST(name) { #name, (int64_t)(name) }

_Static_assert(sizeof(struct sjl_queued_task) == 88 + SJL_MASK_WORDS * 8,
	       "queued record is 88 bytes and the affinity words");
_Static_assert(SJL_QUEUED_RECORD_SIZE(64) == 96, "one mask word for up to 64 CPUs");
_Static_assert(sizeof(struct sjl_dispatched_task) == 40, "dispatched record is 40 bytes");
_Static_assert(sizeof(struct sjl_select_cpu_arg) == 24, "select_cpu arg is 24 bytes");
_Static_assert(sizeof(struct sjl_counters) % 8 == 0, "counters are u64s");
_Static_assert(SJL_COMM_LEN % 8 == 0, "the comm fills whole column words");

static const struct sjl_layout_entry entries[] = {
	CONST(SJL_ABI_VERSION),
	CONST(SJL_CPU_ANY),
	CONST(SJL_MAX_CPUS),
	CONST(SJL_COMM_LEN),
	CONST(SJL_MASK_WORDS),
	CONST(SJL_DISPATCH_PREEMPT),
	CONST(SJL_KICK_PID),
	CONST(SJL_KICK_IDLE),
	CONST(SJL_KICK_PREEMPT),
	CONST(SJL_SLICE_MIN_NS),
	CONST(SJL_SLICE_MAX_NS),
	CONST(SJL_MAX_WAIT_NS),
	CONST(SJL_ECODE_ACT_RESTART),
	CONST(SJL_ECODE_RSN_HOTPLUG),
	CONST(SJL_EXIT_REASON_LEN),
	CONST(SJL_EXIT_MSG_LEN),

	/* Column batches (core.h): the column of each field. */
	CONST(SJL_QCOL_PID),
	CONST(SJL_QCOL_CPU),
	CONST(SJL_QCOL_NR_CPUS_ALLOWED),
	CONST(SJL_QCOL_FLAGS),
	CONST(SJL_QCOL_START_TS),
	CONST(SJL_QCOL_STOP_TS),
	CONST(SJL_QCOL_EXEC_RUNTIME),
	CONST(SJL_QCOL_WEIGHT),
	CONST(SJL_QCOL_VTIME),
	CONST(SJL_QCOL_ENQ_CNT),
	CONST(SJL_QCOL_COMM),
	CONST(SJL_QCOL_MASK),
	CONST(SJL_QCOLS),
	CONST(SJL_DCOL_PID),
	CONST(SJL_DCOL_CPU),
	CONST(SJL_DCOL_FLAGS),
	CONST(SJL_DCOL_SLICE_NS),
	CONST(SJL_DCOL_VTIME),
	CONST(SJL_DCOL_ENQ_CNT),
	CONST(SJL_DCOLS),

	SZ(sjl_queued_task),
	OFF(sjl_queued_task, pid),
	OFF(sjl_queued_task, cpu),
	OFF(sjl_queued_task, nr_cpus_allowed),
	OFF(sjl_queued_task, flags),
	OFF(sjl_queued_task, start_ts),
	OFF(sjl_queued_task, stop_ts),
	OFF(sjl_queued_task, exec_runtime),
	OFF(sjl_queued_task, weight),
	OFF(sjl_queued_task, vtime),
	OFF(sjl_queued_task, enq_cnt),
	OFF(sjl_queued_task, comm),
	OFF(sjl_queued_task, cpus_allowed),

	SZ(sjl_dispatched_task),
	OFF(sjl_dispatched_task, pid),
	OFF(sjl_dispatched_task, cpu),
	OFF(sjl_dispatched_task, flags),
	OFF(sjl_dispatched_task, slice_ns),
	OFF(sjl_dispatched_task, vtime),
	OFF(sjl_dispatched_task, enq_cnt),

	SZ(sjl_counters),
	OFF(sjl_counters, nr_queued),
	OFF(sjl_counters, nr_scheduled),
	OFF(sjl_counters, nr_running),
	OFF(sjl_counters, nr_online_cpus),
	OFF(sjl_counters, nr_user_dispatches),
	OFF(sjl_counters, nr_kernel_dispatches),
	OFF(sjl_counters, nr_cancel_dispatches),
	OFF(sjl_counters, nr_bounce_dispatches),
	OFF(sjl_counters, nr_failed_dispatches),
	OFF(sjl_counters, nr_sched_congested),
	OFF(sjl_counters, nr_self_dispatches),
	OFF(sjl_counters, nr_stall_fallbacks),
	OFF(sjl_counters, nr_heartbeat_kicks),
	OFF(sjl_counters, usersched_last_run_at),
	OFF(sjl_counters, usersched_last_drain_at),
	OFF(sjl_counters, nr_enqueues),
	OFF(sjl_counters, nr_user_queued),
	OFF(sjl_counters, nr_kept_running),
	OFF(sjl_counters, nr_aged_dsq),
	OFF(sjl_counters, nr_aged_user),
	OFF(sjl_counters, nr_tick_preempts),
	OFF(sjl_counters, max_wait_ns),
	OFF(sjl_counters, max_kthread_wait_ns),
	OFF(sjl_counters, nr_in_user),
	OFF(sjl_counters, nr_user_dequeued),
	OFF(sjl_counters, nr_stall_rescues),
	OFF(sjl_counters, nr_preempt_dispatches),
	OFF(sjl_counters, nr_user_kicks),
	OFF(sjl_counters, nr_usersched_cuts),
	OFF(sjl_counters, sum_wait_to_decision_ns),
	OFF(sjl_counters, sum_decision_to_run_ns),
	OFF(sjl_counters, nr_decisions_timed),
	OFF(sjl_counters, sum_usersched_wait_ns),
	OFF(sjl_counters, nr_usersched_waits),

	SZ(sjl_exit_info),
	OFF(sjl_exit_info, kind),
	OFF(sjl_exit_info, exit_cpu),
	OFF(sjl_exit_info, exit_code),
	OFF(sjl_exit_info, reason),
	OFF(sjl_exit_info, msg),
};

const struct sjl_layout_entry *sjl_layout(size_t *count)
{
	*count = sizeof(entries) / sizeof(entries[0]);
	return entries;
}
