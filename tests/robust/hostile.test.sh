#!/bin/sh
# hostile.test.sh - hostile corpus files and hostile paths and queries.
# Each bad input must give a clear message naming the file, lose nothing
# else, and never take the indexer or the mount down.
. tests/lib.sh
set -u

tmp=$(mktemp -d)
corpus=$tmp/corpus db=$tmp/index.db mnt=$tmp/mnt
T_LOG=$tmp/daemon.log
writer_pid=""
trap '[ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null; t_umount "$mnt"; rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$corpus/sub"
chmod 755 "$tmp" "$corpus"
BIG_MB=${HOSTILE_BIG_MB:-100}

# --- the corpus: good files and every kind of bad one ---
cp "$TEST_FIXTURES"/corpus/*.txt "$corpus/"                  # includes GBK and UTF-16 issues
: > "$corpus/empty.txt"
head -c 65536 /dev/urandom > "$corpus/binary.txt"
printf '\n\n一行很长的报道\n\n' > "$corpus/long-line.txt"
python3 -c "import sys; sys.stdout.write('工会' * 175000 + '\n')" >> "$corpus/long-line.txt"  # 1 MB line
printf '\n\n含有空字节的报道\n\n本报讯 职工\000书屋开到车间。\n' > "$corpus/nul.txt"
printf '\n\n坏字节的报道\n\n本报讯 工会\377\376干部走访一线职工。\n' > "$corpus/bad-utf8.txt"
cp "$TEST_FIXTURES/corpus/2021-03-15.txt" "$corpus/with space.txt"
cp "$TEST_FIXTURES/corpus/2021-03-15.txt" "$corpus/quote'and\"double.txt"
cp "$TEST_FIXTURES/corpus/2021-03-15.txt" "$corpus/$(printf 'new\nline.txt')"
cp "$TEST_FIXTURES/corpus/2021-03-16.txt" "$corpus/sub/nested.txt"
ln -s .. "$corpus/sub/loop"                                  # symlink loop
ln -s "$corpus/sub" "$corpus/sub/loop2"
ln -s /nonexistent "$corpus/dangling.txt"
mkfifo "$corpus/fifo.txt"                                    # never opened: not a regular file
cp "$TEST_FIXTURES/corpus/2021-03-16.txt" "$corpus/unreadable.txt"
chmod 000 "$corpus/unreadable.txt"
python3 - "$corpus/big.txt" "$BIG_MB" <<'EOF'
import sys
para = "本报讯 这是一份很大的文件中的一篇报道,用来检验索引程序在大文件上的表现。\n\n"
block = ("\n\n大文件中的标题\n\n" + para * 40).encode("utf-8")
target = int(sys.argv[2]) * 1024 * 1024
with open(sys.argv[1], "wb") as f:
    n = 0
    while n < target:
        f.write(block)
        n += len(block)
EOF

# a file that changes while the indexer runs
cp "$TEST_FIXTURES/corpus/2021-03-15.txt" "$corpus/changing.txt"
( i=0; while :; do printf '\n\n更新%s\n\n本报讯 正在写入的内容%s。\n' $i $i >> "$corpus/changing.txt"; i=$((i+1)); done ) 2>/dev/null &
writer_pid=$!

# root reads any file: run the indexer as nobody so that chmod 000 means unreadable
run_index() {
    if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
        chown -R nobody "$tmp" 2>/dev/null
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$NEWSFS" index "$corpus" "$db" "$@"
    else
        "$NEWSFS" index "$corpus" "$db" "$@"
    fi
}
run_index --quiet >"$tmp/out.log" 2>"$tmp/err.log"
status=$?
kill "$writer_pid" 2>/dev/null; wait "$writer_pid" 2>/dev/null; writer_pid=""
t_check "indexer exits (status $status: 0 or 3 = some files skipped)" test "$status" -eq 0 -o "$status" -eq 3
t_check "summary line printed" grep -q "files:" "$tmp/err.log"
if [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null 2>&1; then
    t_check "unreadable file named with the reason" grep -q "unreadable.txt: Permission denied" "$tmp/err.log"
else
    t_skip "unreadable file" "root without setpriv reads everything"
fi
t_check "undecodable bytes named with file and offset" grep -q "bad-utf8.txt: .*byte offset" "$tmp/err.log"
t_check "symlink loop reported, not followed forever" grep -q "symlink loop" "$tmp/err.log"
t_check "dangling symlink reported" grep -q "dangling.txt" "$tmp/err.log"
t_check "index checks clean" "$NEWSFS" check "$db"
issues=$("$NEWSFS" ls "$db" /issues)
for want in 2021-03-15 2021-03-16 2021-06-02 2021-06-03 "with space" "quote'and\"double" \
            "new line" sub_nested empty binary long-line nul bad-utf8 big; do
    if printf '%s\n' "$issues" | grep -qxF "$want"; then t_pass "indexed: $want"; else t_fail "indexed: $want" "not in issues/"; fi
done
# a file written to all the time is either caught between writes or skipped
# with a message (never indexed half-written); the next run picks it up
if printf '%s\n' "$issues" | grep -qx changing; then t_pass "file changing while read: indexed between writes"
elif grep -q "changing.txt: kept changing" "$tmp/err.log"; then t_pass "file changing while read: skipped with a message"
else t_fail "file changing while read" "neither indexed nor reported"; fi
t_check "fifo not indexed" sh -c "! printf '%s\n' \"\$0\" | grep -qx fifo" "$issues"

if ! t_have_fuse; then
    t_skip "hostile paths and queries" "no /dev/fuse"
    t_done
    exit $?
fi
if ! t_mount "$db" "$mnt"; then
    t_fail "mount" "$(tail -n 5 "$T_LOG")"
    t_done
    exit 1
fi
t_check "the 1 MB line reads back whole" sh -c "test \$(cat '$mnt'/issues/long-line/*.txt | wc -c) -gt 1000000"
t_check "newline in a file name became a space" test -d "$mnt/issues/new line"

# --- hostile paths and queries: each must answer (listing or QUERY-ERROR.txt), never crash ---
q() { # NAME PATH: the path lists without hanging and the daemon lives
    if timeout 20 ls "$2" >/dev/null 2>"$tmp/q.err" || grep -q "File name too long\|No such file" "$tmp/q.err"; then
        if kill -0 "$T_MOUNT_PID" 2>/dev/null; then t_pass "$1"; else t_fail "$1" "daemon died"; fi
    else
        t_fail "$1" "$(cat "$tmp/q.err")"
    fi
}
long255=$(python3 -c "print('工' * 85)")       # 255 bytes
long300=$(python3 -c "print('工' * 100)")      # 300 bytes
q "255-byte query name" "$mnt/search/$long255"
t_check "longer than 255 bytes is refused" sh -c "! ls '$mnt/search/$long300' 2>/dev/null"
q "dot-dot inside search" "$mnt/search/工会/../技能"
q "dot names" "$mnt/search/./工会/."
t_check "search/.. is the root" test "$(stat -c %i "$mnt/search/..")" = "$(stat -c %i "$mnt")"
q "triple dot query" "$mnt/search/..."
q "invalid UTF-8 name" "$mnt/search/$(printf '\377\376')"
t_check "invalid UTF-8 name in issues/ is absent" sh -c "! ls '$mnt/issues/$(printf '\377')' 2>/dev/null"
for bad in 'OR' 'AND' 'NOT' '-' '--' '"' '""' '"OR"' 'OR OR' '- -' '"unbalanced' '(' ')' '()' \
           '*' '^' '+' 'NEAR(工会 职工)' 'a:b' 'title:' 'region:' 'topic:' 'date:' 'date:2020-13' \
           'date:zzzz' 'region:火星' 'topic:不存在' "'; DROP TABLE articles; --" "工会' OR '1'='1" \
           'x" OR "y' '\' '%' '_' '工会*' '"工会" NEAR 职工'; do
    q "query: $bad" "$mnt/search/$bad"
done
deep=$mnt/search
for i in $(seq 1 60); do deep="$deep/工会"; done
q "60 nested search directories" "$deep"
t_check "a malformed query explains itself" grep -q "not a valid query" "$mnt/search/\"unbalanced/QUERY-ERROR.txt"
t_check "articles still intact" "$NEWSFS" check "$db"
t_check "daemon alive after all of it" kill -0 "$T_MOUNT_PID"
t_check "no crash reports in the daemon log" sh -c "! grep -qi 'sanitizer\|segfault\|assert' '$T_LOG'"
t_done
