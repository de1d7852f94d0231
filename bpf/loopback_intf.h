/* SPDX-License-Identifier: GPL-2.0-only */
/* Contexts of the loopback.bpf.c syscall programs, shared with jni/loopback.c. */
#ifndef SJL_LOOPBACK_BPF_H
#define SJL_LOOPBACK_BPF_H
#include "intf.h"

struct sjl_produce_arg {
	u32 n;
	s32 base_pid;
	u32 record_size;	/* 0 = a proper record; anything else = a malformed one */
	u32 produced;
	u32 dropped;
	u32 pad;
};

struct sjl_consume_arg {
	u32 echo;
	u32 drained;
	u32 bad;
	u32 echo_dropped;
	u64 sum_pid;
	u64 sum_vtime;
	u64 sum_slice;
	s32 last_pid;
	s32 last_cpu;
};
#endif
