// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loopback.h"
#include "loopback_intf.h"
#include "loopback_bpf.skel.h"

struct sjl_loopback {
	struct loopback_bpf *skel;
	struct sjl_rings *rings;
};

int sjl_loopback_open(struct sjl_loopback **out, uint32_t queued_bytes, uint32_t dispatched_bytes)
{
	struct sjl_loopback *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->skel = loopback_bpf__open();
	if (!f->skel) {
		err = -errno;
		goto fail;
	}
	bpf_map__set_max_entries(f->skel->maps.queued, queued_bytes);
	bpf_map__set_max_entries(f->skel->maps.dispatched, dispatched_bytes);
	err = loopback_bpf__load(f->skel);
	if (err)
		goto fail;
	err = sjl_rings_new(&f->rings, bpf_map__fd(f->skel->maps.queued),
			    bpf_map__fd(f->skel->maps.dispatched));
	if (err)
		goto fail;
	*out = f;
	return 0;
fail:
	sjl_loopback_close(f);
	return err ? err : -EINVAL;
}

void sjl_loopback_close(struct sjl_loopback *f)
{
	if (!f)
		return;
	sjl_rings_free(f->rings);
	loopback_bpf__destroy(f->skel);
	free(f);
}

struct sjl_rings *sjl_loopback_rings(struct sjl_loopback *f)
{
	return f->rings;
}

int sjl_loopback_produce(struct sjl_loopback *f, uint32_t n, int32_t base_pid, uint32_t record_size,
			 uint32_t *dropped)
{
	struct sjl_produce_arg a = { .n = n, .base_pid = base_pid, .record_size = record_size };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));

	if (bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.produce), &opts))
		return -errno;
	if (dropped)
		*dropped = a.dropped;
	return (int)a.produced;
}

int sjl_loopback_consume(struct sjl_loopback *f, int echo, struct sjl_consume_stats *st)
{
	struct sjl_consume_arg a = { .echo = (uint32_t)!!echo };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));

	if (bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.consume), &opts))
		return -errno;
	if (st) {
		st->drained = a.drained;
		st->bad = a.bad;
		st->echo_dropped = a.echo_dropped;
		st->sum_pid = a.sum_pid;
		st->sum_vtime = a.sum_vtime;
		st->sum_slice = a.sum_slice;
		st->last_pid = a.last_pid;
		st->last_cpu = a.last_cpu;
	}
	return (int)a.drained;
}

void sjl_bench_fifo_decide(const struct sjl_queued_task *in, struct sjl_dispatched_task *out, int n)
{
	for (int i = 0; i < n; i++) {
		out[i].pid = in[i].pid;
		out[i].cpu = in[i].cpu;
		out[i].flags = 0;
		out[i].slice_ns = 0;
		out[i].vtime = 0;
		out[i].enq_cnt = in[i].enq_cnt;
	}
}

int sjl_bench_user_pass(struct sjl_rings *r, struct sjl_queued_task *in, struct sjl_dispatched_task *out,
			int batch, int n)
{
	for (int done = 0; done < n; done += batch) {
		int k = n - done < batch ? n - done : batch;

		if (sjl_rings_drain(r, in, k) != k)
			return -EIO;
		sjl_bench_fifo_decide(in, out, k);
		if (sjl_rings_submit(r, out, k) != k)
			return -ENOSPC;
	}
	return n;
}
