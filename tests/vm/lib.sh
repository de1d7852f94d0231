# Helpers for VM scenarios (sourced; POSIX sh, the guest runs them with /bin/sh).
# Each scenario runs from the project root inside the guest and exits non-zero on failure.
SCX_STATE=/sys/kernel/sched_ext/state
CFIFO=target/cmake/scx_cfifo
mkdir -p /tmp/vmtest
cd_tmp_note="stress-ng needs a writable cwd; run it with --temp-path /tmp"

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
