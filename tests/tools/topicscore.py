#!/usr/bin/env python3
"""Score the topic classifier against the hand-labelled sample articles,
without a mount: topic_main and topic_f1 computed exactly as
../shared/eval/evaluate.py does, each mistake, and a per-topic summary.

usage: topicscore.py [options]
  --newsfs BIN        the newsfs binary (default build-top/newsfs, else build/newsfs)
  --shared DIR        the shared directory (default ../shared next to the repo)
  --articles DIR      gold articles written by goldarticles.py (default: written
                      to a temporary directory)
  --topics FILE       classify with this topics file instead of the default
  --set KEY=VALUE     add "@set KEY VALUE" to the default taxonomy (repeatable)
  --issues A,B        only the issues whose names start with A or B (hold-outs)
  --segmented         classify whole corpus issues as segmented by newsfs and
                      match articles to gold ones by title (needs the segmenter)
  --explain           print the classifier's explanation for each mistake
  -q                  only the figures

Exits 0 without scoring when the shared directory is absent.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def norm(s):
    return re.sub(r"[\s#]+", "", unicodedata.normalize("NFKC", s or "")).casefold()


def set_f1(gold, pred):
    """Exactly evaluate.py's per-article F1 (0 when both are empty)."""
    gold, pred = list(gold), set(pred)
    inter = len(set(gold) & pred)
    if not gold and not pred:
        return 0.0
    prec = inter / len(pred) if pred else 0.0
    rec = inter / len(gold) if gold else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def run_enrich(newsfs, files, topics, single):
    cmd = [newsfs, "enrich", "--json"]
    if single:
        cmd.append("--article")
    if topics:
        cmd += ["--topics", topics]
    out = subprocess.run(cmd + files, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"topicscore: {' '.join(cmd[:4])} failed: {out.stderr.strip()}")
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]


def gold_articles(shared, articles_dir):
    if not articles_dir:
        articles_dir = tempfile.mkdtemp(prefix="goldart-")
    index = os.path.join(articles_dir, "index.jsonl")
    if not os.path.exists(index):
        subprocess.run([sys.executable, os.path.join(HERE, "goldarticles.py"), articles_dir, shared],
                       check=True, stdout=subprocess.DEVNULL)
    return [json.loads(l) for l in open(index, encoding="utf-8") if l.strip()]


def predictions_single(newsfs, golds, topics):
    preds = run_enrich(newsfs, [g["file"] for g in golds], topics, True)
    by_file = {p["file"]: p for p in preds}
    return [by_file.get(g["file"]) for g in golds]


def predictions_segmented(newsfs, shared, golds, topics):
    """Match each gold article to the segmented article with the same title
    (or one containing the other); unmatched gold articles get nothing."""
    issues = sorted({g["issue"] for g in golds})
    files = [os.path.join(shared, "corpus", i + ".txt") for i in issues]
    preds = run_enrich(newsfs, files, topics, False)
    per_issue = {}
    for p in preds:
        stem = os.path.basename(p["file"])[:-4]
        per_issue.setdefault(stem, []).append(p)
    out = []
    for g in golds:
        gt = norm(g["title"])
        best = None
        for p in per_issue.get(g["issue"], []):
            pt = norm(p["title"])
            if pt == gt:
                best = p
                break
            if best is None and pt and gt and (gt in pt or (len(pt) >= 6 and pt in gt)):
                best = p
        out.append(best)
    return out


def main():
    args = sys.argv[1:]
    opts = {"newsfs": None, "shared": os.path.normpath(os.path.join(REPO, "..", "shared")),
            "articles": None, "topics": None, "issues": None}
    sets, segmented, explain, quiet = [], False, False, False
    while args:
        a = args.pop(0)
        if a in ("-h", "--help"):
            print(__doc__)
            return 0
        if a == "--segmented":
            segmented = True
        elif a == "--explain":
            explain = True
        elif a == "-q":
            quiet = True
        elif a == "--set" and args:
            sets.append(args.pop(0))
        elif a.startswith("--") and a[2:] in opts and args:
            opts[a[2:]] = args.pop(0)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    shared = opts["shared"]
    if not os.path.isdir(os.path.join(shared, "gold")):
        print(f"topicscore: no shared gold at {shared}: skipped")
        return 0
    newsfs = opts["newsfs"] or next((os.path.join(REPO, b, "newsfs") for b in ("build-top", "build")
                                     if os.path.exists(os.path.join(REPO, b, "newsfs"))), None)
    if not newsfs:
        sys.exit("topicscore: no newsfs binary (build it, or pass --newsfs)")

    topics = opts["topics"]
    tmp = None
    if sets:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".topics", delete=False, encoding="utf-8")
        if topics:
            tmp.write(open(topics, encoding="utf-8").read() + "\n")
        else:
            tmp.write("@include default\n")
        for s in sets:
            k, _, v = s.partition("=")
            tmp.write(f"@set {k} {v}\n")
        tmp.close()
        topics = tmp.name

    golds = gold_articles(shared, opts["articles"])
    if opts["issues"]:
        prefixes = tuple(opts["issues"].split(","))
        golds = [g for g in golds if g["issue"].startswith(prefixes)]
    try:
        preds = (predictions_segmented(newsfs, shared, golds, topics) if segmented
                 else predictions_single(newsfs, golds, topics))
    finally:
        if tmp:
            os.unlink(tmp.name)

    n = len(golds) or 1
    main_ok, f1_sum = 0, 0.0
    stats = {}  # topic -> counters

    def st(t):
        return stats.setdefault(t, {"gold_main": 0, "main_ok": 0, "tp": 0, "fp": 0, "fn": 0,
                                    "pred_main": 0})
    confusion = {}
    mistakes = []
    for g, p in zip(golds, preds):
        gt = g["topics"]
        pt = p["topics"] if p else []
        ok = bool(gt) and gt[0] in pt
        f1 = set_f1(gt, pt) if (gt or pt) else 0.0
        main_ok += ok
        f1_sum += f1
        if gt:
            st(gt[0])["gold_main"] += 1
            st(gt[0])["main_ok"] += ok
        if pt:
            st(pt[0])["pred_main"] += 1
        for t in set(gt) | set(pt):
            s = st(t)
            if t in gt and t in pt:
                s["tp"] += 1
            elif t in pt:
                s["fp"] += 1
            else:
                s["fn"] += 1
        if gt and not ok:
            key = (gt[0], pt[0] if pt else "(none)")
            confusion[key] = confusion.get(key, 0) + 1
        if not ok or f1 < 1.0:
            mistakes.append((g, p, ok, f1))

    if not quiet:
        for g, p, ok, f1 in mistakes:
            name = os.path.basename(g["file"]) if "file" in g else g["issue"]
            got = p["topics"] if p else "(no article matched)"
            print(f"{'MAIN' if not ok else 'set '} {name} {g['title']}\n"
                  f"     gold={g['topics']} got={got} f1={f1:.2f}")
            if explain and p:
                for line in p.get("explain_topics", "").splitlines():
                    print(f"       {line}")
        print("\nper topic: gold-main main-ok pred-main | tp fp fn  precision recall")
        for t in sorted(stats, key=lambda t: -stats[t]["gold_main"] - stats[t]["tp"] - stats[t]["fn"]):
            s = stats[t]
            prec = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
            rec = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 0.0
            print(f"  {t}\t{s['gold_main']:3d} {s['main_ok']:3d} {s['pred_main']:3d} | "
                  f"{s['tp']:3d} {s['fp']:3d} {s['fn']:3d}  {prec:.2f} {rec:.2f}")
        if confusion:
            print("main-topic misses (gold -> predicted main):")
            for (a, b), c in sorted(confusion.items(), key=lambda x: -x[1]):
                print(f"  {a} -> {b}: {c}")
    print(f"articles: {len(golds)}")
    print(f"topic_main: {main_ok / n:.4f}")
    print(f"topic_f1: {f1_sum / n:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
