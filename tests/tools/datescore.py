#!/usr/bin/env python3
"""Score the publication dates newsfs infers from the text of each sample
issue against the gold dates: for every ../shared/corpus issue, the inferred
date, its confidence, the gold months of its articles and whether the date
is within the issue's gold month (the most common month among its
articles' "date" fields; issues whose gold dates are all null are listed
but not scored). Prints the count within the right month last.

The dates come from tests/tools/datedump.c, a small test-only driver the
Makefile builds as BUILD/tests/datedump (make test builds it too).

usage: datescore.py [options]
  --build DIR     build directory whose tests/datedump to run (default build-dat)
  --no-make       do not run make for the driver first
  --shared DIR    the shared directory (default ../shared next to the repo)
  --full          date as the indexer does (manifest, file name, then text)
                  instead of from the text only
  --explain       also print each explanation
  --min N         exit 1 when fewer than N issues are within the right month

Exits 0 without scoring when the shared directory is absent.
"""
import argparse
import collections
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def build_driver(build, run_make):
    """The path of BUILD/tests/datedump, made by the Makefile (with the
    build's own flags, sanitizers included) unless run_make is false."""
    out = os.path.join(build, "tests", "datedump")
    if run_make:
        subprocess.run(["make", "-s", "BUILD=" + build, out], cwd=REPO, check=True)
    if not os.path.exists(os.path.join(REPO, out)):
        sys.exit("datescore: %s not found (run make BUILD=%s %s)" % (out, build, out))
    return os.path.join(REPO, out)


def gold_months(path):
    """The months (YYYY-MM) of the gold articles' dates, nulls left out."""
    months = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            date = json.loads(line).get("date")
            if date:
                months.append(date[:7])
    return months


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build-dat")
    ap.add_argument("--no-make", action="store_true")
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--min", type=int, default=0)
    args = ap.parse_args()

    corpus = os.path.join(args.shared, "corpus")
    gold_dir = os.path.join(args.shared, "gold")
    issues = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    if not issues or not os.path.isdir(gold_dir):
        print("datescore: no %s/corpus and gold; nothing to score" % args.shared)
        return 0

    driver = build_driver(args.build, not args.no_make)
    cmd = [driver] + (["-m", corpus] if args.full else ["-t"]) + issues
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        return 1
    inferred = {}
    for line in res.stdout.splitlines():
        path, date, source, conf, explain = line.split("\t", 4)
        inferred[os.path.basename(path)[:-4]] = (date, source, float(conf), explain)

    scored = right = 0
    print("%-22s %-11s %-5s %-9s %-7s %s" % ("issue", "inferred", "conf", "gold", "result",
                                              "gold months (articles)"))
    for path in issues:
        issue = os.path.basename(path)[:-4]
        date, source, conf, explain = inferred.get(issue, ("-", "", 0.0, ""))
        gold_path = os.path.join(gold_dir, issue + ".jsonl")
        months = gold_months(gold_path) if os.path.exists(gold_path) else []
        counts = collections.Counter(months)
        if counts:
            gold = counts.most_common(1)[0][0]
            scored += 1
            ok = date[:7] == gold
            right += ok
            result = "right" if ok else "WRONG"
        else:
            gold, result = "-", "n/a"
        detail = ", ".join("%s x%d" % kv for kv in sorted(counts.items())) or "all null"
        print("%-22s %-11s %-5.2f %-9s %-7s %s" % (issue, date, conf, gold, result, detail))
        if args.explain:
            print("    %s" % explain)
    print("%d of %d issues within the right month (%d without gold dates)"
          % (right, scored, len(issues) - scored))
    return 1 if right < args.min else 0


if __name__ == "__main__":
    sys.exit(main())
