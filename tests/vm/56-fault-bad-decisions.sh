# Fault 7: bad decisions from user space (exited pid, CPU outside the affinity, slice 0, huge
# slice, stale enq_cnt, a dispatch-ring flood): each counted as the right kind (failed / bounce
# / cancel, a bounce becoming a cancel when the wait bound took its task back first; what the
# ring refuses stays in the batch), no crash, no task lost. A CPU id the machine lacks is
# refused at the call by every method that takes one (IllegalArgumentException), changing
# nothing.
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/bad.out
start_java io.github.scxjavaland.vm.FaultDriver $out bad-decisions 40
wait_state enabled 90 || { cat $out; fail "did not enable"; }
# Pinned work (for the affinity case) and free work, both of known size.
taskset -c 0 stress-ng --cpu 1 --cpu-ops 1500 --cpu-method int64 --temp-path /tmp -q & pinned=$!
run_work 2 1500 || fail "the free workload did not complete"
wait $pinned || fail "the pinned workload did not complete"
ok "all work completed while bad decisions were injected"
wait $sched_pid; rc=$?
grep -E '^(final|injected|ok|FAIL)' $out
[ $rc -eq 0 ] || fail "the driver's checks failed (exit $rc)"
ok "every bad decision counted as the right kind"
assert_clean_dmesg
