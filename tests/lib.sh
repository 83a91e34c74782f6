# tests/lib.sh - helpers for shell tests. Source it, call t_pass/t_fail/t_skip
# (or t_check NAME COMMAND...), and end with t_done, which prints the
# "N passed, N failed, N skipped" line the runner adds up.
T_PASSED=0 T_FAILED=0 T_SKIPPED=0

t_pass() { T_PASSED=$((T_PASSED + 1)); echo "ok   $1"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL $1${2:+: $2}"; }
t_skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "skip $1${2:+: $2}"; }

# t_check NAME CMD...: pass when CMD exits 0.
t_check() {
    _n=$1; shift
    if "$@" >/dev/null 2>&1; then t_pass "$_n"; else t_fail "$_n" "command failed: $*"; fi
}

# t_eq NAME GOT WANT
t_eq() {
    if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got [$2] want [$3]"; fi
}

t_done() {
    echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
    [ "$T_FAILED" -eq 0 ]
}

# Can this user do a real FUSE mount? (/dev/fuse usable, fusermount3 there)
t_have_fuse() {
    [ -c /dev/fuse ] && [ -r /dev/fuse ] && [ -w /dev/fuse ] &&
        command -v fusermount3 >/dev/null 2>&1
}

# t_mount DB MNT [options]: start "newsfs mount -f" in the background and wait
# (0.1 s polls, 10 s deadline) until MNT answers; fails early if the daemon dies.
# Sets T_MOUNT_PID. Pair with t_umount MNT (also run from an EXIT trap).
t_mount() {
    _db=$1 _mnt=$2; shift 2
    mkdir -p "$_mnt"
    "$NEWSFS" mount "$_db" "$_mnt" -f "$@" 2>"${T_LOG:-/dev/null}" &
    T_MOUNT_PID=$!
    _i=0
    while [ $_i -lt 100 ]; do
        if mountpoint -q "$_mnt" 2>/dev/null; then return 0; fi
        if ! kill -0 "$T_MOUNT_PID" 2>/dev/null; then return 1; fi
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

t_umount() {
    fusermount3 -u -z "$1" 2>/dev/null || umount -l "$1" 2>/dev/null || true
    if [ -n "${T_MOUNT_PID:-}" ]; then wait "$T_MOUNT_PID" 2>/dev/null || true; fi
}
