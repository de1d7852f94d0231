# What this kernel gets from the scheduler, as CI's kernel matrix expects (SCX_KERNEL_EXPECT):
# "works" (default): the C FIFO attaches and detaches cleanly; "unsupported": both the C FIFO
# and the Java API refuse to load, before the verifier, with a message that names the kernel,
# the unusable kfuncs and the kernels that work (Java: Reason.UNSUPPORTED_KERNEL);
# "no-sched-ext": both refuse, saying so and pointing at 6.16+, never at 6.12 (NO_SCHED_EXT).
# vm-timeout: 120
. tests/vm/lib.sh
expect=${SCX_KERNEL_EXPECT:-works}
out=/tmp/vmtest/support.out
$CFIFO -d 3 > $out 2>&1; rc=$?
case $expect in
  works)
    [ $rc -eq 0 ] || { cat $out; fail "the C FIFO failed on $(uname -r)"; }
    grep -q 'exit kind=64' $out || { cat $out; fail "no clean detach"; }
    ok "$(uname -r): the scheduler attaches and detaches" ;;
  unsupported)
    cat $out
    [ $rc -ne 0 ] || fail "the C FIFO loaded on a kernel expected to be unsupported"
    grep -q "kernel $(uname -r) cannot run this scheduler" $out || fail "no precise reason"
    grep -q 'scx_bpf_' $out || fail "the message names no kfunc"
    grep -q '7.3.4' $out || fail "the message names no kernel that works"
    grep -q 'func_proto' $out && fail "libbpf's own error leaked through: the preflight did not run"
    $JAVA $JAVA_OPTS -cp $JAVA_CP io.github.scxjavaland.vm.FaultDriver expect-refusal UNSUPPORTED_KERNEL \
      || fail "the Java API did not refuse with UNSUPPORTED_KERNEL"
    ok "$(uname -r): refused with the precise reason" ;;
  no-sched-ext)
    cat $out
    [ $rc -ne 0 ] || fail "the C FIFO loaded on a kernel without sched_ext"
    grep -q 'this kernel has no sched_ext' $out || fail "no precise reason"
    grep -q '6.16' $out || fail "the message does not point at a kernel that has sched_ext"
    grep -q '6.12 or later' $out && fail "the message sends the user to 6.12"
    $JAVA $JAVA_OPTS -cp $JAVA_CP io.github.scxjavaland.vm.FaultDriver expect-refusal NO_SCHED_EXT \
      || fail "the Java API did not refuse with NO_SCHED_EXT"
    ok "$(uname -r): no sched_ext, said precisely"
    exit 0 ;;
  *) fail "SCX_KERNEL_EXPECT=$expect" ;;
esac
[ "$(state)" = disabled ] || fail "state $(state)"
