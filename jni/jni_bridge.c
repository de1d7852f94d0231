// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JNI shell over the core: the only file that includes jni.h. Each hot-path call moves a
 * whole batch between the rings and a long[] of columns Java owns (pinned for the call with
 * GetPrimitiveArrayCritical: no copy, no JNI call per task), so no address ever crosses JNI
 * and every count is checked against the array's length here. Shared BPF memory (counters,
 * CPU tables) reaches Java once, as direct ByteBuffers. Errors become Java exceptions in one
 * helper (throw_err).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "core.h"
#include "loopback.h"
#ifdef SJL_HAVE_JNI_HEADERS
#include "io_github_scxjavaland_Native.h"	/* javac -h: checks every signature below */
#endif

#define JNI_FN(name) Java_io_github_scxjavaland_Native_##name
#define MAX_CAPACITY (1 << 16)

/* Which buffer Native.buffer() returns. Kept in sync with Native.java by NativeTest. */
enum { BUF_COUNTERS, BUF_CPU_PID, BUF_EXIT_INFO, BUF_IDLE_CPUS, BUF_CPU_NR_RUNS, BUF_MAX };

struct jsched {
	struct sjl_sched *sched;	/* NULL for a loopback */
	struct sjl_loopback *loopback;
	struct sjl_rings *rings;
	struct sjl_consume_stats last_consume;
	/* Loopback only: struct batches for the C core's reference runs (loopbackCoreUser). */
	int capacity;
	struct sjl_queued_task *ref_in;
	struct sjl_dispatched_task *ref_out;
};

static JavaVM *jvm;
static jclass exception_class;		/* SchedulerException */
static jmethodID exception_factory;	/* SchedulerException.fromNative(int, int, String) */
static jclass log_class;		/* NativeLog */
static jmethodID log_method;		/* NativeLog.log(int, String) */

static struct jsched *J(jlong h)
{
	return (struct jsched *)(intptr_t)h;
}

static void throw_phase(JNIEnv *env, int err, int phase, const char *msg)
{
	jstring jmsg;
	jobject ex;

	if ((*env)->ExceptionCheck(env))
		return;
	jmsg = (*env)->NewStringUTF(env, msg ? msg : strerror(err < 0 ? -err : err));
	if (!jmsg)
		return;
	ex = (*env)->CallStaticObjectMethod(env, exception_class, exception_factory,
					    (jint)(err < 0 ? -err : err), (jint)phase, jmsg);
	if (ex && !(*env)->ExceptionCheck(env))
		(*env)->Throw(env, (jthrowable)ex);
}

static void throw_err(JNIEnv *env, int err, const char *msg)
{
	throw_phase(env, err, SJL_PHASE_SETUP, msg);
}

/* libbpf and core messages go to System.Logger; never called on the hot path. */
static void log_to_java(enum sjl_log_level level, const char *line, void *ctx)
{
	JNIEnv *env = NULL;
	jstring s;

	(void)ctx;
	if (!jvm || (*jvm)->GetEnv(jvm, (void **)&env, JNI_VERSION_1_8) != JNI_OK || !env) {
		fprintf(stderr, "scx_javaland: %s\n", line);
		return;
	}
	if ((*env)->ExceptionCheck(env))
		return;
	s = (*env)->NewStringUTF(env, line);
	if (!s)
		return;
	(*env)->CallStaticVoidMethod(env, log_class, log_method, (jint)level, s);
	(*env)->DeleteLocalRef(env, s);
}

static jclass global_class(JNIEnv *env, const char *name)
{
	jclass local = (*env)->FindClass(env, name);
	jclass global;

	if (!local)
		return NULL;
	global = (*env)->NewGlobalRef(env, local);
	(*env)->DeleteLocalRef(env, local);
	return global;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;

	(void)reserved;
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	jvm = vm;
	exception_class = global_class(env, "io/github/scxjavaland/SchedulerException");
	log_class = global_class(env, "io/github/scxjavaland/NativeLog");
	if (!exception_class || !log_class)
		return JNI_ERR;
	exception_factory = (*env)->GetStaticMethodID(env, exception_class, "fromNative",
						      "(IILjava/lang/String;)Lio/github/scxjavaland/SchedulerException;");
	log_method = (*env)->GetStaticMethodID(env, log_class, "log", "(ILjava/lang/String;)V");
	if (!exception_factory || !log_method)
		return JNI_ERR;
	return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL JNI_FN(setLogLevel)(JNIEnv *env, jclass cls, jint level)
{
	(void)env; (void)cls;
	sjl_set_log(log_to_java, NULL, (enum sjl_log_level)level);
}

JNIEXPORT jobjectArray JNICALL JNI_FN(layoutNames)(JNIEnv *env, jclass cls)
{
	size_t n, i;
	const struct sjl_layout_entry *t = sjl_layout(&n);
	jclass string_class = (*env)->FindClass(env, "java/lang/String");
	jobjectArray arr;

	(void)cls;
	if (!string_class)
		return NULL;
	arr = (*env)->NewObjectArray(env, (jsize)n, string_class, NULL);
	for (i = 0; arr && i < n; i++) {
		jstring s = (*env)->NewStringUTF(env, t[i].name);

		if (!s)
			return NULL;
		(*env)->SetObjectArrayElement(env, arr, (jsize)i, s);
		(*env)->DeleteLocalRef(env, s);
	}
	return arr;
}

JNIEXPORT jlongArray JNICALL JNI_FN(layoutValues)(JNIEnv *env, jclass cls)
{
	size_t n, i;
	const struct sjl_layout_entry *t = sjl_layout(&n);
	jlongArray arr = (*env)->NewLongArray(env, (jsize)n);
	jlong v;

	(void)cls;
	for (i = 0; arr && i < n; i++) {
		v = t[i].value;
		(*env)->SetLongArrayRegion(env, arr, (jsize)i, 1, &v);
	}
	return arr;
}

/* The batch capacity is Java's (its column arrays); checked here so both sides agree on a range. */
static struct jsched *jsched_new(JNIEnv *env, int capacity)
{
	struct jsched *j;

	if (capacity < 1 || capacity > MAX_CAPACITY) {
		throw_err(env, EINVAL, "batch capacity out of range");
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		throw_err(env, ENOMEM, "out of memory");
	return j;
}

static void jsched_free(struct jsched *j)
{
	if (!j)
		return;
	sjl_sched_close(j->sched);
	sjl_loopback_close(j->loopback);
	free(j->ref_in);
	free(j->ref_out);
	free(j);
}

JNIEXPORT jlong JNICALL JNI_FN(open)(JNIEnv *env, jclass cls, jstring name, jlong slice_ns,
				     jint timeout_ms, jint exit_dump_len, jlong stall_ns,
				     jboolean partial, jboolean debug, jboolean builtin_idle,
				     jint capacity)
{
	struct sjl_error e = { 0 };
	struct sjl_opts o;
	const char *cname = NULL;
	struct jsched *j;
	int err;

	(void)cls;
	if (timeout_ms < 0 || exit_dump_len < 0) {
		throw_err(env, EINVAL, "negative timeout or dump length");
		return 0;
	}
	j = jsched_new(env, capacity);
	if (!j)
		return 0;
	sjl_opts_init(&o);
	if (name) {
		cname = (*env)->GetStringUTFChars(env, name, NULL);
		if (!cname) {
			jsched_free(j);
			return 0;
		}
	}
	o.name = cname;
	o.slice_ns = (uint64_t)slice_ns;
	o.timeout_ms = (uint32_t)timeout_ms;
	o.exit_dump_len = (uint32_t)exit_dump_len;
	o.stall_ns = (uint64_t)stall_ns;
	o.partial = partial;
	o.debug = debug;
	o.builtin_idle = builtin_idle;
	err = sjl_sched_open(&j->sched, &o, &e);
	if (cname)
		(*env)->ReleaseStringUTFChars(env, name, cname);
	if (err) {
		jsched_free(j);
		throw_phase(env, err, e.phase, e.msg);
		return 0;
	}
	j->rings = sjl_sched_rings(j->sched);
	return (jlong)(intptr_t)j;
}

JNIEXPORT jlong JNICALL JNI_FN(openLoopback)(JNIEnv *env, jclass cls, jint queued_bytes,
					     jint dispatched_bytes, jint capacity)
{
	struct jsched *j;
	int err;

	(void)cls;
	if (queued_bytes <= 0 || dispatched_bytes <= 0) {
		throw_err(env, EINVAL, "ring sizes must be positive");
		return 0;
	}
	j = jsched_new(env, capacity);
	if (!j)
		return 0;
	err = sjl_loopback_open(&j->loopback, (uint32_t)queued_bytes, (uint32_t)dispatched_bytes);
	if (err) {
		jsched_free(j);
		throw_err(env, err, err == -EPERM ?
			  "loading the loopback BPF program needs root (CAP_BPF)" :
			  "cannot load the loopback BPF program");
		return 0;
	}
	j->rings = sjl_loopback_rings(j->loopback);
	j->capacity = capacity;
	j->ref_in = calloc((size_t)capacity, sizeof(*j->ref_in));
	j->ref_out = calloc((size_t)capacity, sizeof(*j->ref_out));
	if (!j->ref_in || !j->ref_out) {
		jsched_free(j);
		throw_err(env, ENOMEM, "out of memory");
		return 0;
	}
	return (jlong)(intptr_t)j;
}

static struct sjl_sched *sched_of(JNIEnv *env, jlong h)
{
	struct sjl_sched *s = J(h)->sched;

	if (!s)
		throw_err(env, EINVAL, "not a scheduler handle (loopback)");
	return s;
}

JNIEXPORT void JNICALL JNI_FN(attach)(JNIEnv *env, jclass cls, jlong h)
{
	struct sjl_error e = { 0 };
	struct sjl_sched *s = sched_of(env, h);
	int err;

	(void)cls;
	if (s && (err = sjl_sched_attach(s, &e)))
		throw_phase(env, err, e.phase, e.msg);
}

JNIEXPORT void JNICALL JNI_FN(detach)(JNIEnv *env, jclass cls, jlong h)
{
	(void)env; (void)cls;
	sjl_sched_detach(J(h)->sched);
}

JNIEXPORT void JNICALL JNI_FN(close)(JNIEnv *env, jclass cls, jlong h)
{
	(void)env; (void)cls;
	jsched_free(J(h));
}

JNIEXPORT jobject JNICALL JNI_FN(buffer)(JNIEnv *env, jclass cls, jlong h, jint which)
{
	struct jsched *j = J(h);
	void *addr = NULL;
	size_t len = 0;

	(void)cls;
	switch (which) {
	case BUF_COUNTERS:
		if (j->sched)
			addr = sjl_sched_counters(j->sched), len = sizeof(struct sjl_counters);
		break;
	case BUF_CPU_PID:
		if (j->sched)
			addr = sjl_sched_cpu_pid(j->sched), len = SJL_MAX_CPUS * sizeof(uint32_t);
		break;
	case BUF_CPU_NR_RUNS:
		if (j->sched)
			addr = (void *)sjl_sched_cpu_nr_runs(j->sched), len = SJL_MAX_CPUS * sizeof(uint64_t);
		break;
	case BUF_IDLE_CPUS:
		if (j->sched)
			addr = (void *)sjl_sched_idle_cpus(j->sched), len = sizeof(struct sjl_idle_mask);
		break;
	case BUF_EXIT_INFO:
		if (j->sched)
			addr = (void *)sjl_sched_exit_info(j->sched), len = sizeof(struct sjl_exit_info);
		break;
	default:
		break;
	}
	if (!addr) {
		throw_err(env, EINVAL, "no such buffer for this handle");
		return NULL;
	}
	return (*env)->NewDirectByteBuffer(env, addr, (jlong)len);
}

/*
 * Hot path: cols is a long[] of `columns` columns, stride apart; n (or max) rows are used. Checked
 * against the array's real length before it is pinned; between Get and Release only memory is
 * touched (the mmapped rings), no JNI call and no syscall, so the pin is short.
 */
static int64_t *pin_columns(JNIEnv *env, jlongArray cols, int columns, jint stride, jint n)
{
	if (!cols || stride < 1 || stride > 2 * MAX_CAPACITY || n < 0 || n > stride ||
	    (*env)->GetArrayLength(env, cols) < (jsize)columns * stride)
		return NULL;
	return (*env)->GetPrimitiveArrayCritical(env, cols, NULL);
}

JNIEXPORT jint JNICALL JNI_FN(dequeue)(JNIEnv *env, jclass cls, jlong h, jlongArray cols, jint stride,
				       jint max)
{
	struct jsched *j = J(h);
	int64_t *c = pin_columns(env, cols, SJL_QCOLS, stride, max);
	int n;

	(void)cls;
	if (!c)
		return -EINVAL;
	n = j->sched ? sjl_sched_dequeue_cols(j->sched, c, stride, max) :
		       sjl_rings_drain_cols(j->rings, c, stride, max);
	(*env)->ReleasePrimitiveArrayCritical(env, cols, c, 0);
	return n;
}

JNIEXPORT jint JNICALL JNI_FN(dispatch)(JNIEnv *env, jclass cls, jlong h, jlongArray cols, jint stride,
					jint n)
{
	struct jsched *j = J(h);
	int64_t *c = pin_columns(env, cols, SJL_DCOLS, stride, n);
	int sent;

	(void)cls;
	if (!c)
		return -EINVAL;
	sent = sjl_rings_submit_cols(j->rings, c, stride, n);
	(*env)->ReleasePrimitiveArrayCritical(env, cols, c, JNI_ABORT);
	return sent;
}

JNIEXPORT jint JNICALL JNI_FN(waitForWork)(JNIEnv *env, jclass cls, jlong h, jint timeout_ms)
{
	(void)env; (void)cls;
	return sjl_rings_wait(J(h)->rings, timeout_ms);
}

JNIEXPORT void JNICALL JNI_FN(notifyComplete)(JNIEnv *env, jclass cls, jlong h, jlong pending)
{
	struct jsched *j = J(h);

	(void)env; (void)cls;
	if (j->sched)
		sjl_sched_notify_complete(j->sched, pending < 0 ? 0 : (uint64_t)pending);
}

JNIEXPORT jint JNICALL JNI_FN(selectCpu)(JNIEnv *env, jclass cls, jlong h, jint pid, jint prev_cpu,
					 jlong flags)
{
	struct sjl_sched *s = sched_of(env, h);

	(void)cls;
	return s ? sjl_sched_select_cpu(s, pid, prev_cpu, (uint64_t)flags) : -EINVAL;
}

JNIEXPORT jstring JNICALL JNI_FN(exitDump)(JNIEnv *env, jclass cls, jlong h, jint max)
{
	struct sjl_sched *s = sched_of(env, h);
	size_t cap = max > 0 ? (size_t)max + 1 : 1;
	jstring out;
	char *buf;

	(void)cls;
	if (!s)
		return NULL;
	buf = malloc(cap);
	if (!buf) {
		throw_err(env, ENOMEM, "out of memory");
		return NULL;
	}
	sjl_sched_exit_dump(s, buf, cap);
	out = (*env)->NewStringUTF(env, buf);
	free(buf);
	return out;
}

JNIEXPORT jint JNICALL JNI_FN(nrCpuIds)(JNIEnv *env, jclass cls, jlong h)
{
	struct sjl_sched *s = sched_of(env, h);

	(void)cls;
	return s ? sjl_sched_nr_cpu_ids(s) : -EINVAL;
}

JNIEXPORT jlong JNICALL JNI_FN(ringBadRecords)(JNIEnv *env, jclass cls, jlong h)
{
	(void)env; (void)cls;
	return (jlong)sjl_rings_bad_records(J(h)->rings);
}

JNIEXPORT jlong JNICALL JNI_FN(ringFullEvents)(JNIEnv *env, jclass cls, jlong h)
{
	(void)env; (void)cls;
	return (jlong)sjl_rings_full_events(J(h)->rings);
}

/* The handle if it is a loopback's; else NULL, with the exception thrown. */
static struct jsched *loopback_of(JNIEnv *env, jlong h)
{
	struct jsched *j = J(h);

	if (!j->loopback) {
		throw_err(env, EINVAL, "not a loopback handle");
		return NULL;
	}
	return j;
}

JNIEXPORT jint JNICALL JNI_FN(loopbackProduce)(JNIEnv *env, jclass cls, jlong h, jint n,
					       jint base_pid, jint record_size)
{
	struct jsched *j = loopback_of(env, h);

	(void)cls;
	if (!j)
		return -EINVAL;
	if (n < 0 || record_size < 0)
		return -EINVAL;
	return sjl_loopback_produce(j->loopback, (uint32_t)n, base_pid, (uint32_t)record_size, NULL);
}

JNIEXPORT jint JNICALL JNI_FN(loopbackConsume)(JNIEnv *env, jclass cls, jlong h, jboolean echo)
{
	struct jsched *j = loopback_of(env, h);

	(void)cls;
	if (!j)
		return -EINVAL;
	return sjl_loopback_consume(j->loopback, echo, &j->last_consume);
}

/* Copies the last consume's statistics into out[8] (no allocation). */
/*
 * The C core's user side over this loopback's rings, for the JMH benchmarks' reference in the
 * same JVM: n tasks already queued, drained, decided (the FIFO decision) and submitted, batch at
 * a time. One crossing for the whole pass, so its cost is the C core's. Returns n or -errno.
 */
JNIEXPORT jint JNICALL JNI_FN(loopbackCoreUser)(JNIEnv *env, jclass cls, jlong h, jint batch, jint n)
{
	struct jsched *j = loopback_of(env, h);

	(void)cls;
	if (!j)
		return -EINVAL;
	if (batch < 1 || batch > j->capacity || n < 0)
		return -EINVAL;
	return sjl_bench_user_pass(j->rings, j->ref_in, j->ref_out, batch, n);
}

/* The C decision loop alone, passes times over one batch drained for it; for the same reference. */
JNIEXPORT jint JNICALL JNI_FN(loopbackCoreDecide)(JNIEnv *env, jclass cls, jlong h, jint batch, jint passes)
{
	struct jsched *j = loopback_of(env, h);
	int made = 0;

	(void)cls;
	if (!j)
		return -EINVAL;
	if (batch < 1 || batch > j->capacity || passes < 0)
		return -EINVAL;
	for (int p = 0; p < passes; p++) {
		sjl_bench_fifo_decide(j->ref_in, j->ref_out, batch);
		/* Each pass must happen: the compiler may not merge or drop them. */
		__asm__ __volatile__("" : : "r"(j->ref_out) : "memory");
		made += batch;
	}
	return made;
}

/* Fills the reference's struct batch once (a real drain) for loopbackCoreDecide. */
JNIEXPORT jint JNICALL JNI_FN(loopbackCoreFill)(JNIEnv *env, jclass cls, jlong h, jint batch)
{
	struct jsched *j = loopback_of(env, h);

	(void)cls;
	if (!j)
		return -EINVAL;
	if (batch < 1 || batch > j->capacity)
		return -EINVAL;
	return sjl_rings_drain(j->rings, j->ref_in, batch);
}

JNIEXPORT void JNICALL JNI_FN(loopbackLastConsume)(JNIEnv *env, jclass cls, jlong h, jlongArray out)
{
	const struct sjl_consume_stats *st = &J(h)->last_consume;
	jlong v[8] = { st->drained, st->bad, st->echo_dropped, (jlong)st->sum_pid,
		       (jlong)st->sum_vtime, (jlong)st->sum_slice, st->last_pid, st->last_cpu };

	(void)cls;
	if ((*env)->GetArrayLength(env, out) < 8) {
		throw_err(env, EINVAL, "need 8 slots");
		return;
	}
	(*env)->SetLongArrayRegion(env, out, 0, 8, v);
}

JNIEXPORT jlong JNICALL JNI_FN(openMonitor)(JNIEnv *env, jclass cls)
{
	struct sjl_error e = { 0 };
	struct sjl_monitor *m;
	int err = sjl_monitor_open(&m, &e);

	(void)cls;
	if (err) {
		throw_err(env, err, e.msg);
		return 0;
	}
	return (jlong)(intptr_t)m;
}

JNIEXPORT jobject JNICALL JNI_FN(monitorCounters)(JNIEnv *env, jclass cls, jlong h)
{
	(void)cls;
	return (*env)->NewDirectByteBuffer(env, (void *)sjl_monitor_counters((struct sjl_monitor *)(intptr_t)h),
					   (jlong)sizeof(struct sjl_counters));
}

JNIEXPORT void JNICALL JNI_FN(closeMonitor)(JNIEnv *env, jclass cls, jlong h)
{
	(void)env; (void)cls;
	sjl_monitor_close((struct sjl_monitor *)(intptr_t)h);
}

JNIEXPORT void JNICALL JNI_FN(lockMemory)(JNIEnv *env, jclass cls)
{
	struct sjl_error e = { 0 };
	int err = sjl_lock_memory(&e);

	(void)cls;
	if (err)
		throw_err(env, err, e.msg);
}

JNIEXPORT jint JNICALL JNI_FN(currentTid)(JNIEnv *env, jclass cls)
{
	(void)env; (void)cls;
	return (jint)syscall(SYS_gettid);
}
