# Fault 1: a GC storm in the scheduler's own JVM (allocating policy, full GCs forced every
# 100 ms) for 60 s under a CPU workload: the kernel never stops the scheduler (it detaches
# itself after 60 s: exit kind 64, 60 s after it was enabled) and all work completes.
# vm-timeout: 400
. tests/vm/lib.sh
out=/tmp/vmtest/gc.out
start_java io.github.scxjavaland.vm.FaultDriver $out gc-storm 60
wait_state enabled 120 || { cat $out; fail "did not enable"; }
ok "enabled; GC storm running"
run_work 4 4000 & work=$!
wait $sched_pid; rc=$?
grep -E '^(gc-storm|stats)' $out | tail -n 3
[ $rc -eq 0 ] || { cat $out; fail "the GC-storm scheduler exited $rc (kernel stopped it?)"; }
grep -q 'exit kind 64 ' $out || fail "not a detach from user space"
# Kernel timestamps of enable and disable: the scheduler was in charge the whole time.
t_on=$(dmesg | sed -n 's/^\[ *\([0-9]*\)\..*BPF scheduler "gcstorm" enabled.*/\1/p' | tail -n 1)
t_off=$(dmesg | sed -n 's/^\[ *\([0-9]*\)\..*BPF scheduler "gcstorm" disabled (unregistered from user space).*/\1/p' | tail -n 1)
[ -n "$t_on" ] && [ -n "$t_off" ] || fail "no enable/disable lines in the kernel log"
echo "enabled_seconds=$((t_off - t_on))"
[ $((t_off - t_on)) -ge 59 ] || fail "enabled only $((t_off - t_on)) s"
ok "enabled $((t_off - t_on)) s through the GC storm ($(sed -n 's/.*forced_gcs=\([0-9]*\).*/\1/p' $out) forced GCs), detached by itself"
wait $work || fail "the workload did not complete"
ok "workload (4 x 4000 ops) completed"
assert_clean_dmesg
