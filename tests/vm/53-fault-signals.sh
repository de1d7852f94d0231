# Fault 4: SIGINT and SIGTERM each detach cleanly: exit report printed, process exit code 0.
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
assert_clean_dmesg
