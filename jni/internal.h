/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the core's .c files; not part of the API. */
#ifndef SJL_INTERNAL_H
#define SJL_INTERNAL_H
#include "core.h"

struct sjl_capture {
	size_t len;
	char buf[4096];
};

__attribute__((format(printf, 2, 3)))
void sjl_log(enum sjl_log_level level, const char *fmt, ...);
/* Fill e (if not NULL) and return -|err|. */
__attribute__((format(printf, 3, 4)))
int sjl_fail(struct sjl_error *e, int err, const char *fmt, ...);
void sjl_capture_begin(struct sjl_capture *c);
void sjl_capture_end(void);
/* Read a small sysfs/proc file into buf, trailing newline removed. -errno on failure. */
int sjl_read_file(const char *path, char *buf, size_t len);

struct btf;
struct bpf_object;
/* Every extern kfunc of obj_btf callable on the kernel whose BTF is at vmlinux_path? */
int sjl_check_kfuncs(const struct btf *obj_btf, const char *vmlinux_path, const char *release,
		     struct sjl_error *e);
int sjl_check_object_kfuncs(struct bpf_object *obj, const char *sysfs_root, struct sjl_error *e);
/* The verifier's verdict in a captured libbpf log: the line before "processed N insns". */
const char *sjl_verifier_verdict(const char *log, char *buf, size_t len);
/* The end of s, at most room bytes, from a line start where possible. */
const char *sjl_tail_lines(const char *s, size_t room);

#endif
