#!/bin/sh
# stress.test.sh - parallel readers (cat with content check, grep -r, ls -l,
# search listings, stat storms) for STRESS_SECONDS (default 60) while the
# corpus flips between two versions and is re-indexed every few seconds.
# Every article read must be, byte for byte, an article of version A or B;
# no reader may see an I/O error; the daemon's memory must stay flat.
. tests/lib.sh
set -u

if ! t_have_fuse; then
    t_skip "stress test" "no /dev/fuse or fusermount3"
    t_done
    exit $?
fi

SECS=${STRESS_SECONDS:-60}
tmp=$(mktemp -d)
corpus=$tmp/corpus db=$tmp/index.db mnt=$tmp/mnt
T_LOG=$tmp/daemon.log
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; t_umount "$mnt"; rm -rf "$tmp"' EXIT INT TERM

# two versions of the corpus: B changes a third of the issues
python3 tests/tools/gencorpus.py "$tmp/A" 150 --seed 11 >/dev/null
cp -r "$tmp/A" "$tmp/B"
for f in $(ls "$tmp/B" | awk 'NR % 3 == 0'); do sed -i 's/工会/工会组织/g; s/职工/一线职工/' "$tmp/B/$f"; done

# every article text of each version, as reference hashes
refs=$tmp/refs
for v in A B; do
    "$NEWSFS" index "$tmp/$v" "$tmp/ref$v.db" --quiet 2>/dev/null
    for issue in $("$NEWSFS" ls "$tmp/ref$v.db" /issues); do
        "$NEWSFS" ls "$tmp/ref$v.db" "/issues/$issue" | while IFS= read -r name; do
            "$NEWSFS" cat "$tmp/ref$v.db" "/issues/$issue/$name" | sha1sum | cut -c1-40
        done
    done
done | sort -u > "$refs"
t_check "reference texts of both versions" test "$(wc -l < "$refs")" -gt 500

cp -r "$tmp/A" "$corpus"
"$NEWSFS" index "$corpus" "$db" --quiet 2>/dev/null
t_mount "$db" "$mnt" || { t_fail "mount" "$(tail -n 5 "$T_LOG")"; t_done; exit 1; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$T_MOUNT_PID/status"; }
hwm() { awk '/VmHWM/ { print $2 }' "/proc/$T_MOUNT_PID/status"; }
ls -lR "$mnt/issues" "$mnt/regions" "$mnt/topics" >/dev/null 2>&1   # warm up
rss_start=$(rss)
end=$(( $(date +%s) + SECS ))

# the readers; each writes problems to its own log
python3 - "$mnt" "$refs" "$end" > "$tmp/cat.log" 2>&1 <<'EOF' &
import hashlib, os, sys, time
mnt, refs, end = sys.argv[1], set(open(sys.argv[2]).read().split()), int(sys.argv[3])
reads = vanished = bad = 0
while time.time() < end:
    for d, _, files in os.walk(os.path.join(mnt, "issues")):
        for n in files:
            p = os.path.join(d, n)
            try:
                data = open(p, "rb").read()
            except FileNotFoundError:
                vanished += 1          # listed, then re-indexed away: legitimate
                continue
            except OSError as e:
                bad += 1
                print("read error", p, e)
                continue
            reads += 1
            if hashlib.sha1(data).hexdigest() not in refs:
                bad += 1
                print("wrong content", p, len(data))
print(f"cat: {reads} reads, {vanished} vanished, {bad} bad")
EOF
pids="$pids $!"
( n=0; while [ "$(date +%s)" -lt "$end" ]; do grep -rc 工会 "$mnt/issues" >/dev/null 2>>"$tmp/grep.err"; n=$((n+1)); done; echo "grep: $n passes" ) > "$tmp/grep.log" 2>&1 &
pids="$pids $!"
( n=0; while [ "$(date +%s)" -lt "$end" ]; do ls -lR "$mnt/regions" "$mnt/topics" >/dev/null 2>>"$tmp/ls.err"; n=$((n+1)); done; echo "ls: $n passes" ) > "$tmp/ls.log" 2>&1 &
pids="$pids $!"
( n=0; while [ "$(date +%s)" -lt "$end" ]; do for q in 工会 职工 劳模 "工会 职工" 技能大赛 "title:工会" 安全生产 驿站; do ls "$mnt/search/$q" >/dev/null 2>>"$tmp/search.err"; n=$((n+1)); done; done; echo "search: $n listings" ) > "$tmp/search.log" 2>&1 &
pids="$pids $!"
( n=0; while [ "$(date +%s)" -lt "$end" ]; do find "$mnt/issues" -type f -exec stat -c %s {} + >/dev/null 2>>"$tmp/stat.err"; n=$((n+1)); done; echo "stat: $n storms" ) > "$tmp/stat.log" 2>&1 &
pids="$pids $!"

# the updater: flip versions and re-index while the readers run
rounds=0
while [ "$(date +%s)" -lt "$end" ]; do
    v=$([ $((rounds % 2)) -eq 0 ] && echo B || echo A)
    cp "$tmp/$v"/* "$corpus/"
    "$NEWSFS" index "$corpus" "$db" --quiet 2>>"$tmp/index.err" || echo "index failed" >> "$tmp/index.err"
    rounds=$((rounds + 1))
    sleep 2
done
for p in $pids; do wait "$p" 2>/dev/null; done
pids=""
rss_end=$(rss)
peak=$(hwm)
echo "re-indexed $rounds times; $(cat "$tmp"/cat.log | tail -n 1); $(cat "$tmp/grep.log"); $(cat "$tmp/ls.log"); $(cat "$tmp/search.log"); $(cat "$tmp/stat.log")"
echo "daemon RSS: start ${rss_start} kB, end ${rss_end} kB, peak ${peak} kB"

t_check "re-indexed several times meanwhile" test "$rounds" -ge 3
t_check "no index errors" sh -c "! grep -v ' files: ' '$tmp/index.err' | grep -q ."
t_check "every article read was a complete version" sh -c "tail -n 1 '$tmp/cat.log' | grep -q ' 0 bad'"
t_check "cat read something" sh -c "! tail -n 1 '$tmp/cat.log' | grep -q ' 0 reads'"
# a file that vanished between listing and reading is no error: filter it out
for r in grep ls search stat; do
    grep -v "No such file or directory" "$tmp/$r.err" > "$tmp/$r.real" 2>/dev/null || true
    t_check "$r: no errors under load" test ! -s "$tmp/$r.real"
done
t_check "daemon alive" kill -0 "$T_MOUNT_PID"
if [ -n "${NEWSFS_SANITIZED:-}" ]; then
    # ASan's quarantine holds up to 256 MB of freed memory on purpose; leaks
    # are LeakSanitizer's job at exit here, RSS growth the plain build's
    t_skip "daemon memory flat" "sanitizer build: freed memory is quarantined"
else
    t_check "daemon memory flat (end ${rss_end} kB vs start ${rss_start} kB)" test "$rss_end" -lt $((rss_start + 32768))
fi
t_check "no errors in the daemon log" sh -c "! grep -qi 'error\|sanitizer' '$T_LOG'"
t_done
