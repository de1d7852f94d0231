// SPDX-License-Identifier: GPL-2.0-only
/*
 * Preflight of the kernel's BTF: every kfunc the BPF object calls must be callable on the
 * running kernel. Some Debian builds (7.1.x, 7.2.6-7.2.12) export kfuncs with their hidden
 * trailing "const struct bpf_prog_aux *aux" parameter and without the "<name>_impl" companion
 * that correct builds carry; no BPF program can call those. Named here before load, instead
 * of libbpf's "func_proto incompatible" or the verifier's "cannot find function ..._impl".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core.h"
#include "internal.h"

/* Weak kfuncs with a fallback in bpf/compat.bpf.h: libbpf treats an unusable one as absent. */
static const char *const with_fallback[] = { "scx_bpf_now", "scx_bpf_task_set_slice" };

static bool has_fallback(const char *name)
{
	for (size_t i = 0; i < sizeof(with_fallback) / sizeof(with_fallback[0]); i++)
		if (!strcmp(name, with_fallback[i]))
			return true;
	return false;
}

/* Kernels this object was measured on (README's support table). */
#define SJL_KNOWN_GOOD "6.16.12, 6.18.15, 6.19.14, 7.0.4-7.0.13, 7.2.13, 7.3.4"

static bool is_aux_ptr(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);

	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_const(t) || btf_is_volatile(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_prog_aux");
}

/* True if the kernel exports NAME with the hidden aux argument and no NAME_impl. */
static bool kfunc_is_broken(const struct btf *vmlinux, const char *name)
{
	const struct btf_type *fn, *proto;
	char impl[128];
	int id;

	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC);
	if (id < 0)
		return false;	/* absent: a weak fallback or libbpf's own error covers it */
	fn = btf__type_by_id(vmlinux, id);
	proto = fn ? btf__type_by_id(vmlinux, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || !btf_vlen(proto))
		return false;
	if (!is_aux_ptr(vmlinux, btf_params(proto)[btf_vlen(proto) - 1].type))
		return false;
	snprintf(impl, sizeof(impl), "%s_impl", name);
	return btf__find_by_name_kind(vmlinux, impl, BTF_KIND_FUNC) < 0;
}

int sjl_check_kfuncs(const struct btf *obj_btf, const char *vmlinux_path, const char *release,
		     struct sjl_error *e)
{
	char broken[1024] = "";
	struct btf *vmlinux;
	size_t len = 0;
	int nbroken = 0;
	__u32 id, n;

	vmlinux = btf__parse(vmlinux_path, NULL);
	if (!vmlinux)
		return 0;	/* no BTF to read: libbpf reports that itself, precisely */
	n = btf__type_cnt(obj_btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(obj_btf, id);
		const char *name;

		/*
		 * Kfuncs are extern in the object file, but libbpf's open turns them global; the
		 * object's own programs are global too, and the kernel has none of their names.
		 * (A FUNC's vlen holds its linkage.)
		 */
		if (!btf_is_func(t) || btf_vlen(t) == BTF_FUNC_STATIC)
			continue;
		name = btf__name_by_offset(obj_btf, t->name_off);
		if (!kfunc_is_broken(vmlinux, name))
			continue;
		if (has_fallback(name)) {
			sjl_log(SJL_LOG_INFO, "kernel %s: %s is not callable (hidden aux argument); "
				"using its fallback", release, name);
			continue;
		}
		nbroken++;
		len += snprintf(broken + len, len < sizeof(broken) ? sizeof(broken) - len : 0, "%s%s",
				nbroken > 1 ? ", " : "", name);
		if (len >= sizeof(broken))
			len = sizeof(broken) - 1;
	}
	btf__free(vmlinux);
	if (!nbroken)
		return 0;
	if (e)
		e->phase = SJL_PHASE_KERNEL;
	return sjl_fail(e, ENOTSUP,
			"kernel %s cannot run this scheduler: its BTF exports %s with the hidden "
			"'const struct bpf_prog_aux *' argument and without the '_impl' companion, so no "
			"BPF program can call %s (a kernel build defect of some Debian 7.1.x and "
			"7.2.6-7.2.12 kernels). Boot a kernel known to work: %s",
			release, broken, nbroken > 1 ? "them" : "it", SJL_KNOWN_GOOD);
}

int sjl_check_object_kfuncs(struct bpf_object *obj, const char *sysfs_root, struct sjl_error *e)
{
	const struct btf *obj_btf = bpf_object__btf(obj);
	char path[512];
	struct utsname u;

	if (!obj_btf)
		return 0;
	snprintf(path, sizeof(path), "%s/kernel/btf/vmlinux", sysfs_root ? sysfs_root : "/sys");
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	return sjl_check_kfuncs(obj_btf, path, u.release, e);
}
