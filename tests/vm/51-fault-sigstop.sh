# Fault 2: SIGSTOP the scheduler for longer than the watchdog timeout (5 s). Expected: the BPF
# side notices user space stopped reading (1 s), places new tasks itself and rescues the ones
# already sent, so the machine keeps running, no task stalls, and after SIGCONT the scheduler
# simply resumes (no ejection). A sleeper that wakes every 20 ms while both CPUs are busy makes
# sure tasks are sent to the stopped scheduler: CPU hogs alone are simply refilled by BPF when
# nothing else waits, so whether a stall fallback happened used to depend on timing.
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/stop.out
start_fifo $out jstop
run_work 2 3000 & work=$!
sh -c 'while :; do sleep 0.02; done' & sleeper=$!
sleep 2
kill -STOP $sched_pid
t0=$(date +%s)
ok "scheduler stopped"
while [ $(($(date +%s) - t0)) -lt 9 ]; do
  [ "$(state)" = enabled ] || fail "state $(state) while the scheduler was stopped: ejected"
  sleep 1
done
ok "9 s stopped (watchdog 5 s): still enabled, machine responsive"
kill $sleeper
kill -CONT $sched_pid
sleep 4
[ "$(state)" = enabled ] || fail "state $(state) after SIGCONT"
before=$(counter user $out)
sleep 3
after=$(counter user $out)
[ "$after" -gt "$before" ] || fail "user dispatches did not grow after SIGCONT ($before -> $after)"
ok "resumed: user dispatches $before -> $after"
stall=$(counter stall $out)
[ "$stall" -gt 0 ] || fail "no stall fallback was counted"
ok "stall fallbacks counted: $stall"
wait $work || fail "the workload did not complete"
ok "workload completed"
stop_sched INT; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "exit code $rc"; }
grep -q 'exit kind 64 ' $out || { tail $out; fail "not a clean detach"; }
ok "clean detach after resuming"
assert_clean_dmesg
