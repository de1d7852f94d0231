# Fault 2: SIGSTOP the scheduler for longer than the watchdog timeout (5 s). Expected: the BPF
# side notices user space stopped reading (1 s), places new tasks itself and rescues the ones
# already sent, so the machine keeps running, no task stalls, and after SIGCONT the scheduler
# simply resumes (no ejection). A sleeper that wakes every 20 ms while both CPUs are kept busy
# makes sure tasks are sent to the stopped scheduler: CPU hogs alone are simply refilled by BPF
# when nothing else waits, and idle CPUs take wakeups directly, so whether a stall fallback
# happened used to depend on timing.
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/stop.out
start_fifo $out jstop
run_work 2 3000 & work=$!
# The known-size work may finish early on a fast host: two timed hogs keep both CPUs busy for
# the whole stop, so the sleeper's wakeups cannot go straight to an idle CPU.
stress-ng --cpu 2 --timeout 12 --temp-path /tmp -q & busy=$!
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
# Compare two stats lines printed after the resume (the JVM may take seconds to print one).
lines() { grep -c '^stats:' $out; }
wait_lines() { i=0; while [ "$(lines)" -lt "$1" ]; do i=$((i + 1)); [ $i -gt 600 ] && return 1; sleep 0.1; done; }
n0=$(lines)
wait_lines $((n0 + 1)) || fail "no stats line within 60 s of SIGCONT"
[ "$(state)" = enabled ] || fail "state $(state) after SIGCONT"
before=$(counter user $out)
wait_lines $((n0 + 4)) || fail "fewer than 4 stats lines within 60 s of SIGCONT"
after=$(counter user $out)
[ "$after" -gt "$before" ] || fail "user dispatches did not grow after SIGCONT ($before -> $after)"
ok "resumed: user dispatches $before -> $after"
stall=$(counter stall $out)
[ "$stall" -gt 0 ] || { grep '^stats:' $out | tail -n 1; fail "no stall fallback was counted"; }
ok "stall fallbacks counted: $stall"
wait $work || fail "the workload did not complete"
ok "workload completed"
wait $busy
stop_sched INT; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "exit code $rc"; }
grep -q 'exit kind 64 ' $out || { tail $out; fail "not a clean detach"; }
ok "clean detach after resuming"
assert_clean_dmesg
