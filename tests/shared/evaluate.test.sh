#!/bin/sh
# evaluate.test.sh - when the shared evaluation material sits beside the
# repository (../shared, or $SHARED), score the sample corpus the way it is
# judged: index, mount, run evaluate.py, and hold each figure to its target.
# Skipped (and counted as skipped) without it or without FUSE.
. tests/lib.sh
set -u

shared=${SHARED:-../shared}
if [ ! -f "$shared/eval/evaluate.py" ]; then
    t_skip "shared evaluation" "no $shared/eval/evaluate.py"
    t_done
    exit $?
fi
if ! t_have_fuse; then
    t_skip "shared evaluation" "no usable /dev/fuse"
    t_done
    exit $?
fi

tmp=$(mktemp -d)
mnt=$tmp/mnt db=$tmp/index.db
T_LOG=$tmp/daemon.log
trap 't_umount "$mnt"; rm -rf "$tmp"' EXIT INT TERM
"$NEWSFS" index "$shared/corpus" "$db" --quiet 2>"$tmp/index.log" || { t_fail "index shared corpus" "$(cat "$tmp/index.log")"; t_done; exit 1; }
t_mount "$db" "$mnt" || { t_fail "mount" "$(tail -n 3 "$T_LOG")"; t_done; exit 1; }
python3 "$shared/eval/evaluate.py" "$mnt" "$shared/gold" "$shared/corpus" --queries "${EVAL_QUERIES:-500}" > "$tmp/eval.txt" 2>&1
grep -E '^(search miss|[a-z_0-9]+: )' "$tmp/eval.txt"

fig() { sed -n "s/^$1: //p" "$tmp/eval.txt"; }
# at_least NAME FIGURE TARGET / at_most NAME FIGURE TARGET
at_least() { v=$(fig "$2"); if [ -n "$v" ] && awk "BEGIN { exit !($v >= $3) }"; then t_pass "$1: $2 $v >= $3"; else t_fail "$1" "$2 = ${v:-missing}, target >= $3"; fi; }
at_most() { v=$(fig "$2"); if [ -n "$v" ] && awk "BEGIN { exit !($v <= $3) }"; then t_pass "$1: $2 $v <= $3"; else t_fail "$1" "$2 = ${v:-missing}, target <= $3"; fi; }

at_most "no text lost" lost_chars 0
at_most "no text duplicated" dup_chars 0
at_least "segmentation" seg_f1 0.95
at_least "titles" title_acc 0.90
at_least "regions exact" region_exact 0.85
at_least "regions prefix" region_prefix 0.95
at_least "main topic" topic_main 0.80
at_least "topic sets" topic_f1 0.75
at_least "search agrees with grep -F" search_agree 1.0

# publication dates: at least 4 of the 5 sample issues within the right month
dates=$(python3 tests/tools/datescore.py --shared "$shared" --build "$(dirname "$NEWSFS")" --no-make 2>&1 | tail -n 1)
echo "dates: $dates"
n=$(echo "$dates" | sed -nE 's/^([0-9]+) of ([0-9]+).*/\1/p')
if [ -n "$n" ] && [ "$n" -ge 4 ]; then t_pass "dates within the right month: $dates"; else t_fail "dates within the right month" "$dates"; fi
t_done
