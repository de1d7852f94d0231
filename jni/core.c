// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifecycle of the BPF scheduler (open, configure, load, attach, detach) and the hot-path calls
 * on top of the ring transport. JVM-free: the JNI shell and the C tools share it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core.h"
#include "internal.h"
#include "sjl_bpf.skel.h"

#define DEFAULT_NAME "javaland"
#define DEFAULT_SLICE_NS (5ULL * 1000 * 1000)
#define DEFAULT_TIMEOUT_MS 5000
#define MAX_TIMEOUT_MS 30000
#define DEFAULT_DUMP_LEN 32768
#define MAX_DUMP_LEN (1U << 24)
#define DEFAULT_STALL_NS (1000ULL * 1000 * 1000)
#define MAX_NAME_LEN 63
/* Kernel ABI (include/linux/sched/ext.h); user space has no vmlinux.h. */
#define SCX_OPS_SWITCH_PARTIAL_FLAG (1ULL << 3)
#define SCX_OPS_NAME_CAP 128

struct sjl_sched {
	struct sjl_bpf *skel;
	struct bpf_link *link;
	struct sjl_rings *rings;
	int select_prog_fd;
	uint32_t dump_len;
	char name[MAX_NAME_LEN + 1];
};

/* The scheduling thread's id, cached per thread so dequeue makes no syscall. */
static __thread pid_t cached_tid;

static pid_t current_tid(void)
{
	if (!cached_tid)
		cached_tid = (pid_t)syscall(SYS_gettid);
	return cached_tid;
}

void sjl_opts_init(struct sjl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->builtin_idle = true;
}

int sjl_opts_validate(const struct sjl_opts *o, struct sjl_error *e)
{
	const char *c;

	if (o->name) {
		size_t len = strlen(o->name);

		if (len == 0 || len > MAX_NAME_LEN)
			return sjl_fail(e, EINVAL, "ops name must be 1..%d characters, got %zu",
					MAX_NAME_LEN, len);
		for (c = o->name; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
				return sjl_fail(e, EINVAL, "ops name \"%s\" may only use [A-Za-z0-9_.-]",
						o->name);
	}
	if (o->slice_ns && (o->slice_ns < SJL_SLICE_MIN_NS || o->slice_ns > SJL_SLICE_MAX_NS))
		return sjl_fail(e, EINVAL, "slice_ns %llu outside [%llu, %llu]",
				(unsigned long long)o->slice_ns, SJL_SLICE_MIN_NS, SJL_SLICE_MAX_NS);
	if (o->timeout_ms > MAX_TIMEOUT_MS)
		return sjl_fail(e, EINVAL, "watchdog timeout %u ms above the kernel's %d ms",
				o->timeout_ms, MAX_TIMEOUT_MS);
	if (o->exit_dump_len > MAX_DUMP_LEN)
		return sjl_fail(e, EINVAL, "exit dump length %u above %u", o->exit_dump_len,
				MAX_DUMP_LEN);
	return 0;
}

/* Kernel threads have no exe; khugepaged is found by name (the kernel gives no other handle). */
static uint32_t find_khugepaged(void)
{
	DIR *d = opendir("/proc");
	struct dirent *ent;
	uint32_t pid = 0;

	if (!d)
		return 0;
	while (!pid && (ent = readdir(d))) {
		char path[300], comm[32];

		if (!isdigit((unsigned char)ent->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", ent->d_name);
		if (sjl_read_file(path, comm, sizeof(comm)) > 0 && !strcmp(comm, "khugepaged"))
			pid = (uint32_t)atoi(ent->d_name);
	}
	closedir(d);
	return pid;
}

static uint64_t read_hotplug_seq(const char *root)
{
	char path[512], buf[32];

	snprintf(path, sizeof(path), "%s/kernel/sched_ext/hotplug_seq", root);
	if (sjl_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

/* bpftool hides char arrays in the struct_ops shadow type: find "name" through BTF. */
static int set_ops_name(struct sjl_bpf *skel, const char *name)
{
	struct btf *btf = bpf_object__btf(skel->obj);
	const struct btf_member *m;
	const struct btf_type *t;
	size_t sz;
	char *data = bpf_map__initial_value(skel->maps.sjl_ops, &sz);
	int id, i;

	id = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT);
	if (id < 0 || !data)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "name"))
			continue;
		size_t off = btf_member_bit_offset(t, i) / 8;

		if (off + SCX_OPS_NAME_CAP > sz)
			return -E2BIG;
		memset(data + off, 0, SCX_OPS_NAME_CAP);
		snprintf(data + off, SCX_OPS_NAME_CAP, "%s", name);
		return 0;
	}
	return -ENOENT;
}

static int configure(struct sjl_sched *s, const struct sjl_opts *o, struct sjl_error *e)
{
	struct sjl_bpf *skel = s->skel;
	const char *root = o->sysfs_root ? o->sysfs_root : "/sys";
	size_t sz;
	int err, ncpus;

	snprintf(s->name, sizeof(s->name), "%s", o->name ? o->name : DEFAULT_NAME);
	s->dump_len = o->exit_dump_len ? o->exit_dump_len : DEFAULT_DUMP_LEN;

	skel->rodata->usersched_tgid = (uint32_t)getpid();
	skel->rodata->khugepaged_pid = find_khugepaged();
	skel->rodata->slice_ns = o->slice_ns ? o->slice_ns : DEFAULT_SLICE_NS;
	skel->rodata->stall_ns = o->stall_ns == UINT64_MAX ? 0 :
				 o->stall_ns ? o->stall_ns : DEFAULT_STALL_NS;
	skel->rodata->builtin_idle = o->builtin_idle;
	skel->rodata->debug = o->debug;
	skel->rodata->exit_dump_len = s->dump_len;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || ncpus > SJL_MAX_CPUS)
		return sjl_fail(e, ncpus < 0 ? -ncpus : EINVAL,
				"cannot size affinity masks: %d possible CPUs (at most %d supported)",
				ncpus, SJL_MAX_CPUS);
	skel->rodata->mask_words = (uint32_t)((ncpus + 63) / 64);

	err = bpf_map__set_value_size(skel->maps.data_exit_dump, s->dump_len);
	if (err)
		return sjl_fail(e, err, "cannot size the exit dump to %u bytes", s->dump_len);
	skel->data_exit_dump = bpf_map__initial_value(skel->maps.data_exit_dump, &sz);
	if (!skel->data_exit_dump || sz != s->dump_len)
		return sjl_fail(e, EINVAL, "exit dump map has %zu bytes, wanted %u", sz, s->dump_len);

	err = set_ops_name(skel, s->name);
	if (err)
		return sjl_fail(e, err, "cannot set the ops name");
	skel->struct_ops.sjl_ops->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	skel->struct_ops.sjl_ops->exit_dump_len = s->dump_len;
	/* The kernel restarts us (exit code ACT_RESTART|RSN_HOTPLUG) when CPUs come and go. */
	skel->struct_ops.sjl_ops->hotplug_seq = read_hotplug_seq(root);
	if (o->partial)
		skel->struct_ops.sjl_ops->flags |= SCX_OPS_SWITCH_PARTIAL_FLAG;
	bpf_map__set_autoattach(skel->maps.sjl_ops, false);
	return 0;
}

int sjl_sched_open(struct sjl_sched **out, const struct sjl_opts *o, struct sjl_error *e)
{
	struct sjl_env env = { .sysfs_root = o->sysfs_root };
	struct sjl_capture *cap = NULL;
	struct sjl_sched *s;
	int err;

	*out = NULL;
	err = sjl_opts_validate(o, e);
	if (err)
		return err;
	err = sjl_check_environment(&env, e);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	cap = calloc(1, sizeof(*cap));
	if (!s || !cap) {
		free(s);
		free(cap);
		return sjl_fail(e, ENOMEM, "out of memory");
	}
	s->select_prog_fd = -1;
	if (o->debug)
		sjl_log(SJL_LOG_INFO, "opening BPF scheduler");
	sjl_capture_begin(cap);
	s->skel = sjl_bpf__open();
	if (!s->skel) {
		err = sjl_fail(e, errno ? errno : EINVAL, "cannot open the BPF object: %s", cap->buf);
		goto fail;
	}
	err = configure(s, o, e);
	if (err)
		goto fail;
	err = sjl_check_object_kfuncs(s->skel->obj, o->sysfs_root, e);
	if (err)
		goto fail;
	err = sjl_bpf__load(s->skel);
	if (err) {
		char verdict[256];

		if (e)
			e->phase = SJL_PHASE_LOAD;
		/* The verdict first, then as much of the log's end as fits: the cause is at the end. */
		sjl_verifier_verdict(cap->buf, verdict, sizeof(verdict));
		err = sjl_fail(e, err, "the kernel rejected the BPF scheduler (%s)%s%s. End of the "
			       "libbpf/verifier log:\n%s", strerror(-err), verdict[0] ? ": " : "",
			       verdict, sjl_tail_lines(cap->buf, sizeof(e->msg) - 400));
		goto fail;
	}
	sjl_capture_end();
	s->select_prog_fd = bpf_program__fd(s->skel->progs.sjl_select_cpu_prog);
	err = sjl_rings_new(&s->rings, bpf_map__fd(s->skel->maps.queued),
			    bpf_map__fd(s->skel->maps.dispatched));
	if (err) {
		err = sjl_fail(e, err, "cannot map the ring buffers: %s", strerror(-err));
		goto fail;
	}
	free(cap);
	*out = s;
	return 0;
fail:
	sjl_capture_end();
	free(cap);
	sjl_sched_close(s);
	return err;
}

int sjl_sched_attach(struct sjl_sched *s, struct sjl_error *e)
{
	struct sjl_capture cap;
	char state[64];
	int err;

	if (s->link)
		return sjl_fail(e, EALREADY, "scheduler %s is already attached", s->name);
	/* Checked again: another scheduler may have started since open. */
	if (sjl_read_state(NULL, state, sizeof(state)) > 0 && strcmp(state, "disabled"))
		return sjl_check_environment(NULL, e) ?: sjl_fail(e, EBUSY, "sched_ext is %s", state);
	if (e)
		e->phase = SJL_PHASE_ATTACH;
	sjl_capture_begin(&cap);
	s->link = bpf_map__attach_struct_ops(s->skel->maps.sjl_ops);
	sjl_capture_end();
	if (!s->link) {
		err = -errno;
		if (err == -EBUSY || err == -EEXIST)
			return sjl_fail(e, EBUSY, "another sched_ext scheduler was enabled first");
		return sjl_fail(e, err, "cannot attach the scheduler (%s): %s", strerror(-err),
				cap.buf);
	}
	/* Debug only: a program says "attached" itself (SchedulerRunner does), once. */
	sjl_log(SJL_LOG_DEBUG, "sched_ext scheduler %s attached", s->name);
	return 0;
}

void sjl_sched_detach(struct sjl_sched *s)
{
	if (s && s->link) {
		bpf_link__destroy(s->link);
		s->link = NULL;
	}
}

void sjl_sched_close(struct sjl_sched *s)
{
	if (!s)
		return;
	sjl_sched_detach(s);
	sjl_rings_free(s->rings);
	sjl_bpf__destroy(s->skel);
	free(s);
}

/* Before a dequeue: the calling thread is the scheduling thread. */
static void register_usersched(struct sjl_sched *s)
{
	pid_t tid = current_tid();

	if (s->skel->bss->usersched_tid != (uint32_t)tid)
		s->skel->bss->usersched_tid = (uint32_t)tid;
}

/* After a dequeue of n records. Approximate by design: BPF adds atomically, we subtract. */
static int count_read(struct sjl_sched *s, int n)
{
	struct sjl_counters *c = &s->skel->bss->counters;
	uint64_t q;

	if (n > 0) {
		q = __atomic_load_n(&c->nr_queued, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&c->nr_queued, q < (uint64_t)n ? q : (uint64_t)n, __ATOMIC_RELAXED);
	}
	return n;
}

int sjl_sched_dequeue(struct sjl_sched *s, struct sjl_queued_task *out, int max)
{
	register_usersched(s);
	return count_read(s, sjl_rings_drain(s->rings, out, max));
}

int sjl_sched_dequeue_cols(struct sjl_sched *s, int64_t *cols, int stride, int max)
{
	register_usersched(s);
	return count_read(s, sjl_rings_drain_cols(s->rings, cols, stride, max));
}

int sjl_sched_dispatch(struct sjl_sched *s, const struct sjl_dispatched_task *in, int n)
{
	return sjl_rings_submit(s->rings, in, n);
}

int sjl_sched_dispatch_cols(struct sjl_sched *s, const int64_t *cols, int stride, int n)
{
	return sjl_rings_submit_cols(s->rings, cols, stride, n);
}

int sjl_sched_wait(struct sjl_sched *s, int timeout_ms)
{
	return sjl_rings_wait(s->rings, timeout_ms);
}

void sjl_sched_notify_complete(struct sjl_sched *s, uint64_t nr_pending)
{
	__atomic_store_n(&s->skel->bss->counters.nr_scheduled, nr_pending, __ATOMIC_RELEASE);
	sched_yield();
}

int sjl_sched_select_cpu(struct sjl_sched *s, int32_t pid, int32_t prev_cpu, uint64_t flags)
{
	struct sjl_select_cpu_arg arg = { .pid = pid, .prev_cpu = prev_cpu, .flags = flags };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &arg, .ctx_size_in = sizeof(arg));
	int err;

	err = bpf_prog_test_run_opts(s->select_prog_fd, &opts);
	if (err)
		return -errno;
	return arg.cpu;
}

struct sjl_counters *sjl_sched_counters(struct sjl_sched *s)
{
	return &s->skel->bss->counters;
}

uint32_t *sjl_sched_cpu_pid(struct sjl_sched *s)
{
	return s->skel->bss->cpu_pid;
}

const uint64_t *sjl_sched_cpu_nr_runs(struct sjl_sched *s)
{
	return s->skel->bss->cpu_nr_runs;
}

const struct sjl_idle_mask *sjl_sched_idle_cpus(struct sjl_sched *s)
{
	return &s->skel->bss->idle_cpus;
}

const struct sjl_exit_info *sjl_sched_exit_info(struct sjl_sched *s)
{
	return &s->skel->bss->exit_info;
}

int sjl_sched_nr_cpu_ids(struct sjl_sched *s)
{
	return (int)s->skel->bss->nr_cpu_ids;
}

bool sjl_sched_exited(struct sjl_sched *s)
{
	return __atomic_load_n(&s->skel->bss->exit_info.kind, __ATOMIC_ACQUIRE) != 0;
}

size_t sjl_sched_exit_dump(struct sjl_sched *s, char *buf, size_t cap)
{
	size_t n;

	if (!cap)
		return 0;
	n = strnlen(s->skel->data_exit_dump->exit_dump, s->dump_len);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s->skel->data_exit_dump->exit_dump, n);
	buf[n] = '\0';
	return n;
}

struct sjl_rings *sjl_sched_rings(struct sjl_sched *s)
{
	return s->rings;
}

const char *sjl_sched_name(struct sjl_sched *s)
{
	return s->name;
}

int sjl_lock_memory(struct sjl_error *e)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	/* MCL_ONFAULT: lock pages as they are touched; locking a whole JVM heap up front is slow. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		return sjl_fail(e, errno, "mlockall failed: %s", strerror(errno));
	return 0;
}

const char *sjl_exit_kind_name(int kind)
{
	switch (kind) {
	case SJL_EXIT_NONE: return "none";
	case SJL_EXIT_DONE: return "done";
	case SJL_EXIT_UNREG: return "unregistered from user space";
	case SJL_EXIT_UNREG_BPF: return "unregistered from BPF";
	case SJL_EXIT_UNREG_KERN: return "unregistered by the kernel";
	case SJL_EXIT_SYSRQ: return "disabled by sysrq-S";
	case SJL_EXIT_ERROR: return "runtime error";
	case SJL_EXIT_ERROR_BPF: return "error in the BPF scheduler";
	case SJL_EXIT_ERROR_STALL: return "watchdog: runnable task stall";
	default: return "unknown";
	}
}
