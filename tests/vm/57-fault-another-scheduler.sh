# Fault 8: starting while another sched_ext scheduler is loaded gives a clear error, and the
# other scheduler is untouched.
# vm-timeout: 240
. tests/vm/lib.sh
$CFIFO -n other -i 0 > /tmp/vmtest/other.out 2>&1 &
other=$!
wait_state enabled 20 || fail "the C FIFO did not enable"
java -cp $JAVA_CP io.github.scxjavaland.vm.FaultDriver expect-refusal ANOTHER_SCHEDULER > /tmp/vmtest/refused.out 2>&1
rc=$?
cat /tmp/vmtest/refused.out | grep -E '^(refused|message|FAIL)'
[ $rc -eq 0 ] || fail "the second scheduler was not refused with ANOTHER_SCHEDULER"
grep -q 'other' /tmp/vmtest/refused.out || fail "the message does not name the running scheduler"
[ "$(state)" = enabled ] && [ "$(ops_name)" = other ] || fail "the first scheduler was disturbed"
ok "refused clearly; 'other' still enabled"
kill -INT $other; wait $other || fail "the C FIFO did not exit cleanly"
grep -q 'exit kind=64 ' /tmp/vmtest/other.out || fail "the C FIFO did not detach cleanly"
ok "the first scheduler detached normally afterwards"
