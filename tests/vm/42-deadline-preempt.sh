# Preemption: with both CPUs busy with CPU hogs of the policy's, a task that wakes up with an
# earlier deadline cuts the hog on its CPU (DispatchedTasks.Decision.preempt). The deadline
# example runs 3 times with preemption (--preempt) and 3 times without, alternating, in this
# one boot, its JVM pinned to CPU 0 (so CPU 1 runs only a hog of the policy's when the waker
# comes), with a 20 ms base slice (-S 20000, scx_rustland's default slice: long slices are
# what preemption is for; with the default 1 ms, which ends at the next 4 ms tick anyway, it
# measured 7.75 ms with against 7.04 ms without, medians of 3 in one boot under emulation);
# each run: a hog pinned to each CPU, then cyclictest (one SCHED_OTHER thread pinned to CPU 1,
# 10 ms interval, 400 loops: how late it wakes) and perf bench sched pipe (two tasks answering
# each other through pipes, 1000 round trips: request/response latency).
# Checks: the BPF side counted preempting decisions (nr_preempt_dispatches) in every run with
# preemption and none without; every run detached cleanly with every task accounted for. The
# latencies are printed, with medians (docs/BENCHMARKS.md), not compared: a test asserts a
# guarantee, not a timing.
# vm-timeout: 900
. tests/vm/lib.sh
cp=${SCX_JAVA_CP:-target/classes}
hz=$(getconf CLK_TCK)

# run MODE N: MODE is preempt or nopreempt; prints "MODE N: cyclictest avg A us, pipe U us/op"
run() {
  out=/tmp/vmtest/preempt-$1-$2.out cyc=/tmp/vmtest/cyc-$1-$2.out pipe=/tmp/vmtest/pipe-$1-$2.out
  flag=""; [ $1 = preempt ] && flag=--preempt
  env --default-signal=INT taskset -c 0 $JAVA $JAVA_OPTS -cp "$cp" io.github.scxjavaland.examples.DeadlineScheduler \
    --name dl_$1 --stats 1 -S 20000 $flag > $out 2>&1 &
  sched=$!
  wait_state enabled 90 || { cat $out; fail "the deadline scheduler ($1) did not enable"; }
  taskset -c 0 sh -c 'while :; do :; done' & h0=$!
  taskset -c 1 sh -c 'while :; do :; done' & h1=$!
  sleep 5 # the JIT compiles the scheduling loop under this load
  cyclictest -t1 -a 1 -i 10000 -l 400 -q > $cyc 2>&1 || { cat $cyc; fail "cyclictest failed ($1)"; }
  perf bench sched pipe -l 1000 > $pipe 2>&1 || { cat $pipe; fail "perf bench sched pipe failed ($1)"; }
  kill $h0 $h1
  [ "$(state)" = enabled ] || { tail $out; fail "state became $(state) ($1)"; }
  kill -INT $sched
  wait $sched || { tail $out; fail "the deadline scheduler ($1) exited $?"; }
  wait_state disabled 10 || fail "state '$(state)' after $1 detached"
  avg=$(sed -n 's/.*Avg: *\([0-9]*\).*/\1/p' $cyc)
  usop=$(sed -n 's/^ *\([0-9.]*\) usecs\/op.*/\1/p' $pipe)
  [ -n "$avg" ] && [ -n "$usop" ] || { cat $cyc $pipe; fail "no figures ($1)"; }
  preempts=$(counter preempts $out)
  echo "$1 $2: cyclictest avg $avg us, pipe $usop us/op, preempting decisions $preempts"
  (assert_all_accounted $out) || fail "counters ($1 $2)"
  if [ $1 = preempt ]; then
    [ "$preempts" -gt 0 ] || { grep final: $out; fail "no decision preempted a hog ($1 $2)"; }
  else
    [ "$preempts" -eq 0 ] || fail "$preempts preempting decisions without --preempt"
  fi
  echo "$1 $avg $usop" >> /tmp/vmtest/preempt-figures
}

rm -f /tmp/vmtest/preempt-figures
for n in 1 2 3; do run nopreempt $n; run preempt $n; done
# Medians of the three runs of each mode.
median() { grep "^$1 " /tmp/vmtest/preempt-figures | awk -v f=$2 '{print $f}' | sort -n | sed -n 2p; }
for m in nopreempt preempt; do
  echo "median $m: cyclictest avg $(median $m 2) us, pipe $(median $m 3) us/op"
done
ok "preemption counted in every run with it, never without"
assert_clean_dmesg
