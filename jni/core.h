/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JVM-free C core of scx_javaland: everything the JNI shell, the C FIFO scheduler and the
 * native tests call. Conventions: functions return 0 or a count on success and -errno on
 * failure, fill a struct sjl_error with a readable message where one helps, never exit and
 * never print on the hot path. The hot path (dequeue, dispatch, counters) makes no syscall
 * and no allocation per task.
 *
 * Threading: one thread drives the rings (single consumer of "queued", single producer of
 * "dispatched"); the thread that dequeues is registered as the scheduling thread. Counters and
 * exit info may be read from any thread.
 */
#ifndef SJL_CORE_H
#define SJL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "intf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SJL_API __attribute__((visibility("default")))

/* Where a failure happened, so callers can tell a verifier rejection from a bad setup. */
/* KERNEL: the running kernel cannot run the object (broken BTF), found before loading. */
enum sjl_phase { SJL_PHASE_SETUP = 0, SJL_PHASE_LOAD = 1, SJL_PHASE_ATTACH = 2, SJL_PHASE_KERNEL = 3 };

struct sjl_error {
	int err;		/* -errno */
	enum sjl_phase phase;
	char msg[2048];
};

/* ---- Logging: libbpf's messages and the core's own go through one sink. ---- */
enum sjl_log_level { SJL_LOG_DEBUG = 0, SJL_LOG_INFO = 1, SJL_LOG_WARN = 2 };
typedef void (*sjl_log_fn)(enum sjl_log_level level, const char *line, void *ctx);
/* Install a sink (NULL: stderr for WARN, nothing else). Process-wide, like libbpf's. */
SJL_API void sjl_set_log(sjl_log_fn fn, void *ctx, enum sjl_log_level min_level);

/* ---- Environment checks, run by sjl_sched_open before anything is loaded. ---- */
struct sjl_env {
	const char *sysfs_root;	/* "/sys" normally; tests point it elsewhere */
};
/* -EOPNOTSUPP: no sched_ext; -EPERM: missing CAP_SYS_ADMIN/CAP_BPF; -EBUSY: another
 * scheduler is enabled (its name in the message). Never touches a running scheduler. */
SJL_API int sjl_check_environment(const struct sjl_env *env, struct sjl_error *e);
/* Reads <sysfs>/kernel/sched_ext/state ("enabled", "disabled", ...) into buf. */
SJL_API int sjl_read_state(const struct sjl_env *env, char *buf, size_t len);

/* ---- Ring transport: usable on any RINGBUF + USER_RINGBUF pair (tests use their own). ---- */
struct sjl_rings;
SJL_API int sjl_rings_new(struct sjl_rings **out, int queued_fd, int dispatched_fd);
SJL_API void sjl_rings_free(struct sjl_rings *r);
/* Copy up to max queued records into out; never waits. Returns the count. A record carries
 * the affinity words its machine needs (SJL_QUEUED_RECORD_SIZE): the words past them in out
 * are left as they were. Records of any other size are skipped and counted in
 * sjl_rings_bad_records(). */
SJL_API int sjl_rings_drain(struct sjl_rings *r, struct sjl_queued_task *out, int max);
/* Submit up to n decisions; stops early when the ring is full. Returns how many went in. */
SJL_API int sjl_rings_submit(struct sjl_rings *r, const struct sjl_dispatched_task *in, int n);

/*
 * Column batches: the same records one field per column, for a reader that walks one field
 * across a batch (the JVM reads them as plain long[] with its bounds checks hoisted out of the
 * loop). Field c of record i is cols[c * stride + i], every field widened to 64 bits (pid and cpu
 * sign-extended), the comm as SJL_COMM_LEN / 8 words of its bytes in memory order, affinity
 * word w in column SJL_QCOL_MASK + w (only the words the record carries are written). A column
 * drain reads each record straight from the ring: no intermediate struct copy. Pick a stride
 * that is not a multiple of 4 KiB / 8 (the JVM's is an odd number of cache lines): columns a
 * page apart share L1 sets, and a drain writing 13 of them at once then thrashes.
 */
enum sjl_qcol {
	SJL_QCOL_PID, SJL_QCOL_CPU, SJL_QCOL_NR_CPUS_ALLOWED, SJL_QCOL_FLAGS, SJL_QCOL_START_TS,
	SJL_QCOL_STOP_TS, SJL_QCOL_EXEC_RUNTIME, SJL_QCOL_WEIGHT, SJL_QCOL_VTIME, SJL_QCOL_ENQ_CNT,
	SJL_QCOL_COMM, SJL_QCOL_MASK = SJL_QCOL_COMM + SJL_COMM_LEN / 8,
	SJL_QCOLS = SJL_QCOL_MASK + SJL_MASK_WORDS
};
enum sjl_dcol {
	SJL_DCOL_PID, SJL_DCOL_CPU, SJL_DCOL_FLAGS, SJL_DCOL_SLICE_NS, SJL_DCOL_VTIME, SJL_DCOL_ENQ_CNT,
	SJL_DCOLS
};
/* sjl_rings_drain into SJL_QCOLS columns, stride apart (max <= stride). */
SJL_API int sjl_rings_drain_cols(struct sjl_rings *r, int64_t *cols, int stride, int max);
/* sjl_rings_submit from SJL_DCOLS columns, stride apart (n <= stride). */
SJL_API int sjl_rings_submit_cols(struct sjl_rings *r, const int64_t *cols, int stride, int n);
/* Wait until queued data is available: 1 ready, 0 timeout, -errno. */
SJL_API int sjl_rings_wait(struct sjl_rings *r, int timeout_ms);
SJL_API uint64_t sjl_rings_bad_records(const struct sjl_rings *r);
SJL_API uint64_t sjl_rings_full_events(const struct sjl_rings *r);

/* ---- The scheduler. ---- */
struct sjl_opts {
	const char *name;	/* ops name, [A-Za-z0-9_.-], 1..63 chars; NULL = "javaland" */
	uint64_t slice_ns;	/* slice of tasks BPF places itself; 0 = 5 ms */
	uint32_t timeout_ms;	/* watchdog; 0 = 5000; the kernel caps it at 30000 */
	uint32_t exit_dump_len;	/* debug dump bytes kept at exit; 0 = 32768 */
	uint64_t stall_ns;	/* user space not reading for this long: BPF places tasks;
				 * 0 = 1 s; UINT64_MAX = never */
	bool partial;		/* only tasks with SCHED_EXT policy */
	bool debug;		/* libbpf debug log */
	bool builtin_idle;	/* BPF puts a waking task on an idle CPU directly */
	const char *sysfs_root;	/* NULL = "/sys" */
};
SJL_API void sjl_opts_init(struct sjl_opts *o);
/* Validates opts; 0 or -EINVAL with the reason. */
SJL_API int sjl_opts_validate(const struct sjl_opts *o, struct sjl_error *e);

struct sjl_sched;
/* Check the environment, open and load (verify) the BPF scheduler. Not attached yet. */
SJL_API int sjl_sched_open(struct sjl_sched **out, const struct sjl_opts *o, struct sjl_error *e);
/* Register the scheduler with the kernel: from now on it schedules the machine. */
SJL_API int sjl_sched_attach(struct sjl_sched *s, struct sjl_error *e);
/* Unregister (exit kind 64 "unregistered from user space") and free everything. */
SJL_API void sjl_sched_close(struct sjl_sched *s);
SJL_API void sjl_sched_detach(struct sjl_sched *s);

/* Hot path. dequeue also registers the calling thread as the scheduling thread. */
SJL_API int sjl_sched_dequeue(struct sjl_sched *s, struct sjl_queued_task *out, int max);
SJL_API int sjl_sched_dispatch(struct sjl_sched *s, const struct sjl_dispatched_task *in, int n);
/* The same over column batches (see sjl_rings_drain_cols). */
SJL_API int sjl_sched_dequeue_cols(struct sjl_sched *s, int64_t *cols, int stride, int max);
SJL_API int sjl_sched_dispatch_cols(struct sjl_sched *s, const int64_t *cols, int stride, int n);
SJL_API int sjl_sched_wait(struct sjl_sched *s, int timeout_ms);
/* Store nr_pending (tasks user space still holds) and yield the CPU. */
SJL_API void sjl_sched_notify_complete(struct sjl_sched *s, uint64_t nr_pending);
/* Claim an idle CPU for pid (prev_cpu first). Returns it, or -EBUSY / -ESRCH / -errno. */
SJL_API int sjl_sched_select_cpu(struct sjl_sched *s, int32_t pid, int32_t prev_cpu, uint64_t flags);

/* Shared memory: live views into the BPF .bss; valid until sjl_sched_close. */
SJL_API struct sjl_counters *sjl_sched_counters(struct sjl_sched *s);
SJL_API uint32_t *sjl_sched_cpu_pid(struct sjl_sched *s);	/* SJL_MAX_CPUS entries */
SJL_API const struct sjl_idle_mask *sjl_sched_idle_cpus(struct sjl_sched *s);
SJL_API const uint64_t *sjl_sched_cpu_nr_runs(struct sjl_sched *s);	/* SJL_MAX_CPUS entries */
SJL_API const struct sjl_exit_info *sjl_sched_exit_info(struct sjl_sched *s);
SJL_API int sjl_sched_nr_cpu_ids(struct sjl_sched *s);
SJL_API bool sjl_sched_exited(struct sjl_sched *s);
/* Copies the exit dump (NUL-terminated, truncated to cap). Returns its length. */
SJL_API size_t sjl_sched_exit_dump(struct sjl_sched *s, char *buf, size_t cap);
SJL_API struct sjl_rings *sjl_sched_rings(struct sjl_sched *s);
SJL_API const char *sjl_sched_name(struct sjl_sched *s);

/* ---- Watching a scheduler that runs in another process (read-only). ---- */
struct sjl_monitor;
/* Maps the counters of the newest loaded scx_javaland scheduler; -ENOENT if there is none. */
SJL_API int sjl_monitor_open(struct sjl_monitor **out, struct sjl_error *e);
SJL_API const struct sjl_counters *sjl_monitor_counters(struct sjl_monitor *m);
SJL_API uint32_t sjl_monitor_map_id(struct sjl_monitor *m);
SJL_API void sjl_monitor_close(struct sjl_monitor *m);

/* Lock current and future memory on first touch (cheap; avoids page faults in the loop). */
SJL_API int sjl_lock_memory(struct sjl_error *e);

/* Exit kinds (SCX_EXIT_*), stable kernel ABI. */
enum sjl_exit_kind {
	SJL_EXIT_NONE = 0, SJL_EXIT_DONE = 1, SJL_EXIT_UNREG = 64, SJL_EXIT_UNREG_BPF = 65,
	SJL_EXIT_UNREG_KERN = 66, SJL_EXIT_SYSRQ = 67, SJL_EXIT_ERROR = 1024,
	SJL_EXIT_ERROR_BPF = 1025, SJL_EXIT_ERROR_STALL = 1026,
};
SJL_API const char *sjl_exit_kind_name(int kind);

/* ---- Layout table for Java (netty's sizeof/offsetof pattern): name -> value. ---- */
struct sjl_layout_entry {
	const char *name;
	int64_t value;
};
/* Returns the table and its length. */
SJL_API const struct sjl_layout_entry *sjl_layout(size_t *count);

#ifdef __cplusplus
}
#endif
#endif /* SJL_CORE_H */
