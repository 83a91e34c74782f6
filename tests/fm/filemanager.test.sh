#!/bin/sh
# filemanager.test.sh - the mount as a desktop user meets it: a real file
# manager (pcmanfm, else Thunar; NEWSFS_FM=thunar to choose) on a virtual X
# server (Xvfb) opens an issue directory, then an article in a text viewer.
# Screenshots of both are kept in $ARTEFACTS (default: artefacts/ beside
# $NEWSFS, i.e. build/artefacts under make test). Checks: the names file
# managers probe (.hidden, .directory, .Trash-*, autorun.inf, desktop.ini,
# ...) are answered with ENOENT in every kind of directory and are never
# taken as queries; the window shows the directory; the article opens; no
# error dialog; the screenshots are not blank; the daemon logs no error.
# Without FUSE everything is skipped; without Xvfb or a file manager the
# desktop part is skipped (each counted as skipped).
. tests/lib.sh
set -u

if ! t_have_fuse || ! { [ -r /dev/fuse ] && [ -w /dev/fuse ]; }; then
    t_skip "file manager tests" "no usable /dev/fuse or no fusermount3"
    t_done
    exit $?
fi

have() { command -v "$1" >/dev/null 2>&1; }

tmp=$(mktemp -d)
mnt=$tmp/mnt
db=$tmp/index.db
T_LOG=$tmp/daemon.log
ARTEFACTS=${ARTEFACTS:-$(dirname "$NEWSFS")/artefacts}
# Every process started for the desktop carries this in its environment, so
# that the cleanup finds all of them (D-Bus services, the viewer the file
# manager launched, ...) and nothing else.
marker=newsfs-fm-$$-$(date +%s)

# kill_ours TAG: end every process whose environment holds NEWSFS_FM_TEST=$marker-TAG.
kill_ours() {
    for _sig in TERM TERM KILL; do
        _pids=$(grep -lzxF "NEWSFS_FM_TEST=$marker-$1" /proc/[0-9]*/environ 2>/dev/null |
                sed -e 's|^/proc/||' -e 's|/environ$||' | tr '\n' ' ')
        [ -n "$_pids" ] || return 0
        # shellcheck disable=SC2086
        kill -s "$_sig" $_pids 2>/dev/null
        sleep 1
    done
}

cleanup() {
    kill_ours fm
    t_umount "$mnt"
    kill_ours x
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# no_errors NAME: the daemon log holds no error so far
no_errors() {
    if grep -qiE 'error|fail|assert|sanitizer|malformed' "$T_LOG"; then
        t_fail "$1" "$(grep -iE 'error|fail|assert|sanitizer|malformed' "$T_LOG" | head -n 3)"
    else
        t_pass "$1"
    fi
}

if ! "$NEWSFS" index "$TEST_FIXTURES/corpus" "$db" >"$tmp/index.log" 2>&1; then
    t_fail "index fixture corpus" "$(tail -n 3 "$tmp/index.log")"
    t_done
    exit 1
fi
if ! t_mount "$db" "$mnt"; then
    t_fail "mount" "$(tail -n 5 "$T_LOG")"
    t_done
    exit 1
fi
t_pass "mount answers"

issue=$(ls "$mnt/issues" | head -n 1)
article=$(ls "$mnt/issues/$issue" | head -n 1)
province=$(ls "$mnt/regions" | head -n 1)
topic=$(ls "$mnt/topics" | head -n 1)

# ---- probes, in every kind of directory ----
# Names file managers, desktop libraries and shells look for (observed:
# pcmanfm .directory; Thunar/GIO .hidden, .sh_thumbnails, .Trash, .Trash-UID;
# the rest from GVfs autorun, KDE, Windows clients over Samba, VCS prompts).
probes=".hidden .directory .sh_thumbnails .thumbnails .Trash .Trash-0 .Trash-$(id -u)
.xdg-volume-info .autorun autorun.inf AUTORUN.INF desktop.ini Desktop.ini Thumbs.db
folder.jpg folder.png AlbumArtSmall.jpg .DS_Store ._.DS_Store .localized .nomedia
.metadata_never_index .git .svn .hg .bzr .envrc .comments RECYCLER"
dirs="/
/issues
/issues/$issue
/regions
/regions/$province
/topics
/topics/$topic
/search
/search/工会
/search/工会/长春"
saved_before=$(ls -a "$mnt/search" | tr '\n' ' ')
bad=0 n=0
start=$(date +%s)
old_ifs=$IFS
IFS='
'
for d in $dirs; do
    IFS=$old_ifs
    for p in $probes; do
        n=$((n + 1))
        if err=$(stat -c %F "$mnt$d/$p" 2>&1); then
            bad=$((bad + 1))
            echo "probe $d/$p exists: $err"
        else
            case "$err" in
            *"No such file or directory"*) ;;
            *) bad=$((bad + 1)); echo "probe $d/$p: $err" ;;
            esac
        fi
    done
    IFS='
'
done
IFS=$old_ifs
secs=$(($(date +%s) - start))
t_eq "$n probes in 10 kinds of directory answer ENOENT" "$bad" "0"
t_check "probes are cheap ($n in ${secs}s)" test "$secs" -le 5
t_eq "probes saved no query in search/" "$(ls -a "$mnt/search" | tr '\n' ' ')" "$saved_before"
no_errors "probes logged nothing"

# ---- the desktop ----
fm=${NEWSFS_FM:-}
if [ -z "$fm" ]; then
    for c in pcmanfm thunar; do
        if have "$c"; then fm=$c; break; fi
    done
fi
if ! have Xvfb; then
    t_skip "file manager on Xvfb" "Xvfb not installed (apt-get install xvfb)"
    t_done
    exit $?
fi
if [ -z "$fm" ] || ! have "$fm"; then
    t_skip "file manager on Xvfb" "${fm:-pcmanfm or thunar} not installed"
    t_done
    exit $?
fi
if ! have xdotool; then
    t_skip "file manager on Xvfb" "xdotool not installed (needed to drive the window)"
    t_done
    exit $?
fi
mkdir -p "$ARTEFACTS"

# the X server picks a free display and writes its number once it is ready
env NEWSFS_FM_TEST="$marker-x" setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp \
    3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
i=0
while [ ! -s "$tmp/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$tmp/display" ]; then
    t_fail "Xvfb starts" "$(tail -n 3 "$tmp/xvfb.log")"
    t_done
    exit 1
fi
DISPLAY=:$(head -n 1 "$tmp/display")
t_pass "Xvfb runs on $DISPLAY"

# A private desktop session: home, settings and caches in $tmp; text files
# open in the first text viewer installed.
home=$tmp/home
mkdir -p "$home/.config" "$home/.cache" "$home/.local/share" "$tmp/run"
chmod 700 "$tmp/run"
viewer= viewer_class=
for v in org.xfce.mousepad:mousepad leafpad:leafpad l3afpad:l3afpad featherpad:featherpad \
         org.gnome.gedit:gedit xed:xed pluma:pluma org.gnome.TextEditor:gnome-text-editor; do
    id=${v%%:*} bin=${v#*:}
    if [ -f "/usr/share/applications/$id.desktop" ] && have "$bin"; then
        viewer=$id.desktop viewer_class=$bin
        break
    fi
done
if [ -n "$viewer" ]; then
    printf '[Default Applications]\ntext/plain=%s\n' "$viewer" >"$home/.config/mimeapps.list"
fi

# run_desktop CMD...: in the private session, marked, in its own session id
run_desktop() {
    env NEWSFS_FM_TEST="$marker-fm" DISPLAY="$DISPLAY" HOME="$home" \
        XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
        XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$tmp/run" \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_AT_BRIDGE=1 GTK_A11Y=none \
        setsid "$@" </dev/null >>"$tmp/fm.log" 2>&1 &
}
x() { DISPLAY=$DISPLAY "$@"; }

# wait_window CLASS: id of the first visible window of CLASS (15 s deadline)
wait_window() {
    _i=0
    while [ $_i -lt 150 ]; do
        _w=$(x xdotool search --onlyvisible --class "$1" 2>/dev/null | tail -n 1)
        if [ -n "$_w" ]; then echo "$_w"; return 0; fi
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

# screenshot NAME: the whole screen into $ARTEFACTS/NAME.png, checked not blank
screenshot() {
    _f=$ARTEFACTS/$1.png
    if have import; then
        x import -window root "$_f" 2>>"$tmp/fm.log"
    elif have xwd && have convert; then
        x xwd -root -silent | convert xwd:- "$_f" 2>>"$tmp/fm.log"
    else
        t_skip "screenshot $1" "no import or xwd+convert (imagemagick)"
        return 0
    fi
    if [ ! -s "$_f" ]; then
        t_fail "screenshot $1" "no file"
        return 0
    fi
    if have identify; then
        _k=$(identify -format %k "$_f" 2>/dev/null)
    elif have python3; then
        _k=$(python3 tests/fm/pngcolours.py "$_f" 2>/dev/null)
    else
        t_skip "screenshot $1 not blank" "no identify or python3 to count colours"
        return 0
    fi
    # a blank or single-colour screen has 1 or 2 colours; text and icons hundreds
    if [ "${_k:-0}" -ge 50 ] 2>/dev/null; then
        t_pass "screenshot $_f ($_k colours)"
    else
        t_fail "screenshot $_f" "only ${_k:-?} colours: blank?"
    fi
}

# error_dialogs: names of visible windows that look like an error message
error_dialogs() {
    for _w in $(x xdotool search --onlyvisible --name '' 2>/dev/null); do
        x xdotool getwindowname "$_w" 2>/dev/null
    done | grep -iE 'error|错误|cannot|failed|problem' || true
}

fm_cmd=$fm
[ "$fm" = pcmanfm ] && fm_cmd="pcmanfm --no-desktop"
tracer=
if have strace; then
    tracer="strace -f -qq -s 1024 -e trace=%file -o $tmp/strace.log"
fi
if have dbus-run-session; then
    # shellcheck disable=SC2086
    run_desktop dbus-run-session -- $tracer $fm_cmd "$mnt/issues/$issue"
else
    # shellcheck disable=SC2086
    run_desktop $tracer $fm_cmd "$mnt/issues/$issue"
fi
fm_class=$fm
[ "$fm" = thunar ] && fm_class=Thunar
if ! win=$(wait_window "$fm_class"); then
    t_fail "$fm shows a window" "$(tail -n 5 "$tmp/fm.log")"
    t_done
    exit 1
fi
t_pass "$fm shows a window"
# no window manager: place the windows side by side by hand
x xdotool windowmove "$win" 0 0 windowsize "$win" 640 800 2>/dev/null
sleep 2 # let it list the directory and draw
title=$(x xdotool getwindowname "$win" 2>/dev/null)
case "$title" in
*"$issue"*) t_pass "window shows issues/$issue ($title)" ;;
*) t_fail "window shows issues/$issue" "title [$title]" ;;
esac
screenshot filemanager-issue
t_eq "no error dialog while listing" "$(error_dialogs)" ""

# open the first article: focus the view, first item, Enter (what a
# double-click does), and wait for the text viewer
if [ -z "$viewer" ]; then
    t_skip "article opens in a text viewer" "no text viewer installed (mousepad, leafpad, ...)"
else
    x xdotool mousemove --window "$win" 400 400 windowfocus "$win" 2>/dev/null
    x xdotool key --clearmodifiers Home Return 2>/dev/null
    if vwin=$(wait_window "$viewer_class"); then
        x xdotool windowmove "$vwin" 640 0 windowsize "$vwin" 640 800 2>/dev/null
        sleep 2
        vtitle=$(x xdotool getwindowname "$vwin" 2>/dev/null)
        # the viewer's title names the file: the Chinese name came through
        case "$vtitle" in
        *"${article%.txt}"*) t_pass "article opens in $viewer_class ($vtitle)" ;;
        *) t_fail "article opens in $viewer_class" "window title [$vtitle], article [$article]" ;;
        esac
        screenshot filemanager-article
    else
        t_fail "article opens in a text viewer" "no $viewer_class window; $(tail -n 3 "$tmp/fm.log")"
    fi
    t_eq "no error dialog after opening" "$(error_dialogs)" ""
fi

kill_ours fm

# ---- what the file manager probed ----
if [ -s "$tmp/strace.log" ]; then
    # every name it looked up under the mount that does not exist is a probe
    grep -o "\"$mnt/[^\"]*\"" "$tmp/strace.log" | tr -d '"' | grep -v '\\' | sort -u |
        while read -r path; do
            [ -e "$path" ] || echo "${path#"$mnt"}"
        done >"$ARTEFACTS/filemanager-probes.txt"
    # the name probed is the first component of such a path that is missing
    # (.sh_thumbnails of .sh_thumbnails/normal/<md5>.png)
    names=$(while read -r path; do
                pre=$mnt rest=${path#/}
                while [ -n "$rest" ]; do
                    c=${rest%%/*}
                    if [ "$c" = "$rest" ]; then rest=; else rest=${rest#*/}; fi
                    pre=$pre/$c
                    if [ ! -e "$pre" ]; then echo "$c"; break; fi
                done
            done <"$ARTEFACTS/filemanager-probes.txt" | sort -u | tr '\n' ' ')
    t_pass "$fm probed: ${names:-nothing}(list in $ARTEFACTS/filemanager-probes.txt)"
    bad=
    for p in $names; do
        [ -e "$mnt/search/$p" ] && bad="$bad $p"
    done
    t_eq "no name $fm probes is a query in search/" "$bad" ""
else
    t_skip "names the file manager probed" "strace not installed"
fi

t_check "daemon alive" kill -0 "$T_MOUNT_PID"
no_errors "no errors in the daemon log"
t_done
