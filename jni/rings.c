// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batched transport over the two BPF rings. Draining and submitting touch only the mmapped
 * rings (acquire/release loads and stores inside libbpf): no syscall and no allocation per
 * task. Waiting is the one place that enters the kernel (epoll), and only when there is no work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include "core.h"
#include "internal.h"

struct sjl_rings {
	struct ring_buffer *rb;
	struct user_ring_buffer *urb;
	int epoll_fd;
	/* Destination of the drain in progress: out, or cols (columns stride apart) if set. */
	struct sjl_queued_task *out;
	int64_t *cols;
	int stride;
	int n;
	int max;
	uint64_t bad_records;
	uint64_t full_events;
};

/* One record into row 0 of the columns at c, stride apart. */
static inline void scatter_record(int64_t *c, size_t stride, const void *data, size_t size)
{
	const struct sjl_queued_task *t = data;
	size_t w, words = (size - SJL_QUEUED_BASE_SIZE) / 8;
	int64_t comm[SJL_COMM_LEN / 8];

	c[SJL_QCOL_PID * stride] = t->pid;
	c[SJL_QCOL_CPU * stride] = t->cpu;
	c[SJL_QCOL_NR_CPUS_ALLOWED * stride] = (int64_t)t->nr_cpus_allowed;
	c[SJL_QCOL_FLAGS * stride] = (int64_t)t->flags;
	c[SJL_QCOL_START_TS * stride] = (int64_t)t->start_ts;
	c[SJL_QCOL_STOP_TS * stride] = (int64_t)t->stop_ts;
	c[SJL_QCOL_EXEC_RUNTIME * stride] = (int64_t)t->exec_runtime;
	c[SJL_QCOL_WEIGHT * stride] = (int64_t)t->weight;
	c[SJL_QCOL_VTIME * stride] = (int64_t)t->vtime;
	c[SJL_QCOL_ENQ_CNT * stride] = (int64_t)t->enq_cnt;
	memcpy(comm, t->comm, sizeof(comm));
	for (w = 0; w < SJL_COMM_LEN / 8; w++)
		c[(SJL_QCOL_COMM + w) * stride] = comm[w];
	for (w = 0; w < words; w++)
		c[(SJL_QCOL_MASK + w) * stride] = (int64_t)t->cpus_allowed[w];
}

static int copy_record(void *ctx, void *data, size_t size)
{
	struct sjl_rings *r = ctx;

	struct sjl_queued_task *dst;

	if (size < SJL_QUEUED_RECORD_SIZE(1) || size > sizeof(*dst) || size % 8) {
		r->bad_records++;
		return 0;
	}
	/* consume_n stops at max, so this never overruns; checked anyway. */
	if (r->n >= r->max)
		return -E2BIG;
	if (r->cols) {
		scatter_record(r->cols + r->n++, (size_t)r->stride, data, size);
		return 0;
	}
	dst = &r->out[r->n++];
	/* Up to 64 CPUs (one mask word) a fixed-size copy the compiler inlines. */
	if (size == SJL_QUEUED_RECORD_SIZE(1))
		memcpy(dst, data, SJL_QUEUED_RECORD_SIZE(1));
	else
		memcpy(dst, data, size);
	return 0;
}

int sjl_rings_new(struct sjl_rings **out, int queued_fd, int dispatched_fd)
{
	struct sjl_rings *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->rb = ring_buffer__new(queued_fd, copy_record, r, NULL);
	if (!r->rb) {
		err = -errno;
		goto fail;
	}
	r->urb = user_ring_buffer__new(dispatched_fd, NULL);
	if (!r->urb) {
		err = -errno;
		goto fail;
	}
	r->epoll_fd = ring_buffer__epoll_fd(r->rb);
	*out = r;
	return 0;
fail:
	sjl_rings_free(r);
	return err ? err : -EINVAL;
}

void sjl_rings_free(struct sjl_rings *r)
{
	if (!r)
		return;
	user_ring_buffer__free(r->urb);
	ring_buffer__free(r->rb);
	free(r);
}

static int drain(struct sjl_rings *r, int max)
{
	int err;

	r->n = 0;
	r->max = max;
	/* Malformed records count against consume_n's limit: go on while they are being skipped. */
	do {
		err = ring_buffer__consume_n(r->rb, (size_t)(max - r->n));
	} while (err > 0 && r->n < max);
	r->out = NULL;
	r->cols = NULL;
	if (err < 0 && err != -E2BIG)
		return err;
	return r->n;
}

int sjl_rings_drain(struct sjl_rings *r, struct sjl_queued_task *out, int max)
{
	if (max <= 0)
		return max < 0 ? -EINVAL : 0;
	r->out = out;
	return drain(r, max);
}

int sjl_rings_drain_cols(struct sjl_rings *r, int64_t *cols, int stride, int max)
{
	if (max < 0 || stride < 1 || max > stride || !cols)
		return -EINVAL;
	if (!max)
		return 0;
	r->cols = cols;
	r->stride = stride;
	return drain(r, max);
}

int sjl_rings_submit(struct sjl_rings *r, const struct sjl_dispatched_task *in, int n)
{
	int i;

	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		void *slot = user_ring_buffer__reserve(r->urb, sizeof(*in));

		if (!slot) {
			/* Full: the caller keeps the rest and retries after the kernel drains. */
			r->full_events++;
			break;
		}
		memcpy(slot, &in[i], sizeof(*in));
		user_ring_buffer__submit(r->urb, slot);
	}
	return i;
}

int sjl_rings_submit_cols(struct sjl_rings *r, const int64_t *cols, int stride, int n)
{
	size_t c = (size_t)stride;
	int i;

	if (n < 0 || stride < 1 || n > stride || !cols)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct sjl_dispatched_task *d = user_ring_buffer__reserve(r->urb, sizeof(*d));

		if (!d) {
			r->full_events++;
			break;
		}
		d->pid = (int32_t)cols[SJL_DCOL_PID * c + i];
		d->cpu = (int32_t)cols[SJL_DCOL_CPU * c + i];
		d->flags = (uint64_t)cols[SJL_DCOL_FLAGS * c + i];
		d->slice_ns = (uint64_t)cols[SJL_DCOL_SLICE_NS * c + i];
		d->vtime = (uint64_t)cols[SJL_DCOL_VTIME * c + i];
		d->enq_cnt = (uint64_t)cols[SJL_DCOL_ENQ_CNT * c + i];
		user_ring_buffer__submit(r->urb, d);
	}
	return i;
}

int sjl_rings_wait(struct sjl_rings *r, int timeout_ms)
{
	struct epoll_event ev;
	int n;

	if (ring__avail_data_size(ring_buffer__ring(r->rb, 0)) > 0)
		return 1;
	n = epoll_wait(r->epoll_fd, &ev, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n > 0 ? 1 : 0;
}

uint64_t sjl_rings_bad_records(const struct sjl_rings *r)
{
	return r->bad_records;
}

uint64_t sjl_rings_full_events(const struct sjl_rings *r)
{
	return r->full_events;
}
