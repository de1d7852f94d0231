// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring_bench: cost per task of one scheduling round on the C core, over the real kernel rings
 * of the loopback (bpf/loopback.bpf.c, BPF_PROG_TEST_RUN; root needed, no sched_ext).
 *
 * A round is what a FIFO scheduler does with N tasks: BPF produces N queued records (plays
 * ops.enqueue), user space drains them, builds N decisions and submits them, BPF consumes
 * them (plays ops.dispatch). Work is timed in chunks of -c tasks (2048: chunk/N rounds), one
 * chunk of each figure in turn, and each figure is the median over its chunks of a -t second
 * run, in ns per task:
 *
 *   round  whole rounds, no clock read inside them;
 *   bpf    produce + consume only (the BPF_PROG_TEST_RUN syscalls, the same for every
 *          user-space variant), timed around each call within whole rounds;
 *   user   drain + decide + submit only: the chunk's records are produced untimed, drained in
 *          batches of N with the clock read once per chunk, and consumed untimed. This is the
 *          part the Java API replaces (bench/java HotPathBench.user*), so the ratios use it;
 *   decide the decision loop alone, chunk/N times over one drained batch (no ring).
 *
 * Output: a table on stdout and, with -o FILE, CSV rows for ci/bench-report. Every call's
 * count is checked; a mismatch aborts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core.h"
#include "loopback.h"

#define MAX_BATCH	4096
#define MAX_SAMPLES	200000
#define QUEUED_BYTES	(1u << 20)	/* about 10900 records of 96 bytes */
#define DISPATCHED_BYTES (1u << 19)	/* about 10900 records of 48 bytes */

static struct sjl_queued_task in[MAX_BATCH];
static struct sjl_dispatched_task out[MAX_BATCH];

struct bench {
	struct sjl_loopback *lb;
	struct sjl_rings *rings;
	int chunk;		/* tasks per timed chunk (a multiple of the batch size) */
	uint64_t warmup_ns;	/* untimed chunks first, per batch size */
	uint64_t run_ns;	/* then timed chunks for at least this long */
	int min_chunks;		/* and at least this many of each figure */
	int32_t next_pid;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, int got, int want)
{
	fprintf(stderr, "ring_bench: %s returned %d, expected %d%s%s\n", what, got, want,
		got < 0 ? ": " : "", got < 0 ? strerror(-got) : "");
	exit(1);
}

/* The FIFO decision, shared with the JMH benchmarks' in-JVM C reference (loopback.c). */
static inline void decide(int n)
{
	sjl_bench_fifo_decide(in, out, n);
}

static void produce(struct bench *b, int n)
{
	int got = sjl_loopback_produce(b->lb, (uint32_t)n, b->next_pid, 0, NULL);

	if (got != n)
		die("produce", got, n);
	b->next_pid += n;
	if (b->next_pid > (1 << 30))
		b->next_pid = 1;
}

static void consume(struct bench *b, int n)
{
	int got = sjl_loopback_consume(b->lb, 0, NULL);

	if (got != n)
		die("consume", got, n);
}

/* drain + decide + submit of exactly n tasks already in the queued ring. */
static inline void user_part(struct bench *b, int n)
{
	int got = sjl_rings_drain(b->rings, in, n);

	if (got != n)
		die("drain", got, n);
	decide(n);
	got = sjl_rings_submit(b->rings, out, n);
	if (got != n)
		die("submit", got, n);
}

/* One chunk as chunk/n full rounds; returns ns per task (bpf_only: the BPF part only). */
static double round_chunk(struct bench *b, int n, int bpf_only)
{
	int count = b->chunk / n;
	uint64_t t0 = now_ns(), bpf = 0;

	for (int r = 0; r < count; r++) {
		if (bpf_only) {
			uint64_t a = now_ns();

			produce(b, n);
			bpf += now_ns() - a;
			user_part(b, n);
			a = now_ns();
			consume(b, n);
			bpf += now_ns() - a;
		} else {
			produce(b, n);
			user_part(b, n);
			consume(b, n);
		}
	}
	return (double)(bpf_only ? bpf : now_ns() - t0) / ((double)count * n);
}

/* One chunk of user-side work alone: produce untimed, drain/decide/submit timed, consume untimed. */
static double user_chunk(struct bench *b, int n)
{
	int count = b->chunk / n;
	uint64_t t0;

	produce(b, count * n);
	t0 = now_ns();
	for (int r = 0; r < count; r++)
		user_part(b, n);
	t0 = now_ns() - t0;
	consume(b, count * n);
	return (double)t0 / ((double)count * n);
}

/* The decision loop alone over the batch in[] already holds (prepared by measure()). */
static double decide_chunk(struct bench *b, int n)
{
	int count = b->chunk / n;
	uint64_t t0 = now_ns();

	for (int r = 0; r < count; r++) {
		decide(n);
		/* Keep the compiler from merging the identical passes. */
		__asm__ __volatile__("" ::: "memory");
	}
	return (double)(now_ns() - t0) / ((double)count * n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	double p50, mean, p10, p90;
	int chunks;
};

enum metric { M_ROUND, M_BPF, M_USER, M_DECIDE, M_COUNT };

static double one_chunk(struct bench *b, int n, enum metric m)
{
	switch (m) {
	case M_USER: return user_chunk(b, n);
	case M_DECIDE: return decide_chunk(b, n);
	default: return round_chunk(b, n, m == M_BPF);
	}
}

static struct result summarize(double *v, int k)
{
	struct result r = { 0 };
	double sum = 0;

	for (int i = 0; i < k; i++)
		sum += v[i];
	qsort(v, (size_t)k, sizeof(*v), cmp_double);
	r.chunks = k;
	r.mean = sum / k;
	r.p50 = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	r.p10 = v[k / 10];
	r.p90 = v[k * 9 / 10];
	return r;
}

/*
 * Every figure of one batch size at once: each step times one chunk of each figure in turn,
 * so all of them sample the same moments of a busy machine (their ratios stay meaningful),
 * until both the time and the step count are reached. The median of the per-chunk figures is
 * the headline: a chunk that another process preempted is an outlier, not a shift.
 */
static void measure(struct bench *b, int n, struct result r[M_COUNT])
{
	static double v[M_COUNT][MAX_SAMPLES];
	uint64_t end;
	int k = 0;

	/* One real batch in in[] before the first "decide" chunk (user chunks refill it). */
	produce(b, n);
	if (sjl_rings_drain(b->rings, in, n) != n)
		die("drain", -EIO, n);
	end = now_ns() + b->warmup_ns;
	while (now_ns() < end)
		for (int m = 0; m < M_COUNT; m++)
			one_chunk(b, n, (enum metric)m);
	end = now_ns() + b->run_ns;
	while (k < MAX_SAMPLES && (now_ns() < end || k < b->min_chunks)) {
		for (int m = 0; m < M_COUNT; m++)
			v[m][k] = one_chunk(b, n, (enum metric)m);
		k++;
	}
	for (int m = 0; m < M_COUNT; m++)
		r[m] = summarize(v[m], k);
}

static int parse_batches(const char *s, int *out_b, int max)
{
	int n = 0;
	char *copy = strdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save)) {
		int v = atoi(t);

		if (v < 1 || v > MAX_BATCH) {
			fprintf(stderr, "ring_bench: batch size %s out of 1..%d\n", t, MAX_BATCH);
			exit(2);
		}
		out_b[n++] = v;
	}
	free(copy);
	return n;
}

static void usage(const char *prog)
{
	printf("Usage: %s [options]\n"
	       "Cost per task of dequeue -> decide -> dispatch on the C core over the loopback rings\n"
	       "(real kernel ring buffers, BPF_PROG_TEST_RUN; needs root, not sched_ext).\n"
	       "  -b LIST     batch sizes (default 1,8,32,128,512)\n"
	       "  -t SECONDS  timed run per batch size, all figures interleaved (default 4)\n"
	       "  -w SECONDS  untimed warm-up per batch size (default 0.3)\n"
	       "  -n N        at least N timed chunks of each figure (default 20)\n"
	       "  -c N        tasks per chunk, a multiple of every batch size (default 2048)\n"
	       "  -o FILE     also write CSV rows to FILE\n"
	       "  -h          this help\n", prog);
}

int main(int argc, char **argv)
{
	struct bench b = { .chunk = 2048, .warmup_ns = 300000000, .run_ns = 4000000000u,
			   .min_chunks = 20, .next_pid = 1 };
	int batches[16], nb = parse_batches("1,8,32,128,512", batches, 16), opt, err;
	const char *csv_path = NULL;
	FILE *csv = NULL;

	while ((opt = getopt(argc, argv, "b:t:w:n:c:o:h")) != -1) {
		switch (opt) {
		case 'b': nb = parse_batches(optarg, batches, 16); break;
		case 't': b.run_ns = (uint64_t)(atof(optarg) * 1e9); break;
		case 'w': b.warmup_ns = (uint64_t)(atof(optarg) * 1e9); break;
		case 'n': b.min_chunks = atoi(optarg); break;
		case 'c': b.chunk = atoi(optarg); break;
		case 'o': csv_path = optarg; break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 2;
		}
	}
	if (b.chunk < 1 || b.chunk > 8192 || b.min_chunks < 1 || b.min_chunks > MAX_SAMPLES) {
		fprintf(stderr, "ring_bench: -c must be 1..8192, -n 1..%d\n", MAX_SAMPLES);
		return 2;
	}
	for (int i = 0; i < nb; i++) {
		if (b.chunk % batches[i]) {
			fprintf(stderr, "ring_bench: batch %d does not divide the chunk %d\n", batches[i], b.chunk);
			return 2;
		}
	}
	if (geteuid() != 0) {
		fprintf(stderr, "ring_bench: BPF_PROG_TEST_RUN needs root\n");
		return 1;
	}
	err = sjl_loopback_open(&b.lb, QUEUED_BYTES, DISPATCHED_BYTES);
	if (err) {
		fprintf(stderr, "ring_bench: cannot open the loopback: %s\n", strerror(-err));
		return 1;
	}
	b.rings = sjl_loopback_rings(b.lb);
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv) {
			fprintf(stderr, "ring_bench: %s: %s\n", csv_path, strerror(errno));
			return 1;
		}
		fprintf(csv, "impl,path,metric,batch,p50,mean,p10,p90,chunks\n");
	}
	printf("C core, ns per task: median of %d-task chunks over %.1f s per batch size (mean in brackets)\n",
	       b.chunk, b.run_ns / 1e9);
	printf("%6s %18s %18s %18s %18s\n", "batch", "round", "bpf", "user", "decide");
	for (int i = 0; i < nb; i++) {
		static const char *names[] = { "round", "bpf", "user", "decide" };
		struct result r[M_COUNT];

		measure(&b, batches[i], r);
		for (int m = 0; m < M_COUNT; m++) {
			if (csv)
				fprintf(csv, "c,batch,%s,%d,%.3f,%.3f,%.3f,%.3f,%d\n", names[m], batches[i],
					r[m].p50, r[m].mean, r[m].p10, r[m].p90, r[m].chunks);
		}
		printf("%6d %9.1f [%6.1f] %9.1f [%6.1f] %9.1f [%6.1f] %9.1f [%6.1f]\n", batches[i],
		       r[0].p50, r[0].mean, r[1].p50, r[1].mean, r[2].p50, r[2].mean, r[3].p50, r[3].mean);
		fflush(stdout);
	}
	if (csv)
		fclose(csv);
	sjl_loopback_close(b.lb);
	return 0;
}
