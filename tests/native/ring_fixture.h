/* SPDX-License-Identifier: GPL-2.0-only */
/* A pair of real kernel rings on the host, fed and drained by test BPF programs. */
#ifndef RING_FIXTURE_H
#define RING_FIXTURE_H
#include <stdint.h>
#include "core.h"
#ifdef __cplusplus
extern "C" {
#endif

struct ring_fixture;
struct consume_stats {
	uint32_t drained, bad, echo_dropped;
	uint64_t sum_pid, sum_vtime, sum_slice;
	int32_t last_pid, last_cpu;
};

/* Ring sizes in bytes (power of two, >= page size); -errno on failure. */
int ring_fixture_open(struct ring_fixture **out, uint32_t queued_bytes, uint32_t dispatched_bytes);
void ring_fixture_close(struct ring_fixture *f);
struct sjl_rings *ring_fixture_rings(struct ring_fixture *f);
/* BPF writes n queued records with pids base_pid.. (record_size != 0: malformed records).
 * Returns how many went in; *dropped gets the ones that did not fit. */
int ring_fixture_produce(struct ring_fixture *f, uint32_t n, int32_t base_pid, uint32_t record_size,
			 uint32_t *dropped);
/* BPF drains the dispatch ring; echo != 0 writes each decision back as a queued record. */
int ring_fixture_consume(struct ring_fixture *f, int echo, struct consume_stats *st);

#ifdef __cplusplus
}
#endif
#endif
