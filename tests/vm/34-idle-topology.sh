# Idle CPUs by topology: a 4-CPU VM with SMT siblings (qemu threads=2: CPUs 0+1, 2+3), hogs
# pinned to CPUs 0 and 2, the checking JVM pinned to CPU 2 too, so CPUs 1 and 3 idle. The
# idle-CPU mirror (SchedulerChannel.idleCpus, kept by ops.update_idle) shows them idle, and
# Topology.pickIdleCpu, given a task from CPU 0, takes its idle sibling 1 over CPU 3 of the
# other core (tests/java/.../vm/IdleTopologyCheck.java).
# vm-cpus: 4
# vm-smp: threads=2
# vm-timeout: 300
. tests/vm/lib.sh
out=/tmp/vmtest/idle-topo.out
taskset -c 0 sh -c 'while :; do :; done' & h0=$!
taskset -c 2 sh -c 'while :; do :; done' & h2=$!
env --default-signal=INT taskset -c 2 $JAVA $JAVA_OPTS -cp $JAVA_CP io.github.scxjavaland.vm.IdleTopologyCheck > $out 2>&1
rc=$?
kill $h0 $h2
cat $out
[ $rc -eq 0 ] || fail "the idle/topology checks failed (exit $rc)"
grep -q '^exit kind 64$' $out || fail "not a clean detach"
ok "the idle sibling was chosen over the other core"
assert_clean_dmesg
