# The deadline scheduler shares a CPU by weight: two CPU hogs pinned to CPU 1, at nice 0 and
# nice 5 (sched_ext weights 100 and 33), get CPU time (utime + stime from /proc/PID/stat, over
# 40 s) in the ratio 100:33 = 3.03, within 10 %; together they get most of CPU 1 (the rest goes
# to the JVM's own threads and to the round trips through user space). It must stay attached
# throughout and detach cleanly on SIGINT.
# History: on a fast idle host this measured 1.90-2.04. Not timing luck but a product defect:
# while the policy decided a task it had just read, the BPF side saw "user space holds nothing"
# (the nr_scheduled of the previous round) and refilled the running hog with an unweighted 5 ms
# slice; and a kick to a CPU on its way to idle was lost, leaving it idle until its next tick.
# BPF now uses its own exact count of tasks in user space's hands and kicks such CPUs plainly:
# 2.970 and 2.980 (CPU 1 79-81 % to the hogs) in the same emulated VM.
# Nothing else is started during the window (one sleep, no polling), and the JVM is not pinned.
# vm-timeout: 300
. tests/vm/lib.sh
cp=${SCX_JAVA_CP:-target/classes}
out=/tmp/vmtest/deadline-fair.out
# A background job of a script starts with SIGINT ignored; restore it as a terminal would.
env --default-signal=INT $JAVA $JAVA_OPTS -cp "$cp" io.github.scxjavaland.examples.DeadlineScheduler --stats 5 > $out 2>&1 &
sched=$!
wait_state enabled 90 || { cat $out; fail "the deadline scheduler did not enable"; }
[ "$(ops_name)" = deadline ] || fail "root/ops is '$(ops_name)'"
ok "enabled as $(ops_name)"

hog() { nice -n "$1" taskset -c 1 sh -c 'while :; do :; done' & }
hog 0; h0=$!
hog 5; h5=$!
# utime + stime in clock ticks (the command name "(sh)" holds no space, so fields stay put)
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
sleep 20 # warm-up: the JIT compiles the scheduling loop under this very load
a0=$(ticks $h0); b0=$(ticks $h5); t0=$(date +%s)
sleep 40
a1=$(ticks $h0); b1=$(ticks $h5); t1=$(date +%s)
kill $h0 $h5
[ "$(state)" = enabled ] || { tail $out; fail "state became $(state) during the measurement"; }
grep -q 'exit kind' $out && { tail $out; fail "the scheduler exited during the measurement"; }
da=$((a1 - a0)); db=$((b1 - b0)); hz=$(getconf CLK_TCK)
echo "over $((t1 - t0)) s: nice 0 got $da ticks, nice 5 got $db ticks ($hz ticks/s)"
[ $db -gt 0 ] || fail "the nice 5 hog got no CPU"
awk -v a=$da -v b=$db -v busy=$((hz * (t1 - t0))) 'BEGIN {
  r = a / b; want = 100 / 33
  printf "ratio %.3f (weights: %.3f, off by %.1f %%); CPU 1 busy %.0f %%\n", r, want, 100 * (r / want - 1), 100 * (a + b) / busy
  exit !(r > want * 0.90 && r < want * 1.10 && a + b > busy * 0.5)
}' || fail "CPU time does not follow the weights (or CPU 1 was not kept busy)"
ok "CPU time follows the weights"

kill -INT $sched
wait $sched; rc=$?
tail -n 4 $out
[ $rc -eq 0 ] || fail "the deadline scheduler exited $rc"
grep -q 'exit kind 64 ' $out || fail "exit kind is not 64"
wait_state disabled 5 || fail "state '$(state)' after detach"
# The runner's last report (StatsReport.isFinal) comes once, after the detach, with the policy's figures.
[ "$(grep -c '^final: .* held=' $out)" -eq 1 ] || { tail -n 4 $out; fail "not exactly one final report"; }
user=$(counter user $out)
[ "${user:-0}" -gt 1000 ] || fail "only ${user:-0} decisions came from user space"
ok "clean detach; $user decisions from user space"
assert_clean_dmesg
