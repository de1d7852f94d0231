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
 *  - kernel threads never wait on user space: per-CPU ones (and kswapd, kcompactd, khugepaged)
 *    run from their CPU's DSQ, the others from the shared DSQ (I/O completion, RCU, workqueues
 *    are what a blocked JVM waits for);
 *  - until the scheduling thread first reads the ring, when the ring is full (congestion) and
 *    when user space stops reading it (stall), tasks go straight to the shared DSQ; on a stall
 *    the tasks whose records already sit in the ring are found and placed too (rescue);
 * *  - a heartbeat timer wakes the scheduling thread when it has not run for a beat, so a
 *    quiet scheduler is never mistaken for a stalled one.
 *
 * DSQs: one per CPU (vtime-ordered), one shared (vtime-ordered, any CPU), SELF (FIFO) and
 * USERSCHED (FIFO, consumed only when the scheduling thread has work, so an idle scheduler
 * costs nothing). Where it is weak: a rescue walks every thread of the system, so it runs at most
 * once per heartbeat while user space is stalled; and a policy that deliberately holds tasks
 * without deciding anything for the stall timeout is treated as stalled.
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
const volatile u64 heartbeat_ns = 250000000ULL;
const volatile u64 stall_ns = 1000000000ULL;	/* 0: never bypass user space */
const volatile bool builtin_idle;
const volatile bool debug;
const volatile u32 exit_dump_len;

/* Shared with user space through the mmapped .bss. */
struct sjl_counters counters;
u32 usersched_tid;			/* the scheduling thread; written by user space */
u32 cpu_pid[SJL_MAX_CPUS];		/* pid running on each CPU, 0 when idle */
struct sjl_exit_info exit_info;
bool usersched_needed;
bool user_stalled;
u32 rescue_pending;		/* set by the heartbeat, taken by one ops.dispatch */
u32 nr_cpu_ids;
/* Per CPU (ops.dispatch runs serialised per CPU): a shared counter let one CPU always get SELF's turn. */
u8 self_turn[SJL_MAX_CPUS];
/* Stall detection (see heartbeat_fn): tasks in user space's hands, and when that last moved. */
u64 nr_in_user;
u64 last_decision_at;
u64 last_empty_at;

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
	__sync_fetch_and_sub(&nr_in_user, 1);
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

static __always_inline bool usersched_has_work(void)
{
	return usersched_needed || counters.nr_scheduled ||
	       bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA) > 0;
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
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

static __always_inline void insert_shared(struct task_struct *p, u64 slice, u64 vtime, u64 flags)
{
	sjl_dsq_insert_vtime(p, SJL_DSQ_SHARED, slice, vtime, flags);
	kick_idle_cpu_for(p);
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
	rec = bpf_ringbuf_reserve(&queued, sizeof(*rec), 0);
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
	__sync_fetch_and_add(&nr_in_user, 1);
	bpf_probe_read_kernel_str(rec->comm, sizeof(rec->comm), p->comm);
	bpf_ringbuf_submit(rec, 0);
	cnt_inc(nr_queued);
	cnt_inc(nr_user_queued);
	/* The task's CPU, if idle, pulls the scheduling thread in ops.dispatch. */
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
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
	cnt_inc(nr_enqueues);
	if (is_self(p)) {
		if (is_usersched(p)) {
			sjl_dsq_insert(p, SJL_DSQ_USERSCHED, slice_ns, enq_flags);
			return;
		}
		sjl_dsq_insert(p, SJL_DSQ_SELF, slice_ns, enq_flags);
		cnt_inc(nr_self_dispatches);
		kick_idle_cpu_for(p);
		return;
	}
	if (keep_on_cpu(p)) {
		sjl_dsq_insert_vtime(p, scx_bpf_task_cpu(p), slice_ns, p->scx.dsq_vtime, enq_flags);
		cnt_inc(nr_kernel_dispatches);
		return;
	}
	if ((p->flags & PF_KTHREAD) || !usersched_tid) {
		/* Other kthreads, and everything until user space reads the ring for the first time. */
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
 * Apply one user-space decision. Returns 1 to stop draining (no dispatch slot left).
 * Every record ends in exactly one counter: user, bounce, cancel or failed.
 */
static long apply_decision(struct bpf_dynptr *dynptr, void *unused)
{
	struct sjl_dispatched_task d;
	struct task_struct *p;
	struct task_ctx *tctx;
	u64 slice, flags;
	s32 cpu;

	if (bpf_dynptr_size(dynptr) != sizeof(d) || bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0)) {
		cnt_inc(nr_failed_dispatches);
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
	slice = clamp_slice(d.slice_ns);
	flags = d.flags & SCX_ENQ_PREEMPT;
	cpu = d.cpu;
	if (cpu == SJL_CPU_ANY) {
		insert_shared(p, slice, d.vtime, flags);
		cnt_inc(nr_user_dispatches);
	} else if (cpu < 0 || cpu >= nr_cpu_ids || cpu >= SJL_MAX_CPUS ||
		   !bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
		insert_shared(p, slice, d.vtime, flags);
		cnt_inc(nr_bounce_dispatches);
	} else {
		sjl_dsq_insert_vtime(p, cpu, slice, d.vtime, flags);
		scx_bpf_kick_cpu(cpu, flags ? SCX_KICK_PREEMPT : SCX_KICK_IDLE);
		cnt_inc(nr_user_dispatches);
	}
out:
	bpf_task_release(p);
	return scx_bpf_dispatch_nr_slots() ? 0 : 1;
}

/*
 * User space stopped reading while tasks' records sit in the queued ring: BPF cannot read its
 * own ring back, so find those tasks by walking the threads and place them on the shared DSQ.
 * A decision that arrives for one of them later is counted as a cancel.
 */
static void rescue_stalled_tasks(void)
{
	struct task_struct *p;

	bpf_for_each(task, p, NULL, BPF_TASK_ITER_ALL_THREADS) {
		struct task_ctx *tctx;

		if (!scx_bpf_dispatch_nr_slots())
			break;
		tctx = try_lookup_task_ctx(p);
		if (!tctx || !leave_user(tctx))
			continue;
		sjl_dsq_insert_vtime(p, SJL_DSQ_SHARED, slice_ns, p->scx.dsq_vtime, 0);
		cnt_inc(nr_stall_fallbacks);
		cnt_inc(nr_kernel_dispatches);
	}
}

void BPF_STRUCT_OPS(sjl_dispatch, s32 cpu, struct task_struct *prev)
{
	long n = bpf_user_ringbuf_drain(&dispatched, apply_decision, NULL, BPF_RB_NO_WAKEUP);
	bool self_first;

	if (rescue_pending && __sync_lock_test_and_set(&rescue_pending, 0))
		rescue_stalled_tasks();

	if (n > 0)
		counters.usersched_last_drain_at = sjl_now();

	/*
	 * The JVM's own threads go first on every other pick, everyone else on the others: a GC
	 * storm cannot starve the machine, and the machine cannot starve the GC.
	 */
	self_first = cpu >= 0 && cpu < SJL_MAX_CPUS && (self_turn[cpu & (SJL_MAX_CPUS - 1)]++ & 1);
	if (self_first && sjl_dsq_move_to_local(SJL_DSQ_SELF))
		return;
	if (usersched_has_work() && sjl_dsq_move_to_local(SJL_DSQ_USERSCHED)) {
		usersched_needed = false;
		return;
	}
	if (sjl_dsq_move_to_local(cpu))
		return;
	if (sjl_dsq_move_to_local(SJL_DSQ_SHARED))
		return;
	if (!self_first && sjl_dsq_move_to_local(SJL_DSQ_SELF))
		return;
	/* Nothing else to run: let prev go on without a round trip to user space. */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED) && (!is_usersched(prev) || usersched_has_work()))
		sjl_set_slice(prev, slice_ns);
}

/* The task left our custody (exit, affinity or policy change): a decision for it is stale. */
void BPF_STRUCT_OPS(sjl_dequeue, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tctx = try_lookup_task_ctx(p);

	if (tctx)
		leave_user(tctx);
}

void BPF_STRUCT_OPS(sjl_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = try_lookup_task_ctx(p);

	if (tctx)
		tctx->exec_runtime = 0;
}

void BPF_STRUCT_OPS(sjl_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct task_ctx *tctx;
	u64 now = sjl_now();

	if (cpu >= 0 && cpu < SJL_MAX_CPUS)
		cpu_pid[cpu] = p->pid;
	if (is_usersched(p)) {
		counters.usersched_last_run_at = now;
		return;
	}
	tctx = try_lookup_task_ctx(p);
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

	if (cpu >= 0 && cpu < SJL_MAX_CPUS && cpu_pid[cpu] == p->pid)
		cpu_pid[cpu] = 0;
	tctx = try_lookup_task_ctx(p);
	if (!tctx)
		return;
	/* The scheduling thread may have been counted before it registered: undo that once. */
	if (tctx->counted_running) {
		tctx->counted_running = false;
		__sync_fetch_and_sub(&counters.nr_running, 1);
	}
	if (is_usersched(p))
		return;
	tctx->stop_ts = now;
	tctx->exec_runtime += now - tctx->start_ts;
}

s32 BPF_STRUCT_OPS(sjl_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctx_stor, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

/*
 * Heartbeat: wake the scheduling thread when it has not run for a beat, and
 * decide whether user space has stalled (ring not consumed for stall_ns).
 */
static int heartbeat_fn(void *map, int *key, struct heartbeat *hb)
{
	u64 now = sjl_now();
	struct task_struct *p;
	u64 since;

	/*
	 * User space holds tasks (records in the ring or read but not decided) and has applied no
	 * decision for stall_ns: whether it stopped reading or stopped deciding (a GC pause in the
	 * middle of a round), BPF takes over until it answers again.
	 */
	since = last_decision_at > last_empty_at ? last_decision_at : last_empty_at;
	if (!nr_in_user) {
		last_empty_at = now;
		user_stalled = false;
	} else if (!stall_ns || now - since <= stall_ns) {
		user_stalled = false;
	} else {
		const struct cpumask *online = scx_bpf_get_online_cpumask();
		s32 cpu = scx_bpf_pick_any_cpu(online, 0);

		scx_bpf_put_cpumask(online);
		user_stalled = true;
		rescue_pending = 1;
		/* Some CPU must run ops.dispatch to carry out the rescue. */
		if (cpu >= 0)
			scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	}

	/* Also without work: a runnable thread left in its DSQ too long trips the watchdog. */
	if (usersched_tid && now - counters.usersched_last_run_at > heartbeat_ns) {
		usersched_needed = true;
		p = bpf_task_from_pid(usersched_tid);
		if (p) {
			s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

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
	if (nr_cpu_ids > SJL_MAX_CPUS) {
		sjl_error("%u CPUs, at most %d supported", nr_cpu_ids, SJL_MAX_CPUS);
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
		err = scx_bpf_create_dsq(SJL_DSQ_SELF, -1);
	if (!err)
		err = scx_bpf_create_dsq(SJL_DSQ_USERSCHED, -1);
	if (err) {
		sjl_error("cannot create shared DSQs: %d", err);
		return err;
	}

	online = scx_bpf_get_online_cpumask();
	counters.nr_online_cpus = bpf_cpumask_weight(online);
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
	.runnable		= (void *)sjl_runnable,
	.running		= (void *)sjl_running,
	.stopping		= (void *)sjl_stopping,
	.init_task		= (void *)sjl_init_task,
	.init			= (void *)sjl_init,
	.exit			= (void *)sjl_exit,
	.flags			= SCX_OPS_ENQ_LAST,
	.dispatch_max_batch	= 512,
	.timeout_ms		= 5000,
	.name			= "javaland",
};
