# Fault 4: SIGINT and SIGTERM each detach cleanly: exit report printed, process exit code 0;
# under SchedulerRunner, and in a loop written by hand with BpfScheduler.stopOnSignals().
# vm-timeout: 300
. tests/vm/lib.sh

# stops_cleanly WHAT SIG OUT REPORT: the scheduler started as $sched_pid ends on SIG with exit
# code 0, prints REPORT (a pattern) and leaves sched_ext disabled.
stops_cleanly() {
  sleep 2
  stop_sched $2; rc=$?
  [ $rc -eq 0 ] || { tail $3; fail "$1, SIG$2: exit code $rc"; }
  grep -q "$4" $3 || { tail $3; fail "$1, SIG$2: no clean-detach report"; }
  wait_state disabled 5 || fail "$1, SIG$2: state $(state)"
  ok "$1, SIG$2: clean detach, report printed, exit code 0"
}

for sig in INT TERM; do
  out=/tmp/vmtest/sig$sig.out
  start_fifo $out "jsig$sig"
  stops_cleanly "SchedulerRunner" $sig $out 'exit kind 64 (unregistered from user space)'
  # The same without the runner: the loop of BpfScheduler's Javadoc, written by hand.
  out=/tmp/vmtest/hand$sig.out
  start_java io.github.scxjavaland.vm.HandLoop $out "hand$sig"
  wait_state enabled 90 || { cat $out; fail "the hand-written loop did not enable"; }
  stops_cleanly "hand-written loop" $sig $out '^hand loop: exit kind 64 '
done
assert_clean_dmesg
