// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_javaland: the kernel half of a user-space sched_ext scheduler.
 *
 * Every task that needs a CPU is sent to user space through the "queued" ring buffer; user
 * space answers with decisions (target CPU or any CPU, slice, vtime) through the "dispatched"
 * user ring buffer, which ops.dispatch drains within its dispatch-slot budget. No policy lives
 * here: this file only moves tasks and keeps the machine alive when user space cannot help.
 *
 * What it guarantees without user space:
 *  - every thread of the scheduler's own process (by tgid: GC, JIT, compiler, signal threads,
 *    threads created after attach) runs from SJL_DSQ_SELF, so the JVM never waits on itself;
 *  - kernel threads never wait on user space or behind tasks the policy placed: per-CPU ones
 *    (and kswapd, kcompactd, khugepaged) go straight to their CPU's local DSQ, the others to
 *    URGENT, which every CPU serves first (I/O completion, RCU, workqueues and the sched_ext
 *    watchdog itself are what a blocked machine waits for); a CPU whose tick finds one of them
 *    waiting cuts the task it runs;
 *  - until the scheduling thread first reads the ring, when the ring is full (congestion) and
 *    when user space stops reading it (stall), tasks go straight to the shared DSQ; on a stall
 *    the tasks whose records already sit in the ring are found and placed too (rescue);
 *  - a heartbeat timer wakes the scheduling thread when it has not run for a beat, so a
 *    quiet scheduler is never mistaken for a stalled one;
 *  - the wait bound: whatever the policy does (pins everything to one CPU, holds tasks, gives
 *    1 s slices), a runnable task that has waited SJL_MAX_WAIT_NS (250 ms) is in URGENT within
 *    one more heartbeat (100 ms), behind only the tasks that aged before it, and CPUs that may
 *    run it cut what they run at their next tick to serve URGENT (FIFO). Tasks aged in a DSQ are counted
 *    in nr_aged_dsq, tasks taken back from user space in nr_aged_user, tick cuts (also for
 *    SELF, the local DSQ or a starved scheduling thread) in nr_tick_preempts; max_wait_ns
 *    records the longest wait seen. When more tasks age in one beat than there are CPUs, they
 *    drain in waves a tick apart: the bound is 350 ms plus that queue, well under the 5 s
 *    watchdog (measured: at most 371 ms at 2 and 4 vCPUs, 499 ms at 8 under emulation).
 *
 * What it offers a policy besides moving tasks: each queued record carries the task's affinity
 * (p->cpus_ptr, the words this machine needs), so a policy can pick an allowed CPU and is never
 * bounced; a decision with SJL_DISPATCH_PREEMPT cuts the policy task its CPU runs (never a
 * kernel thread or the scheduler's own: cpu_runs_policy_task), counted in
 * nr_preempt_dispatches; kick records (pid SJL_KICK_PID) ride the dispatch ring; and idle_cpus
 * mirrors the kernel's idle mask (ops.update_idle, cleared in ops.running) for user space to
 * place a batch without a crossing.
 *
 * DSQs: one per CPU (vtime-ordered), one shared (vtime-ordered, any CPU), SELF (FIFO), URGENT
 * (FIFO) and USERSCHED (FIFO). The scheduling thread runs first when it has something new to
 * read; when it only holds tasks back, after the CPU's own work, so a holding policy spins only
 * on CPUs with nothing else to do. At a slice end with nothing queued, the running task goes on
 * without a round trip (nr_kept_running) only when user space holds nothing: otherwise it goes
 * back to user space, so the policy chooses among everything waiting at every slice end.
 * Where it is weak: a rescue walks every thread of the system, so it runs at most once per
 * heartbeat; and a policy that deliberately holds tasks without deciding anything for the stall
 * timeout is treated as stalled.
 */
#include "compat.bpf.h"
#include "intf.h"

char _license[] SEC("license") = "GPL";

#define PF_KCOMPACTD	0x00010000
#define PF_KSWAPD	0x00020000
#define PF_KTHREAD	0x00200000
#define CLOCK_BOOTTIME	7
#ifndef EINVAL
#define EINVAL		22
#define ESRCH		3
#define EBUSY		16
#define ENOMEM		12
#endif

/* Set by user space before load. */
const volatile u32 usersched_tgid;	/* the scheduler's process */
const volatile u32 khugepaged_pid;
const volatile u64 slice_ns = 5000000ULL;	/* default slice for tasks BPF places */
const volatile u64 heartbeat_ns = 100000000ULL;
const volatile u64 stall_ns = 1000000000ULL;	/* 0: never bypass user space */
const volatile bool builtin_idle;
const volatile bool debug;
const volatile u32 exit_dump_len;
/* ceil(nr_cpu_ids / 64): the affinity words each queued record carries (sizes the record). */
const volatile u32 mask_words = 1;

/* Shared with user space through the mmapped .bss. */
struct sjl_counters counters;
u32 usersched_tid;			/* the scheduling thread; written by user space */
u32 cpu_pid[SJL_MAX_CPUS];		/* pid running on each CPU, 0 when idle */
u64 cpu_nr_runs[SJL_MAX_CPUS];		/* tasks that started running on each CPU (ops.running) */
struct sjl_idle_mask idle_cpus;		/* the kernel's idle CPUs, kept by ops.update_idle */
/* The CPU runs a task of the policy's (not a kernel thread, not the scheduler's own): a preempt may cut it. */
u8 cpu_runs_policy_task[SJL_MAX_CPUS];
struct sjl_exit_info exit_info;
bool usersched_needed;
bool user_stalled;
u32 rescue_pending;		/* set by the heartbeat, taken by one ops.dispatch */
u32 nr_cpu_ids;
/* Per CPU (ops.dispatch runs serialised per CPU): a shared counter let one CPU always get SELF's turn. */
u8 self_turn[SJL_MAX_CPUS];
/* Stall detection (see heartbeat_fn): when what user space holds last moved. */
u64 last_decision_at;
u64 last_empty_at;
/*
 * Tasks were taken back at the wait bound since the last decision (last at last_aged_at): that
 * emptiness is no answer until the scheduling thread has run again.
 */
bool aged_since_decision;
u64 last_aged_at;
u64 oldest_in_user_at;	/* no task held by user space was sent before this (a lower bound) */
u32 usersched_cut_claimed;	/* one tick at a time cuts a task for a starved scheduling thread */
bool usersched_running;		/* the scheduling thread is on a CPU now */
u32 usersched_cut_pending;	/* a task was cut to run the scheduling thread, which has not run since */
u64 usersched_wanted_at;	/* ns: it had records to read and was not running since then; 0 = not */
u64 usersched_cpus0 = ~0ULL;	/* its affinity, CPUs 0-63 (read at each of its enqueues) */
s32 usersched_cpu;		/* where it last ran */

char exit_dump[1] SEC(".data.exit_dump");	/* resized to exit_dump_len by user space */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* 8192 records of 88 B + 8 B header, power of two */
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 1 << 19);	/* 8192 records of 40 B + 8 B header */
} dispatched SEC(".maps");

struct task_ctx {
	u64 start_ts;
	u64 stop_ts;
	u64 exec_runtime;
	u64 enq_cnt;
	u64 queued_at;		/* ns: when it last became runnable or was re-enqueued; 0 = running */
	u64 decided_at;		/* ns: when a user-space decision for it was applied; 0 = none pending */
	u64 waited_for_decision; /* ns: from queued_at to that decision */
	u32 in_user;		/* sent to user space, no decision applied yet (xchg'd) */
	bool counted_running;	/* nr_running includes it (so stopping knows to subtract) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx_stor SEC(".maps");

struct heartbeat {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct heartbeat);
} heartbeat_map SEC(".maps");

#define cnt_inc(field) __sync_fetch_and_add(&counters.field, 1)

static __always_inline struct task_ctx *try_lookup_task_ctx(const struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctx_stor, (struct task_struct *)p, 0, 0);
}

/*
 * The task leaves user space's hands (decision applied, rescued, or dequeued by the kernel).
 * Exactly one caller wins even when these race on different CPUs.
 */
static __always_inline bool leave_user(struct task_ctx *tctx)
{
	if (!tctx->in_user || !__sync_lock_test_and_set(&tctx->in_user, 0))
		return false;
	__sync_fetch_and_sub(&counters.nr_in_user, 1);
	return true;
}

static __always_inline bool is_self(const struct task_struct *p)
{
	return p->tgid == usersched_tgid;
}

static __always_inline bool is_usersched(const struct task_struct *p)
{
	return usersched_tid && p->pid == usersched_tid;
}

/* Kernel threads bound to one CPU, and the memory-reclaim threads: run from their CPU's DSQ. */
static __always_inline bool keep_on_cpu(const struct task_struct *p)
{
	if ((p->flags & PF_KTHREAD) && p->nr_cpus_allowed == 1)
		return true;
	if (p->flags & (PF_KSWAPD | PF_KCOMPACTD))
		return true;
	return khugepaged_pid && p->pid == khugepaged_pid;
}

/* Something the scheduling thread has not seen yet: records to read, or the heartbeat's call. */
static __always_inline bool usersched_has_news(void)
{
	return usersched_needed || bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA) > 0;
}

/*
 * Tasks in user space's hands: records not read yet, tasks held back, decisions not applied
 * yet. nr_in_user is exact (BPF's own count), unlike the nr_scheduled user space publishes
 * at the end of a round, so a task being decided right now is never overlooked.
 */
static __always_inline bool usersched_has_work(void)
{
	return usersched_has_news() || counters.nr_in_user;
}

/* Lock-free running maximum. */
static __always_inline void record_max(u64 *max, u64 v)
{
	u64 old = *max;
	int i;

	for (i = 0; i < 4 && v > old; i++) {
		u64 seen = __sync_val_compare_and_swap(max, old, v);

		if (seen == old)
			break;
		old = seen;
	}
}

static __always_inline u64 clamp_slice(u64 slice)
{
	if (!slice)
		return slice_ns;
	if (slice < SJL_SLICE_MIN_NS)
		return SJL_SLICE_MIN_NS;
	return slice > SJL_SLICE_MAX_NS ? SJL_SLICE_MAX_NS : slice;
}

/*
 * Make a CPU look at its queues. SCX_KICK_IDLE is skipped for a CPU that still runs its
 * previous task, which is also a CPU on its way to idle (between ops.dispatch finding nothing
 * and the switch): the work would then wait for its next tick. cpu_pid says which is which:
 * 0 once the running task stopped, so such a CPU gets a plain kick (a reschedule, which a CPU
 * busy with a task that still has slice ends at once by keeping it).
 */
static __always_inline void kick_cpu(s32 cpu)
{
	u32 busy = cpu >= 0 && cpu < SJL_MAX_CPUS ? cpu_pid[cpu & (SJL_MAX_CPUS - 1)] : 1;

	scx_bpf_kick_cpu(cpu, busy ? SCX_KICK_IDLE : 0);
}

/*
 * Wake an idle CPU this task may use (claiming it, so two wakers do not pick the same one).
 * If none is marked idle, nudge the task's own CPU anyway: a CPU whose idle bit was claimed by
 * a select_cpu that then went elsewhere sleeps unmarked, and only a kick wakes it. A kick with
 * SCX_KICK_IDLE does nothing to a busy CPU.
 */
static __always_inline void kick_idle_cpu_for(const struct task_struct *p)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu < 0)
		cpu = scx_bpf_task_cpu(p);
	kick_cpu(cpu);
}

static __always_inline void insert_shared(struct task_struct *p, u64 slice, u64 vtime, u64 flags)
{
	sjl_dsq_insert_vtime(p, SJL_DSQ_SHARED, slice, vtime, flags);
	kick_idle_cpu_for(p);
}

static __always_inline void insert_urgent(struct task_struct *p, u64 flags)
{
	sjl_dsq_insert(p, SJL_DSQ_URGENT, slice_ns, flags);
	kick_idle_cpu_for(p);
}

static __always_inline bool runs_policy_task(s32 cpu)
{
	return cpu >= 0 && cpu < SJL_MAX_CPUS && cpu_runs_policy_task[cpu & (SJL_MAX_CPUS - 1)];
}

/* The scheduling thread may run on cpu (CPUs from 64 on are assumed allowed). */
static __always_inline bool usersched_may_run_on(s32 cpu)
{
	return cpu >= 64 || (usersched_cpus0 & (1ULL << (cpu & 63)));
}

/* A CPU running a policy task that the scheduling thread may take over, or -1. */
static __always_inline s32 usersched_cut_target(s32 task_cpu)
{
	if (runs_policy_task(usersched_cpu) && usersched_may_run_on(usersched_cpu))
		return usersched_cpu;
	if (runs_policy_task(task_cpu) && usersched_may_run_on(task_cpu))
		return task_cpu;
	return -1;
}

/* Claim an idle CPU the scheduling thread may run on, its last one first; -1 if none. */
static __always_inline s32 claim_idle_cpu_for_usersched(void)
{
	struct task_struct *p;
	s32 cpu = usersched_cpu;

	if (cpu >= 0 && cpu < nr_cpu_ids && scx_bpf_test_and_clear_cpu_idle(cpu))
		return cpu;
	/* Its own mask: an idle CPU it may not use would wake, find nothing and sleep again. */
	p = bpf_task_from_pid(usersched_tid);
	if (!p)
		return -1;
	bpf_rcu_read_lock();
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	bpf_rcu_read_unlock();
	bpf_task_release(p);
	return cpu;
}

/*
 * Get the scheduling thread onto a CPU to read a new record: nothing to do if it runs now;
 * else an idle CPU it may use (the one it last ran on first) pulls it in ops.dispatch, so it
 * does not take the CPU of the task it is about to place. With none idle, a policy task is
 * cut (on the scheduling thread's last CPU, else the waking task's, if the scheduling thread
 * may run there: a scheduler pinned to a housekeeping CPU is common) when the record is a
 * wakeup, or comes from a CPU the scheduling thread may not use: otherwise it waits for some
 * slice to end on one of its CPUs before user space even hears of it. A record from a CPU
 * about to pick its next task, which the scheduling thread may use, needs no cut: that CPU
 * serves USERSCHED then. One cut until the scheduling thread runs (usersched_cut_pending), so
 * a burst of records costs one preemption; and only once it is runnable (asleep in epoll, its
 * own wakeup, which counts as one, does it).
 */
static __always_inline void wake_usersched(s32 task_cpu, u64 enq_flags)
{
	bool here = usersched_may_run_on(task_cpu);
	s32 cpu;

	if (usersched_running)
		return;
	if (!usersched_wanted_at)
		usersched_wanted_at = sjl_now();
	cpu = claim_idle_cpu_for_usersched();
	if (cpu >= 0) {
		kick_cpu(cpu);
		return;
	}
	if (((enq_flags & SCX_ENQ_WAKEUP) || !here) && !usersched_cut_pending &&
	    scx_bpf_dsq_nr_queued(SJL_DSQ_USERSCHED)) {
		cpu = usersched_cut_target(task_cpu);
		if (cpu >= 0 && !__sync_lock_test_and_set(&usersched_cut_pending, 1)) {
			scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
			cnt_inc(nr_usersched_cuts);
			return;
		}
	}
	kick_cpu(here ? task_cpu : usersched_cpu);
}

/*
 * Send a task to user space. A full ring is normal back-pressure, not an error: the task is
 * placed on the shared DSQ and counted as congestion.
 */
static void queue_to_user(struct task_struct *p, u64 enq_flags)
{
	struct sjl_queued_task *rec;
	struct task_ctx *tctx;
	s32 cpu;

	tctx = try_lookup_task_ctx(p);
	if (!tctx) {
		/* Only possible if init_task's storage allocation was lost. */
		insert_shared(p, slice_ns, p->scx.dsq_vtime, enq_flags);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	/* Shorter than the struct: only the mask words this machine's CPU ids need (mask_words). */
	rec = bpf_ringbuf_reserve(&queued, SJL_QUEUED_BASE_SIZE + mask_words * 8, 0);
	if (!rec) {
		insert_shared(p, slice_ns, p->scx.dsq_vtime, enq_flags);
		cnt_inc(nr_sched_congested);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	cpu = scx_bpf_task_cpu(p);
	rec->pid = p->pid;
	rec->cpu = cpu;
	rec->nr_cpus_allowed = p->nr_cpus_allowed;
	rec->flags = enq_flags;
	rec->start_ts = tctx->start_ts;
	rec->stop_ts = tctx->stop_ts;
	rec->exec_runtime = tctx->exec_runtime;
	rec->weight = p->scx.weight;
	rec->vtime = p->scx.dsq_vtime;
	rec->enq_cnt = ++tctx->enq_cnt;
	tctx->in_user = 1;
	/* The first task user space holds sets the age floor; a rescue walk refines it. */
	if (!__sync_fetch_and_add(&counters.nr_in_user, 1))
		oldest_in_user_at = tctx->queued_at;
	bpf_probe_read_kernel_str(rec->comm, sizeof(rec->comm), p->comm);
	/* A failed read leaves zeros: say "every CPU" then, and let a wrong guess bounce. */
	if (bpf_probe_read_kernel(rec->cpus_allowed, mask_words * 8, p->cpus_ptr))
		rec->cpus_allowed[0] = ~0ULL;
	/* Counted before it can be read: user space subtracts what it reads, never below 0. */
	cnt_inc(nr_queued);
	cnt_inc(nr_user_queued);
	bpf_ringbuf_submit(rec, 0);
	wake_usersched(cpu, enq_flags);
}

s32 BPF_STRUCT_OPS(sjl_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	if (!builtin_idle || is_self(p))
		return prev_cpu;
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/*
	 * The local DSQ, not the CPU's own DSQ: if the CPU goes offline before the task gets
	 * there, the kernel moves it to a CPU that can run it; our DSQ would strand it.
	 */
	if (is_idle && !scx_bpf_dsq_nr_queued(SJL_DSQ_SHARED) && !scx_bpf_dsq_nr_queued(cpu)) {
		sjl_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
		cnt_inc(nr_kernel_dispatches);
	}
	return cpu;
}

void BPF_STRUCT_OPS(sjl_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = try_lookup_task_ctx(p);

	cnt_inc(nr_enqueues);
	if (tctx)
		tctx->queued_at = sjl_now();
	if (is_self(p)) {
		if (is_usersched(p)) {
			u64 cpus0 = ~0ULL;

			/* Zeros on a failed read would forbid every CPU: keep "any" then. */
			if (!bpf_probe_read_kernel(&cpus0, sizeof(cpus0), p->cpus_ptr) && cpus0)
				usersched_cpus0 = cpus0;
			sjl_dsq_insert(p, SJL_DSQ_USERSCHED, slice_ns, enq_flags);
			/* Woken (after a safepoint, say) with work waiting: an idle CPU takes it. */
			if ((enq_flags & SCX_ENQ_WAKEUP) && usersched_has_work())
				wake_usersched(scx_bpf_task_cpu(p), enq_flags);
			return;
		}
		sjl_dsq_insert(p, SJL_DSQ_SELF, slice_ns, enq_flags);
		cnt_inc(nr_self_dispatches);
		kick_idle_cpu_for(p);
		return;
	}
	if (keep_on_cpu(p)) {
		/* The local DSQ of the CPU it is enqueued on: ahead of anything the policy placed. */
		sjl_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	if (p->flags & PF_KTHREAD) {
		insert_urgent(p, enq_flags);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	if (!usersched_tid) {
		/* Everything until user space reads the ring for the first time. */
		insert_shared(p, slice_ns, p->scx.dsq_vtime, enq_flags);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	if (user_stalled) {
		insert_shared(p, slice_ns, p->scx.dsq_vtime, enq_flags);
		cnt_inc(nr_stall_fallbacks);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	queue_to_user(p, enq_flags);
}

/*
 * Cut what cpu runs now so it looks at its queues at once, if that is a policy task: kernel
 * threads and the scheduler's own threads are never preempted by a policy. True if kicked.
 */
static __always_inline bool preempt_cpu(s32 cpu)
{
	if (!runs_policy_task(cpu))
		return false;
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	return true;
}

/* A kick record: PREEMPT cuts a policy task (else it is an IDLE kick), IDLE wakes an idle CPU. */
static __always_inline void apply_kick(s32 cpu, u64 flags)
{
	if (cpu < 0 || cpu >= nr_cpu_ids || cpu >= SJL_MAX_CPUS) {
		cnt_inc(nr_failed_dispatches);
		return;
	}
	if (!(flags & SJL_KICK_PREEMPT) || !preempt_cpu(cpu))
		kick_cpu(cpu);
	cnt_inc(nr_user_kicks);
}

/*
 * Apply one user-space decision. Returns 1 to stop draining (no dispatch slot left).
 * Every record ends in exactly one counter: user, bounce, cancel or failed.
 */
static long apply_decision(struct bpf_dynptr *dynptr, void *unused)
{
	struct sjl_dispatched_task d;
	struct task_struct *p;
	struct task_ctx *tctx;
	u64 slice;
	s32 cpu;

	if (bpf_dynptr_size(dynptr) != sizeof(d) || bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0)) {
		cnt_inc(nr_failed_dispatches);
		return 0;
	}
	if (d.pid == SJL_KICK_PID) {
		apply_kick(d.cpu, d.flags);
		return 0;
	}
	p = bpf_task_from_pid(d.pid);
	if (!p) {
		cnt_inc(nr_failed_dispatches);
		return 0;
	}
	tctx = try_lookup_task_ctx(p);
	if (!tctx) {
		cnt_inc(nr_failed_dispatches);
		goto out;
	}
	if (d.enq_cnt != tctx->enq_cnt || !leave_user(tctx)) {
		/* Dequeued and re-enqueued (or already decided) while user space held it. */
		cnt_inc(nr_cancel_dispatches);
		goto out;
	}
	last_decision_at = sjl_now();
	aged_since_decision = false;
	if (tctx->queued_at) {
		/* Timed when it runs (ops.running), so both sums cover the same decisions. */
		tctx->waited_for_decision = last_decision_at - tctx->queued_at;
		tctx->decided_at = last_decision_at;
	}
	slice = clamp_slice(d.slice_ns);
	cpu = d.cpu;
	if (cpu == SJL_CPU_ANY) {
		insert_shared(p, slice, d.vtime, 0);
		cnt_inc(nr_user_dispatches);
	} else if (cpu < 0 || cpu >= nr_cpu_ids || cpu >= SJL_MAX_CPUS ||
		   !bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
		insert_shared(p, slice, d.vtime, 0);
		cnt_inc(nr_bounce_dispatches);
	} else {
		sjl_dsq_insert_vtime(p, cpu, slice, d.vtime, 0);
		if ((d.flags & SJL_DISPATCH_PREEMPT) && preempt_cpu(cpu))
			cnt_inc(nr_preempt_dispatches);
		else
			kick_cpu(cpu);
		cnt_inc(nr_user_dispatches);
	}
out:
	bpf_task_release(p);
	return scx_bpf_dispatch_nr_slots() ? 0 : 1;
}

#define RESCUE_STALLED	1	/* user space stopped: take back every task it holds */
#define RESCUE_AGED	2	/* take back the tasks it has held for SJL_MAX_WAIT_NS */

/*
 * BPF cannot read its own ring back, so the tasks user space holds (records in the ring, or
 * read and not decided) are found by walking the threads. A decision that arrives for one of
 * them later is counted as a cancel. The walk also refreshes oldest_in_user_at.
 */
static void rescue_user_tasks(u32 mode)
{
	u64 now = sjl_now(), oldest = now;
	struct task_struct *p;

	bpf_for_each(task, p, NULL, BPF_TASK_ITER_ALL_THREADS) {
		struct task_ctx *tctx;

		tctx = try_lookup_task_ctx(p);
		if (!tctx || !tctx->in_user)
			continue;
		if (mode == RESCUE_AGED && now - tctx->queued_at < SJL_MAX_WAIT_NS) {
			if (tctx->queued_at < oldest)
				oldest = tctx->queued_at;
			continue;
		}
		if (!scx_bpf_dispatch_nr_slots()) {
			oldest = 0;	/* not done: look again at the next beat */
			break;
		}
		if (!leave_user(tctx))
			continue;
		if (mode == RESCUE_AGED) {
			sjl_dsq_insert(p, SJL_DSQ_URGENT, slice_ns, 0);
			cnt_inc(nr_aged_user);
			aged_since_decision = true;
			last_aged_at = now;
		} else {
			sjl_dsq_insert_vtime(p, SJL_DSQ_SHARED, slice_ns, p->scx.dsq_vtime, 0);
			cnt_inc(nr_stall_fallbacks);
			cnt_inc(nr_stall_rescues);
		}
		cnt_inc(nr_kernel_dispatches);
	}
	oldest_in_user_at = oldest;
}

void BPF_STRUCT_OPS(sjl_dispatch, s32 cpu, struct task_struct *prev)
{
	long n = bpf_user_ringbuf_drain(&dispatched, apply_decision, NULL, BPF_RB_NO_WAKEUP);
	bool self_first;
	u32 rescue;

	rescue = rescue_pending ? __sync_lock_test_and_set(&rescue_pending, 0) : 0;
	if (rescue)
		rescue_user_tasks(rescue);

	if (n > 0)
		counters.usersched_last_drain_at = sjl_now();

	/*
	 * The JVM's own threads go first on every other pick, everyone else on the others: a GC
	 * storm cannot starve the machine, and the machine cannot starve the GC.
	 */
	if (sjl_dsq_move_to_local(SJL_DSQ_URGENT))
		return;
	self_first = cpu >= 0 && cpu < SJL_MAX_CPUS && (self_turn[cpu & (SJL_MAX_CPUS - 1)]++ & 1);
	if (self_first && sjl_dsq_move_to_local(SJL_DSQ_SELF))
		return;
	if (usersched_has_news() && sjl_dsq_move_to_local(SJL_DSQ_USERSCHED)) {
		usersched_needed = false;
		return;
	}
	if (sjl_dsq_move_to_local(cpu))
		return;
	if (sjl_dsq_move_to_local(SJL_DSQ_SHARED))
		return;
	/* It holds tasks back but has nothing new: it may spin here, where nothing else waits. */
	if (counters.nr_in_user && sjl_dsq_move_to_local(SJL_DSQ_USERSCHED))
		return;
	if (!self_first && sjl_dsq_move_to_local(SJL_DSQ_SELF))
		return;
	if (!prev || !(prev->scx.flags & SCX_TASK_QUEUED))
		return;
	if (is_usersched(prev)) {
		if (usersched_has_work())
			sjl_set_slice(prev, slice_ns);
		return;
	}
	/*
	 * Nothing else to run: let prev go on without a round trip, unless user space holds tasks
	 * or has records to read; then prev goes back too, and the policy picks among them all.
	 */
	if (!usersched_has_work()) {
		sjl_set_slice(prev, slice_ns);
		cnt_inc(nr_kept_running);
	}
}

#define WAITER_SCAN	8	/* tasks of a shared DSQ a tick looks at; beyond, assume one fits */

/*
 * Some task in dsq may run on cpu. A JVM pinned to CPU 0 leaves its threads in SELF, where
 * the tick of every other CPU would otherwise cut a policy task for nothing (and send it on a
 * round trip through user space). Looks at the first WAITER_SCAN; more than that counts as yes.
 */
static __always_inline bool dsq_has_waiter_for(u64 dsq, s32 cpu)
{
	struct task_struct *p;
	bool found = false;
	int n = 0;

	if (!scx_bpf_dsq_nr_queued(dsq))
		return false;
	bpf_for_each(scx_dsq, p, dsq, 0) {
		if (++n > WAITER_SCAN || bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
			found = true;
			break;
		}
	}
	return found;
}

/*
 * A tick on a CPU running a policy task: cut it if something must not wait behind it (a
 * kernel thread or an aged task in URGENT, a task in this CPU's local DSQ, a thread of the
 * scheduler's process, or a scheduling thread with news that has not run for a beat), and
 * only for a task that may run on this CPU.
 */
void BPF_STRUCT_OPS(sjl_tick, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	bool cut;

	if (is_self(p) || (p->flags & PF_KTHREAD) || !p->scx.slice)
		return;
	cut = scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL) || dsq_has_waiter_for(SJL_DSQ_URGENT, cpu) ||
	      dsq_has_waiter_for(SJL_DSQ_SELF, cpu);
	if (!cut && usersched_tid && usersched_has_news() && usersched_may_run_on(cpu) &&
	    sjl_now() - counters.usersched_last_run_at > heartbeat_ns &&
	    !__sync_lock_test_and_set(&usersched_cut_claimed, 1))
		cut = true;
	if (cut) {
		sjl_set_slice(p, 0);
		cnt_inc(nr_tick_preempts);
	}
}

/* The task left our custody (exit, affinity or policy change): a decision for it is stale. */
void BPF_STRUCT_OPS(sjl_dequeue, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tctx = try_lookup_task_ctx(p);

	if (tctx && leave_user(tctx))
		cnt_inc(nr_user_dequeued);
}

void BPF_STRUCT_OPS(sjl_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = try_lookup_task_ctx(p);

	if (tctx) {
		tctx->exec_runtime = 0;
		tctx->queued_at = sjl_now();	/* also covers a wakeup placed by select_cpu */
	}
}

void BPF_STRUCT_OPS(sjl_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct task_ctx *tctx;
	u64 now = sjl_now();

	if (cpu >= 0 && cpu < SJL_MAX_CPUS) {
		u64 bit = 1ULL << (cpu & 63);
		u64 *word = &idle_cpus.bits[(cpu / 64) & (SJL_MASK_WORDS - 1)];

		cpu_pid[cpu] = p->pid;
		cpu_nr_runs[cpu]++;	/* only this CPU writes its slot */
		cpu_runs_policy_task[cpu] = !is_self(p) && !(p->flags & PF_KTHREAD);
		/* A CPU that runs a task is not idle, whatever the mirror last heard (attach starts it full). */
		if (*word & bit)
			__sync_fetch_and_and(word, ~bit);
	}
	tctx = try_lookup_task_ctx(p);
	if (tctx && tctx->decided_at) {
		__sync_fetch_and_add(&counters.sum_wait_to_decision_ns, tctx->waited_for_decision);
		__sync_fetch_and_add(&counters.sum_decision_to_run_ns, now - tctx->decided_at);
		cnt_inc(nr_decisions_timed);
		tctx->decided_at = 0;
	}
	if (tctx && tctx->queued_at) {
		u64 wait = now - tctx->queued_at;

		record_max(&counters.max_wait_ns, wait);
		if (p->flags & PF_KTHREAD)
			record_max(&counters.max_kthread_wait_ns, wait);
		tctx->queued_at = 0;
	}
	if (is_usersched(p)) {
		counters.usersched_last_run_at = now;
		usersched_cut_claimed = 0;
		usersched_cut_pending = 0;
		usersched_running = true;
		if (usersched_wanted_at) {
			__sync_fetch_and_add(&counters.sum_usersched_wait_ns, now - usersched_wanted_at);
			cnt_inc(nr_usersched_waits);
			usersched_wanted_at = 0;
		}
		usersched_cpu = cpu;
		return;
	}
	if (tctx) {
		tctx->start_ts = now;
		tctx->counted_running = true;
		__sync_fetch_and_add(&counters.nr_running, 1);
	}
}

void BPF_STRUCT_OPS(sjl_stopping, struct task_struct *p, bool runnable)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct task_ctx *tctx;
	u64 now = sjl_now();

	if (cpu >= 0 && cpu < SJL_MAX_CPUS && cpu_pid[cpu] == p->pid) {
		cpu_pid[cpu] = 0;
		cpu_runs_policy_task[cpu] = 0;
	}
	tctx = try_lookup_task_ctx(p);
	if (!tctx)
		return;
	/* The scheduling thread may have been counted before it registered: undo that once. */
	if (tctx->counted_running) {
		tctx->counted_running = false;
		__sync_fetch_and_sub(&counters.nr_running, 1);
	}
	if (is_usersched(p)) {
		usersched_running = false;
		return;
	}
	tctx->stop_ts = now;
	tctx->exec_runtime += now - tctx->start_ts;
}

/* Mirror of the kernel's idle mask for user space (the kernel keeps its own: KEEP_BUILTIN_IDLE). */
void BPF_STRUCT_OPS(sjl_update_idle, s32 cpu, bool idle)
{
	u64 bit = 1ULL << (cpu & 63);
	u32 w = (u32)cpu / 64;

	if (cpu < 0 || w >= SJL_MASK_WORDS)
		return;
	if (idle)
		__sync_fetch_and_or(&idle_cpus.bits[w], bit);
	else
		__sync_fetch_and_and(&idle_cpus.bits[w], ~bit);
}

s32 BPF_STRUCT_OPS(sjl_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctx_stor, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

/* Some CPU must run ops.dispatch to carry out a rescue. */
static __always_inline void kick_any_cpu(void)
{
	const struct cpumask *online = scx_bpf_get_online_cpumask();
	s32 cpu = scx_bpf_pick_any_cpu(online, 0);

	scx_bpf_put_cpumask(online);
	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
}

/* Moves the tasks of one DSQ that have waited SJL_MAX_WAIT_NS to URGENT. */
static void age_dsq(u64 dsq, u64 now)
{
	struct task_struct *p;

	/* A timer callback is not an RCU read section by itself; kernels before 6.18 insist. */
	bpf_rcu_read_lock();
	bpf_for_each(scx_dsq, p, dsq, 0) {
		struct task_ctx *tctx = try_lookup_task_ctx(p);

		if (!tctx || !tctx->queued_at || now - tctx->queued_at < SJL_MAX_WAIT_NS)
			continue;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SJL_DSQ_URGENT, 0))
			cnt_inc(nr_aged_dsq);
	}
	bpf_rcu_read_unlock();
}

/* The wait bound for tasks in DSQs: whatever order the policy chose, nobody waits forever. */
static void age_dsqs(u64 now)
{
	s32 i;

	bpf_for(i, 0, nr_cpu_ids) {
		if (i >= SJL_MAX_CPUS)
			break;
		if (scx_bpf_dsq_nr_queued(i))
			age_dsq(i, now);
	}
	if (scx_bpf_dsq_nr_queued(SJL_DSQ_SHARED))
		age_dsq(SJL_DSQ_SHARED, now);
	if (scx_bpf_dsq_nr_queued(SJL_DSQ_URGENT))
		kick_any_cpu();
}

/*
 * Heartbeat: wake the scheduling thread when it has not run for a beat, decide whether user
 * space has stalled (ring not consumed for stall_ns), and enforce the wait bound.
 */
static int heartbeat_fn(void *map, int *key, struct heartbeat *hb)
{
	u64 now = sjl_now();
	struct task_struct *p;
	u64 since;

	/*
	 * User space holds tasks (records in the ring or read but not decided) and has applied no
	 * decision for stall_ns: whether it stopped reading or stopped deciding (a GC pause in the
	 * middle of a round), BPF takes over until it answers again. Holding nothing only because
	 * the wait bound took the tasks back counts as an answer once the scheduling thread has run
	 * since (a stopped one has not: it is then found stalled, and new tasks bypass it).
	 */
	since = last_decision_at > last_empty_at ? last_decision_at : last_empty_at;
	if (!counters.nr_in_user &&
	    (!aged_since_decision || counters.usersched_last_run_at > last_aged_at)) {
		last_empty_at = now;
		aged_since_decision = false;
		user_stalled = false;
	} else if (!stall_ns || now - since <= stall_ns) {
		user_stalled = false;
	} else {
		user_stalled = true;
		if (counters.nr_in_user) {
			rescue_pending = RESCUE_STALLED;
			kick_any_cpu();
		}
	}
	/* Still answering, but holding some task too long: take back just those. */
	if (!user_stalled && counters.nr_in_user && now - oldest_in_user_at > SJL_MAX_WAIT_NS) {
		__sync_val_compare_and_swap(&rescue_pending, 0, RESCUE_AGED);
		kick_any_cpu();
	}
	age_dsqs(now);

	/* Also without work: a runnable thread left in its DSQ too long trips the watchdog. */
	if (usersched_tid && now - counters.usersched_last_run_at > heartbeat_ns) {
		usersched_needed = true;
		p = bpf_task_from_pid(usersched_tid);
		if (p) {
			s32 cpu;

			/* Kernels before 6.18 require RCU around the walk to p->cpus_ptr here. */
			bpf_rcu_read_lock();
			cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
			bpf_rcu_read_unlock();
			if (cpu >= 0)
				scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
			else
				scx_bpf_kick_cpu(scx_bpf_task_cpu(p), SCX_KICK_PREEMPT);
			bpf_task_release(p);
		}
		cnt_inc(nr_heartbeat_kicks);
	}
	bpf_timer_start(&hb->timer, heartbeat_ns, 0);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(sjl_init)
{
	const struct cpumask *online;
	struct heartbeat *hb;
	u32 key = 0;
	s32 err, i;

	nr_cpu_ids = scx_bpf_nr_cpu_ids();
	if (nr_cpu_ids > SJL_MAX_CPUS || nr_cpu_ids > mask_words * 64) {
		sjl_error("%u CPU ids, at most %d supported (%u mask words)", nr_cpu_ids, SJL_MAX_CPUS,
			  mask_words);
		return -EINVAL;
	}
	bpf_for(i, 0, nr_cpu_ids) {
		err = scx_bpf_create_dsq(i, -1);
		if (err) {
			sjl_error("cannot create DSQ for CPU %d: %d", i, err);
			return err;
		}
	}
	err = scx_bpf_create_dsq(SJL_DSQ_SHARED, -1);
	if (!err)
		err = scx_bpf_create_dsq(SJL_DSQ_URGENT, -1);
	if (!err)
		err = scx_bpf_create_dsq(SJL_DSQ_SELF, -1);
	if (!err)
		err = scx_bpf_create_dsq(SJL_DSQ_USERSCHED, -1);
	if (err) {
		sjl_error("cannot create shared DSQs: %d", err);
		return err;
	}

	online = scx_bpf_get_online_cpumask();
	counters.nr_online_cpus = bpf_cpumask_weight(online);
	/* As the kernel's own mask starts: every online CPU idle, corrected at its first switch. */
	bpf_for(i, 0, nr_cpu_ids) {
		if (i < SJL_MAX_CPUS && bpf_cpumask_test_cpu(i, online))
			idle_cpus.bits[(i / 64) & (SJL_MASK_WORDS - 1)] |= 1ULL << (i & 63);
	}
	scx_bpf_put_cpumask(online);

	counters.usersched_last_run_at = sjl_now();
	last_empty_at = counters.usersched_last_run_at;
	hb = bpf_map_lookup_elem(&heartbeat_map, &key);
	if (!hb)
		return -ENOMEM;
	bpf_timer_init(&hb->timer, &heartbeat_map, CLOCK_BOOTTIME);
	bpf_timer_set_callback(&hb->timer, heartbeat_fn);
	return bpf_timer_start(&hb->timer, heartbeat_ns, 0);
}

void BPF_STRUCT_OPS(sjl_exit, struct scx_exit_info *ei)
{
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	if (exit_dump_len)
		bpf_probe_read_kernel_str(exit_dump, exit_dump_len, ei->dump);
	exit_info.exit_code = ei->exit_code;
	if (bpf_core_field_exists(ei->exit_cpu))
		exit_info.exit_cpu = BPF_CORE_READ(ei, exit_cpu);
	/* kind last: user space treats kind != 0 as "the rest is complete". */
	asm volatile("" ::: "memory");
	exit_info.kind = ei->kind;
}

/*
 * select_cpu for user space, run with BPF_PROG_TEST_RUN: claim prev_cpu if it is idle and
 * allowed, else any idle CPU the task may use. Returns the CPU or a negative errno in arg->cpu.
 */
SEC("syscall")
int sjl_select_cpu_prog(struct sjl_select_cpu_arg *arg)
{
	struct task_struct *p;
	s32 cpu = arg->prev_cpu;

	p = bpf_task_from_pid(arg->pid);
	if (!p) {
		arg->cpu = -ESRCH;
		return 0;
	}
	bpf_rcu_read_lock();
	if (cpu >= 0 && cpu < nr_cpu_ids && bpf_cpumask_test_cpu(cpu, p->cpus_ptr) &&
	    scx_bpf_test_and_clear_cpu_idle(cpu))
		arg->cpu = cpu;
	else
		arg->cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	bpf_rcu_read_unlock();
	bpf_task_release(p);
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops sjl_ops = {
	.select_cpu		= (void *)sjl_select_cpu,
	.enqueue		= (void *)sjl_enqueue,
	.dequeue		= (void *)sjl_dequeue,
	.dispatch		= (void *)sjl_dispatch,
	.tick			= (void *)sjl_tick,
	.runnable		= (void *)sjl_runnable,
	.running		= (void *)sjl_running,
	.stopping		= (void *)sjl_stopping,
	.update_idle		= (void *)sjl_update_idle,
	.init_task		= (void *)sjl_init_task,
	.init			= (void *)sjl_init,
	.exit			= (void *)sjl_exit,
	.flags			= SCX_OPS_ENQ_LAST | SCX_OPS_KEEP_BUILTIN_IDLE,
	.dispatch_max_batch	= 512,
	.timeout_ms		= 5000,
	.name			= "javaland",
};
