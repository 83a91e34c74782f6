#!/bin/sh
# tests/bench/bench.sh - "Near-native speed at archive scale": measures newsfs
# against a plain copy of the same article files on local disk and prints one
# table (newsfs, native, ratio). Run it with `make bench` (builds first), or
#   NEWSFS=build/newsfs sh tests/bench/bench.sh
# What each figure means: tests/bench/README.md.
#
# Environment (all optional):
#   NEWSFS         the binary (default build/newsfs)
#   BENCH_ISSUES   synthetic issues to generate (default 12000, about 100,000
#                  articles; 120000 gives about 1,000,000)
#   BENCH_SEED     generator and query seed (default 1)
#   BENCH_QUERIES  search queries per length (1, 2 and 4 CJK characters; default 50)
#   BENCH_DIR      work directory (default: bench/ beside NEWSFS, i.e. build/bench):
#                  corpus/<generator>-<script hash>-n<N>-s<seed>/  cached corpora
#                  run/                 index, mount point, native copy (rebuilt each run)
#                  results-<timestamp>.json (raw numbers) and .txt (the table)
#   BENCH_GEN      shared | tests: the corpus generator (default shared when
#                  ../shared/eval/gencorpus.py exists, else tests/tools/gencorpus.py)
#   BENCH_REPS     warm repetitions of each pass (default 3)
#   BENCH_INDEX_RUNS  index runs from scratch; the one of median CPU time is
#                  reported (default 3)
#   BENCH_MOUNTS   mount/unmount cycles timed (default 5)
#   BENCH_KEEP=1   keep the native copies (run/native, run/native-largest) afterwards
#   BENCH_DROP=0   never drop the kernel caches (cold = a fresh mount only)
#   BENCH_RW=0     skip the passes on a read-write mount (-o rw)
#   BENCH_FLOOR_MAX  largest search listing whose floor (ls of a local
#                  directory of the same names) is measured (default 60000)
#
# Needs /dev/fuse and fusermount3 (else skips, exit 0), python3 (stdlib only),
# /usr/bin/time (installed from Debian when missing and root). As root, "cold"
# passes drop the kernel caches machine-wide (echo 3 > /proc/sys/vm/drop_caches).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NEWSFS=${NEWSFS:-build/newsfs}
case $NEWSFS in /*) ;; *) NEWSFS=$ROOT/$NEWSFS ;; esac
BENCH_ISSUES=${BENCH_ISSUES:-12000}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_QUERIES=${BENCH_QUERIES:-50}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_INDEX_RUNS=${BENCH_INDEX_RUNS:-3}
BENCH_MOUNTS=${BENCH_MOUNTS:-5}
BENCH_KEEP=${BENCH_KEEP:-}
BENCH_DROP=${BENCH_DROP:-1}
BENCH_FLOOR_MAX=${BENCH_FLOOR_MAX:-60000}
BENCH_DIR=${BENCH_DIR:-$(dirname "$NEWSFS")/bench}

say() { echo "bench: $*" >&2; }
skip() { say "skipped: $*"; exit 0; }

for v in BENCH_ISSUES BENCH_SEED BENCH_QUERIES BENCH_REPS BENCH_INDEX_RUNS BENCH_MOUNTS BENCH_FLOOR_MAX; do
    eval "x=\$$v"
    case $x in '' | *[!0-9]*) say "$v must be a number (got '$x')"; exit 2 ;; esac
done
[ -x "$NEWSFS" ] || { say "no executable $NEWSFS (make BUILD=... first)"; exit 2; }
{ [ -c /dev/fuse ] && command -v fusermount3 >/dev/null 2>&1; } ||
    skip "no /dev/fuse or fusermount3 on this machine"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
if [ ! -x /usr/bin/time ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing the 'time' package (for /usr/bin/time -v)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null 2>&1 ||
        say "could not install 'time'; peak RSS of the indexer from getrusage instead"
fi

case ${BENCH_GEN:-} in
    shared) GEN=$ROOT/../shared/eval/gencorpus.py ;;
    tests) GEN=$ROOT/tests/tools/gencorpus.py ;;
    '') if [ -f "$ROOT/../shared/eval/gencorpus.py" ]; then
            BENCH_GEN=shared GEN=$ROOT/../shared/eval/gencorpus.py
        else
            BENCH_GEN=tests GEN=$ROOT/tests/tools/gencorpus.py
        fi ;;
    *) say "BENCH_GEN must be shared or tests"; exit 2 ;;
esac
[ -f "$GEN" ] || { say "generator $GEN not found"; exit 2; }

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
RUN=$BENCH_DIR/run
MNT=$RUN/mnt
PIDFILE=$RUN/daemons.pid
LOCK=$BENCH_DIR/lock
PY=

# One bench per work directory: the lock is a directory holding our pid.
if ! mkdir "$LOCK" 2>/dev/null; then
    other=$(cat "$LOCK/pid" 2>/dev/null || echo)
    if [ -n "$other" ] && kill -0 "$other" 2>/dev/null; then
        say "another bench (pid $other) is using $BENCH_DIR"; exit 2
    fi
    say "removing the stale lock of pid ${other:-?}"
    rm -rf "$LOCK"; mkdir "$LOCK"
fi
echo $$ >"$LOCK/pid"

# Never leave a mount or a daemon behind: unmount, then end the daemons we
# started (their pids are in $PIDFILE), each by its id.
cleanup() {
    if [ -n "$PY" ] && kill -0 "$PY" 2>/dev/null; then
        kill -TERM "$PY" 2>/dev/null || true
        wait "$PY" 2>/dev/null || true
    fi
    if mountpoint -q "$MNT" 2>/dev/null; then
        fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -u -z "$MNT" 2>/dev/null || true
    fi
    if [ -f "$PIDFILE" ]; then
        while read -r pid; do
            if kill -0 "$pid" 2>/dev/null && grep -q newsfs "/proc/$pid/cmdline" 2>/dev/null; then
                kill -TERM "$pid" 2>/dev/null || true
            fi
        done <"$PIDFILE"
        rm -f "$PIDFILE"
    fi
    rm -rf "$LOCK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The corpus, cached by (generator and its content, N, seed); generated into
# a temporary directory renamed when complete.
hash=$(sha1sum "$GEN" | cut -c1-8)
CORPUS=$BENCH_DIR/corpus/$BENCH_GEN-$hash-n$BENCH_ISSUES-s$BENCH_SEED
if [ ! -d "$CORPUS" ]; then
    say "generating $BENCH_ISSUES issues with $BENCH_GEN generator (seed $BENCH_SEED) into $CORPUS"
    mkdir -p "$BENCH_DIR/corpus"
    rm -rf "$CORPUS.tmp"
    python3 "$GEN" "$CORPUS.tmp" "$BENCH_ISSUES" --seed "$BENCH_SEED" >&2
    mv "$CORPUS.tmp" "$CORPUS"
else
    say "using cached corpus $CORPUS"
fi

mkdir -p "$RUN" "$MNT"
if mountpoint -q "$MNT" 2>/dev/null; then fusermount3 -u "$MNT" || fusermount3 -u -z "$MNT"; fi
rm -rf "$RUN/tmp"
: >"$RUN/newsfs.log"

export NEWSFS BENCH_ISSUES BENCH_SEED BENCH_QUERIES BENCH_REPS BENCH_INDEX_RUNS BENCH_MOUNTS BENCH_KEEP \
    BENCH_DROP BENCH_DIR BENCH_GEN BENCH_FLOOR_MAX
# In the background so that a signal reaches our trap at once (wait returns);
# the trap then stops the driver, which unmounts and ends its daemons.
BENCH_CORPUS=$CORPUS BENCH_RUN=$RUN BENCH_PIDFILE=$PIDFILE \
    python3 "$ROOT/tests/bench/bench.py" </dev/null &
PY=$!
rc=0
wait "$PY" || rc=$?
PY=
exit "$rc"
