# The VM runs the pinned sched_ext kernel and no scheduler is loaded at boot.
# vm-timeout: 60
. tests/vm/lib.sh
[ -e $SCX_STATE ] || fail "$SCX_STATE missing: no sched_ext in $(uname -r)"
[ "$(state)" = disabled ] || fail "state is '$(state)', expected disabled"
ok "state disabled"
pinned=$(cat "$(ci/kernel --print-dir)/release") || fail "cannot read the pinned release"
[ "$(uname -r)" = "$pinned" ] || fail "guest kernel $(uname -r), pinned $pinned"
ok "guest kernel is the pinned $pinned"
