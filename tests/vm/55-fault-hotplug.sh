# Fault 6: CPU offline / online while attached: the kernel stops the scheduler asking for a
# restart (hotplug), the runner reopens it, and it is enabled again each time.
# vm-timeout: 300
# vm-cpus: 2
. tests/vm/lib.sh
out=/tmp/vmtest/hotplug.out
cpu=/sys/devices/system/cpu/cpu1/online
[ -w $cpu ] || fail "$cpu cannot be written"
start_fifo $out jhot
echo 0 > $cpu || fail "cannot offline cpu1"
ok "cpu1 offline"
i=0
until grep -q 'asked for a restart' $out && [ "$(state)" = enabled ] && [ "$(grep -c ': attached (' $out)" -ge 2 ]; do
  i=$((i + 1)); [ $i -gt 600 ] && { cat $out; fail "no restart after offlining"; }
  sleep 0.1
done
ok "restarted and enabled with cpu1 offline ($(ops_name))"
echo 1 > $cpu || fail "cannot online cpu1"
i=0
until [ "$(grep -c 'asked for a restart' $out)" -ge 2 ] && [ "$(state)" = enabled ] && [ "$(grep -c ': attached (' $out)" -ge 3 ]; do
  i=$((i + 1)); [ $i -gt 600 ] && { cat $out; fail "no restart after onlining"; }
  sleep 0.1
done
ok "restarted and enabled with cpu1 back online"
run_work 2 1000 || fail "workload failed"
stop_sched INT; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "exit code $rc"; }
grep 'restart' $out
ok "clean detach after two restarts"
