/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one definition of everything the BPF scheduler and user space share: the two task
 * records, the select_cpu argument, the shared counters, the exit info and the constants.
 * Included by bpf/ (with vmlinux.h) and by jni/ (plain C). Java never retypes these layouts:
 * it reads sizes and offsets from the native library at load (see jni/layout.c).
 *
 * All fields are fixed-width and naturally aligned, so the layout is the same for the BPF
 * target and x86-64/arm64 user space (checked by static asserts in jni/layout.c).
 */
#ifndef SJL_INTF_H
#define SJL_INTF_H

#ifndef __VMLINUX_H__
#include <stdint.h>
typedef int32_t s32;
typedef uint32_t u32;
typedef int64_t s64;
typedef uint64_t u64;
typedef uint8_t u8;
#endif

/* Bumped whenever a record or the counter block changes shape. */
#define SJL_ABI_VERSION		3

#define SJL_COMM_LEN		16
#define SJL_MAX_CPUS		1024
/* Words of a CPU bitmap covering SJL_MAX_CPUS. */
#define SJL_MASK_WORDS		(SJL_MAX_CPUS / 64)
/* DispatchedTask.cpu value meaning "the first CPU that becomes free" (shared DSQ). */
#define SJL_CPU_ANY		(1 << 20)

/* DSQ ids: one per CPU (id = CPU number), then the shared ones. */
#define SJL_DSQ_SHARED		((u64)SJL_MAX_CPUS)
/* Threads of the scheduler's own process other than the scheduling thread (GC, JIT, ...). */
#define SJL_DSQ_SELF		((u64)SJL_MAX_CPUS + 1)
/* The scheduling thread: consumed only when it has work, so an idle loop costs nothing. */
#define SJL_DSQ_USERSCHED	((u64)SJL_MAX_CPUS + 2)
/* Served first by every CPU: unbound kernel threads and tasks that waited SJL_MAX_WAIT_NS. */
#define SJL_DSQ_URGENT		((u64)SJL_MAX_CPUS + 3)

/*
 * The wait bound: a runnable task that has waited this long (in user space's hands or in any
 * DSQ, whatever the policy decided) is moved to SJL_DSQ_URGENT by the heartbeat, and CPUs cut
 * the running task at their next tick to serve it. Well under the kernel watchdog's 5 s.
 */
#define SJL_MAX_WAIT_NS		(250ULL * 1000 * 1000)

/* Ring sizes in records; the BPF side rounds the byte size up to a power of two. */
#define SJL_QUEUED_RING_RECORDS		8192
#define SJL_DISPATCH_RING_RECORDS	8192

/* Bounds applied to DispatchedTask.slice_ns by the BPF side (0 means "default slice"). */
#define SJL_SLICE_MIN_NS	(10ULL * 1000)
#define SJL_SLICE_MAX_NS	(1000ULL * 1000 * 1000)

/* A task that needs a CPU: BPF -> user space through the "queued" ring buffer. */
struct sjl_queued_task {
	s32 pid;		/* thread id */
	s32 cpu;		/* CPU it last ran on, or an idle CPU BPF already picked */
	u64 nr_cpus_allowed;	/* size of its affinity mask */
	u64 flags;		/* enqueue flags (SCX_ENQ_*) */
	u64 start_ts;		/* ns: last time it started running */
	u64 stop_ts;		/* ns: last time it stopped running */
	u64 exec_runtime;	/* ns of CPU used since it last became runnable */
	u64 weight;		/* 1..10000, 100 = nice 0 */
	u64 vtime;		/* the vtime user space last gave it (0 for a new task) */
	u64 enq_cnt;		/* enqueue generation: echo it back in the dispatch */
	char comm[SJL_COMM_LEN];
	/*
	 * Its affinity (p->cpus_ptr) when it was enqueued, bit c of word c / 64 for CPU c. Only the
	 * first ceil(nr_cpu_ids / 64) words travel through the ring (the record is that much
	 * shorter); the rest of the struct is undefined. A change of affinity re-enqueues the task
	 * with a new enq_cnt, so a decision taken from this mask is never applied to another one.
	 */
	u64 cpus_allowed[SJL_MASK_WORDS];
};

/* Size of a queued record in the ring for a machine of nr_cpu_ids CPU ids. */
#define SJL_QUEUED_BASE_SIZE	(sizeof(struct sjl_queued_task) - SJL_MASK_WORDS * 8)
#define SJL_QUEUED_RECORD_SIZE(nr_cpu_ids) (SJL_QUEUED_BASE_SIZE + (((nr_cpu_ids) + 63) / 64) * 8)

/* Decision flag: run before what the target CPU runs now (same value as SCX_ENQ_PREEMPT). */
#define SJL_DISPATCH_PREEMPT	(1ULL << 32)
/*
 * A record with pid SJL_KICK_PID is no decision but a kick of CPU cpu, with flags SJL_KICK_*:
 * IDLE wakes it only if it is idle, PREEMPT cuts the policy task it runs (same values as
 * SCX_KICK_*). Kicks ride the same ring, so a batch of decisions and kicks is one crossing.
 */
#define SJL_KICK_PID		0
#define SJL_KICK_IDLE		1ULL
#define SJL_KICK_PREEMPT	2ULL

/* A decision: user space -> BPF through the "dispatched" user ring buffer. */
struct sjl_dispatched_task {
	s32 pid;		/* the task, or SJL_KICK_PID */
	s32 cpu;		/* target CPU, or SJL_CPU_ANY */
	u64 flags;		/* SJL_DISPATCH_PREEMPT (or SJL_KICK_* in a kick); the rest is ignored */
	u64 slice_ns;		/* 0 = default slice; clamped to [SLICE_MIN, SLICE_MAX] */
	u64 vtime;		/* ordering key inside the target DSQ */
	u64 enq_cnt;		/* from the queued record; a stale one cancels the dispatch */
};

/* Context of the select_cpu syscall program (in and out). */
struct sjl_select_cpu_arg {
	s32 pid;
	s32 prev_cpu;
	u64 flags;
	s32 cpu;		/* out: claimed idle CPU, or a negative errno */
	s32 pad;
};

/*
 * Counters in the BPF .bss, mmapped by user space. BPF updates them with atomics; user space
 * reads them (and writes nr_queued / nr_scheduled, which are its own accounting).
 */
struct sjl_counters {
	u64 nr_queued;			/* tasks sent to user space and not yet read */
	u64 nr_scheduled;		/* tasks user space holds (notify_complete) */
	u64 nr_running;			/* tasks on a CPU now (the scheduling thread excluded) */
	u64 nr_online_cpus;
	u64 nr_user_dispatches;		/* decisions applied as asked */
	u64 nr_kernel_dispatches;	/* tasks BPF placed itself (kthreads, idle CPU, congestion) */
	u64 nr_cancel_dispatches;	/* stale decisions dropped (enq_cnt mismatch) */
	u64 nr_bounce_dispatches;	/* CPU not allowed or out of range: sent elsewhere */
	u64 nr_failed_dispatches;	/* task gone or bad record */
	u64 nr_sched_congested;		/* queued ring full: BPF placed the task itself */
	u64 nr_self_dispatches;		/* threads of the scheduler's own process, kept in BPF */
	u64 nr_stall_fallbacks;		/* tasks BPF placed because user space stalled */
	u64 nr_heartbeat_kicks;		/* heartbeat timer woke the scheduling thread */
	u64 usersched_last_run_at;	/* ns: last time the scheduling thread ran */
	u64 usersched_last_drain_at;	/* ns: last time a dispatch record was consumed */
	u64 nr_enqueues;		/* every ops.enqueue call */
	u64 nr_user_queued;		/* every record sent to user space (never decremented) */
	u64 nr_kept_running;		/* slice ends where BPF let the running task go on */
	u64 nr_aged_dsq;		/* tasks moved to URGENT after SJL_MAX_WAIT_NS in a DSQ */
	u64 nr_aged_user;		/* tasks taken back after SJL_MAX_WAIT_NS in user space */
	u64 nr_tick_preempts;		/* running tasks cut at a tick so a waiting one could run */
	u64 max_wait_ns;		/* longest runnable-to-running wait seen, any task */
	u64 max_kthread_wait_ns;	/* the same, kernel threads only */
	u64 nr_in_user;			/* tasks in user space's hands now (sent, no outcome yet) */
	u64 nr_user_dequeued;		/* tasks the kernel took back while user space held them */
	u64 nr_stall_rescues;		/* tasks taken back from a stalled user space */
	u64 nr_preempt_dispatches;	/* decisions with SJL_DISPATCH_PREEMPT that cut a running task */
	u64 nr_user_kicks;		/* kick records applied (a kick naming no CPU is a failed one) */
	u64 nr_usersched_cuts;		/* policy tasks cut so the scheduling thread hears of a wakeup */
	/*
	 * Where a round trip's time goes, as sums (divide by the counts): runnable until the
	 * decision is applied, for tasks user space placed; that decision until the task runs;
	 * and how long the scheduling thread waited for a CPU once it had records to read.
	 */
	u64 sum_wait_to_decision_ns;
	u64 sum_decision_to_run_ns;
	u64 nr_decisions_timed;		/* decisions counted in both sums above */
	u64 sum_usersched_wait_ns;
	u64 nr_usersched_waits;
};

/*
 * The CPUs the kernel holds idle now, one bit per CPU (ops.update_idle keeps it): what a policy
 * reads to place a whole batch without a crossing. A snapshot: a CPU may wake between the read
 * and the decision; the decision then waits for that CPU's next slice end at worst.
 */
struct sjl_idle_mask {
	u64 bits[SJL_MASK_WORDS];
};

/*
 * Every record sent to user space ends in exactly one outcome, so at any quiet moment:
 *   nr_user_queued = nr_user_dispatches + nr_bounce_dispatches + nr_user_dequeued
 *                    + nr_aged_user + nr_stall_rescues + nr_in_user
 * A decision that finds no task waiting for it (it exited, or was decided already) is a cancel
 * or a failure and is not an outcome of a record.
 */

#define SJL_EXIT_REASON_LEN	128
#define SJL_EXIT_MSG_LEN	1024

/* Why the scheduler stopped; kind 0 while it runs. Mirrors struct scx_exit_info. */
struct sjl_exit_info {
	s32 kind;		/* SCX_EXIT_*: 64 = unregistered from user space */
	s32 exit_cpu;
	s64 exit_code;		/* bit 48 (ACT_RESTART) asks user space to restart */
	char reason[SJL_EXIT_REASON_LEN];
	char msg[SJL_EXIT_MSG_LEN];
};

/* scx exit-code bits (kernel ABI, include/linux/sched/ext.h). */
#define SJL_ECODE_RSN_HOTPLUG	(1ULL << 32)
#define SJL_ECODE_ACT_RESTART	(1ULL << 48)

#endif /* SJL_INTF_H */
