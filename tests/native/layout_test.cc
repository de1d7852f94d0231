// SPDX-License-Identifier: GPL-2.0-only
// The shared records keep the layout the BPF side and Java rely on.
#include <gtest/gtest.h>
#include <cstring>
#include <map>
#include <string>
#include "core.h"

namespace {

std::map<std::string, int64_t> Table() {
  size_t n = 0;
  const sjl_layout_entry* e = sjl_layout(&n);
  std::map<std::string, int64_t> m;
  for (size_t i = 0; i < n; i++) m[e[i].name] = e[i].value;
  return m;
}

TEST(Layout, QueuedRecordMatchesTheDocumentedOffsets) {
  auto t = Table();
  EXPECT_EQ(t.at("sizeof.sjl_queued_task"), 88 + 8 * SJL_MASK_WORDS);
  EXPECT_EQ(t.at("sjl_queued_task.pid"), 0);
  EXPECT_EQ(t.at("sjl_queued_task.cpu"), 4);
  EXPECT_EQ(t.at("sjl_queued_task.nr_cpus_allowed"), 8);
  EXPECT_EQ(t.at("sjl_queued_task.flags"), 16);
  EXPECT_EQ(t.at("sjl_queued_task.start_ts"), 24);
  EXPECT_EQ(t.at("sjl_queued_task.stop_ts"), 32);
  EXPECT_EQ(t.at("sjl_queued_task.exec_runtime"), 40);
  EXPECT_EQ(t.at("sjl_queued_task.weight"), 48);
  EXPECT_EQ(t.at("sjl_queued_task.vtime"), 56);
  EXPECT_EQ(t.at("sjl_queued_task.enq_cnt"), 64);
  EXPECT_EQ(t.at("sjl_queued_task.comm"), 72);
  EXPECT_EQ(t.at("sjl_queued_task.cpus_allowed"), 88);
}

TEST(Layout, RingRecordCarriesOnlyTheMaskWordsTheMachineNeeds) {
  EXPECT_EQ(SJL_QUEUED_RECORD_SIZE(1), 96u);
  EXPECT_EQ(SJL_QUEUED_RECORD_SIZE(64), 96u);
  EXPECT_EQ(SJL_QUEUED_RECORD_SIZE(65), 104u);
  EXPECT_EQ(SJL_QUEUED_RECORD_SIZE(SJL_MAX_CPUS), sizeof(sjl_queued_task));
}

TEST(Layout, DispatchedRecordMatchesTheDocumentedOffsets) {
  auto t = Table();
  EXPECT_EQ(t.at("sizeof.sjl_dispatched_task"), 40);
  EXPECT_EQ(t.at("sjl_dispatched_task.pid"), 0);
  EXPECT_EQ(t.at("sjl_dispatched_task.cpu"), 4);
  EXPECT_EQ(t.at("sjl_dispatched_task.flags"), 8);
  EXPECT_EQ(t.at("sjl_dispatched_task.slice_ns"), 16);
  EXPECT_EQ(t.at("sjl_dispatched_task.vtime"), 24);
  EXPECT_EQ(t.at("sjl_dispatched_task.enq_cnt"), 32);
}

TEST(Layout, TableAgreesWithTheHeader) {
  auto t = Table();
  EXPECT_EQ(t.at("sizeof.sjl_counters"), (int64_t)sizeof(sjl_counters));
  EXPECT_EQ(t.at("sjl_counters.nr_failed_dispatches"),
            (int64_t)offsetof(sjl_counters, nr_failed_dispatches));
  EXPECT_EQ(t.at("sjl_exit_info.msg"), (int64_t)offsetof(sjl_exit_info, msg));
  EXPECT_EQ(t.at("SJL_CPU_ANY"), 1 << 20);
  EXPECT_EQ(t.at("SJL_ABI_VERSION"), SJL_ABI_VERSION);
}

TEST(Layout, NamesAreUnique) {
  size_t n = 0;
  const sjl_layout_entry* e = sjl_layout(&n);
  EXPECT_EQ(Table().size(), n);
}

}  // namespace
