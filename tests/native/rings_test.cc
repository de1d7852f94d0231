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

// Column batches (what the JVM reads): every field of a record lands in its own column, at
// stride cap, with the same values the struct drain gives.
TEST_F(Rings, ColumnDrainScattersEveryFieldAtItsStride) {
  constexpr int cap = 16;
  std::vector<int64_t> cols(SJL_QCOLS * cap, -7);
  ASSERT_EQ(sjl_loopback_produce(f_, 10, 1000, 0, nullptr), 10);
  ASSERT_EQ(sjl_rings_drain_cols(r_, cols.data(), cap, 12), 10);
  auto col = [&](int c, int i) { return cols[c * cap + i]; };
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(col(SJL_QCOL_PID, i), 1000 + i);
    EXPECT_EQ(col(SJL_QCOL_CPU, i), i % 4);
    EXPECT_EQ(col(SJL_QCOL_NR_CPUS_ALLOWED, i), 4 - i % 2);
    EXPECT_EQ(col(SJL_QCOL_MASK, i), i % 2 ? 0xb : 0xf);
    EXPECT_EQ(col(SJL_QCOL_WEIGHT, i), 100);
    EXPECT_EQ(col(SJL_QCOL_VTIME, i), i);
    EXPECT_EQ(col(SJL_QCOL_ENQ_CNT, i), i + 1);
    EXPECT_EQ(col(SJL_QCOL_EXEC_RUNTIME, i), 1000 * i);
    char comm[SJL_COMM_LEN];
    std::memcpy(comm, &cols[SJL_QCOL_COMM * cap + i], 8);
    std::memcpy(comm + 8, &cols[(SJL_QCOL_COMM + 1) * cap + i], 8);
    EXPECT_EQ(comm[0], 't');
    EXPECT_EQ(comm[1], '0' + i % 10);
    EXPECT_EQ(col(SJL_QCOL_MASK + 1, i), -7) << "a one-word record leaves the other words alone";
  }
  EXPECT_EQ(col(SJL_QCOL_PID, 10), -7) << "rows past the count are untouched";
  EXPECT_EQ(sjl_rings_drain_cols(r_, cols.data(), cap, cap), 0);
}

TEST_F(Rings, ColumnDrainAndSubmitRejectBadShapes) {
  std::vector<int64_t> cols(SJL_QCOLS * 4);
  ASSERT_EQ(sjl_loopback_produce(f_, 2, 1, 0, nullptr), 2);
  EXPECT_EQ(sjl_rings_drain_cols(r_, cols.data(), 4, 5), -EINVAL);
  EXPECT_EQ(sjl_rings_drain_cols(r_, cols.data(), 0, 0), -EINVAL);
  EXPECT_EQ(sjl_rings_drain_cols(r_, nullptr, 4, 1), -EINVAL);
  EXPECT_EQ(sjl_rings_drain_cols(r_, cols.data(), 4, -1), -EINVAL);
  EXPECT_EQ(sjl_rings_submit_cols(r_, cols.data(), 4, 5), -EINVAL);
  EXPECT_EQ(sjl_rings_submit_cols(r_, nullptr, 4, 1), -EINVAL);
  EXPECT_EQ(sjl_rings_drain_cols(r_, cols.data(), 4, 4), 2) << "the rejected calls read nothing";
}

TEST_F(Rings, ColumnDrainTakesAtMostMaxAndKeepsOrderAcrossCalls) {
  constexpr int cap = 8;
  std::vector<int64_t> cols(SJL_QCOLS * cap);
  ASSERT_EQ(sjl_loopback_produce(f_, 20, 0, 0, nullptr), 20);
  int next = 0;
  for (int n; (n = sjl_rings_drain_cols(r_, cols.data(), cap, 3)) > 0;) {
    ASSERT_LE(n, 3);
    for (int i = 0; i < n; i++) EXPECT_EQ(cols[SJL_QCOL_PID * cap + i], next++);
  }
  EXPECT_EQ(next, 20);
}

TEST_F(Rings, ColumnSubmitSendsTheSameRecordsAsTheStructSubmit) {
  constexpr int cap = 64, n = 50;
  std::vector<int64_t> cols(SJL_DCOLS * cap);
  uint64_t sum_pid = 0, sum_vtime = 0, sum_slice = 0;
  for (int i = 0; i < n; i++) {
    sjl_dispatched_task d = Decision(i + 1);
    cols[SJL_DCOL_PID * cap + i] = d.pid;
    cols[SJL_DCOL_CPU * cap + i] = d.cpu;
    cols[SJL_DCOL_SLICE_NS * cap + i] = (int64_t)d.slice_ns;
    cols[SJL_DCOL_VTIME * cap + i] = (int64_t)d.vtime;
    cols[SJL_DCOL_ENQ_CNT * cap + i] = (int64_t)d.enq_cnt;
    sum_pid += d.pid;
    sum_vtime += d.vtime;
    sum_slice += d.slice_ns;
  }
  cols[SJL_DCOL_CPU * cap + n - 1] = SJL_CPU_ANY;  // -1 survives the narrowing
  ASSERT_EQ(sjl_rings_submit_cols(r_, cols.data(), cap, n), n);
  sjl_consume_stats st{};
  ASSERT_EQ(sjl_loopback_consume(f_, 0, &st), n);
  EXPECT_EQ(st.bad, 0u);
  EXPECT_EQ(st.sum_pid, sum_pid);
  EXPECT_EQ(st.sum_vtime, sum_vtime);
  EXPECT_EQ(st.sum_slice, sum_slice);
  EXPECT_EQ(st.last_pid, n);
  EXPECT_EQ(st.last_cpu, SJL_CPU_ANY);
}

}  // namespace
