# Fault 3: SIGKILL the scheduler: sched_ext is disabled within 1 s and all work completes.
# vm-timeout: 240
. tests/vm/lib.sh
out=/tmp/vmtest/kill.out
start_fifo $out jkill
run_work 2 2000 & work=$!
sleep 3
kill -KILL $sched_pid
t0=$(date +%s%N)
while [ "$(state)" != disabled ]; do
  [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ] || fail "still $(state) 3 s after SIGKILL"
  sleep 0.01
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "disabled_after_ms=$ms"
[ $ms -le 1000 ] || fail "disabled only after $ms ms"
ok "disabled $ms ms after SIGKILL"
wait $work || fail "the workload did not complete"
ok "workload completed on the default scheduler"
dmesg | grep -q 'BPF scheduler "jkill" disabled' || fail "no disable message in the kernel log"
