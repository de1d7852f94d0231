# Issue 8, the CPU ownership map: under the Java FIFO scheduler, getCpuPid / getCpuPids name
# what runs on each CPU: its pinned hog or a kernel thread, never the other CPU's hog (and
# another user task in at most 5 % of samples); they report idle CPUs (0, or the scheduler's own
# threads) once the hogs are gone, and Topology.host() matches sysfs and BpfScheduler.nrCpus().
# The driver (tests/java/.../vm/CpuPidCheck.java) starts and kills the hogs itself, prints one
# "ok:" / "FAIL:" line per check and detaches cleanly (exit kind 64). The FIFO uses selectCpu as
# the seed's does (SCX_CPUPID_MODE=any sends everything to any CPU). Before the BPF side kicked
# a task's own CPU on shared-DSQ inserts, a pinned hog's CPU whose idle bit selectCpu had
# claimed slept unnoticed in ~200 ms streaks; this test caught that. It used to require the hog
# in >= 60 % of samples too: on a busy host that measured the scheduler's round-trip speed
# (59 % seen once), not the map, so that share is now printed, not asserted. Likewise the hog's
# share of the named samples (>= 90 % once): kernel threads, correctly named, took 11 % of
# them on a loaded host.
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/cpupid.out
[ "$(state)" = disabled ] || fail "sched_ext is '$(state)' before the test"
command -v taskset >/dev/null || fail "taskset missing in the guest"

# timeout bounds the driver (the JVM is slow under TCG); a busy wait loop here would add noise.
timeout -s KILL 240 java -cp $JAVA_CP io.github.scxjavaland.vm.CpuPidCheck 300 ${SCX_CPUPID_MODE:-select} > $out 2>&1
rc=$?
cat $out
[ $rc -eq 0 ] || fail "the driver exited $rc"
grep -q '^FAIL' $out && fail "the driver reported a failed check"
grep -q '^cpu-pid: all checks passed' $out || fail "the driver did not finish its checks"
[ "$(grep -c '^ok:' $out)" -ge 10 ] || fail "fewer checks ran than expected"
ok "cpu ownership map: $(grep -c '^ok:' $out) checks passed"

wait_state disabled 5 || fail "state '$(state)' after the driver exited"
# No hog survives the driver (they spin as 'sh -c while :; do :; done').
if ps -eo args 2>/dev/null | grep -v grep | grep -q 'while :; do :; done'; then
  fail "a CPU hog outlived the driver"
fi
ok "detached cleanly, no hog left behind"
assert_clean_dmesg
