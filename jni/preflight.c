// SPDX-License-Identifier: GPL-2.0-only
/*
 * Environment checks before anything is loaded: sched_ext present, privileges, no other
 * scheduler enabled. Each failure says what is wrong and what to do; none touches a running
 * scheduler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/capability.h>
#include "core.h"
#include "internal.h"

#define CAP_SYS_ADMIN_BIT 21
#define CAP_BPF_BIT 39

int sjl_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

static const char *root_of(const struct sjl_env *env)
{
	return env && env->sysfs_root ? env->sysfs_root : "/sys";
}

int sjl_read_state(const struct sjl_env *env, char *buf, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/kernel/sched_ext/state", root_of(env));
	return sjl_read_file(path, buf, len);
}

/* 1 if the effective set has the capability, 0 if not, -errno if it cannot be read. */
static int has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

static int kernel_knows_cap(int cap)
{
	char buf[16];
	int last;

	if (sjl_read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) <= 0)
		return 1;
	last = atoi(buf);
	return cap <= last;
}

int sjl_check_environment(const struct sjl_env *env, struct sjl_error *e)
{
	const char *root = root_of(env);
	char path[512], state[64], ops[128];
	struct stat st;
	int admin, bpf = 1;

	snprintf(path, sizeof(path), "%s/kernel/sched_ext", root);
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return sjl_fail(e, EOPNOTSUPP,
				"this kernel has no sched_ext (%s is missing): boot a kernel built with "
				"CONFIG_SCHED_CLASS_EXT=y. Debian builds its 6.12 kernels without it; "
				"its 6.16 and later kernels (trixie-backports, sid) have it", path);

	admin = has_cap(CAP_SYS_ADMIN_BIT);
	if (kernel_knows_cap(CAP_BPF_BIT))
		bpf = has_cap(CAP_BPF_BIT);
	if (admin <= 0 || bpf <= 0)
		return sjl_fail(e, EPERM,
				"loading a sched_ext scheduler needs root (CAP_SYS_ADMIN and CAP_BPF); "
				"missing:%s%s", admin <= 0 ? " CAP_SYS_ADMIN" : "",
				bpf <= 0 ? " CAP_BPF" : "");

	if (sjl_read_state(env, state, sizeof(state)) < 0)
		return sjl_fail(e, EOPNOTSUPP, "cannot read %s/kernel/sched_ext/state", root);
	if (strcmp(state, "disabled") != 0) {
		snprintf(path, sizeof(path), "%s/kernel/sched_ext/root/ops", root);
		if (sjl_read_file(path, ops, sizeof(ops)) <= 0)
			snprintf(ops, sizeof(ops), "unknown");
		return sjl_fail(e, EBUSY,
				"another sched_ext scheduler is %s (ops \"%s\"); stop it first, it was "
				"left untouched", state, ops);
	}
	return 0;
}
