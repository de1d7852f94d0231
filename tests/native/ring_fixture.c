// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ring_fixture.h"
#include "rings_test.h"
#include "rings_test_bpf.skel.h"

struct ring_fixture {
	struct rings_test_bpf *skel;
	struct sjl_rings *rings;
};

int ring_fixture_open(struct ring_fixture **out, uint32_t queued_bytes, uint32_t dispatched_bytes)
{
	struct ring_fixture *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->skel = rings_test_bpf__open();
	if (!f->skel) {
		err = -errno;
		goto fail;
	}
	bpf_map__set_max_entries(f->skel->maps.queued, queued_bytes);
	bpf_map__set_max_entries(f->skel->maps.dispatched, dispatched_bytes);
	err = rings_test_bpf__load(f->skel);
	if (err)
		goto fail;
	err = sjl_rings_new(&f->rings, bpf_map__fd(f->skel->maps.queued),
			    bpf_map__fd(f->skel->maps.dispatched));
	if (err)
		goto fail;
	*out = f;
	return 0;
fail:
	ring_fixture_close(f);
	return err ? err : -EINVAL;
}

void ring_fixture_close(struct ring_fixture *f)
{
	if (!f)
		return;
	sjl_rings_free(f->rings);
	rings_test_bpf__destroy(f->skel);
	free(f);
}

struct sjl_rings *ring_fixture_rings(struct ring_fixture *f)
{
	return f->rings;
}

int ring_fixture_produce(struct ring_fixture *f, uint32_t n, int32_t base_pid, uint32_t record_size,
			 uint32_t *dropped)
{
	struct produce_arg a = { .n = n, .base_pid = base_pid, .record_size = record_size };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));

	if (bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.produce), &opts))
		return -errno;
	if (dropped)
		*dropped = a.dropped;
	return (int)a.produced;
}

int ring_fixture_consume(struct ring_fixture *f, int echo, struct consume_stats *st)
{
	struct consume_arg a = { .echo = (uint32_t)!!echo };
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
