# JDK Flight Recorder: the deadline command runs 15 s under stress-ng with a recording on
# (-XX:StartFlightRecording, the default settings), is stopped with SIGINT, and the recording it
# leaves is read back with jdk.jfr.consumer (tests/java/.../vm/JfrCheck.java): one Attach, one
# Exit with a clean detach and its report, Round events (tasks dequeued, decisions, crossings,
# decide time) that add up, and Counters every second that never go down.
# vm-timeout: 300
. tests/vm/lib.sh
jar=$(ls target/scx-javaland-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n 1)
[ -n "$jar" ] || fail "no jar in target/ (mvn package first)"
rec=/tmp/vmtest/sched.jfr out=/tmp/vmtest/jfr.out
rm -f $rec
env --default-signal=INT $JAVA -XX:StartFlightRecording:filename=$rec,dumponexit=true \
  -jar "$jar" deadline --name jfr_dl --stats 5 > $out 2>&1 &
sched=$!
wait_state enabled 120 || { cat $out; fail "the deadline command did not enable with a recording"; }
stress-ng --cpu 2 --switch 1 --timeout 15 --temp-path /tmp -q || fail "stress-ng failed"
kill -INT $sched
wait $sched; rc=$?
[ $rc -eq 0 ] || { tail $out; fail "exited $rc"; }
[ -s $rec ] || { tail $out; fail "no recording at $rec"; }
ok "recorded $(du -k $rec | cut -f1) KiB"
$JAVA -cp $JAVA_CP io.github.scxjavaland.vm.JfrCheck $rec jfr_dl || fail "the recording's scheduler events do not hold"
ok "every scheduler event type in the recording, with figures that add up"
assert_clean_dmesg
