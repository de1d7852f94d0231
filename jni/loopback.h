/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loopback rings: the scheduler's two ring buffers without sched_ext, fed and drained by a small
 * BPF program (bpf/loopback.bpf.c) run with BPF_PROG_TEST_RUN. Tests and benchmarks use it to
 * drive the real batched transport on any kernel with BPF ring buffers (root needed).
 */
#ifndef SJL_LOOPBACK_H
#define SJL_LOOPBACK_H
#include <stdint.h>
#include "core.h"
#ifdef __cplusplus
extern "C" {
#endif

struct sjl_loopback;
struct sjl_consume_stats {
	uint32_t drained, bad, echo_dropped;
	uint64_t sum_pid, sum_vtime, sum_slice;
	int32_t last_pid, last_cpu;
};

/* Ring sizes in bytes (power of two, >= page size); -errno on failure. */
SJL_API int sjl_loopback_open(struct sjl_loopback **out, uint32_t queued_bytes, uint32_t dispatched_bytes);
SJL_API void sjl_loopback_close(struct sjl_loopback *f);
SJL_API struct sjl_rings *sjl_loopback_rings(struct sjl_loopback *f);
/* BPF writes n queued records with pids base_pid.. (record_size != 0: malformed records).
 * Returns how many went in; *dropped gets the ones that did not fit. */
SJL_API int sjl_loopback_produce(struct sjl_loopback *f, uint32_t n, int32_t base_pid, uint32_t record_size,
			 uint32_t *dropped);
/* BPF drains the dispatch ring; echo != 0 writes each decision back as a queued record. */
SJL_API int sjl_loopback_consume(struct sjl_loopback *f, int echo, struct sjl_consume_stats *st);

/*
 * The C core's side of the hot-path benchmarks (tests/native/ring_bench.c, and the reference the
 * JMH benchmarks run in the same JVM): the FIFO decision of cfifo.c without select_cpu (same
 * pid, its CPU, its enqueue generation, default slice), and one user-side pass over n tasks
 * already queued: drain, decide and submit, batch at a time, into caller-owned buffers of
 * batch records. Returns n, or -errno if the rings came back short.
 */
SJL_API void sjl_bench_fifo_decide(const struct sjl_queued_task *in, struct sjl_dispatched_task *out, int n);
SJL_API int sjl_bench_user_pass(struct sjl_rings *r, struct sjl_queued_task *in, struct sjl_dispatched_task *out,
				int batch, int n);

#ifdef __cplusplus
}
#endif
#endif
