# Fault 5: a fork storm (thousands of short-lived processes) and mass exits: no stall, the
# scheduler stays enabled, and its counters stay consistent.
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/fork.out
start_fifo $out jfork
stress-ng --fork 4 --fork-ops 3000 --temp-path /tmp -q || fail "fork storm failed"
i=0
while [ $i -lt 1000 ]; do /bin/true & i=$((i + 1)); done
wait_jobs=$(jobs -p | grep -v "^$sched_pid\$")
for j in $wait_jobs; do wait $j; done
ok "3000 forks by stress-ng and 1000 shell children done"
[ "$(state)" = enabled ] || fail "state $(state) after the storm"
sleep 2
stop_sched INT; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "exit code $rc"; }
assert_counters_add_up $out 0
assert_clean_dmesg
