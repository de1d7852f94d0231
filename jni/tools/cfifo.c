// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_cfifo: the C twin of the Java FIFO example, on the same core. Drains every queued task,
 * places each on the idle CPU select_cpu claims (any CPU otherwise), reports the pending count
 * and yields. It is the VM test driver and the baseline the Java scheduler is measured against.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core.h"

#define BATCH 512

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Mean of a sum of ns over n samples, in us (0 without samples). */
static double avg_us(uint64_t sum_ns, uint64_t n)
{
	return n ? sum_ns / 1000.0 / n : 0;
}

static void print_counters(const char *tag, const struct sjl_counters *c)
{
	printf("%s: queued=%llu scheduled=%llu running=%llu cpus=%llu user=%llu kernel=%llu "
	       "cancel=%llu bounce=%llu failed=%llu congested=%llu self=%llu stall=%llu "
	       "enqueues=%llu user_queued=%llu kept=%llu aged_dsq=%llu aged_user=%llu "
	       "tick_preempts=%llu max_wait_us=%llu max_kthread_wait_us=%llu in_user=%llu "
	       "user_dequeued=%llu stall_rescues=%llu preempts=%llu kicks=%llu usersched_cuts=%llu "
	       "to_decision_us=%.1f decision_to_run_us=%.1f usersched_wait_us=%.1f\n", tag,
	       (unsigned long long)c->nr_queued, (unsigned long long)c->nr_scheduled,
	       (unsigned long long)c->nr_running, (unsigned long long)c->nr_online_cpus,
	       (unsigned long long)c->nr_user_dispatches, (unsigned long long)c->nr_kernel_dispatches,
	       (unsigned long long)c->nr_cancel_dispatches, (unsigned long long)c->nr_bounce_dispatches,
	       (unsigned long long)c->nr_failed_dispatches, (unsigned long long)c->nr_sched_congested,
	       (unsigned long long)c->nr_self_dispatches, (unsigned long long)c->nr_stall_fallbacks,
	       (unsigned long long)c->nr_enqueues, (unsigned long long)c->nr_user_queued,
	       (unsigned long long)c->nr_kept_running, (unsigned long long)c->nr_aged_dsq,
	       (unsigned long long)c->nr_aged_user, (unsigned long long)c->nr_tick_preempts,
	       (unsigned long long)(c->max_wait_ns / 1000), (unsigned long long)(c->max_kthread_wait_ns / 1000),
	       (unsigned long long)c->nr_in_user, (unsigned long long)c->nr_user_dequeued,
	       (unsigned long long)c->nr_stall_rescues, (unsigned long long)c->nr_preempt_dispatches,
	       (unsigned long long)c->nr_user_kicks, (unsigned long long)c->nr_usersched_cuts,
	       avg_us(c->sum_wait_to_decision_ns, c->nr_decisions_timed),
	       avg_us(c->sum_decision_to_run_ns, c->nr_decisions_timed),
	       avg_us(c->sum_usersched_wait_ns, c->nr_usersched_waits));
	fflush(stdout);
}

static void usage(const char *prog)
{
	printf("Usage: %s [options]\n"
	       "  -d SECONDS   run for this long, then detach (default: until SIGINT/SIGTERM)\n"
	       "  -i SECONDS   print counters this often (default 1, 0 = never)\n"
	       "  -s US        default slice in microseconds (default 5000)\n"
	       "  -n NAME      ops name (default cfifo)\n"
	       "  -a           no select_cpu: dispatch everything to any CPU\n"
	       "  -p           partial switch: only SCHED_EXT tasks\n"
	       "  -v           libbpf debug output\n"
	       "  -h           this help\n", prog);
}

/* One attach-run-detach cycle. Returns the exit kind; *restart says whether to go again. */
static int run_once(const struct sjl_opts *o, double duration, double interval, int use_select,
		    int *restart)
{
	static struct sjl_queued_task in[BATCH];
	static struct sjl_dispatched_task out[BATCH];
	const struct sjl_exit_info *ei;
	struct sjl_sched *s;
	struct sjl_error e = { 0 };
	struct sjl_counters *c;
	double start, next_stats;
	char dump[4096];
	int pending = 0, kind;

	*restart = 0;
	if (sjl_sched_open(&s, o, &e) || sjl_sched_attach(s, &e)) {
		fprintf(stderr, "cfifo: %s\n", e.msg);
		return -1;
	}
	c = sjl_sched_counters(s);
	printf("cfifo: attached as %s\n", sjl_sched_name(s));
	fflush(stdout);
	start = now_s();
	next_stats = start + interval;
	while (!stop && !sjl_sched_exited(s)) {
		int n = pending ? 0 : sjl_sched_dequeue(s, in, BATCH);
		int i, sent;

		for (i = 0; i < n; i++) {
			int cpu = use_select ? sjl_sched_select_cpu(s, in[i].pid, in[i].cpu, in[i].flags) : -1;

			out[i].pid = in[i].pid;
			out[i].cpu = cpu >= 0 ? cpu : SJL_CPU_ANY;
			out[i].flags = 0;
			out[i].slice_ns = 0;
			out[i].vtime = 0;
			out[i].enq_cnt = in[i].enq_cnt;
		}
		if (n > 0)
			pending = n;
		if (pending) {
			sent = sjl_sched_dispatch(s, out, pending);
			if (sent > 0 && sent < pending)
				memmove(out, out + sent, (size_t)(pending - sent) * sizeof(out[0]));
			pending -= sent > 0 ? sent : 0;
		}
		sjl_sched_notify_complete(s, (uint64_t)pending);
		if (interval > 0 || duration > 0) {
			double t = now_s();

			if (interval > 0 && t >= next_stats) {
				print_counters("stats", c);
				next_stats = t + interval;
			}
			if (duration > 0 && t - start >= duration)
				break;
		}
	}
	sjl_sched_detach(s);
	ei = sjl_sched_exit_info(s);
	kind = ei->kind;
	print_counters("final", c);
	printf("cfifo: exit kind=%d (%s) code=0x%llx reason=\"%s\" msg=\"%s\"\n", kind,
	       sjl_exit_kind_name(kind), (unsigned long long)ei->exit_code, ei->reason, ei->msg);
	if (kind >= SJL_EXIT_ERROR && sjl_sched_exit_dump(s, dump, sizeof(dump)))
		printf("cfifo: exit dump (first %zu bytes):\n%s\n", sizeof(dump) - 1, dump);
	*restart = (ei->exit_code & (int64_t)SJL_ECODE_ACT_RESTART) != 0;
	sjl_sched_close(s);
	return kind;
}

int main(int argc, char **argv)
{
	struct sjl_opts o;
	double duration = 0, interval = 1;
	int use_select = 1, opt, kind, restart;

	sjl_opts_init(&o);
	o.name = "cfifo";
	while ((opt = getopt(argc, argv, "d:i:s:n:apvh")) != -1) {
		switch (opt) {
		case 'd': duration = atof(optarg); break;
		case 'i': interval = atof(optarg); break;
		case 's': o.slice_ns = strtoull(optarg, NULL, 10) * 1000; break;
		case 'n': o.name = optarg; break;
		case 'a': use_select = 0; break;
		case 'p': o.partial = true; break;
		case 'v': o.debug = true; break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 2;
		}
	}
	sjl_set_log(NULL, NULL, o.debug ? SJL_LOG_DEBUG : SJL_LOG_WARN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		kind = run_once(&o, duration, interval, use_select, &restart);
		if (restart && !stop)
			printf("cfifo: the kernel asked for a restart\n");
	} while (restart && !stop);
	if (kind < 0)
		return 1;
	return kind == SJL_EXIT_UNREG || kind == SJL_EXIT_DONE || kind == SJL_EXIT_UNREG_KERN ? 0 : 1;
}
