// SPDX-License-Identifier: GPL-2.0-only
// The batched transport against real kernel ring buffers on the host: test BPF programs play
// ops.enqueue (produce) and ops.dispatch (consume), run with BPF_PROG_TEST_RUN.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <vector>
#include "core.h"
#include "loopback.h"

namespace {

constexpr uint32_t kQueuedRecordBytes = 104;    // 8 B header + 88 B record + 1 mask word
constexpr uint32_t kDispatchedRecordBytes = 48;  // 8 B header + 40 B record

class Rings : public ::testing::Test {
 protected:
  void Open(uint32_t queued_bytes, uint32_t dispatched_bytes) {
    if (geteuid() != 0) GTEST_SKIP() << "BPF_PROG_TEST_RUN needs root";
    int err = sjl_loopback_open(&f_, queued_bytes, dispatched_bytes);
    ASSERT_EQ(err, 0) << "cannot load the test BPF object: " << strerror(-err);
    r_ = sjl_loopback_rings(f_);
  }
  void SetUp() override { Open(1 << 20, 1 << 19); }
  void TearDown() override { sjl_loopback_close(f_); }

  static sjl_dispatched_task Decision(int32_t pid) {
    sjl_dispatched_task d{};
    d.pid = pid;
    d.cpu = pid % 3;
    d.slice_ns = 1000 + pid;
    d.vtime = 7 * (uint64_t)pid;
    d.enq_cnt = pid + 1;
    return d;
  }

  sjl_loopback* f_ = nullptr;
  sjl_rings* r_ = nullptr;
  std::vector<sjl_queued_task> buf_ = std::vector<sjl_queued_task>(512);
};

TEST_F(Rings, EmptyRingDrainsNothing) {
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), 64), 0);
}

TEST_F(Rings, PartialBatchReturnsWhatIsThereWithEveryField) {
  ASSERT_EQ(sjl_loopback_produce(f_, 10, 1000, 0, nullptr), 10);
  ASSERT_EQ(sjl_rings_drain(r_, buf_.data(), 64), 10);
  for (int i = 0; i < 10; i++) {
    const sjl_queued_task& t = buf_[i];
    EXPECT_EQ(t.pid, 1000 + i);
    EXPECT_EQ(t.cpu, i % 4);
    EXPECT_EQ(t.nr_cpus_allowed, 4u - i % 2);
    EXPECT_EQ(t.cpus_allowed[0], i % 2 ? 0xbu : 0xfu);
    EXPECT_EQ(t.weight, 100u);
    EXPECT_EQ(t.vtime, (uint64_t)i);
    EXPECT_EQ(t.enq_cnt, (uint64_t)i + 1);
    EXPECT_EQ(t.exec_runtime, 1000u * i);
    EXPECT_EQ(t.comm[0], 't');
    EXPECT_EQ(t.comm[1], '0' + i % 10);
  }
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), 64), 0);
}

TEST_F(Rings, DrainTakesAtMostMaxAndKeepsOrder) {
  ASSERT_EQ(sjl_loopback_produce(f_, 100, 0, 0, nullptr), 100);
  int next = 0;
  for (int expected : {32, 32, 32, 4, 0}) {
    int n = sjl_rings_drain(r_, buf_.data(), 32);
    ASSERT_EQ(n, expected);
    for (int i = 0; i < n; i++) EXPECT_EQ(buf_[i].pid, next++);
  }
}

TEST_F(Rings, InvalidCountsAreRejected) {
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), -1), -EINVAL);
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), 0), 0);
  EXPECT_EQ(sjl_rings_submit(r_, nullptr, -1), -EINVAL);
}

class SmallRings : public Rings {
 protected:
  void SetUp() override { Open(4096, 4096); }
};

TEST_F(SmallRings, WrapAroundKeepsTheSequence) {
  // 4 KiB holds 42 records; 200 rounds of 30 wrap the ring about 140 times.
  int next = 0;
  for (int round = 0; round < 200; round++) {
    ASSERT_EQ(sjl_loopback_produce(f_, 30, round * 30, 0, nullptr), 30);
    ASSERT_EQ(sjl_rings_drain(r_, buf_.data(), 512), 30);
    for (int i = 0; i < 30; i++) ASSERT_EQ(buf_[i].pid, next++) << "round " << round;
  }
}

TEST_F(SmallRings, FullQueuedRingDropsOnTheProducerSideOnly) {
  uint32_t dropped = 0;
  int produced = sjl_loopback_produce(f_, 100, 0, 0, &dropped);
  EXPECT_EQ(produced, (int)(4096 / kQueuedRecordBytes));
  EXPECT_EQ(produced + (int)dropped, 100);
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), 512), produced);
  // Space is back after the drain.
  EXPECT_EQ(sjl_loopback_produce(f_, 10, 500, 0, nullptr), 10);
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), 512), 10);
  EXPECT_EQ(buf_[0].pid, 500);
}

TEST_F(Rings, MalformedRecordsAreSkippedAndCounted) {
  ASSERT_EQ(sjl_loopback_produce(f_, 3, 0, 0, nullptr), 3);
  ASSERT_EQ(sjl_loopback_produce(f_, 5, 0, 8, nullptr), 5);
  ASSERT_EQ(sjl_loopback_produce(f_, 2, 100, 0, nullptr), 2);
  int total = 0;
  for (int n; (n = sjl_rings_drain(r_, buf_.data() + total, 64)) > 0;) total += n;
  ASSERT_EQ(total, 5);
  EXPECT_EQ(buf_[2].pid, 2);
  EXPECT_EQ(buf_[3].pid, 100);
  EXPECT_EQ(sjl_rings_bad_records(r_), 5u);
}

TEST_F(Rings, MalformedRecordsDoNotHideValidOnesFromASmallBatch) {
  ASSERT_EQ(sjl_loopback_produce(f_, 5, 0, 8, nullptr), 5);
  ASSERT_EQ(sjl_loopback_produce(f_, 3, 70, 0, nullptr), 3);
  ASSERT_EQ(sjl_rings_drain(r_, buf_.data(), 4), 3);
  EXPECT_EQ(buf_[0].pid, 70);
  EXPECT_EQ(buf_[2].pid, 72);
  ASSERT_EQ(sjl_loopback_produce(f_, 2, 0, 8, nullptr), 2);
  ASSERT_EQ(sjl_loopback_produce(f_, 1, 90, 0, nullptr), 1);
  ASSERT_EQ(sjl_rings_drain(r_, buf_.data(), 1), 1);
  EXPECT_EQ(buf_[0].pid, 90);
}

TEST_F(Rings, SubmittedDecisionsReachBpfIntact) {
  std::vector<sjl_dispatched_task> d;
  uint64_t sum_pid = 0, sum_vtime = 0, sum_slice = 0;
  for (int i = 1; i <= 50; i++) {
    d.push_back(Decision(i));
    sum_pid += i;
    sum_vtime += d.back().vtime;
    sum_slice += d.back().slice_ns;
  }
  ASSERT_EQ(sjl_rings_submit(r_, d.data(), (int)d.size()), 50);
  sjl_consume_stats st{};
  ASSERT_EQ(sjl_loopback_consume(f_, 0, &st), 50);
  EXPECT_EQ(st.bad, 0u);
  EXPECT_EQ(st.sum_pid, sum_pid);
  EXPECT_EQ(st.sum_vtime, sum_vtime);
  EXPECT_EQ(st.sum_slice, sum_slice);
  EXPECT_EQ(st.last_pid, 50);
  EXPECT_EQ(st.last_cpu, 50 % 3);
}

TEST_F(SmallRings, FullDispatchRingTakesWhatFitsAndLosesNothing) {
  std::vector<sjl_dispatched_task> d;
  for (int i = 0; i < 200; i++) d.push_back(Decision(i));
  int first = sjl_rings_submit(r_, d.data(), 200);
  EXPECT_GT(first, 0);
  EXPECT_LE(first, (int)(4096 / kDispatchedRecordBytes));
  EXPECT_EQ(sjl_rings_full_events(r_), 1u);
  int sent = first, consumed = 0;
  sjl_consume_stats st{};
  while (sent < 200) {
    consumed += sjl_loopback_consume(f_, 0, &st);
    int n = sjl_rings_submit(r_, d.data() + sent, 200 - sent);
    ASSERT_GT(n, 0);
    sent += n;
  }
  consumed += sjl_loopback_consume(f_, 0, &st);
  EXPECT_EQ(consumed, 200);
  EXPECT_EQ(st.last_pid, 199);
}

TEST_F(Rings, RoundTripThroughBothRings) {
  std::vector<sjl_dispatched_task> d;
  for (int i = 0; i < 256; i++) d.push_back(Decision(10000 + i));
  ASSERT_EQ(sjl_rings_submit(r_, d.data(), 256), 256);
  sjl_consume_stats st{};
  ASSERT_EQ(sjl_loopback_consume(f_, 1, &st), 256);
  EXPECT_EQ(st.echo_dropped, 0u);
  ASSERT_EQ(sjl_rings_drain(r_, buf_.data(), 512), 256);
  for (int i = 0; i < 256; i++) {
    EXPECT_EQ(buf_[i].pid, d[i].pid);
    EXPECT_EQ(buf_[i].vtime, d[i].vtime);
    EXPECT_EQ(buf_[i].enq_cnt, d[i].enq_cnt);
  }
}

TEST_F(Rings, WaitTimesOutWhenEmptyAndReturnsAtOnceWithData) {
  timespec a{}, b{};
  clock_gettime(CLOCK_MONOTONIC, &a);
  EXPECT_EQ(sjl_rings_wait(r_, 50), 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
  EXPECT_GE(ms, 40.0);
  ASSERT_EQ(sjl_loopback_produce(f_, 1, 0, 0, nullptr), 1);
  EXPECT_EQ(sjl_rings_wait(r_, 5000), 1);
  EXPECT_EQ(sjl_rings_drain(r_, buf_.data(), 8), 1);
}

}  // namespace
