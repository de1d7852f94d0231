// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watch a scheduler running in another process: find the newest scx_javaland BPF .bss map in
 * the kernel, locate its "counters" variable through the map's BTF and map it read-only.
 * Reading it is then plain shared memory, like the scheduler's own view.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core.h"
#include "internal.h"

#define BSS_MAP_NAME "sjl_bpf.bss"

struct sjl_monitor {
	void *map;
	size_t map_len;
	size_t counters_off;
	uint32_t map_id;
};

/* Offset of variable `name` in the DATASEC that describes the map's value. */
static int var_offset(uint32_t btf_id, uint32_t datasec_id, const char *name, size_t *off)
{
	struct btf *btf = btf__load_from_kernel_by_id(btf_id);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int i, err = -ENOENT;

	if (!btf)
		return -errno;
	t = btf__type_by_id(btf, datasec_id);
	if (!t || !btf_is_datasec(t)) {
		err = -EINVAL;
		goto out;
	}
	for (i = 0, vs = btf_var_secinfos(t); i < btf_vlen(t); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (var && !strcmp(btf__name_by_offset(btf, var->name_off), name)) {
			*off = vs->offset;
			err = 0;
			break;
		}
	}
out:
	btf__free(btf);
	return err;
}

int sjl_monitor_open(struct sjl_monitor **out, struct sjl_error *e)
{
	struct bpf_map_info info, best = { 0 };
	uint32_t id = 0, len;
	struct sjl_monitor *m;
	size_t off = 0;
	int fd, best_fd = -1, err;

	*out = NULL;
	while (!bpf_map_get_next_id(id, &id)) {
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_map_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, BSS_MAP_NAME) &&
		    info.id > best.id) {
			if (best_fd >= 0)
				close(best_fd);
			best = info;
			best_fd = fd;
			continue;
		}
		close(fd);
	}
	if (best_fd < 0) {
		if (errno == EPERM)
			return sjl_fail(e, EPERM, "reading another scheduler's counters needs root");
		return sjl_fail(e, ENOENT, "no scx_javaland scheduler is loaded");
	}
	err = var_offset(best.btf_id, best.btf_value_type_id, "counters", &off);
	if (err || off + sizeof(struct sjl_counters) > best.value_size) {
		close(best_fd);
		return sjl_fail(e, err ? err : EINVAL, "map %u has no counters variable", best.id);
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(best_fd);
		return sjl_fail(e, ENOMEM, "out of memory");
	}
	m->map_len = ((size_t)best.value_size + 4095) & ~(size_t)4095;
	m->map = mmap(NULL, m->map_len, PROT_READ, MAP_SHARED, best_fd, 0);
	close(best_fd);
	if (m->map == MAP_FAILED) {
		err = errno;
		free(m);
		return sjl_fail(e, err, "cannot map the counters of map %u", best.id);
	}
	m->counters_off = off;
	m->map_id = best.id;
	*out = m;
	return 0;
}

const struct sjl_counters *sjl_monitor_counters(struct sjl_monitor *m)
{
	return (const struct sjl_counters *)((char *)m->map + m->counters_off);
}

uint32_t sjl_monitor_map_id(struct sjl_monitor *m)
{
	return m->map_id;
}

void sjl_monitor_close(struct sjl_monitor *m)
{
	if (!m)
		return;
	munmap(m->map, m->map_len);
	free(m);
}
