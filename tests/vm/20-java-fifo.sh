# The Java FIFO scheduler stays attached >= 30 s while stress-ng and a second JVM run; state
# stays enabled throughout and root/ops shows its name; SIGINT detaches it cleanly (exit kind 64,
# process exit code 0); its counters add up.
# vm-timeout: 240
. tests/vm/lib.sh
out=/tmp/vmtest/jfifo.out
# A background job of a script starts with SIGINT ignored; restore it as a terminal would.
env --default-signal=INT $JAVA $JAVA_OPTS -cp target/classes io.github.scxjavaland.examples.FifoScheduler --name jfifo --stats 1 > $out 2>&1 &
pid=$!
wait_state enabled 60 || { cat $out; fail "Java scheduler did not enable"; }
[ "$(ops_name)" = jfifo ] || fail "root/ops is '$(ops_name)'"
ok "enabled as $(ops_name)"

stress-ng --cpu 2 --switch 1 --timeout 30 --temp-path /tmp -q &
load=$!
# A second JVM as workload: compiles and runs a small program that allocates and burns CPU.
$JAVA $JAVA_OPTS -Xmx256m -XX:+UseSerialGC -cp target/test-classes io.github.scxjavaland.vm.BusyJvm 25 > /tmp/vmtest/busy.out 2>&1 &
busy=$!
i=0
while [ $i -lt 32 ]; do
  [ "$(state)" = enabled ] || { cat $out; fail "state became $(state) after $i s"; }
  sleep 1; i=$((i + 1))
done
wait $load || fail "stress-ng failed"
wait $busy || { cat /tmp/vmtest/busy.out; fail "the workload JVM failed"; }
grep -q 'busy: done' /tmp/vmtest/busy.out || fail "the workload JVM did not finish its work"
ok "enabled for 32 s under stress-ng and a second JVM"

kill -INT $pid
wait $pid; rc=$?
tail -n 6 $out
[ $rc -eq 0 ] || fail "the Java scheduler exited $rc"
grep -q 'exit kind 64 ' $out || fail "exit kind is not 64"
wait_state disabled 5 || fail "state '$(state)' after detach"
ok "SIGINT: clean detach, exit kind 64, exit code 0"
grep -q 'restricted method' $out && fail "the JVM warned about native access"
assert_clean_dmesg

assert_counters_add_up $out 1000
