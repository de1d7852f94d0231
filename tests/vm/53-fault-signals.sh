# Fault 4: SIGINT and SIGTERM each detach cleanly: exit report printed, process exit code 0;
# under SchedulerRunner, and in a loop written by hand with BpfScheduler.stopOnSignals().
# vm-timeout: 300
. tests/vm/lib.sh
for sig in INT TERM; do
  out=/tmp/vmtest/sig$sig.out
  start_fifo $out "jsig$sig"
  sleep 2
  stop_sched $sig; rc=$?
  [ $rc -eq 0 ] || { tail $out; fail "SIG$sig: exit code $rc"; }
  grep -q 'exit kind 64 (unregistered from user space)' $out || { tail $out; fail "SIG$sig: no exit report"; }
  wait_state disabled 5 || fail "SIG$sig: state $(state)"
  ok "SIG$sig: clean detach, report printed, exit code 0"
done
# The same without SchedulerRunner: a loop written by hand after BpfScheduler's Javadoc.
for sig in INT TERM; do
  out=/tmp/vmtest/hand$sig.out
  start_java io.github.scxjavaland.vm.HandLoop $out "hand$sig"
  wait_state enabled 90 || { cat $out; fail "the hand-written loop did not enable"; }
  sleep 2
  stop_sched $sig; rc=$?
  [ $rc -eq 0 ] || { tail $out; fail "hand loop, SIG$sig: exit code $rc"; }
  grep -q '^hand loop: exit kind 64 ' $out || { tail $out; fail "hand loop, SIG$sig: not a clean detach"; }
  wait_state disabled 5 || fail "hand loop, SIG$sig: state $(state)"
  ok "hand-written loop, SIG$sig: stopOnSignals ends it, clean detach, exit code 0"
done
assert_clean_dmesg
