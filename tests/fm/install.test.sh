#!/bin/sh
# install.test.sh - make install and make uninstall into a temporary
# DESTDIR: the binary, the /sbin/mount.newsfs link, the man page. The man
# page must render without warnings and stay consistent with the program:
# every command of "newsfs --help" in its synopsis, every search example of
# README.txt (src/data/readme.txt) among its examples.
. tests/lib.sh
set -u

have() { command -v "$1" >/dev/null 2>&1; }

tmp=$(mktemp -d)
dest=$tmp/dest
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# Install the binary under test: make's BUILD is the directory of $NEWSFS,
# and -o keeps make from rebuilding it.
build=$(dirname "$NEWSFS")
case "$build" in "$(pwd)"/*) build=${build#"$(pwd)"/} ;; esac
inst() { # inst TARGET: make TARGET into $dest, output in $tmp/make.log
    make -s "$1" BUILD="$build" DESTDIR="$dest" PREFIX=/usr SBINDIR=/sbin \
        -o "$build/newsfs" >"$tmp/make.log" 2>&1
}

if ! inst install; then
    t_fail "make install DESTDIR=... PREFIX=/usr" "$(tail -n 5 "$tmp/make.log")"
    t_done
    exit 1
fi
t_pass "make install DESTDIR=... PREFIX=/usr"

bin=$dest/usr/bin/newsfs
man1=$dest/usr/share/man/man1/newsfs.1
link=$dest/sbin/mount.newsfs
t_check "binary installed, executable" test -x "$bin"
case "$("$bin" --version 2>&1)" in
newsfs\ *) t_pass "installed binary runs" ;;
*) t_fail "installed binary runs" "$("$bin" --version 2>&1)" ;;
esac
t_eq "sbin/mount.newsfs links to the binary" "$(readlink "$link")" "/usr/bin/newsfs"
ln -s "$bin" "$tmp/mount.newsfs"
case "$("$tmp/mount.newsfs" --help 2>&1)" in
usage:\ mount.newsfs*) t_pass "newsfs under the name mount.newsfs is the mount helper" ;;
*) t_fail "newsfs under the name mount.newsfs is the mount helper" \
       "$("$tmp/mount.newsfs" --help 2>&1 | head -n 2)" ;;
esac
t_check "man page installed" test -s "$man1"

# ---- the man page renders without warnings ----
if have groff; then
    warn=$(groff -k -Tutf8 -man -ww -z "$man1" 2>&1)
    t_eq "groff -k -Tutf8 -man -ww -z: no warnings" "$warn" ""
else
    t_skip "groff warnings" "groff not installed"
fi
if have man; then
    # a UTF-8 locale: in the C locale no terminal can show the Chinese examples
    LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$man1" \
        >"$tmp/man.txt" 2>"$tmp/man.err" </dev/null
    rc=$?
    t_eq "man -l renders it (status)" "$rc" "0"
    t_eq "man -l: no warnings" "$(cat "$tmp/man.err")" ""
    # plain text, without the overstrikes of bold and underline
    sed 's/.\x08//g' "$tmp/man.txt" >"$tmp/man.plain"
    t_check "rendered page has its title" grep -q "NEWSFS(1)" "$tmp/man.plain"

    # ---- consistent with newsfs --help and README.txt ----
    missing=
    # the commands: first word of the indented lines, and after " | "
    "$NEWSFS" --help >"$tmp/help.txt"
    cmds=$({ sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' "$tmp/help.txt"
             grep -o '| [a-z][a-z]* ' "$tmp/help.txt" | tr -d '| '; } | grep -vx newsfs | sort -u)
    for cmd in $cmds; do
        grep -q "^ *newsfs $cmd\\b" "$tmp/man.plain" || missing="$missing $cmd"
    done
    t_eq "synopsis has every command of newsfs --help ($(echo $cmds))" "$missing" ""
    missing=
    n=0
    while IFS= read -r ex; do
        n=$((n + 1))
        grep -qF -- "$ex" "$tmp/man.plain" || missing="$missing [$ex]"
    done <<EOF
$(sed -n 's/^  \(\(ls\|cat\|mkdir\|rmdir\) [^ ]*\( [^ ]\+\)*\)  .*/\1/p; s/^  \(ls [^ ]*\)$/\1/p' src/data/readme.txt)
EOF
    t_eq "man page shows the $n search examples of README.txt" "$missing" ""
else
    t_skip "man -l renders the page" "man not installed"
fi

# ---- make uninstall removes what install put there ----
if ! inst uninstall; then
    t_fail "make uninstall DESTDIR=..." "$(tail -n 5 "$tmp/make.log")"
else
    left=$(find "$dest" ! -type d | sed "s|^$dest||")
    t_eq "make uninstall removes binary, link and man page" "$left" ""
fi

t_done
