#!/usr/bin/env python3
"""Score the gazetteer's main regions on the hand-labelled articles of the
shared sample corpus, the way shared/eval/evaluate.py scores a mount:

  region_exact   predicted region path == gold region
  region_prefix  predicted path is the gold one, an ancestor or a descendant

usage: regionscore.py [--newsfs BIN] [--shared DIR] [--quiet] [--check EXACT PREFIX]

Writes the gold articles to a temporary directory with goldarticles.py,
runs `BIN enrich --article --json` on them, prints each mistake (with the
gazetteer's explanation) and the two figures. Exits 0 with a message when
the shared directory is absent; exits 1 when BIN fails.

With --check, also prints a test-runner line ("1 passed, 0 failed" when
region_exact >= EXACT and region_prefix >= PREFIX, "0 passed, 1 failed"
otherwise, "0 passed, 0 failed, 1 skipped" without the shared directory)
and exits 1 on failure, e.g. --check 0.85 0.95.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def prefix_match(pred, gold):
    return pred == gold or pred.startswith(gold + "/") or gold.startswith(pred + "/")


def main():
    args = sys.argv[1:]
    newsfs = os.path.join(ROOT, "build", "newsfs")
    shared = os.path.join(ROOT, "..", "shared")
    quiet = False
    check = None
    while args:
        a = args.pop(0)
        if a == "--newsfs" and args:
            newsfs = args.pop(0)
        elif a == "--shared" and args:
            shared = args.pop(0)
        elif a == "--quiet":
            quiet = True
        elif a == "--check" and len(args) >= 2:
            check = (float(args.pop(0)), float(args.pop(0)))
        else:
            print(__doc__)
            return 2
    if not os.path.isdir(os.path.join(shared, "gold")):
        print(f"no shared gold at {shared}: nothing to score")
        if check:
            print("0 passed, 0 failed, 1 skipped")
        return 0
    with tempfile.TemporaryDirectory(prefix="regionscore.") as tmp:
        r = subprocess.run([sys.executable, os.path.join(HERE, "goldarticles.py"), tmp, shared],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout + r.stderr)
            return 1
        index = [json.loads(l) for l in open(os.path.join(tmp, "index.jsonl"), encoding="utf-8")]
        if not index:
            print("no gold articles")
            return 0
        r = subprocess.run([newsfs, "enrich", "--article", "--json"] + [x["file"] for x in index],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{newsfs} enrich failed:\n{r.stderr}")
            return 1
        got = {}
        for line in r.stdout.splitlines():
            if line.strip():
                d = json.loads(line)
                got[d["file"]] = d
    exact = prefix = 0
    for g in index:
        d = got.get(g["file"], {})
        pred = d.get("region", "全国")
        gold = g["region"] or "全国"
        ok_exact = pred == gold
        ok_prefix = prefix_match(pred, gold)
        exact += ok_exact
        prefix += ok_prefix
        if not ok_exact and not quiet:
            mark = "near" if ok_prefix else "MISS"
            print(f"{mark} {os.path.basename(g['file'])} {g['title']}\n"
                  f"     gold={gold} got={pred}\n     why: {d.get('explain_region', '')}")
    n = len(index)
    print(f"region_exact: {exact / n:.4f} ({exact}/{n})")
    print(f"region_prefix: {prefix / n:.4f} ({prefix}/{n})")
    if check:
        ok = exact / n >= check[0] and prefix / n >= check[1]
        print("1 passed, 0 failed, 0 skipped" if ok else "0 passed, 1 failed, 0 skipped")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
