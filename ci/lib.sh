# Shared helpers for the ci/ scripts. Sourced, never run.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="${SCX_CACHE:-$top/.cache}"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
require_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (apt-get, BPF, qemu 9p)"; }
