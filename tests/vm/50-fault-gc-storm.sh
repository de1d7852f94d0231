# Fault 1: a GC storm in the scheduler's own JVM (allocating policy, forced full GCs every
# 100 ms) for 60 s under a CPU workload: the scheduler stays enabled and all work completes.
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/gc.out
start_java io.github.scxjavaland.vm.FaultDriver $out gc-storm 60
wait_state enabled 90 || { cat $out; fail "did not enable"; }
ok "enabled; GC storm running"
start=$(date +%s)
run_work 4 4000 & work=$!
while kill -0 $sched_pid 2>/dev/null; do
  s=$(state)
  [ "$s" = enabled ] || [ "$(($(date +%s) - start))" -gt 58 ] || { cat $out; fail "state $s after $(($(date +%s) - start)) s"; }
  sleep 1
done
wait $sched_pid; rc=$?
cat $out | grep -E '^(gc-storm|stats)' | tail -n 3
[ $rc -eq 0 ] || { cat $out; fail "the GC-storm scheduler exited $rc (kernel stopped it?)"; }
ok "enabled for the whole GC storm ($(sed -n 's/.*forced_gcs=\([0-9]*\).*/\1/p' $out) forced GCs)"
wait $work || fail "the workload did not complete"
ok "workload (4 x 4000 ops) completed"
assert_clean_dmesg
