#!/bin/sh
# live.test.sh - re-indexing while mounted: the mount shows new, changed and
# removed issues within a few seconds without remounting, with the kernel's
# cached entries (also negative ones) and listings dropped.
. tests/lib.sh
set -u

if ! t_have_fuse; then
    t_skip "live update tests" "no /dev/fuse or fusermount3"
    t_done
    exit $?
fi

tmp=$(mktemp -d)
mnt=$tmp/mnt corpus=$tmp/corpus db=$tmp/index.db
T_LOG=$tmp/daemon.log
trap 't_umount "$mnt"; rm -rf "$tmp"' EXIT INT TERM
cp -r "$TEST_FIXTURES/corpus" "$corpus"

"$NEWSFS" index "$corpus" "$db" --quiet 2>"$tmp/index.log" || { t_fail "index" "$(cat "$tmp/index.log")"; t_done; exit 1; }
t_mount "$db" "$mnt" || { t_fail "mount" "$(tail -n 5 "$T_LOG")"; t_done; exit 1; }

# wait_for NAME SECONDS CMD...: poll until CMD succeeds
wait_for() {
    _n=$1 _s=$2; shift 2
    _i=0
    while [ $_i -lt $((_s * 10)) ]; do
        if "$@" >/dev/null 2>&1; then t_pass "$_n"; return 0; fi
        sleep 0.1
        _i=$((_i + 1))
    done
    t_fail "$_n" "not within ${_s}s: $*"
}

# warm every cache: listings, entries, attributes, contents, and a negative entry
ls -lR "$mnt" >/dev/null 2>&1
cat "$mnt"/issues/*/*.txt >/dev/null
test -e "$mnt/issues/2021-07-01" && t_fail "new issue absent before" || t_pass "new issue absent before"
t_eq "search for a word not yet indexed lists nothing" "$(ls "$mnt/search/暖心驿站" | wc -l)" "0"
before_old=$(ls "$mnt/search/歇脚驿站" | wc -l)
t_check "search lists the old word" test "$before_old" -ge 1
old_ino=$(stat -c %i "$mnt"/issues/2021-03-16/01*.txt)

# a new issue, a changed one, a removed one
printf '\n\n新增的一期\n\n本报讯(记者林海)这是重新索引后才出现的一篇报道,讲述职工书屋的新变化。\n' > "$corpus/2021-07-01.txt"
sed -i 's/歇脚驿站/暖心驿站/' "$corpus/2021-03-16.txt"
rm "$corpus/2021-06-02.txt"
"$NEWSFS" index "$corpus" "$db" --quiet 2>"$tmp/index2.log" || t_fail "re-index while mounted" "$(cat "$tmp/index2.log")"

wait_for "new issue appears (negative entry dropped)" 5 test -d "$mnt/issues/2021-07-01"
wait_for "new issue listed" 5 sh -c "ls '$mnt/issues' | grep -qx 2021-07-01"
wait_for "removed issue gone from listing" 5 sh -c "! ls '$mnt/issues' | grep -qx 2021-06-02"
wait_for "removed issue gone by name" 5 test ! -e "$mnt/issues/2021-06-02"
wait_for "changed article shows new text" 5 sh -c "cat '$mnt'/issues/2021-03-16/01*.txt | grep -q 暖心驿站"
t_check "changed article has no old text" sh -c "! cat '$mnt'/issues/2021-03-16/*.txt | grep -q 歇脚驿站"
new_ino=$(stat -c %i "$mnt"/issues/2021-03-16/01*.txt)
t_check "changed article is a new inode" test "$old_ino" != "$new_ino"
t_check "old article name gone" sh -c "! ls '$mnt'/issues/2021-03-16 | grep -q 歇脚驿站"
wait_for "regions follow" 5 sh -c "test \$(find '$mnt/regions' -type f | wc -l) -eq \$(find '$mnt/issues' -type f | wc -l)"
t_check "grep -r sees the new state only" sh -c "grep -rl 暖心驿站 '$mnt/issues' >/dev/null && ! grep -rq 歇脚驿站 '$mnt/issues'"

# search listings the kernel cached before the change follow it too
wait_for "cached search listing shows the new word" 5 sh -c "test \$(ls '$mnt/search/暖心驿站' | wc -l) -ge 1"
wait_for "cached search listing drops the old word" 5 sh -c "test \$(ls '$mnt/search/歇脚驿站' | wc -l) -eq 0"
# one-character searches (the one-character index drops the articles the
# re-index removed or replaced) still list exactly what grep finds
for c in 歇 脚 暖 心 屋 新 工 期; do
    t_eq "one-character search $c equals grep after the re-index" \
        "$(ls "$mnt/search/$c" | wc -l)" "$(grep -rlF "$c" "$mnt/issues" | wc -l)"
done
t_check "daemon alive" kill -0 "$T_MOUNT_PID"
t_check "no errors in the daemon log" sh -c "! grep -qi 'error\|sanitizer' '$T_LOG'"
t_done
