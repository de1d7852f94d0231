// SPDX-License-Identifier: GPL-2.0-only
// Environment checks against synthetic sysfs trees, and option validation.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include "core.h"

namespace fs = std::filesystem;

namespace {

class FakeSysfs : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sjl-sysfs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::path p = fs::path(root_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  int Check(sjl_error* e) {
    sjl_env env{root_.c_str()};
    return sjl_check_environment(&env, e);
  }
  std::string root_;
};

TEST_F(FakeSysfs, NoSchedExtIsReportedClearly) {
  sjl_error e{};
  EXPECT_EQ(Check(&e), -EOPNOTSUPP);
  EXPECT_NE(std::string(e.msg).find("CONFIG_SCHED_CLASS_EXT"), std::string::npos) << e.msg;
}

TEST_F(FakeSysfs, DisabledSchedExtPasses) {
  Write("kernel/sched_ext/state", "disabled\n");
  sjl_error e{};
  EXPECT_EQ(Check(&e), 0) << e.msg;
}

TEST_F(FakeSysfs, AnotherSchedulerIsNamedAndRefused) {
  Write("kernel/sched_ext/state", "enabled\n");
  Write("kernel/sched_ext/root/ops", "rustland_1.1.2\n");
  sjl_error e{};
  EXPECT_EQ(Check(&e), -EBUSY);
  EXPECT_NE(std::string(e.msg).find("rustland_1.1.2"), std::string::npos) << e.msg;
}

TEST_F(FakeSysfs, MissingPrivilegesAreReported) {
  Write("kernel/sched_ext/state", "disabled\n");
  // Drop CAP_SYS_ADMIN and CAP_BPF from the effective set in a child, then check there.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data)) _exit(10);
    data[0].effective &= ~(1u << 21);  // CAP_SYS_ADMIN
    data[1].effective &= ~(1u << (39 - 32));  // CAP_BPF
    if (syscall(SYS_capset, &hdr, data)) _exit(11);
    sjl_error e{};
    int rc = Check(&e);
    bool named = std::string(e.msg).find("CAP_SYS_ADMIN") != std::string::npos;
    _exit(rc == -EPERM && named ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Options, DefaultsAreValid) {
  sjl_opts o;
  sjl_opts_init(&o);
  sjl_error e{};
  EXPECT_EQ(sjl_opts_validate(&o, &e), 0) << e.msg;
  EXPECT_TRUE(o.builtin_idle);
}

TEST(Options, BadValuesAreRejectedWithTheReason) {
  sjl_opts o;
  sjl_error e{};
  sjl_opts_init(&o);
  o.name = "bad name!";
  EXPECT_EQ(sjl_opts_validate(&o, &e), -EINVAL);
  EXPECT_NE(std::string(e.msg).find("bad name!"), std::string::npos);

  sjl_opts_init(&o);
  o.name = "";
  EXPECT_EQ(sjl_opts_validate(&o, &e), -EINVAL);

  sjl_opts_init(&o);
  o.slice_ns = 5;  // below the 10 us floor
  EXPECT_EQ(sjl_opts_validate(&o, &e), -EINVAL);

  sjl_opts_init(&o);
  o.timeout_ms = 60000;
  EXPECT_EQ(sjl_opts_validate(&o, &e), -EINVAL);
  EXPECT_NE(std::string(e.msg).find("60000"), std::string::npos);

  sjl_opts_init(&o);
  o.exit_dump_len = 1u << 30;
  EXPECT_EQ(sjl_opts_validate(&o, &e), -EINVAL);
}

TEST(Open, RefusesWithoutSchedExtAndLeavesNothingBehind) {
  sjl_opts o;
  sjl_opts_init(&o);
  o.sysfs_root = "/nonexistent-sysfs";
  sjl_sched* s = reinterpret_cast<sjl_sched*>(0x1);
  sjl_error e{};
  EXPECT_EQ(sjl_sched_open(&s, &o, &e), -EOPNOTSUPP);
  EXPECT_EQ(s, nullptr);
}

TEST(ExitKinds, HaveReadableNames) {
  EXPECT_STREQ(sjl_exit_kind_name(64), "unregistered from user space");
  EXPECT_STREQ(sjl_exit_kind_name(1026), "watchdog: runnable task stall");
  EXPECT_STREQ(sjl_exit_kind_name(12345), "unknown");
}

}  // namespace
