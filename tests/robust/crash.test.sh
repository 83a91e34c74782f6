#!/bin/sh
# crash.test.sh - kill -9 the indexer at random points, during a first load
# and during an update, again and again. A first load is built aside and
# published whole: after a kill there is no index yet, or the complete one.
# An update commits in batches: after a kill the index must open, pass
# newsfs check (SQLite integrity, full-text index, every issue whole), and
# list a consistent last complete state. A final run completes it.
# Then kill -9 the daemon: the mount point must be reusable after
# fusermount3 -u.
. tests/lib.sh
set -u

tmp=$(mktemp -d)
corpus=$tmp/corpus db=$tmp/index.db mnt=$tmp/mnt
T_LOG=$tmp/daemon.log
trap 't_umount "$mnt"; rm -rf "$tmp"' EXIT INT TERM
ROUNDS=${CRASH_ROUNDS:-12}

python3 tests/tools/gencorpus.py "$corpus" 600 --seed 3 >/dev/null

# reference: the complete index
"$NEWSFS" index "$corpus" "$tmp/ref.db" --quiet 2>/dev/null
ref_issues=$("$NEWSFS" ls "$tmp/ref.db" /issues | wc -l)
t_check "reference index complete" test "$ref_issues" -eq 600

# how long a full run takes, to spread the kills over it
start=$(date +%s%N)
"$NEWSFS" index "$corpus" "$tmp/timing.db" --quiet 2>/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$full_ms" -lt 50 ] && full_ms=50

consistent() { # the index opens, checks clean, and lists whole issues only
    "$NEWSFS" check "$db" >"$tmp/check.log" 2>&1 || return 1
    "$NEWSFS" ls "$db" /issues >/dev/null 2>&1 || return 1
}

bad=0 killed=0 unpublished=0
i=0
while [ $i -lt "$ROUNDS" ]; do
    i=$((i + 1))
    first=0
    if [ $((i % 3)) -eq 0 ]; then
        # an update: complete the index (first loads before were likely
        # killed unpublished), touch a third of the files with new text,
        # then crash the re-index
        "$NEWSFS" index "$corpus" "$db" --quiet 2>/dev/null
        for f in $(ls "$corpus" | awk "NR % 3 == $((i % 3))"); do
            printf '\n\n补充报道%s\n\n本报讯 第%s轮更新的内容。\n' "$i" "$i" >> "$corpus/$f"
        done
    elif [ $((i % 3)) -eq 1 ]; then
        rm -f "$db" "$db-wal" "$db-shm" # a first load
    fi
    [ -e "$db" ] || first=1 # also a re-run after a first load killed unpublished
    delay=$(( (i * 7919) % full_ms ))
    "$NEWSFS" index "$corpus" "$db" --quiet 2>/dev/null &
    pid=$!
    sleep "$(awk "BEGIN { print $delay / 1000 }")"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null
    if [ "$first" = 1 ] && [ ! -e "$db" ]; then
        unpublished=$((unpublished + 1)) # killed before the publication: no index at all
        continue
    fi
    if [ "$first" = 1 ] && [ "$("$NEWSFS" ls "$db" /issues 2>/dev/null | wc -l)" -ne 600 ]; then
        bad=$((bad + 1))
        echo "round $i (killed after ${delay} ms): a first load was published incomplete"
    elif ! consistent; then
        bad=$((bad + 1))
        echo "round $i (killed after ${delay} ms): $(grep -v ' ok$' "$tmp/check.log" | head -3)"
    fi
done
t_eq "index consistent after every kill -9 ($killed of $ROUNDS runs killed)" "$bad" "0"
t_check "some runs were really killed mid-way" test "$killed" -ge $((ROUNDS / 2))
t_check "some first loads were killed before their publication" test "$unpublished" -ge 1

# a final uninterrupted run completes the index and leaves no staging file
"$NEWSFS" index "$corpus" "$db" --quiet 2>/dev/null
t_check "final run checks clean" "$NEWSFS" check "$db"
t_eq "final index has every issue" "$("$NEWSFS" ls "$db" /issues | wc -l)" "600"
t_check "no staging file left" test ! -e "$db.building"

# first_load_started: remove the index, start a first load in the
# background (pid in $pid), wait until its staging file holds something
first_load_started() {
    rm -f "$db" "$db-wal" "$db-shm"
    "$NEWSFS" index "$corpus" "$db" --quiet 2>/dev/null &
    pid=$!
    n=0
    while [ ! -s "$db.building" ] && [ $n -lt 200 ]; do sleep 0.01; n=$((n + 1)); done
}

# a first load killed mid-way leaves only its staging file, which the next
# run removes before building again
first_load_started
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
t_check "a killed first load publishes nothing" test ! -e "$db"
t_check "a killed first load leaves its staging file" test -e "$db.building"
"$NEWSFS" index "$corpus" "$db" --quiet 2>/dev/null
t_eq "the next run builds the whole index" "$("$NEWSFS" ls "$db" /issues | wc -l)" "600"
t_check "and removes the leftover" test ! -e "$db.building"

# while a first load runs, a second run on the same index refuses clearly
first_load_started
"$NEWSFS" index "$corpus" "$db" --quiet >"$tmp/second.out" 2>&1
second=$?
if kill -0 "$pid" 2>/dev/null; then
    t_check "a second first load is refused" test "$second" -ne 0
    t_check "saying another run is building the index" grep -q "another newsfs index run" "$tmp/second.out"
else
    t_skip "a second first load is refused" "the first run ended too soon"
fi
wait "$pid"
t_eq "the first run completes" "$("$NEWSFS" ls "$db" /issues | wc -l)" "600"

# kill -9 the daemon; the mount point is reusable after fusermount3 -u
if t_have_fuse; then
    if t_mount "$db" "$mnt"; then
        ls "$mnt/issues" >/dev/null
        kill -9 "$T_MOUNT_PID"
        wait "$T_MOUNT_PID" 2>/dev/null
        t_check "dead daemon leaves a broken mount" sh -c "! ls '$mnt' >/dev/null 2>&1"
        fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt"
        if t_mount "$db" "$mnt"; then
            t_eq "remounted after kill -9" "$(ls "$mnt/issues" | wc -l)" "600"
        else
            t_fail "remounted after kill -9" "$(tail -n 3 "$T_LOG")"
        fi
    else
        t_fail "mount after crashes" "$(tail -n 3 "$T_LOG")"
    fi
else
    t_skip "kill -9 of the daemon" "no /dev/fuse"
fi
t_done
