# Body of ci/demo, run where sched_ext is (POSIX sh). Reads SCX_DEMO_DURATION, SCX_DEMO_SCHEDULER.
d=${SCX_DEMO_DURATION:-20}
what=${SCX_DEMO_SCHEDULER:-fifo}
jar=$(ls target/scx-javaland-*.jar | grep -v -e sources -e javadoc | head -n 1)
echo "== kernel $(uname -r), $(nproc) CPUs, sched_ext state: $(cat /sys/kernel/sched_ext/state)"
# A command of the jar (fifo, deadline) as a user runs it, or a class name on the class path.
case "$what" in
  *.*) set -- java -cp "$jar" "$what" --stats 2 ;;
  *) set -- java -jar "$jar" "$what" --stats 2 ;;
esac
echo "== starting: $*"
# A background job of a script starts with SIGINT ignored; restore it as a terminal would.
env --default-signal=INT "$@" &
pid=$!
i=0
while [ "$(cat /sys/kernel/sched_ext/state)" != enabled ]; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "scheduler did not start"; kill $pid; exit 1; }
  kill -0 $pid 2>/dev/null || { wait $pid; exit 1; }
  sleep 0.1
done
echo "== sched_ext state: $(cat /sys/kernel/sched_ext/state), ops: $(cat /sys/kernel/sched_ext/root/ops)"
echo "== workload: stress-ng --cpu 4 --switch 2 and hackbench for ${d}s"
cd /tmp
stress-ng --cpu 4 --switch 2 --timeout "$d" -q &
load=$!
end=$(($(date +%s) + d))
while [ "$(date +%s)" -lt $end ]; do
  hackbench -g 2 -l 50 2>/dev/null | grep -i time
done
wait $load
echo "== workload done; sched_ext state: $(cat /sys/kernel/sched_ext/state); stopping with SIGINT"
kill -INT $pid
wait $pid
rc=$?
echo "== scheduler exited with $rc; sched_ext state: $(cat /sys/kernel/sched_ext/state)"
exit $rc
