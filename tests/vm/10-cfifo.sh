# The C FIFO scheduler on the core: attaches, shows its name, survives a 20 s stress-ng load
# with no watchdog exit, a Java --monitor in another process reads its counters, its counters
# add up, and SIGINT detaches it with exit kind 64.
# vm-timeout: 180
. tests/vm/lib.sh
out=/tmp/vmtest/cfifo.out
$CFIFO -i 1 > $out 2>&1 &
pid=$!
wait_state enabled 20 || { cat $out; fail "scheduler did not enable"; }
[ "$(ops_name)" = cfifo ] || fail "root/ops is '$(ops_name)'"
ok "enabled as $(ops_name)"

stress-ng --cpu 4 --switch 2 --timeout 20 --temp-path /tmp -q || fail "stress-ng failed"
[ "$(state)" = enabled ] || { cat $out; fail "not enabled after the load (state $(state))"; }
ok "still enabled after 20 s of stress-ng"

# --monitor watches it from another process through its mapped counters.
timeout 40 $JAVA $JAVA_OPTS -cp $JAVA_CP io.github.scxjavaland.examples.DeadlineScheduler --monitor 1 > /tmp/vmtest/mon.out 2>&1
grep -qE 'u: *[0-9]+' /tmp/vmtest/mon.out || { cat /tmp/vmtest/mon.out; fail "--monitor printed no stats"; }
ok "--monitor from another JVM: $(grep -cE 'u: *[0-9]+' /tmp/vmtest/mon.out) stats lines"

kill -INT $pid
wait $pid; rc=$?
cat $out | tail -n 4
[ $rc -eq 0 ] || fail "scx_cfifo exited $rc"
grep -q 'exit kind=64 ' $out || fail "exit kind is not 64"
wait_state disabled 5 || fail "state '$(state)' after detach"
ok "SIGINT: clean detach, exit kind 64"
assert_clean_dmesg

assert_counters_add_up $out 1000
