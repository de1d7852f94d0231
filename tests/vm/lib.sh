# Helpers for VM scenarios (sourced; POSIX sh, the guest runs them with /bin/sh).
# Each scenario runs from the project root inside the guest and exits non-zero on failure.
SCX_STATE=/sys/kernel/sched_ext/state
CFIFO=${SCX_CFIFO:-target/cmake/scx_cfifo}
mkdir -p /tmp/vmtest


fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
state() { cat $SCX_STATE; }
ops_name() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }

# wait_state STATE SECONDS
wait_state() {
  i=0
  while [ "$(state)" != "$1" ]; do
    i=$((i + 1)); [ $i -gt $(($2 * 10)) ] && return 1
    sleep 0.1
  done
}

# counter NAME FILE: last value of NAME=... on a stats/final line
counter() { grep -E '^(stats|final):' "$2" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# No watchdog or BPF error in the kernel log unless a scenario expects one.
assert_clean_dmesg() {
  if dmesg | grep -E 'runnable task stall|scx_bpf_error|BPF scheduler .* disabled \((runtime|error|watchdog)' ; then
    fail "kernel log shows a scheduler error"
  fi
}

JAVA_CP=${SCX_JAVA_CP:-target/classes:target/test-classes}
# The JVM under test: SCX_JAVA (default: java on PATH). JDK 24+ warns about System.load unless
# native access is enabled: JAVA_OPTS enables it for the class path, MODULE_OPTS for the module.
JAVA=${SCX_JAVA:-java}
java_major=$($JAVA -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
JAVA_OPTS=${SCX_JAVA_OPTS:-}
MODULE_OPTS=""
if [ "${java_major:-17}" -ge 24 ] 2>/dev/null; then
  JAVA_OPTS="$JAVA_OPTS --enable-native-access=ALL-UNNAMED"
  MODULE_OPTS="--enable-native-access=io.github.scxjavaland"
fi

# start_java CLASS OUT ARGS...: a Java scheduler in the background with SIGINT restored (a script's
# background jobs start with it ignored); sets $sched_pid.
start_java() {
  cls=$1 out=$2; shift 2
  env --default-signal=INT $JAVA $JAVA_OPTS -cp $JAVA_CP "$cls" "$@" > "$out" 2>&1 &
  sched_pid=$!
}

# start_fifo OUT NAME: the Java FIFO example with stats every second, waits until enabled.
start_fifo() {
  start_java io.github.scxjavaland.examples.FifoScheduler "$1" --name "$2" --stats 1
  wait_state enabled 90 || { cat "$1"; fail "the Java FIFO did not enable"; }
}

# A workload of known size: N processes x K bogo-ops of CPU work; exit 0 iff all of it completed.
run_work() {
  stress-ng --cpu "$1" --cpu-ops "$2" --cpu-method int64 --temp-path /tmp -q
}

# stop_sched SIGNAL: send it to $sched_pid, wait, echo the exit code.
stop_sched() {
  kill -"$1" $sched_pid
  wait $sched_pid
}

# assert_counters_add_up OUT MIN: every task sent to user space got exactly one outcome
# (user + cancel + bounce + failed); records in flight at detach are the only allowed gap.
assert_counters_add_up() {
  queued=$(counter user_queued "$1"); user=$(counter user "$1"); cancel=$(counter cancel "$1")
  bounce=$(counter bounce "$1"); failed=$(counter failed "$1")
  sum=$((user + cancel + bounce + failed))
  echo "user_queued=$queued user=$user cancel=$cancel bounce=$bounce failed=$failed"
  [ "$queued" -ge "$2" ] || fail "only $queued tasks went through user space"
  diff=$((queued - sum)); [ $diff -lt 0 ] && diff=$((-diff))
  [ $diff -le 64 ] || fail "counters do not add up: queued $queued vs decided $sum"
  ok "counters add up ($sum of $queued decided)"
}

# assert_all_accounted OUT: the final counters give every record sent to user space exactly one
# outcome (see struct sjl_counters in bpf/intf.h): applied, bounced, dequeued by the kernel,
# taken back (aged or stalled), or still held.
assert_all_accounted() {
  c() { counter "$1" "$out_file"; }
  out_file=$1
  sent=$(c user_queued); out=$(( $(c user) + $(c bounce) + $(c user_dequeued) + $(c aged_user) + $(c stall_rescues) + $(c in_user) ))
  echo "sent=$sent outcomes=$out (user=$(c user) bounce=$(c bounce) dequeued=$(c user_dequeued) aged_user=$(c aged_user) stall_rescues=$(c stall_rescues) in_user=$(c in_user))"
  [ "$sent" -eq "$out" ] || fail "counters do not account for every task: $sent sent, $out outcomes"
  ok "every one of $sent tasks sent to user space has one outcome"
}

# workload NAME SECONDS_LIMIT: a fixed amount of CPU work, fork/exec and file I/O (so kworkers
# have work too); fails unless all of it completes within the limit.
# An optional third argument divides the work (a policy whose every other task waits out the
# ageing bound needs the same code paths, not the same number of trips through them).
workload() {
  d=${3:-1}
  timeout "$2" stress-ng --cpu "$(nproc)" --cpu-ops $((3000 / d)) --cpu-method int64 --exec 2 --exec-ops $((100 / d)) \
    --hdd 1 --hdd-ops $((100 / d)) --hdd-bytes 4m --temp-path /tmp -q
}
