// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side stand-in for the scheduler's two rings, driven with BPF_PROG_TEST_RUN: it needs
 * only RINGBUF / USER_RINGBUF support, not sched_ext. "produce" plays ops.enqueue (queued
 * records into the ring), "consume" plays ops.dispatch (drains decisions, optionally echoing
 * each one back as a queued record for round-trip tests and benchmarks).
 */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "loopback_intf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by the fixture */
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 1 << 19);
} dispatched SEC(".maps");

static long produce_one(u64 i, struct sjl_produce_arg *a)
{
	struct sjl_queued_task *rec;

	if (a->record_size) {
		/* A record of the wrong size: the drain must skip and count it. */
		long err = bpf_ringbuf_output(&queued, &i, sizeof(i), 0);

		if (err)
			a->dropped++;
		else
			a->produced++;
		return 0;
	}
	/* As the scheduler sends them on a machine of up to 64 CPUs: one affinity word. */
	rec = bpf_ringbuf_reserve(&queued, SJL_QUEUED_RECORD_SIZE(64), 0);
	if (!rec) {
		a->dropped++;
		return 0;
	}
	__builtin_memset(rec, 0, SJL_QUEUED_RECORD_SIZE(64));
	rec->pid = a->base_pid + (s32)i;
	rec->cpu = (s32)(i % 4);
	rec->nr_cpus_allowed = 4 - (i % 2);
	rec->cpus_allowed[0] = i % 2 ? 0xbULL : 0xfULL;	/* CPUs 0-3, or 0, 1 and 3 */
	rec->weight = 100;
	rec->vtime = i;
	rec->enq_cnt = i + 1;
	rec->exec_runtime = 1000 * i;
	rec->comm[0] = 't';
	rec->comm[1] = '0' + (i % 10);
	bpf_ringbuf_submit(rec, 0);
	a->produced++;
	return 0;
}

SEC("syscall")
int produce(struct sjl_produce_arg *ctx)
{
	struct sjl_produce_arg a = *ctx;

	a.produced = 0;
	a.dropped = 0;
	bpf_loop(a.n, produce_one, &a, 0);
	ctx->produced = a.produced;
	ctx->dropped = a.dropped;
	return 0;
}

static long consume_one(struct bpf_dynptr *dynptr, struct sjl_consume_arg *a)
{
	struct sjl_dispatched_task d;
	struct sjl_queued_task *rec;

	if (bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0)) {
		a->bad++;
		return 0;
	}
	a->drained++;
	a->sum_pid += d.pid;
	a->sum_vtime += d.vtime;
	a->sum_slice += d.slice_ns;
	a->last_pid = d.pid;
	a->last_cpu = d.cpu;
	if (!a->echo)
		return 0;
	rec = bpf_ringbuf_reserve(&queued, SJL_QUEUED_RECORD_SIZE(64), 0);
	if (!rec) {
		a->echo_dropped++;
		return 0;
	}
	__builtin_memset(rec, 0, SJL_QUEUED_RECORD_SIZE(64));
	rec->cpus_allowed[0] = ~0ULL;
	rec->pid = d.pid;
	rec->cpu = d.cpu;
	rec->vtime = d.vtime;
	rec->enq_cnt = d.enq_cnt;
	rec->weight = 100;
	bpf_ringbuf_submit(rec, 0);
	return 0;
}

SEC("syscall")
int consume(struct sjl_consume_arg *ctx)
{
	struct sjl_consume_arg a = {};

	a.echo = ctx->echo;
	bpf_user_ringbuf_drain(&dispatched, consume_one, &a, 0);
	*ctx = a;
	return 0;
}
