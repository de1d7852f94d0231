# The jar as users run it: java -jar scx-javaland-VERSION.jar COMMAND. The deadline command
# schedules with --stats 1 until SIGINT and then exits 0; the monitor command in another JVM
# prints the running scheduler's counters (the same names as --stats) and exits 0 after its
# count; bad usage exits 2 with the message and the usage line; a setup error (a second scheduler while one runs)
# is one line naming the running scheduler, exit 1, no stack trace; the jar's manifest grants
# native access, so JDK 24+ prints no restricted-method warning.
# vm-timeout: 240
. tests/vm/lib.sh
jar=$(ls target/scx-javaland-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n 1)
[ -n "$jar" ] || fail "no jar in target/ (mvn package first)"
out=/tmp/vmtest/launch.out mon=/tmp/vmtest/launch-mon.out two=/tmp/vmtest/launch-two.out

$JAVA -jar "$jar" deadline --bogus > /dev/null 2> /tmp/vmtest/launch-bad.err; rc=$?
[ $rc -eq 2 ] || fail "bad usage exited $rc, not 2"
[ "$(wc -l < /tmp/vmtest/launch-bad.err)" -eq 2 ] && sed -n 2p /tmp/vmtest/launch-bad.err | grep -q '^Usage: ' ||
  { cat /tmp/vmtest/launch-bad.err; fail "bad usage did not print the message and the usage line"; }
$JAVA -jar "$jar" > /dev/null 2>&1; [ $? -eq 2 ] || fail "no command did not exit 2"
ok "bad usage: exit 2, $(paste -sd '|' /tmp/vmtest/launch-bad.err)"

env --default-signal=INT $JAVA -jar "$jar" deadline --name launched --stats 1 > $out 2>&1 &
sched=$!
wait_state enabled 90 || { cat $out; fail "java -jar … deadline did not enable"; }
[ "$(ops_name)" = launched ] || fail "root/ops is '$(ops_name)'"
$JAVA -jar "$jar" monitor --count 2 > $mon 2>&1 || { cat $mon; fail "monitor exited $?"; }
[ "$(grep -cE 'u: *[0-9]+' $mon)" -eq 2 ] || { cat $mon; fail "monitor did not print 2 stats lines"; }
ok "monitor from another JVM: $(tail -n 1 $mon)"
$JAVA -jar "$jar" fifo --duration 2 > /dev/null 2> $two; rc=$?
[ $rc -eq 1 ] || { cat $two; fail "a second scheduler exited $rc, not 1"; }
[ "$(wc -l < $two)" -eq 1 ] && grep -q launched $two && ! grep -q 'at io\.' $two ||
  { cat $two; fail "the setup error is not one line naming the running scheduler"; }
ok "setup error: exit 1, one line: $(cat $two)"
[ "$(state)" = enabled ] && [ "$(ops_name)" = launched ] || fail "the running scheduler was disturbed"
sleep 3 # a few more stats lines
kill -INT $sched
wait $sched; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "java -jar … deadline exited $rc"; }
[ "$(grep -c '^stats:\|u: *[0-9]' $out)" -ge 5 ] || { cat $out; fail "fewer than 5 stats lines"; }
grep -q 'restricted method' $out $mon $two && fail "the JVM warned about native access"
wait_state disabled 10 || fail "state '$(state)' after the deadline command ended"
ok "java -jar … deadline --stats 1, stopped by SIGINT: exit 0, $(grep -c 'u: *[0-9]' $out) stats lines"
assert_clean_dmesg
