# Adversarial policies (tests/java/.../vm/adversarial): whatever a policy does, the machine keeps
# running. For each policy, in this one VM: the scheduler enables, a workload of known size
# (CPU, fork/exec, file I/O) completes under it, the scheduler is never ejected and detaches
# cleanly on SIGINT (exit kind 64), the kernel log shows no stall or BPF error, and every task
# sent to user space has exactly one outcome in the counters.
# Runs at 2, 4 and 8 vCPUs. SCX_ADV_POLICIES limits the policies (space-separated names).
# vm-cpus: 2 4 8
# vm-timeout: 2400
. tests/vm/lib.sh
policies=${SCX_ADV_POLICIES:-"cpu0 rr-pinned hold-half slice-1s slice-10us sleep-50ms throw random pause-10s preempt-all"}
nfail=0
for p in $policies; do
  echo "--- policy $p on $(nproc) CPUs"
  out=/tmp/vmtest/adv-$p.out
  dmesg -C
  start_java io.github.scxjavaland.vm.adversarial.AdversarialDriver "$out" "$p"
  if ! wait_state enabled 120; then cat "$out"; echo "FAIL($p): did not enable"; nfail=$((nfail + 1)); continue; fi
  t0=$(date +%s)
  # hold-half: every other task waits out the ageing bound, so a third of the work (still
  # hundreds of held tasks aged out) takes as long as the whole under the other policies.
  if workload "$p" 900 "$([ "$p" = hold-half ] && echo 3 || echo 1)"; then wl=ok; else wl=failed; fi
  t1=$(date +%s)
  st=$(state)
  if [ "$p" = throw ]; then
    # The runner detaches on the policy's first exception (PolicyFailedException).
    kill -0 $sched_pid 2>/dev/null && { echo "FAIL($p): the policy never threw"; stop_sched INT; }
    wait $sched_pid; rc=$?
    grep -q '^policy failed' "$out" || { echo "FAIL($p): no PolicyFailedException"; rc=1; }
  else
    stop_sched INT; rc=$?
  fi
  grep -E '^(policy failed|exit kind)' "$out"
  grep -E '^stats:' "$out" | tail -n 1 | tr ' ' '\n' | grep -E '^(aged_dsq|aged_user|tick_preempts|max_wait_us|max_kthread_wait_us|stall|bounce|cancel)=' | tr '\n' ' '; echo
  res=ok
  [ "$wl" = ok ] || { echo "FAIL($p): the workload did not complete"; res=fail; }
  [ "$p" = throw ] || [ "$st" = enabled ] || { echo "FAIL($p): state $st after the workload"; res=fail; }
  [ $rc -eq 0 ] || { tail -n 5 "$out"; echo "FAIL($p): scheduler exited $rc"; res=fail; }
  grep -q '^exit kind 64$' "$out" || { echo "FAIL($p): not a clean detach"; res=fail; }
  wait_state disabled 10 || { echo "FAIL($p): still $(state)"; res=fail; }
  if dmesg | grep -E 'runnable task stall|scx_bpf_error|BPF scheduler .* disabled \((runtime|error|watchdog)'; then
    echo "FAIL($p): kernel log shows a scheduler error"; res=fail
  fi
  (assert_all_accounted "$out") || res=fail
  echo "policy $p: $res (workload $((t1 - t0)) s)"
  [ $res = ok ] || nfail=$((nfail + 1))
done
[ $nfail -eq 0 ] || fail "$nfail policies failed"
ok "all policies passed on $(nproc) CPUs"
