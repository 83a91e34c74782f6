#!/usr/bin/env python3
"""tests/bench/bench.py - the measurement driver of `make bench`.

Started by tests/bench/bench.sh, which chooses the corpus, generates it
(cached), takes the lock and cleans up mounts and daemons on exit; see
tests/bench/README.md for what every figure measures.  Python 3 stdlib only.

Inputs (environment, set by bench.sh):
  NEWSFS          newsfs binary
  BENCH_CORPUS    the generated corpus directory
  BENCH_GEN       which generator made it (for the report)
  BENCH_DIR       work directory (results-<timestamp>.json/.txt go here)
  BENCH_RUN       scratch directory of this run (index, mount point, copies)
  BENCH_PIDFILE   file listing the pids of newsfs daemons alive (for the trap)
  BENCH_ISSUES, BENCH_SEED, BENCH_QUERIES, BENCH_REPS, BENCH_MOUNTS, BENCH_KEEP, BENCH_DROP
"""
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import unicodedata

E = os.environ
NEWSFS = os.path.abspath(E.get("NEWSFS", "build/newsfs"))
CORPUS = os.path.abspath(E["BENCH_CORPUS"])
BENCH_DIR = os.path.abspath(E["BENCH_DIR"])
RUN = os.path.abspath(E["BENCH_RUN"])
PIDFILE = os.path.abspath(E["BENCH_PIDFILE"])
ISSUES = int(E.get("BENCH_ISSUES", "12000"))
SEED = int(E.get("BENCH_SEED", "1"))
NQUERIES = int(E.get("BENCH_QUERIES", "50"))
REPS = max(1, int(E.get("BENCH_REPS", "3")))
INDEX_RUNS = max(1, int(E.get("BENCH_INDEX_RUNS", "3")))
# the passes also run on a read-write mount (-o rw; newsfs mounts read-only
# by default): there the kernel marks an inode's atime stale after each read
# or listing it sends, so the next stat of it (grep and cat fstat every
# file, find every directory) costs a round trip
RW_WORKLOADS = ("find", "grep", "cat") if E.get("BENCH_RW", "1") != "0" else ()
NMOUNTS = max(1, int(E.get("BENCH_MOUNTS", "5")))
KEEP = E.get("BENCH_KEEP", "") not in ("", "0")
GEN = E.get("BENCH_GEN", "?")

DB = os.path.join(RUN, "index.db")
MNT = os.path.join(RUN, "mnt")
NATIVE = os.path.join(RUN, "native")              # cp -r MNT/issues NATIVE/
NATIVE_ISSUES = os.path.join(NATIVE, "issues")
NATIVE_LARGEST = os.path.join(RUN, "native-largest")
TMP = os.path.join(RUN, "tmp")
LOG = os.path.join(RUN, "newsfs.log")
WORD = "工会"                                      # the grep -r word

# Every child runs in the C locale: byte-wise matching and sorting, the
# same on both sides (UTF-8 patterns still match exactly).
CHILD_ENV = dict(os.environ, LC_ALL="C")
CAN_DROP = os.access("/proc/sys/vm/drop_caches", os.W_OK) and E.get("BENCH_DROP", "1") != "0"
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")

R = {"phases": {}, "daemons": [], "load": []}      # everything measured


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


# ---------------------------------------------------------------- helpers

def note_load(what):
    """Load average, and pressure stall (avg10 'some' of cpu and io) where
    the kernel has PSI: how busy the machine was as each phase began."""
    rec = {"at": what, "t": round(time.time(), 1),
           "loadavg": [round(x, 2) for x in os.getloadavg()]}
    for res in ("cpu", "io"):
        try:
            with open("/proc/pressure/" + res) as f:
                rec["psi_" + res] = float(f.readline().split()[1].split("=")[1])
        except (OSError, ValueError, IndexError):
            pass
    R["load"].append(rec)


def drop_caches():
    """sync, then drop the page cache, dentries and inodes machine-wide
    (root only); returns whether it was done."""
    os.sync()
    if not CAN_DROP:
        return False
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")
    return True


def run(argv, out=None, stdin=None, timeout=None, errpath=None):
    """Run argv in its own process group; return (seconds, exit status).
    The wait blocks in waitpid (a wait with a timeout would poll, in steps
    that quantise the times); a timer kills the group after `timeout`, and
    anything that goes wrong (a signal) kills it too."""
    outf = open(out, "wb") if out else subprocess.DEVNULL
    inf = open(stdin, "rb") if stdin else subprocess.DEVNULL
    err = open(errpath or os.path.join(TMP, "stderr.txt"), "wb" if errpath else "ab")
    timer, expired = None, []

    def kill(p):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=outf, stdin=inf, stderr=err, env=CHILD_ENV,
                             start_new_session=True)
        if timeout:
            timer = threading.Timer(timeout, lambda: (expired.append(1), kill(p)))
            timer.start()
        try:
            rc = p.wait()
        except BaseException:
            kill(p)
            p.wait()
            raise
        t = time.perf_counter() - t0
        return (t, "timeout" if expired else rc)
    finally:
        if timer:
            timer.cancel()
        for f in (outf, inf):
            if f is not subprocess.DEVNULL:
                f.close()
        err.close()


def read_int(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for _ in f:
            n += 1
    return n


def median(xs):
    return statistics.median(xs) if xs else None


def p99(xs):
    """Nearest-rank 99th percentile (of 50 values: the largest)."""
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(0.99 * len(s)) - 1)]


def status_kb(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def pids_write(pids):
    with open(PIDFILE + ".tmp", "w") as f:
        f.write("".join("%d\n" % p for p in sorted(pids)))
    os.replace(PIDFILE + ".tmp", PIDFILE)


LIVE = set()                                       # daemons we started


def is_mounted():
    return subprocess.run(["mountpoint", "-q", MNT]).returncode == 0


def umount():
    """fusermount3 -u, retried for 5 s while busy, then lazily (-z); the
    retries and messages go to R["umount_trouble"]."""
    msgs = []
    for i in range(20):
        if not is_mounted():
            break
        p = subprocess.run(["fusermount3", "-u", MNT], stderr=subprocess.PIPE)
        if p.returncode == 0:
            break
        msgs.append(p.stderr.decode("utf-8", "replace").strip())
        time.sleep(0.25)                           # busy: a child still in it
    else:
        p = subprocess.run(["fusermount3", "-u", "-z", MNT], stderr=subprocess.PIPE)
        msgs.append("lazy unmount: exit %d %s" % (p.returncode, p.stderr.decode("utf-8", "replace").strip()))
    if msgs:
        R.setdefault("umount_trouble", []).append({"t": round(time.time(), 1), "tries": len(msgs),
                                                   "messages": sorted(set(msgs))[:5]})


def wait_gone(pid, secs=10.0):
    """Wait for a daemon we started to exit; kill it (by pid) if it does not."""
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rpartition(")")[2].split()[0] in ("Z", "X"):
                    return True                    # exited, not yet reaped
        except OSError:
            return True
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return False


def answers():
    try:
        os.stat(os.path.join(MNT, "README.txt"))
        return True
    except OSError:
        return False


class Daemon:
    """newsfs mount -f in the background: we know its pid, so its RSS."""

    def __init__(self, phase, opts=()):
        self.phase = phase
        self.opts = list(opts)
        self.p = None

    def __enter__(self):
        os.makedirs(MNT, exist_ok=True)
        logf = open(LOG, "ab")
        t0 = time.perf_counter()
        self.p = subprocess.Popen([NEWSFS, "mount", DB, MNT, "-f"] + self.opts, stdout=logf, stderr=logf,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()
        LIVE.add(self.p.pid)
        pids_write(LIVE)
        deadline = time.monotonic() + 30
        while not answers():
            if self.p.poll() is not None:
                raise RuntimeError("newsfs mount -f exited with %s (see %s)" % (self.p.returncode, LOG))
            if time.monotonic() > deadline:
                raise RuntimeError("the mount did not answer within 30 s")
            time.sleep(0.002)
        self.t_answer = time.perf_counter() - t0
        self.start = status_kb(self.p.pid)
        return self

    def cpu(self):
        """CPU seconds (user + system) the daemon has used so far."""
        try:
            with open("/proc/%d/stat" % self.p.pid) as f:
                fields = f.read().rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def __exit__(self, *exc):
        end = status_kb(self.p.pid)
        t0 = time.perf_counter()
        umount()
        t1 = time.perf_counter()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        t2 = time.perf_counter()
        LIVE.discard(self.p.pid)
        pids_write(LIVE)
        R["daemons"].append({"phase": self.phase, "pid": self.p.pid,
                             "answer_s": round(self.t_answer, 4),
                             "rss_start_kb": self.start.get("VmRSS"),
                             "rss_end_kb": end.get("VmRSS"), "hwm_kb": end.get("VmHWM"),
                             "umount_s": round(t1 - t0, 3), "exit_after_umount_s": round(t2 - t1, 3),
                             "exit": self.p.returncode})
        return False


def daemon_pid():
    """The pid of the detached daemon of `newsfs mount DB MNT` (ours: same
    binary and arguments), found in /proc."""
    want = "\0".join([NEWSFS, "mount", DB, MNT]) + "\0"
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/cmdline" % d) as f:
                    if f.read() == want:
                        return int(d)
            except OSError:
                pass
    return None


# ---------------------------------------------------------------- phases

def index_once(i):
    """One `newsfs index` of the corpus into DB: its times, peak RSS and
    summary line."""
    timef = os.path.join(TMP, "index-time-%d.txt" % i)
    argv = [NEWSFS, "index", CORPUS, DB, "--quiet"]
    if os.access("/usr/bin/time", os.X_OK):
        argv = ["/usr/bin/time", "-v"] + argv
    else:                                          # fallback: rusage of a wrapper's child
        argv = [sys.executable, "-c",
                "import resource,subprocess,sys,time\n"
                "t=time.time();rc=subprocess.call(sys.argv[1:])\n"
                "r=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                "sys.stderr.write('User time (seconds): %f\\nSystem time (seconds): %f\\n"
                "Maximum resident set size (kbytes): %d\\n'%(r.ru_utime,r.ru_stime,r.ru_maxrss))\n"
                "sys.exit(rc)"] + argv
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    wall = time.perf_counter() - t0
    err = p.stderr.decode("utf-8", "replace")
    with open(timef, "w") as f:
        f.write(err)
    if p.returncode != 0:
        raise RuntimeError("newsfs index failed (%d):\n%s" % (p.returncode, err[-2000:]))

    def num(label):
        m = re.search(re.escape(label) + r"[^:]*:\s*([0-9.]+)", err)
        return float(m.group(1)) if m else None
    summary = [ln for ln in err.splitlines() if ln.startswith("newsfs index:")]
    run_ = dict(wall_s=wall, user_s=num("User time (seconds)"), sys_s=num("System time (seconds)"),
                peak_rss_kb=num("Maximum resident set size (kbytes)"),
                summary=summary[-1] if summary else None)
    log("index run %d: %.1f s, cpu %s s" % (i + 1, wall, "?" if run_["user_s"] is None
                                           else "%.1f" % (run_["user_s"] + run_["sys_s"])))
    return run_


def phase_index():
    ph = R["phases"]["index"] = {}
    src_bytes = src_files = 0
    for dp, dn, fn in os.walk(CORPUS):
        dn[:] = [d for d in dn if not d.startswith(".")]
        for n in fn:
            if n.endswith(".txt") and not n.startswith("."):
                src_bytes += os.path.getsize(os.path.join(dp, n))
                src_files += 1
    ph.update(source_bytes=src_bytes, source_files=src_files)

    note_load("index")
    runs = []
    for i in range(INDEX_RUNS):
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(DB + suffix)
            except FileNotFoundError:
                pass
        cold = drop_caches()
        if i == 0:
            ph["cold"] = cold
        runs.append(index_once(i))
    # the run of median CPU time stands for all: on a shared machine one
    # run's CPU time varied by +-15% (same binary, same corpus)
    def cpu(r):
        return r["user_s"] + r["sys_s"] if r["user_s"] is not None and r["sys_s"] is not None \
            else r["wall_s"]
    mid = sorted(runs, key=cpu)[(len(runs) - 1) // 2]
    size = sum(os.path.getsize(DB + s) for s in ("", "-wal", "-shm") if os.path.exists(DB + s))
    wall, user, sys_ = mid["wall_s"], mid["user_s"], mid["sys_s"]
    cores = (user + sys_) / wall if user is not None and sys_ is not None and wall > 0 else None
    rss = [r["peak_rss_kb"] for r in runs if r["peak_rss_kb"] is not None]
    ph.update(wall_s=wall, user_s=user, sys_s=sys_, cores_used=cores,
              peak_rss_kb=max(rss) if rss else None, index_bytes=size, summary=mid["summary"],
              mb_per_s=src_bytes / 1e6 / wall, runs=runs,
              runs_mb_per_core_s=[src_bytes / 1e6 / cpu(r) for r in runs])

    # baseline: read the source once (cold like the indexer): cat every file
    lst = os.path.join(TMP, "source.list")
    with open(lst, "wb") as f:
        for dp, dn, fn in os.walk(CORPUS):
            for n in sorted(fn):
                if n.endswith(".txt"):
                    f.write(os.path.join(dp, n).encode() + b"\0")
    drop_caches()
    out = os.path.join(TMP, "cat-source.out")
    t, rc = run(["sh", "-c", 'xargs -0 cat < "$1" | wc -c', "sh", lst], out=out)
    ph["native_cat_source_s"] = t
    ph["native_cat_source_bytes"] = read_int(out)
    log("index: %.1f s, %.2f MB/s, %.2f cores, index %.2fx source, peak RSS %s MB"
        % (wall, src_bytes / 1e6 / wall, cores or 0, size / max(1, src_bytes),
           "?" if ph["peak_rss_kb"] is None else "%.0f" % (ph["peak_rss_kb"] / 1024)))


def phase_mount():
    """Time from starting `newsfs mount DB MNT` (daemon mode) to the first
    successful stat of MNT/README.txt: one cycle after drop_caches, then
    NMOUNTS warm cycles."""
    ph = R["phases"]["mount"] = {"cold_s": None, "warm_s": []}
    os.makedirs(MNT, exist_ok=True)
    note_load("mount")
    for i in range(NMOUNTS + 1):
        cold = i == 0 and drop_caches()
        if i == 0 and not cold:
            continue
        logf = open(LOG, "ab")
        t0 = time.perf_counter()
        p = subprocess.Popen([NEWSFS, "mount", DB, MNT], stdout=logf, stderr=logf,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()
        deadline = time.monotonic() + 30
        ok = True
        while not answers():
            if (p.poll() is not None and p.returncode != 0) or time.monotonic() > deadline:
                ok = False
                break
            time.sleep(0.001)
        t = time.perf_counter() - t0
        p.wait()
        pid = daemon_pid()
        if pid:
            LIVE.add(pid)
            pids_write(LIVE)
        umount()
        if pid:
            wait_gone(pid)
            LIVE.discard(pid)
            pids_write(LIVE)
        if not ok:
            raise RuntimeError("newsfs mount (daemon) did not answer (exit %s, see %s)"
                               % (p.returncode, LOG))
        if cold:
            ph["cold_s"] = t
        else:
            ph["warm_s"].append(t)
    ph["median_s"] = median(ph["warm_s"])
    log("mount: median %.3f s over %d cycles (cold %s)"
        % (ph["median_s"], len(ph["warm_s"]), "%.3f s" % ph["cold_s"] if ph["cold_s"] else "n/a"))


def walk_mount_issues():
    """rel path (issue/name) -> inode of every article under MNT/issues,
    and the total size."""
    inos, total = {}, 0
    top = os.path.join(MNT, "issues")
    for d in sorted(os.listdir(top)):
        dp = os.path.join(top, d)
        for e in os.scandir(dp):
            st = e.stat(follow_symlinks=False)
            if e.is_file(follow_symlinks=False):
                inos[d + "/" + e.name] = st.st_ino
                total += st.st_size
    return inos, total


def largest_dir():
    """The directory with most entries among topics/**, regions/** and
    issues/<issue>/ (issues/ itself and search/ excluded)."""
    best = (-1, None)
    todo = [os.path.join(MNT, "topics"), os.path.join(MNT, "regions")]
    todo += [e.path for e in os.scandir(os.path.join(MNT, "issues")) if e.is_dir()]
    roots = set(todo[:2])
    while todo:
        d = todo.pop()
        n = 0
        for e in os.scandir(d):
            n += 1
            if e.is_dir(follow_symlinks=False) and not d.startswith(os.path.join(MNT, "issues")):
                todo.append(e.path)
        if d not in roots and n > best[0]:
            best = (n, d)
    return best


def draw_queries(rels):
    """BENCH_QUERIES distinct runs of 1, 2 and 4 CJK characters, each from
    a random position of a random article (native copy), fixed seed."""
    rnd = random.Random(SEED)
    out = {}
    for k in (1, 2, 4):
        got, tries = [], 0
        while len(got) < NQUERIES and tries < NQUERIES * 200:
            tries += 1
            with open(os.path.join(NATIVE_ISSUES, rnd.choice(rels)), encoding="utf-8",
                      errors="replace") as f:
                text = f.read()
            starts = [i for i in range(len(text) - k + 1)
                      if all(CJK.match(c) for c in text[i:i + k])]
            if starts:
                q = text[rnd.choice(starts):][:k]
                if q not in got:
                    got.append(q)
        out[k] = got
    return out


def phase_prepare():
    """Native copy (cp -r MNT/issues NATIVE/), the inode map, the largest
    directory and its native twin, the queries."""
    ph = R["phases"]["prepare"] = {}
    for d in (NATIVE, NATIVE_LARGEST):
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(NATIVE)
    note_load("prepare")
    with Daemon("prepare (cp -r, walks)"):
        t, rc = run(["cp", "-r", os.path.join(MNT, "issues"), NATIVE + "/"])
        ph.update(cp_s=t, cp_rc=rc)
        log("native copy: cp -r mnt/issues: %.1f s (exit %s)" % (t, rc))
        inos, total = walk_mount_issues()
        n, big = largest_dir()
        os.makedirs(NATIVE_LARGEST)
        files = dirs = 0
        for e in os.scandir(big):
            if e.is_dir(follow_symlinks=False):
                os.mkdir(os.path.join(NATIVE_LARGEST, e.name))
                dirs += 1
            else:
                shutil.copyfile(e.path, os.path.join(NATIVE_LARGEST, e.name))
                files += 1
    rels = sorted(inos)
    ph.update(articles=len(rels), article_bytes=total, largest=os.path.relpath(big, MNT),
              largest_entries=n, largest_files=files, largest_dirs=dirs,
              native_largest_entries=len(os.listdir(NATIVE_LARGEST)))
    du = 0
    for dp, dn, fn in os.walk(NATIVE_ISSUES):
        for x in fn:
            du += os.lstat(os.path.join(dp, x)).st_blocks * 512
    ph["native_copy_du_bytes"] = du
    for side, root in (("newsfs", os.path.join(MNT, "issues")), ("native", NATIVE_ISSUES)):
        with open(os.path.join(TMP, "cat-%s.list" % side), "wb") as f:
            for r in rels:
                f.write(os.path.join(root, r).encode() + b"\0")
    ph["queries"] = draw_queries(rels)
    log("%d articles, %.1f MB; largest directory %s (%d entries)"
        % (len(rels), total / 1e6, ph["largest"], n))
    return inos, rels


def grep_files(path, root):
    """Files named in `grep -rlZ` output, relative to root."""
    with open(path, "rb") as f:
        data = f.read()
    return {os.path.relpath(x.decode("utf-8", "surrogateescape"), root)
            for x in data.split(b"\0") if x}


# The passes: shell snippets run as  sh -c SNIPPET sh ROOT RCFILE WORD.
# Output goes down a pipe to wc (nothing written to disk, and GNU grep
# cannot take its /dev/null shortcut); the first command's exit status is
# written to RCFILE, since a pipeline's status is wc's.
WORKLOADS = [
    ("find", "find issues -type f | wc -l", '{ find "$1" -type f; echo $? >"$2"; } | wc -l'),
    ("ls_l", "ls -l <largest dir>", '{ ls -l "$1"; echo $? >"$2"; } | wc -l'),
    ("grep", "grep -r %s issues | wc -l" % WORD, '{ grep -r -e "$3" "$1"; echo $? >"$2"; } | wc -l'),
    ("cat", "cat every article | wc -c", '{ xargs -0 cat <"$1"; echo $? >"$2"; } | wc -c'),
]


def phase_passes(prep):
    """Each workload on each side: one cold pass, then BENCH_REPS warm ones.
    newsfs cold = drop_caches + a fresh mount; native cold = drop_caches."""
    roots = {
        "find": {"newsfs": os.path.join(MNT, "issues"), "native": NATIVE_ISSUES},
        "ls_l": {"newsfs": os.path.join(MNT, prep["largest"]), "native": NATIVE_LARGEST},
        "grep": {"newsfs": os.path.join(MNT, "issues"), "native": NATIVE_ISSUES},
        "cat": {"newsfs": os.path.join(TMP, "cat-newsfs.list"),
                "native": os.path.join(TMP, "cat-native.list")},
    }
    for name, label, snippet in WORKLOADS:
        ph = R["phases"][name] = {"label": label}
        results = {}
        for side in ("newsfs", "native") + (("newsfs_rw",) if name in RW_WORKLOADS else ()):
            note_load("%s %s" % (name, side))
            root = roots[name]["native" if side == "native" else "newsfs"]
            out = os.path.join(TMP, "%s-%s.out" % (name, side))
            rcf = os.path.join(TMP, "%s-%s.rc" % (name, side))
            errf = os.path.join(TMP, "%s-%s.err" % (name, side))
            s = ph[side] = {"stderr": []}
            cpu = []

            def once(d=None):
                c0 = d.cpu() if d else None
                t, rc = run(["sh", "-c", snippet, "sh", root, rcf, WORD], out=out, errpath=errf)
                c1 = d.cpu() if d else None
                if d and c0 is not None and c1 is not None:
                    cpu.append(c1 - c0)
                rc1 = read_int(rcf)
                with open(errf, "rb") as f:
                    e = f.read().decode("utf-8", "replace").strip()
                if e:
                    s["stderr"].append(e.splitlines()[0][:300])
                return t, rc1 if rc == 0 else rc, read_int(out)
            s["dropped"] = drop_caches()
            if side != "native":
                rw = side == "newsfs_rw"
                with Daemon(label + (" -o rw" if rw else ""), ["-o", "rw"] if rw else []) as d:
                    s["cold_s"], s["cold_rc"], res = once(d)
                    warm = [once(d) for _ in range(REPS)]
                    if name == "grep":
                        run(["grep", "-rlZ", "-e", WORD, root], out=out)
                        s["files"] = grep_files(out, root)
                s["daemon_cpu_cold_s"] = cpu[0] if cpu else None
                s["daemon_cpu_warm_s"] = median(cpu[1:])
            else:
                s["cold_s"], s["cold_rc"], res = once()
                warm = [once() for _ in range(REPS)]
                if name == "grep":
                    run(["grep", "-rlZ", "-e", WORD, root], out=out)
                    s["files"] = grep_files(out, root)
            s["warm_s"] = [w[0] for w in warm]
            s["warm_rc"] = [w[1] for w in warm]
            s["warm_median_s"] = median(s["warm_s"])
            s["second_s"] = s["warm_s"][0]
            s["result"] = res
            s["results_stable"] = all(w[2] == res for w in warm)
            results[side] = res
        ph["same"] = all(r == results["native"] for r in results.values())
        if name == "grep":
            if "newsfs_rw" in ph:
                ph["same"] = ph["same"] and ph["newsfs_rw"].pop("files") == ph["newsfs"]["files"]
            a, b = ph["newsfs"]["files"], ph["native"]["files"]
            ph["same_files"] = a == b
            ph["only_newsfs"] = sorted(a - b)[:20]
            ph["only_native"] = sorted(b - a)[:20]
            ph["newsfs"]["files"], ph["native"]["files"] = len(a), len(b)
            ph["same"] = ph["same"] and a == b
        log("%s: %s | %s"
            % (label, " | ".join("%s cold %.3f s second %.3f s warm %.3f s"
                                 % (k, ph[k]["cold_s"], ph[k]["second_s"], ph[k]["warm_median_s"])
                                 for k in ("newsfs", "newsfs_rw", "native") if k in ph),
               "same result" if ph["same"] else "DIFFERENT results"))


# the largest listing whose native floor is measured (creating the files
# costs about 20 us each)
FLOOR_MAX = int(E.get("BENCH_FLOOR_MAX", "60000"))


def memory_dir():
    """A directory on tmpfs (/dev/shm) if this machine has one, else None."""
    try:
        with open("/proc/mounts") as f:
            if any(ln.split()[1:3] == ["/dev/shm", "tmpfs"] for ln in f):
                return "/dev/shm"
    except OSError:
        pass
    return None


def native_floor(names, base, out):
    """Median time of `ls` over a directory under base holding empty files
    of the same names, its output to the file out as the timed listing's
    is: what listing that many entries costs that file system here, the
    floor under `ls search/<q>`."""
    d = os.path.join(base, "newsfs-bench-floor-%d" % os.getpid())
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    try:
        for nm in names:
            os.close(os.open(os.path.join(d, nm), os.O_CREAT | os.O_WRONLY, 0o644))
        ts = [run(["ls", d], out=out)[0] for _ in range(3)]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return median(ts)


def phase_search(prep, inos):
    """Per query: time `ls MNT/search/<q>`, then `grep -rlF <q>` over the
    native copy; then compare the two sets of articles by inode."""
    ph = R["phases"]["search"] = {"queries": []}
    note_load("search")
    qdir = os.path.join(MNT, "search")
    lsout, grout = os.path.join(TMP, "search-ls.out"), os.path.join(TMP, "search-grep.out")
    lsout2 = os.path.join(TMP, "search-ls2.out")
    # grep -rlF reads the native copy from the page cache (the passes read
    # it, and each query's grep reads it again); read the index once so that
    # ls reads it from there too. Left as the cold passes leave it, its
    # full-text pages come from disk: a 4-character search took 5.2 ms
    # instead of 1.5 (133k articles, 50 queries, in process).
    ph["index_warm_s"], ph["index_warm_rc"] = run(["cat", DB], out=os.devnull)
    with Daemon("search") as dm:
        for k in (1, 2, 4):
            for q in prep["queries"][k]:
                rec = {"q": q, "k": k}
                errf = os.path.join(TMP, "search-ls.err")
                c0 = dm.cpu()
                rec["ls_s"], rec["ls_rc"] = run(["ls", os.path.join(qdir, q)], out=lsout, timeout=600,
                                                errpath=errf)
                c1 = dm.cpu()
                if c0 is not None and c1 is not None:
                    rec["daemon_cpu_s"] = round(c1 - c0, 3)
                with open(errf, "rb") as f:
                    e = f.read().decode("utf-8", "replace").strip()
                if e:
                    rec["ls_stderr"] = e.splitlines()[0][:300]
                # the same listing again, now from the kernel's cache of
                # it: what `ls` itself costs over these names on newsfs
                rec["ls2_s"] = run(["ls", os.path.join(qdir, q)], out=lsout2, timeout=600)[0]
                rec["grep_s"], rec["grep_rc"] = run(["grep", "-rlF", "-e", q, NATIVE_ISSUES],
                                                    out=grout, timeout=600)
                with open(lsout, "rb") as f:
                    names = [ln.rstrip(b"\n").decode("utf-8", "surrogateescape") for ln in f]
                rec["ls_n"] = len(names)
                with open(grout, "rb") as f:
                    paths = [ln.rstrip(b"\n").decode("utf-8", "surrogateescape") for ln in f]
                rec["grep_n"] = len(paths)
                if "QUERY-ERROR.txt" in names:
                    rec["error"] = "QUERY-ERROR.txt"
                got, bad = set(), 0
                for nm in names:
                    try:
                        got.add(os.lstat(os.path.join(qdir, q, nm)).st_ino)
                    except OSError:
                        bad += 1
                want = set()
                for pth in paths:
                    ino = inos.get(os.path.relpath(pth, NATIVE_ISSUES))
                    if ino is None:
                        bad += 1
                    else:
                        want.add(ino)
                rec["unresolved"] = bad
                rec["only_search"] = len(got - want)
                rec["only_grep"] = len(want - got)
                rec["same"] = got == want and bad == 0 and rec["ls_rc"] == 0
                ph["queries"].append(rec)
            qs = [r for r in ph["queries"] if r["k"] == k]
            log("search %d char(s): ls median %.3f s, grep -rlF median %.3f s, %d of %d differ"
                % (k, median([r["ls_s"] for r in qs]), median([r["grep_s"] for r in qs]),
                   sum(not r["same"] for r in qs), len(qs)))
        shm = memory_dir()
        # the floors after every timed listing: creating and removing that
        # many files between queries disturbed the next query's time
        for rec in ph["queries"]:
            if rec["ls_n"] <= FLOOR_MAX and rec["ls_rc"] == 0:
                names = os.listdir(os.path.join(qdir, rec["q"]))
                rec["floor_s"] = native_floor(names, TMP, lsout)
                if shm:
                    rec["floor_mem_s"] = native_floor(names, shm, lsout)
        os.sync()
    note_load("end")


# ---------------------------------------------------------------- report

def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s, w):
    return s + " " * max(0, w - width(s))


def fs(x):
    if x is None:
        return "-"
    if x >= 100:
        return "%.0f s" % x
    if x >= 1:
        return "%.2f s" % x
    return "%.1f ms" % (x * 1000) if x >= 0.01 else "%.2f ms" % (x * 1000)


def fr(a, b):
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    return "%.0fx" % r if r >= 100 else "%.1fx" % r if r >= 10 else "%.2fx" % r


def fmb(kb):
    return "-" if kb is None else "%.1f MB" % (kb / 1024)


def dcpu(a):
    c, w = a.get("daemon_cpu_cold_s"), a.get("daemon_cpu_warm_s")
    if c is None or w is None:
        return ""
    return "; daemon CPU %.2f s cold, %.2f s warm" % (c, w)


def report(started, finished):
    P = R["phases"]
    rows = []

    def row(label, a, b, ratio, note=""):
        rows.append((label, a, b, ratio, note))

    ix = P.get("index", {})
    pr = P.get("prepare", {})
    if ix:
        src = ix["source_bytes"]
        cat_s = ix.get("native_cat_source_s")
        cold = "cold" if ix.get("cold") else "page cache not dropped"
        per_core = ix.get("runs_mb_per_core_s") or []
        runs_note = ("; the run of median CPU time of %d (MB/s per core: %s)"
                     % (len(per_core), ", ".join("%.2f" % x for x in per_core))
                     if len(per_core) > 1 else "")
        row("index: time", fs(ix["wall_s"]), fs(cat_s), fr(ix["wall_s"], cat_s),
            "native = cat of the source files (%s)%s" % (cold, runs_note))
        nat_mbs = src / 1e6 / cat_s if cat_s else None
        cores = ix.get("cores_used")
        row("index: source MB/s", "%.2f" % ix["mb_per_s"], "%.0f" % nat_mbs if nat_mbs else "-",
            fr(ix["mb_per_s"], nat_mbs),
            "%.2f cores used (user+sys/wall) = %.2f MB/s per core"
            % (cores, ix["mb_per_s"] / cores) if cores else "")
        du = pr.get("native_copy_du_bytes")
        row("index: size / source", "%.2fx" % (ix["index_bytes"] / src),
            "%.2fx" % (du / src) if du else "-", fr(ix["index_bytes"], du),
            "index %.0f MB (db+wal); native = du of the article copy" % (ix["index_bytes"] / 1e6))
        row("index: peak RSS", fmb(ix.get("peak_rss_kb")), "-", "-",
            "/usr/bin/time -v of newsfs index (the largest of the runs)")
    mt = P.get("mount")
    if mt:
        row("mount: until README.txt stats", fs(mt["median_s"]), "-", "-",
            "median of %d cycles%s" % (len(mt["warm_s"]),
                                      "; after drop_caches %s" % fs(mt["cold_s"]) if mt["cold_s"] else ""))
    if pr:
        row("cp -r issues/ (native copy)", fs(pr.get("cp_s")), "-", "-",
            "%d articles, %.1f MB, fresh mount" % (pr["articles"], pr["article_bytes"] / 1e6))
    labels = {"find": "find issues -type f", "ls_l": "ls -l largest dir",
              "grep": "grep -r %s issues" % WORD, "cat": "cat every article"}
    for name in ("find", "ls_l", "grep", "cat"):
        ph = P.get(name)
        if not ph:
            continue
        a, b = ph["newsfs"], ph["native"]
        label = labels[name]
        ok = "ok" if ph["same"] else "DIFFER"
        if name == "find":
            chk = "files %s/%s %s" % (a["result"], b["result"], ok)
        elif name == "ls_l":
            chk = "%s: %s entries, native copy %s; ls lines %s/%s %s" % (
                pr["largest"], pr["largest_entries"], pr["native_largest_entries"],
                a["result"], b["result"], ok)
        elif name == "grep":
            chk = "lines %s/%s, files %s/%s %s" % (a["result"], b["result"], a["files"], b["files"], ok)
        else:
            chk = "bytes %s/%s %s" % (a["result"], b["result"], ok)
        passes = (("cold", "cold_s", chk), ("second pass", "second_s", "the first warm pass"),
                  ("warm", "warm_median_s", "median of %d warm passes%s" % (REPS, dcpu(a))))
        for side, tag in (("newsfs", ""), ("newsfs_rw", " (-o rw)")):
            if side not in ph:
                continue
            a = ph[side]
            for which, key, note in passes:
                if side == "newsfs_rw" and which == "warm":
                    continue
                if name == "cat":
                    ma = (a["result"] or 0) / 1e6 / a[key] if a[key] else None
                    mb = (b["result"] or 0) / 1e6 / b[key] if b[key] else None
                    row("%s%s, %s MB/s" % (label, tag, which), "%.0f" % ma, "%.0f" % mb, fr(ma, mb),
                        note)
                else:
                    row("%s%s, %s" % (label, tag, which), fs(a[key]), fs(b[key]), fr(a[key], b[key]),
                        note)
        sides = [ph[k] for k in ("newsfs", "newsfs_rw", "native") if k in ph]
        bad = [r for x in sides for r in (x["cold_rc"], *x["warm_rc"])
               if r not in (0, 1 if name == "grep" else 0)]
        errs = [e for x in sides for e in x["stderr"]]
        if bad or errs:
            rows[-1] = rows[-1][:4] + ((rows[-1][4] + "; " if rows[-1][4] else "") +
                                       ("exit status %s " % bad[0] if bad else "") +
                                       ("stderr: %s" % errs[0] if errs else ""),)
    se = P.get("search")
    if se:
        for k in (1, 2, 4):
            qs = [r for r in se["queries"] if r["k"] == k]
            if not qs:
                continue
            ls, gr = [r["ls_s"] for r in qs], [r["grep_s"] for r in qs]
            diff = sum(not r["same"] for r in qs)
            errs = sum(r["ls_rc"] != 0 or "error" in r for r in qs)
            nls = median([r["ls_n"] for r in qs])
            ngr = median([r["grep_n"] for r in qs])
            row("ls search/<%d char%s> median" % (k, "s" if k > 1 else ""), fs(median(ls)),
                fs(median(gr)), fr(median(ls), median(gr)),
                "%d queries, median hits %g/%g; %d differ from grep%s%s"
                % (len(qs), nls, ngr, diff, "; %d failed" % errs if errs else "",
                   ("; index read into the page cache first (cat: %s), as grep's files are"
                    % fs(se["index_warm_s"]) if se["index_warm_rc"] == 0 else
                    "; reading the index into the page cache FAILED (cat exit %s)"
                    % se["index_warm_rc"]) if k == 1 and "index_warm_s" in se else ""))
            row("ls search/<%d char%s> p99" % (k, "s" if k > 1 else ""), fs(p99(ls)), fs(p99(gr)),
                fr(p99(ls), p99(gr)), "native = grep -rlF over the copy")
            two = [r for r in qs if "ls2_s" in r]
            if two:
                first, again = median([r["ls_s"] for r in two]), median([r["ls2_s"] for r in two])
                row("  first vs second listing, median", fs(first), fs(again), fr(first, again),
                    "second = the same ls again at once, from the kernel's cache of the listing:"
                    " what ls itself costs over these names")
            for key, where in (("floor_s", "on disk"), ("floor_mem_s", "in memory (tmpfs)")):
                fl = [r for r in qs if key in r]
                if not fl:
                    continue
                fl_ls, fl_floor = median([r["ls_s"] for r in fl]), median([r[key] for r in fl])
                row("  vs ls of the same names %s, median" % where, fs(fl_ls), fs(fl_floor),
                    fr(fl_ls, fl_floor),
                    "%d queries; native = ls of a local directory of the listed names;"
                    " grep -rlF / that = %s, the most any listing could reach"
                    % (len(fl), fr(median([r["grep_s"] for r in fl]), fl_floor)))
    ds = R["daemons"]
    if ds:
        peak = max(ds, key=lambda d: d["hwm_kb"] or 0)
        row("daemon RSS start / end", "%s / %s" % (fmb(ds[0]["rss_start_kb"]), fmb(ds[-1]["rss_end_kb"])),
            "-", "-", "first mount after start, last before unmount")
        row("daemon peak RSS (VmHWM)", fmb(peak["hwm_kb"]), "-", "-",
            "max over %d mounts, during: %s" % (len(ds), peak["phase"]))

    head = ("measure", "newsfs", "native", "ratio", "check / notes")
    cols = [max(width(r[i]) for r in rows + [head]) for i in range(4)]
    lines = []
    pr_ = P.get("prepare", {})
    load = R["load"]
    lines.append("newsfs bench  %s  %s" % (time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
                                          R["meta"]["git"]))
    lines.append("corpus: %d issues (%s generator, seed %d), %s articles, %.1f MB source text"
                 % (ISSUES, GEN, SEED, pr_.get("articles", "?"),
                    P.get("index", {}).get("source_bytes", 0) / 1e6))
    lines.append("machine: %d cores; load average %s at start, %s at end; bench took %s"
                 % (os.cpu_count(), " ".join("%.2f" % x for x in load[0]["loadavg"]),
                    " ".join("%.2f" % x for x in load[-1]["loadavg"]),
                    fs(finished - started)))
    if CAN_DROP:
        lines.append("cold = sync + echo 3 > /proc/sys/vm/drop_caches before the pass (both sides),"
                     " and a fresh mount for newsfs; second pass = the first immediate repeat;"
                     " warm = median of %d immediate repeats" % REPS)
    else:
        lines.append("cold = a fresh mount for newsfs only: caches NOT dropped (not root, or BENCH_DROP=0)"
                     " (native 'cold' is warm); second pass = the first repeat;"
                     " warm = median of %d repeats" % REPS)
    if RW_WORKLOADS:
        lines.append("(-o rw) = the same passes on a read-write mount (newsfs mounts read-only):"
                     " there a stat after a read costs a round trip (see README, How it works)")
    lines.append("ratio = newsfs / native (times: >1 is slower; MB/s: <1 is slower); MB = 10^6 bytes;"
                 " LC_ALL=C")
    lines.append("")
    lines.append("  ".join(pad(h, cols[i]) if i < 4 else h for i, h in enumerate(head)))
    lines.append("  ".join("-" * c for c in cols) + "  " + "-" * 13)
    for r in rows:
        lines.append("  ".join(pad(r[i], cols[i]) for i in range(4)) + "  " + r[4])
    if se:
        bad = [r for r in se["queries"] if not r["same"]]
        if bad:
            lines.append("")
            lines.append("search listings that differ from grep -rlF (%d; all in the JSON):" % len(bad))
            for r in bad[:8]:
                why = r.get("ls_stderr")
                why = "ls: " + why.rsplit(": ", 1)[-1] if why else \
                    "ls exit %s" % r["ls_rc"] if r["ls_rc"] != 0 else ""
                lines.append("  %s: listed %d, grep %d, only in search %d, only in grep %d%s"
                             % (r["q"], r["ls_n"], r["grep_n"], r["only_search"], r["only_grep"],
                                "; " + why if why else ""))
    return "\n".join(lines) + "\n"


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    os.makedirs(TMP, exist_ok=True)
    started = time.time()
    git = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                         text=True, cwd=os.path.dirname(os.path.abspath(__file__)))
    R["meta"] = {"issues": ISSUES, "seed": SEED, "generator": GEN, "corpus": CORPUS,
                 "queries_per_length": NQUERIES, "reps": REPS, "mount_cycles": NMOUNTS,
                 "newsfs": NEWSFS, "git": git.stdout.strip() or "?", "cores": os.cpu_count(),
                 "kernel": os.uname().release, "root_drop_caches": CAN_DROP,
                 "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started))}
    note_load("start")
    failed = None
    try:
        if is_mounted():
            umount()
        phase_index()
        phase_mount()
        inos, rels = phase_prepare()
        prep = R["phases"]["prepare"]
        phase_passes(prep)
        phase_search(prep, inos)
    except (Exception, KeyboardInterrupt, SystemExit) as e:
        failed = e
    finally:
        if is_mounted():
            umount()
        for pid in list(LIVE):
            wait_gone(pid, 5)
            LIVE.discard(pid)
        pids_write(LIVE)
        if not KEEP:
            t0 = time.perf_counter()
            for d in (NATIVE, NATIVE_LARGEST):
                shutil.rmtree(d, ignore_errors=True)
            log("removed the native copies in %.1f s" % (time.perf_counter() - t0))
    finished = time.time()
    if isinstance(failed, SystemExit) or isinstance(failed, KeyboardInterrupt):
        log("interrupted")
        return 130
    R["meta"]["seconds"] = round(finished - started, 1)
    if failed is not None:
        R["meta"]["error"] = "%s: %s" % (type(failed).__name__, failed)
        note_load("failed")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    base = os.path.join(BENCH_DIR, "results-" + stamp)
    with open(base + ".json", "w") as f:
        json.dump(R, f, ensure_ascii=False, indent=1)
    table = report(started, finished)
    if failed is not None:
        table += "\nINCOMPLETE: %s\n" % R["meta"]["error"]
    with open(base + ".txt", "w") as f:
        f.write(table)
    print(table, end="")
    print("raw numbers: %s.json, table: %s.txt" % (base, base))
    return 1 if failed is not None else 0


if __name__ == "__main__":
    sys.exit(main())
