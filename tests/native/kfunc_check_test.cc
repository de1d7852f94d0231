// SPDX-License-Identifier: GPL-2.0-only
// The kernel-BTF preflight against synthetic BTF: a kfunc exported with the hidden aux argument
// and no _impl companion is named before load; correct builds pass.
#include <gtest/gtest.h>
#include <bpf/btf.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <string>
#include "core.h"
extern "C" {
#include "internal.h"
}

namespace {

// The object's side: extern void scx_bpf_kick_cpu(int cpu, unsigned long long flags).
struct btf* ObjectBtf() {
  struct btf* b = btf__new_empty();
  int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int u64 = btf__add_int(b, "unsigned long long", 8, 0);
  int proto = btf__add_func_proto(b, 0);
  btf__add_func_param(b, "cpu", i32);
  btf__add_func_param(b, "flags", u64);
  btf__add_func(b, "scx_bpf_kick_cpu", BTF_FUNC_EXTERN, proto);
  // After bpf_object__open the kfunc externs are global; the object's own programs are too.
  btf__add_func(b, "scx_bpf_kick_cpu", BTF_FUNC_GLOBAL, proto);
  btf__add_func(b, "sjl_enqueue", BTF_FUNC_GLOBAL, proto);
  // A static function is not a kfunc and must be ignored.
  int p2 = btf__add_func_proto(b, i32);
  btf__add_func(b, "helper", BTF_FUNC_STATIC, p2);
  return b;
}

// Writes raw BTF to a temporary file (what /sys/kernel/btf/vmlinux holds) and frees it.
std::string WriteRaw(struct btf* b) {
  __u32 size = 0;
  const void* raw = btf__raw_data(b, &size);
  char path[] = "/tmp/sjl-btf-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, raw, size), (ssize_t)size);
  close(fd);
  btf__free(b);
  return path;
}

// The kernel's side: scx_bpf_kick_cpu with (and optionally without) the hidden aux argument.
std::string KernelBtf(bool hidden_aux, bool with_impl) {
  struct btf* b = btf__new_empty();
  int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int u64 = btf__add_int(b, "unsigned long long", 8, 0);
  int aux = btf__add_struct(b, "bpf_prog_aux", 0);
  int caux = btf__add_const(b, aux);
  int paux = btf__add_ptr(b, caux);
  int proto = btf__add_func_proto(b, 0);
  btf__add_func_param(b, "cpu", i32);
  btf__add_func_param(b, "flags", u64);
  if (hidden_aux) btf__add_func_param(b, "aux", paux);
  btf__add_func(b, "scx_bpf_kick_cpu", BTF_FUNC_GLOBAL, proto);
  if (with_impl) {
    int full = btf__add_func_proto(b, 0);
    btf__add_func_param(b, "cpu", i32);
    btf__add_func_param(b, "flags", u64);
    btf__add_func_param(b, "aux", paux);
    btf__add_func(b, "scx_bpf_kick_cpu_impl", BTF_FUNC_GLOBAL, full);
  }
  return WriteRaw(b);
}

TEST(KfuncCheck, HiddenAuxWithoutImplIsNamedWithTheKernelAndTheFix) {
  struct btf* obj = ObjectBtf();
  std::string path = KernelBtf(true, false);
  struct sjl_error e = {};
  EXPECT_EQ(sjl_check_kfuncs(obj, path.c_str(), "7.2.12+deb13-amd64", &e), -ENOTSUP);
  EXPECT_EQ(e.phase, SJL_PHASE_KERNEL);
  std::string msg = e.msg;
  EXPECT_NE(msg.find("scx_bpf_kick_cpu"), std::string::npos) << msg;
  EXPECT_NE(msg.find("7.2.12+deb13-amd64"), std::string::npos) << msg;
  EXPECT_NE(msg.find("7.3.4"), std::string::npos) << msg;  // a kernel known to work
  EXPECT_EQ(msg.find("helper"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("sjl_enqueue"), std::string::npos) << msg;
  unlink(path.c_str());
  btf__free(obj);
}

TEST(KfuncCheck, AKfuncWithAFallbackIsNotFatal) {
  struct btf* b = btf__new_empty();
  int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int proto = btf__add_func_proto(b, 0);
  btf__add_func_param(b, "cpu", i32);
  btf__add_func(b, "scx_bpf_task_set_slice", BTF_FUNC_GLOBAL, proto);
  struct btf* k = btf__new_empty();
  i32 = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
  int paux = btf__add_ptr(k, btf__add_struct(k, "bpf_prog_aux", 0));
  int kp = btf__add_func_proto(k, 0);
  btf__add_func_param(k, "cpu", i32);
  btf__add_func_param(k, "aux", paux);
  btf__add_func(k, "scx_bpf_task_set_slice", BTF_FUNC_GLOBAL, kp);
  std::string path = WriteRaw(k);
  struct sjl_error e = {};
  EXPECT_EQ(sjl_check_kfuncs(b, path.c_str(), "x", &e), 0) << e.msg;
  unlink(path.c_str());
  btf__free(b);
}

TEST(KfuncCheck, CorrectBuildsPass) {
  struct btf* obj = ObjectBtf();
  for (auto [aux, impl] : {std::pair{false, false}, std::pair{true, true}, std::pair{false, true}}) {
    std::string path = KernelBtf(aux, impl);
    struct sjl_error e = {};
    EXPECT_EQ(sjl_check_kfuncs(obj, path.c_str(), "x", &e), 0) << e.msg;
    unlink(path.c_str());
  }
  btf__free(obj);
}

TEST(KfuncCheck, NoReadableBtfIsLeftToLibbpf) {
  struct btf* obj = ObjectBtf();
  struct sjl_error e = {};
  EXPECT_EQ(sjl_check_kfuncs(obj, "/nonexistent/vmlinux", "x", &e), 0);
  btf__free(obj);
}

TEST(VerifierLog, VerdictIsTheLineBeforeProcessed) {
  char buf[128];
  const char* log =
      "libbpf: prog 'sjl_init': BPF program load failed: -EACCES\n"
      "0: R1=ctx() R10=fp0\n"
      "12: (85) call scx_bpf_pick_idle_cpu#1234\n"
      "R1 must be a rcu pointer\n"
      "processed 120 insns (limit 1000000) max_states_per_insn 1\n"
      "-- END PROG LOAD LOG --\n";
  EXPECT_STREQ(sjl_verifier_verdict(log, buf, sizeof(buf)), "R1 must be a rcu pointer");
  EXPECT_STREQ(sjl_verifier_verdict("no verdict here\n", buf, sizeof(buf)), "");
}

TEST(VerifierLog, TailKeepsTheEndFromALineStart) {
  std::string log;
  for (int i = 0; i < 100; i++) log += "line " + std::to_string(i) + "\n";
  const char* t = sjl_tail_lines(log.c_str(), 40);
  EXPECT_LE(strlen(t), 40u);
  EXPECT_EQ(std::string(t).rfind("line 99\n"), strlen(t) - 8);
  EXPECT_EQ(std::string(t).find("line "), 0u);
}

}  // namespace
