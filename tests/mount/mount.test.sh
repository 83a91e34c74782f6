#!/bin/sh
# mount.test.sh - a real FUSE mount of the fixture corpus, used the way
# people use it: ls, cat, stat, find, grep -r, cp -r out of the mount,
# getfattr, and every kind of write refused. Skipped (counted) without FUSE.
. tests/lib.sh
set -u

if ! t_have_fuse; then
    t_skip "mount tests" "no /dev/fuse or fusermount3"
    t_done
    exit $?
fi

tmp=$(mktemp -d)
mnt=$tmp/mnt
db=$tmp/index.db
T_LOG=$tmp/daemon.log
trap 't_umount "$mnt"; rm -rf "$tmp"' EXIT INT TERM

if ! "$NEWSFS" index "$TEST_FIXTURES/corpus" "$db" >"$tmp/index.log" 2>&1; then
    t_fail "index fixture corpus" "$(tail -n 3 "$tmp/index.log")"
    t_done
    exit 1
fi
t_pass "index fixture corpus"

if ! t_mount "$db" "$mnt"; then
    t_fail "mount" "$(tail -n 5 "$T_LOG")"
    t_done
    exit 1
fi
t_pass "mount answers"

# --- layout ---
t_eq "root listing" "$(ls "$mnt" | tr '\n' ' ')" "README.txt issues regions search topics "
t_eq "issues listing" "$(ls "$mnt/issues" | tr '\n' ' ')" "2021-03-15 2021-03-16 2021-06-02 2021-06-03 "
t_check "README mentions search syntax" grep -q "search/" "$mnt/README.txt"

# --- every article: ls -l size == bytes read; stat agrees; UTF-8 ---
bad=0 n=0
for f in "$mnt"/issues/*/*.txt; do
    n=$((n + 1))
    size=$(stat -c %s "$f")
    bytes=$(wc -c < "$f")
    [ "$size" = "$bytes" ] || { bad=$((bad + 1)); echo "size mismatch: $f stat=$size read=$bytes"; }
    iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || { bad=$((bad + 1)); echo "not UTF-8: $f"; }
done
t_eq "sizes exact and UTF-8 ($n articles)" "$bad" "0"
t_check "at least one article per issue" test "$n" -ge 4

# --- find / grep -r / cp -r ---
t_eq "find counts the articles" "$(find "$mnt/issues" -type f | wc -l)" "$n"
t_eq "find over regions files each article once" "$(find "$mnt/regions" -type f | wc -l)" "$n"
hits=$(grep -rl "连心卡" "$mnt/issues" | wc -l)
t_check "grep -r finds a word of a UTF-8 issue" test "$hits" -ge 1
t_check "grep -r finds a word of the GBK issue" grep -rq "安全生产月" "$mnt/issues/2021-06-02"
t_check "grep -r finds a word of the UTF-16 issue" grep -rq "劳模创新工作室" "$mnt/issues/2021-06-03"
cp -r "$mnt/issues" "$tmp/copy" 2>"$tmp/cp.err"
t_eq "cp -r out of the mount" "$(find "$tmp/copy" -type f | wc -l)" "$n"
t_check "copied bytes equal" diff -r "$mnt/issues" "$tmp/copy"

# --- one inode per article across views ---
ino_issue=$(stat -c %i "$mnt"/issues/2021-03-15/01*.txt)
ino_region=$(find "$mnt/regions" -type f -inum "$ino_issue" | wc -l)
t_eq "article has one inode in issues/ and regions/" "$ino_region" "1"
t_check "article is a regular file everywhere" test -z "$(find "$mnt" -path "$mnt/search" -prune -o ! -type f ! -type d -print)"

# --- writes refused with EROFS ---
f=$(ls "$mnt"/issues/2021-03-15/*.txt | head -n 1)
expect_erofs() { # NAME CMD...
    _n=$1; shift
    if "$@" 2>"$tmp/err"; then t_fail "$_n" "succeeded"; 
    elif grep -q "Read-only file system" "$tmp/err"; then t_pass "$_n";
    else t_fail "$_n" "$(cat "$tmp/err")"; fi
}
# (the kernel opens files without asking the daemon, so a write fails at
# write(2) or at the truncation, with EROFS; python reports the errno)
expect_erofs "write to article refused" python3 -c "
import errno, os, sys
try:
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND); os.write(fd, b'x')
except OSError as e:
    sys.exit(print(os.strerror(e.errno), file=sys.stderr) or 1)" "$f"
expect_erofs "truncate refused" python3 -c "
import os, sys
try:
    os.open(sys.argv[1], os.O_WRONLY | os.O_TRUNC)
except OSError as e:
    sys.exit(print(os.strerror(e.errno), file=sys.stderr) or 1)" "$f"
expect_erofs "shell redirection refused" bash -c "echo x >> '$f'"
expect_erofs "create file refused" touch "$mnt/issues/new.txt"
expect_erofs "rm refused" rm -f "$f"
expect_erofs "mv refused" mv "$f" "$mnt/issues/x.txt"
expect_erofs "mkdir outside search refused" mkdir "$mnt/issues/x"
expect_erofs "chmod refused" chmod 644 "$f"
expect_erofs "setfattr refused" setfattr -n user.x -v 1 "$f"
t_check "article unchanged after refused writes" test "$(wc -c < "$f")" = "$(stat -c %s "$f")"

# --- extended attributes ---
if command -v getfattr >/dev/null 2>&1; then
    attrs=$(getfattr -d "$f" 2>/dev/null)
    case "$attrs" in *user.newsfs.region=*user.xdg.tags=*) t_pass "getfattr -d lists newsfs and xdg attributes";;
        *) t_fail "getfattr -d lists newsfs and xdg attributes" "$attrs";; esac
    t_eq "unknown xattr is ENODATA" "$(getfattr -n user.nope "$f" 2>&1 | grep -c 'No such attribute')" "1"
else
    t_skip "getfattr" "attr package not installed"
fi

# --- probes and missing names ---
t_check "probe .hidden is absent" test ! -e "$mnt/issues/.hidden"
t_check "probe search/.Trash-0 is absent" test ! -e "$mnt/search/.Trash-0"
t_check "missing issue is absent" test ! -e "$mnt/issues/none"

# --- saved queries on a live mount: newsfs mkdir saves, newsfs rmdir forgets ---
# (mkdir through the mount cannot save: every name under search/ is already
# a query directory, so the kernel answers "File exists" without asking)
t_check "newsfs mkdir saves a query" "$NEWSFS" mkdir "$db" "/search/技能 大赛"
t_eq "the live mount lists it" "$(ls "$mnt/search")" "技能 大赛"
t_check "mkdir through the mount fails" sh -c "! mkdir '$mnt/search/工会 职工' 2>/dev/null"
t_eq "and saves nothing" "$(ls "$mnt/search")" "技能 大赛"
expect_erofs "rmdir through the read-only mount refused" rmdir "$mnt/search/技能 大赛"
t_check "newsfs rmdir forgets it" "$NEWSFS" rmdir "$db" "/search/技能 大赛"
# the daemon checks the saved queries every 0.5 s and drops the kernel's
# cached listing of search/ when they changed
i=0
while [ $i -lt 50 ] && [ "$(ls "$mnt/search" | wc -l)" != 0 ]; do sleep 0.1; i=$((i + 1)); done
t_eq "the live mount no longer lists it" "$(ls "$mnt/search" | wc -l)" "0"
t_eq "mounted read-only by default" "$(awk -v m="$mnt" '$2 == m { split($4, o, ","); print o[1] }' /proc/mounts)" "ro"

# --- the daemon survived all that ---
t_check "daemon alive" kill -0 "$T_MOUNT_PID"
t_check "no errors in the daemon log" sh -c "! grep -qi 'error\|assert\|sanitizer' '$T_LOG'"
hits=$(grep -rl 工会 "$mnt/issues" | wc -l)
t_umount "$mnt"

# --- read-only (the default): after a file is read, stat needs no round
# trip (read-write, the kernel marks the atime stale after every READ it
# sends, so the next stat is a GETATTR: one per file on grep's second pass)
T_LOG=$tmp/daemon-debug.log
if t_mount "$db" "$mnt" -d; then
    f1=$(find "$mnt/issues" -type f | head -n 1)
    cat "$f1" >/dev/null
    before=$(grep -c "opcode: GETATTR" "$T_LOG")
    stat "$f1" >/dev/null
    cat "$f1" >/dev/null
    stat "$f1" >/dev/null
    t_eq "no GETATTR for stat after a read" "$(grep -c "opcode: GETATTR" "$T_LOG")" "$before"
    # else the check above would pass on a log that names no requests at all
    t_check "the -d log names the requests it counts" grep -q "opcode: READ" "$T_LOG"
    t_umount "$mnt"
else
    t_fail "mount -d answers" "$(tail -n 5 "$T_LOG")"
fi

# --- -o rw: rmdir under search/ forgets a saved query through the mount ---
T_LOG=$tmp/daemon-rw.log
if t_mount "$db" "$mnt" -o rw; then
    t_eq "-o rw mounts read-write" "$(awk -v m="$mnt" '$2 == m { split($4, o, ","); print o[1] }' /proc/mounts)" "rw"
    "$NEWSFS" mkdir "$db" "/search/技能 大赛" 2>/dev/null
    t_check "rmdir through the mount forgets it (-o rw)" rmdir "$mnt/search/技能 大赛"
    t_eq "search/ is empty (-o rw)" "$(ls "$mnt/search" | wc -l)" "0"
    expect_erofs "writes still refused (-o rw)" touch "$mnt/issues/new.txt"
    t_eq "grep -r finds the same files (-o rw)" "$(grep -rl 工会 "$mnt/issues" | wc -l)" "$hits"
else
    t_fail "mount -o rw answers" "$(tail -n 5 "$T_LOG")"
fi

t_done
