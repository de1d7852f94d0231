# The Java FIFO runs from the module path (the module io.github.scxjavaland, its native library
# loaded from inside it) for 15 s under stress-ng, then SIGINT detaches it cleanly.
# vm-timeout: 180
. tests/vm/lib.sh
out=/tmp/vmtest/jmod.out
env --default-signal=INT $JAVA $MODULE_OPTS --module-path target/classes \
  -m io.github.scxjavaland/io.github.scxjavaland.examples.FifoScheduler --name jmod --stats 1 > $out 2>&1 &
pid=$!
wait_state enabled 60 || { cat $out; fail "the Java FIFO did not enable from the module path"; }
[ "$(ops_name)" = jmod ] || fail "root/ops is '$(ops_name)'"
ok "enabled as $(ops_name) from the module path ($($JAVA -version 2>&1 | head -n 1))"
stress-ng --cpu 2 --switch 1 --timeout 15 --temp-path /tmp -q || fail "stress-ng failed"
[ "$(state)" = enabled ] || fail "state became $(state)"
grep -q 'restricted method' $out && { cat $out; fail "the JVM warned about native access"; }
kill -INT $pid
wait $pid; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "exited $rc"; }
grep -q 'exit kind 64 ' $out || fail "exit kind is not 64"
ok "module path: clean detach"
assert_clean_dmesg
