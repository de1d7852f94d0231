# Affinity is a set a policy can read (QueuedTasks.mayRunOn / nextAllowedCpu): a round-robin
# policy that sends every task to a concrete CPU its affinity allows is never bounced, while
# some tasks are pinned with taskset to subsets of the CPUs and others have their affinity
# changed every 50 ms while they run. A change re-queues the task with a new enq_cnt, so a
# decision taken from the old set is cancelled, never bounced. Checks: all work completes,
# bounce=0, every decision went to a concrete allowed CPU, every task sent has one outcome,
# nr_queued is exactly the records sent and not read (it read one too many when BPF counted a
# record after submitting it: user space had already subtracted it), clean detach, clean
# kernel log.
# vm-cpus: 4
# vm-timeout: 420
. tests/vm/lib.sh
out=/tmp/vmtest/affinity.out
start_java io.github.scxjavaland.vm.AffinityRoundRobin $out
wait_state enabled 90 || { cat $out; fail "did not enable"; }
ok "enabled as $(ops_name)"

taskset -c 1,2 stress-ng --cpu 2 --cpu-ops 600 --cpu-method int64 --temp-path /tmp -q & p12=$!
taskset -c 3 stress-ng --cpu 1 --cpu-ops 300 --cpu-method int64 --exec 1 --exec-ops 40 --temp-path /tmp -q & p3=$!
# Hogs whose affinity moves while they run.
hogs=""
for _ in 1 2 3; do sh -c 'while :; do :; done' & hogs="$hogs $!"; done
changes=0
for round in $(seq 1 80); do
  for h in $hogs; do
    case $(( (round + h) % 5 )) in
      0) set=0 ;; 1) set=1-2 ;; 2) set=3 ;; 3) set=0,2 ;; *) set=0-3 ;;
    esac
    taskset -pc $set $h > /dev/null && changes=$((changes + 1))
  done
  sleep 0.05
done
run_work 2 400 || fail "the free workload did not complete"
kill $hogs
wait $p12 || fail "the workload pinned to CPUs 1-2 did not complete"
wait $p3 || fail "the workload pinned to CPU 3 did not complete"
ok "all work completed; $changes affinity changes made while tasks ran"
[ "$(state)" = enabled ] || { tail $out; fail "state became $(state)"; }
stop_sched INT || { tail $out; fail "the scheduler exited $?"; }
grep -q '^exit kind 64$' $out || { tail $out; fail "not a clean detach"; }
grep -E '^(final|rr):' $out
bounce=$(counter bounce $out); cancel=$(counter cancel $out); user=$(counter user $out)
decided=$(sed -n 's/^rr: decided=\([0-9]*\).*/\1/p' $out); concrete=$(sed -n 's/.* concrete=\([0-9]*\).*/\1/p' $out)
[ "$user" -gt 1000 ] || fail "only $user decisions were applied"
[ "$bounce" -eq 0 ] || fail "$bounce decisions were bounced"
[ "$decided" -eq "$concrete" ] || fail "$decided decisions, only $concrete to an allowed CPU"
ok "$user decisions applied, $cancel cancelled by affinity changes, none bounced"
read=$(sed -n 's/.* read=\([0-9]*\).*/\1/p' $out); queued=$(counter queued $out); sent=$(counter user_queued $out)
[ $((sent - read)) -eq "$queued" ] || fail "nr_queued $queued, but $sent sent and $read read"
ok "nr_queued $queued = $sent sent - $read read"
assert_all_accounted $out
assert_clean_dmesg
