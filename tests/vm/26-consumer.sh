# A user's own Maven project (tests/consumer: a round-robin policy, built by ci/test against the
# artifact `mvn install` put in ~/.m2, nothing else of this repository) schedules the machine
# for 10 s under stress-ng, once from the class path and once from the module path; each run
# exits 0 after a clean detach with every task sent to user space accounted for, and none of
# its decisions bounced (it asks each task's affinity, QueuedTasks.nextAllowedCpu).
# vm-timeout: 240
. tests/vm/lib.sh
app=tests/consumer/target/rr-scheduler-1.0.jar lib=tests/consumer/target/lib
[ -f $app ] && ls $lib/scx-javaland-*.jar > /dev/null 2>&1 || fail "tests/consumer is not built (ci/test builds it)"

# run MODE JAVA-ARGS...: the consumer's main for 10 s with a CPU and switch load beside it.
run() {
  mode=$1; shift
  out=/tmp/vmtest/consumer-$mode.out
  env --default-signal=INT $JAVA "$@" 10 > $out 2>&1 &
  pid=$!
  wait_state enabled 90 || { cat $out; fail "the consumer ($mode) did not enable"; }
  [ "$(ops_name)" = rr_consumer ] || fail "root/ops is '$(ops_name)'"
  stress-ng --cpu 2 --switch 1 --timeout 6 --temp-path /tmp -q || fail "stress-ng failed ($mode)"
  wait $pid; rc=$?
  [ $rc -eq 0 ] || { tail $out; fail "the consumer ($mode) exited $rc"; }
  grep -q 'exit kind 64 ' $out || { tail $out; fail "no clean detach ($mode)"; }
  grep -q 'restricted method' $out && { cat $out; fail "the JVM warned about native access ($mode)"; }
  (assert_all_accounted $out) || fail "counters ($mode)"
  [ "$(counter bounce $out)" = 0 ] || fail "$(counter bounce $out) decisions bounced: the policy sends each task only where its affinity allows"
  wait_state disabled 10 || fail "state '$(state)' after the $mode run"
  ok "$mode: $(grep -c '^stats:' $out) stats lines, $(grep 'exit kind' $out | tail -n 1)"
}

run class-path $JAVA_OPTS -cp "$app:$lib/*" com.example.rr.RoundRobin
run module-path $MODULE_OPTS --module-path "$app:$lib" -m com.example.rr/com.example.rr.RoundRobin
assert_clean_dmesg
