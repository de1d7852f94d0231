# Fault 9: starting without privileges (an unprivileged user; root without CAP_SYS_ADMIN and
# CAP_BPF) gives a clear error and attaches nothing.
# vm-timeout: 240
. tests/vm/lib.sh
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
  java -Duser.home=/tmp -cp $JAVA_CP io.github.scxjavaland.vm.FaultDriver expect-refusal NOT_PRIVILEGED \
  > /tmp/vmtest/nobody.out 2>&1
rc=$?
grep -E '^(refused|message|FAIL)' /tmp/vmtest/nobody.out
[ $rc -eq 0 ] || { cat /tmp/vmtest/nobody.out; fail "an unprivileged user was not refused with NOT_PRIVILEGED"; }
[ "$(state)" = disabled ] || fail "something got attached"
ok "unprivileged user: refused, nothing attached"
capsh --drop=cap_sys_admin,cap_bpf -- -c "java -cp $JAVA_CP io.github.scxjavaland.vm.FaultDriver expect-refusal NOT_PRIVILEGED" \
  > /tmp/vmtest/nocap.out 2>&1
rc=$?
grep -E '^(refused|message|FAIL)' /tmp/vmtest/nocap.out
[ $rc -eq 0 ] || { cat /tmp/vmtest/nocap.out; fail "root without CAP_SYS_ADMIN/CAP_BPF was not refused"; }
grep -q 'CAP_SYS_ADMIN' /tmp/vmtest/nocap.out || fail "the message does not name the missing capability"
[ "$(state)" = disabled ] || fail "something got attached"
ok "root without CAP_SYS_ADMIN and CAP_BPF: refused, nothing attached"
# The examples, as a user runs them: one line naming the cause, exit status 1, no stack trace.
for ex in FifoScheduler DeadlineScheduler; do
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    java -Duser.home=/tmp -cp $JAVA_CP io.github.scxjavaland.examples.$ex > /tmp/vmtest/ex.out 2>&1
  rc=$?
  err=$(grep -v '^deadline: slice ' /tmp/vmtest/ex.out)
  echo "$ex: $err"
  [ $rc -eq 1 ] || fail "$ex exited $rc, not 1"
  [ "$(echo "$err" | wc -l)" -eq 1 ] || fail "$ex printed more than one line for a setup error"
  echo "$err" | grep -q "^$ex: .*CAP_SYS_ADMIN" || fail "$ex's line does not name the cause"
done
ok "the examples say why in one line and exit 1"
