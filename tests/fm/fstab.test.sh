#!/bin/sh
# fstab.test.sh - "mount MOUNTPOINT" for an /etc/fstab line of type newsfs,
# through mount.newsfs (newsfs under that name, as mount(8) runs it).
#  1. The helper's arguments, everywhere: options mount(8) acts on are
#     dropped, the rest go to FUSE, -s drops unknown ones, exit statuses
#     (-f, fake mode, needs no FUSE).
#  2. With FUSE: the helper mounts in the background; the source is the
#     index; a second mount on the same mount point is refused.
#  3. As root, with util-linux mount -T: make install into a temporary
#     DESTDIR, link /sbin/mount.newsfs to it for the duration (skipped when
#     one is installed already), mount with a temporary fstab, read,
#     mount -a, unmount. A trap unmounts and removes the link.
. tests/lib.sh
set -u

have() { command -v "$1" >/dev/null 2>&1; }

tmp=$(mktemp -d)
db=$tmp/index.db
mnt=$tmp/mnt
mnt2=$tmp/mnt2
mkdir -p "$mnt" "$mnt2" "$tmp/bin"
sbin_link=/sbin/mount.newsfs
made_link=

# pids of helper daemons serving our index (their arguments name it)
our_daemons() {
    ps -eo pid=,args= 2>/dev/null |
        awk -v db="$db" 'index($0, db) && $2 ~ /mount\.newsfs$/ { print $1 }'
}
cleanup() {
    for m in "$mnt" "$mnt2"; do
        if mountpoint -q "$m" 2>/dev/null; then
            umount "$m" 2>/dev/null || fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
        fi
    done
    pids=$(our_daemons)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill $pids 2>/dev/null
    if [ -n "$made_link" ] && [ "$(readlink "$sbin_link")" = "$made_link" ]; then
        rm -f "$sbin_link"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! "$NEWSFS" index "$TEST_FIXTURES/corpus" "$db" >"$tmp/index.log" 2>&1; then
    t_fail "index fixture corpus" "$(tail -n 3 "$tmp/index.log")"
    t_done
    exit 1
fi

# ---- 1. arguments (fake mode) ----
helper=$tmp/bin/mount.newsfs
ln -s "$NEWSFS" "$helper"
"$helper" --help >"$tmp/out" 2>&1
t_eq "mount.newsfs --help (status)" "$?" "0"
t_check "mount.newsfs --help shows the fstab line" grep -q "newsfs  defaults,nofail" "$tmp/out"

"$helper" "$db" "$mnt" -fv -o 'defaults,nofail,noauto,user,users,nouser,_netdev,rw,comment="a,b",x-systemd.automount,X-mount.mkdir,allow_other,noatime' \
    >"$tmp/out" 2>&1
t_eq "fake mount with fstab options (status)" "$?" "0"
t_eq "mount(8)'s options dropped, FUSE's passed" \
    "$(sed -n 's/.*(FUSE options: \(.*\))$/\1/p' "$tmp/out")" "fsname=$db,allow_other,noatime"
t_eq "dropped options listed" "$(sed -n 's/.*left to mount(8) or ignored: //p' "$tmp/out")" \
    'defaults,nofail,noauto,user,users,nouser,_netdev,rw,comment="a,b",x-systemd.automount,X-mount.mkdir'

"$helper" "$db" "$mnt" -n -s -f -v -t newsfs -o relatime,bogus=1 -o ro >"$tmp/out" 2>&1
t_eq "sloppy (-s): unknown options dropped, -o twice, -t and -n accepted" \
    "$(sed -n 's/.*(FUSE options: \(.*\))$/\1/p' "$tmp/out")" "fsname=$db,ro"

"$helper" "$db" >/dev/null 2>&1
t_eq "missing mount point: status 1 (usage)" "$?" "1"
"$helper" "$db" "$mnt" -x >/dev/null 2>&1
t_eq "unknown flag: status 1 (usage)" "$?" "1"
"$helper" "$db" "$mnt" -o >/dev/null 2>&1
t_eq "-o without options: status 1 (usage)" "$?" "1"
"$helper" "$tmp/none.db" "$mnt" -f >"$tmp/out" 2>&1
t_eq "missing index: status 32 (mount failure)" "$?" "32"
t_check "missing index: says which" grep -q "none.db: No such file" "$tmp/out"
"$helper" "$db" "$db" -f >/dev/null 2>&1
t_eq "mount point not a directory: status 32" "$?" "32"
"$helper" "$tmp" "$mnt" -f >/dev/null 2>&1
t_eq "index is a directory: status 32" "$?" "32"

if ! t_have_fuse || ! { [ -r /dev/fuse ] && [ -w /dev/fuse ]; }; then
    t_skip "mount through mount.newsfs" "no usable /dev/fuse or no fusermount3"
    t_skip "mount through fstab and mount(8)" "no usable /dev/fuse or no fusermount3"
    t_done
    exit $?
fi

# mounts_on DIR: how many mounts sit on DIR
mounts_on() {
    awk -v d="$1" '$5 == d { n++ } END { print n + 0 }' /proc/self/mountinfo
}
# source_of DIR: the source and type of the mount on DIR ("SOURCE TYPE")
source_of() {
    awk -v d="$1" '$5 == d { for (i = 7; $i != "-"; i++) ; s = $(i + 2) " " $(i + 1) } END { print s }' \
        /proc/self/mountinfo
}
# gone: wait (5 s) until no helper daemon serves our index
gone() {
    _i=0
    while [ -n "$(our_daemons)" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
    [ -z "$(our_daemons)" ]
}
first_article() { ls "$1"/issues/*/*.txt 2>/dev/null | head -n 1; }

# ---- 2. the helper mounts in the background ----
"$helper" "$db" "$mnt" -o nofail,bogus >"$tmp/out" 2>&1
t_eq "an option FUSE does not know fails the mount: status 32" "$?" "32"
t_eq "... and nothing is mounted" "$(mounts_on "$mnt")" "0"

"$helper" "$db" "$mnt" -o nofail,noatime >"$tmp/out" 2>&1
rc=$?
t_eq "mount.newsfs DB MNT -o nofail,noatime (status, returns at once)" "$rc" "0"
if [ "$rc" -eq 0 ]; then
    t_check "mounted" mountpoint -q "$mnt"
    t_eq "source is the index, type fuse.newsfs" "$(source_of "$mnt")" "$db fuse.newsfs"
    t_check "ls issues" test -n "$(ls "$mnt/issues")"
    f=$(first_article "$mnt")
    t_check "cat an article" test -n "$f" -a "$(cat "$f" | wc -c)" = "$(stat -c %s "$f")"
    "$helper" "$db" "$mnt" >"$tmp/out" 2>&1
    t_eq "a second mount on the same mount point: status 32" "$?" "32"
    t_check "... saying it is mounted already" grep -q "already mounted" "$tmp/out"
    t_eq "... and one mount only" "$(mounts_on "$mnt")" "1"
    fusermount3 -u "$mnt"
    t_eq "fusermount3 -u unmounts" "$(mounts_on "$mnt")" "0"
    t_check "the daemon ends" gone
fi

# ---- 3. mount(8) with an fstab line ----
if [ "$(id -u)" != 0 ]; then
    t_skip "mount through fstab and mount(8)" "needs root (links /sbin/mount.newsfs)"
    t_done
    exit $?
fi
if ! mount --help 2>&1 | grep -q -- '--fstab'; then
    t_skip "mount through fstab and mount(8)" "this mount(8) has no -T/--fstab"
    t_done
    exit $?
fi
if [ -e "$sbin_link" ] || [ -L "$sbin_link" ]; then
    t_skip "mount through fstab and mount(8)" "$sbin_link is installed already; left alone"
    t_done
    exit $?
fi

# install the binary under test into a temporary DESTDIR, as make install does
build=$(dirname "$NEWSFS")
case "$build" in "$(pwd)"/*) build=${build#"$(pwd)"/} ;; esac
dest=$tmp/dest
if ! make -s install BUILD="$build" DESTDIR="$dest" PREFIX=/usr SBINDIR=/sbin -o "$build/newsfs" \
    >"$tmp/make.log" 2>&1; then
    t_fail "make install DESTDIR=..." "$(tail -n 5 "$tmp/make.log")"
    t_done
    exit 1
fi
made_link=$dest/usr/bin/newsfs
if ! ln -s "$made_link" "$sbin_link"; then
    made_link=
    t_fail "link $sbin_link for the test"
    t_done
    exit 1
fi
t_pass "installed in a DESTDIR; $sbin_link links there for the test"

fstab=$tmp/fstab
cat >"$fstab" <<EOF
# newsfs: the documented line, and one mounted by hand only
$db  $mnt   newsfs  defaults,nofail  0 0
$db  $mnt2  newsfs  noauto,nofail,x-systemd.requires-mounts-for=$tmp,allow_other,noexec  0 0
EOF

mount -T "$fstab" "$mnt" >"$tmp/out" 2>&1
rc=$?
t_eq "mount -T FSTAB MNT (status)" "$rc" "0"
[ "$rc" -eq 0 ] || cat "$tmp/out"
t_check "mounted" mountpoint -q "$mnt"
t_eq "source is the index, type fuse.newsfs" "$(source_of "$mnt")" "$db fuse.newsfs"
t_check "ls issues" test -n "$(ls "$mnt/issues" 2>/dev/null)"
f=$(first_article "$mnt")
t_check "cat an article" test -n "$f" -a "$(cat "$f" 2>/dev/null | wc -c)" = "$(stat -c %s "$f" 2>/dev/null)"
if mount -T "$fstab" "$mnt" >"$tmp/out" 2>&1; then
    t_fail "mount again: refused" "succeeded"
else
    t_pass "mount again: refused"
fi
mount -a -T "$fstab" >"$tmp/out" 2>&1
t_eq "mount -a: status 0 (knows it is mounted, skips noauto)" "$?" "0"
t_eq "... one mount on MNT" "$(mounts_on "$mnt")" "1"
t_eq "... none on the noauto one" "$(mounts_on "$mnt2")" "0"

mount -T "$fstab" "$mnt2" >"$tmp/out" 2>&1
t_eq "mount the noauto line by hand (status)" "$?" "0"
opts=$(awk -v d="$mnt2" '$5 == d { print $6; for (i = 7; $i != "-"; i++) ; print $(i + 3) }' \
       /proc/self/mountinfo | tr '\n' ',')
case ",$opts," in
*,allow_other,*) t_pass "allow_other reached FUSE" ;;
*) t_fail "allow_other reached FUSE" "$opts" ;;
esac
case ",$opts," in
*,noexec,*) t_pass "noexec reached the kernel" ;;
*) t_fail "noexec reached the kernel" "$opts" ;;
esac

umount "$mnt" && umount "$mnt2"
t_eq "umount unmounts both" "$(mounts_on "$mnt")$(mounts_on "$mnt2")" "00"
t_check "the daemons end" gone

t_done
