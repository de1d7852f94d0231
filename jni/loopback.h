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

#ifdef __cplusplus
}
#endif
#endif
