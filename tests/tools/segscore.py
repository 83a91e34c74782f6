#!/usr/bin/env python3
"""Score the segmenter on the labelled sample issues, the way evaluate.py does.

usage: segscore.py [--bin NEWSFS] [--shared DIR] [--quiet]

Runs `NEWSFS segment FILE --json` on every DIR/corpus/*.txt that has gold
labels in DIR/gold/*.jsonl and prints, per issue, the articles it got wrong
(blocks in the wrong article, titles not found), then the figures that
evaluate.py computes from a mount:
  lost_chars, dup_chars, seg_precision, seg_recall, seg_f1 (B-cubed over the
  characters of the gold blocks), title_acc.
The article text and title come from the JSON instead of the mount; a file
is named "NN <title>.txt" and, like the mount, cut at 255 bytes.

Defaults: NEWSFS=build-seg/newsfs (or $NEWSFS), DIR=../shared next to the
repository. Exits 0 with a message when DIR is absent.
"""
import json
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

WS = re.compile(r"[\s#]+")


# the definitions below are evaluate.py's
def norm(s):
    return WS.sub("", unicodedata.normalize("NFKC", s)).casefold()


def blocks_of(text):
    return [b.strip() for b in re.split(r"\n{2,}", text) if b.strip()]


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def bcubed(gold_of, pred_of, weight):
    """gold_of/pred_of: unit -> cluster id; weight: unit -> chars."""
    units = [u for u in gold_of if weight[u] > 0]
    tot = sum(weight[u] for u in units) or 1
    gsize, psize, both = {}, {}, {}
    for u in units:
        g, p = gold_of[u], pred_of.get(u)
        gsize[g] = gsize.get(g, 0) + weight[u]
        if p is not None:
            psize[p] = psize.get(p, 0) + weight[u]
            both[(g, p)] = both.get((g, p), 0) + weight[u]
    prec = rec = 0.0
    for u in units:
        g, p = gold_of[u], pred_of.get(u)
        w = weight[u]
        if p is None:
            continue
        inter = both[(g, p)]
        prec += w * inter / psize[p]
        rec += w * inter / gsize[g]
    return prec / tot, rec / tot


def file_name(i, title):
    """The article's file name as the tree makes it: "NN title.txt", <= 255 bytes."""
    name = f"{i:02d} {title}".replace("/", "\u2215")
    raw = name.encode("utf-8")[:251]
    return raw.decode("utf-8", "ignore") + ".txt"


def score_issue(binary, txt, gold_path, quiet):
    stem = os.path.basename(txt)[:-4]
    gold = [json.loads(l) for l in open(gold_path, encoding="utf-8") if l.strip()]
    src = read(txt)
    raw_blocks = blocks_of(src)
    blocks = [norm(b) for b in raw_blocks]
    out = subprocess.run([binary, "segment", txt, "--json"], capture_output=True, check=True)
    arts = [json.loads(l) for l in out.stdout.decode("utf-8").splitlines() if l.strip()]
    texts = {}
    for a in arts:
        name = file_name(a["article"], a["title"])
        texts[a["article"]] = (name, a["text"], norm(a["text"]), a)

    pred_of, weight, gold_of = {}, {}, {}
    for g in gold:
        for b in g["blocks"]:
            gold_of[b] = g["article"]
    lost = dup = 0
    problems = []
    for i, b in enumerate(blocks):
        weight[i] = len(b)
        hits = [k for k, (_, _, nt, _) in texts.items() if b in nt]
        if not hits:
            h = len(b) // 2
            hits = [k for k, (_, _, nt, _) in texts.items() if b[:h] in nt and b[h:] in nt]
        if not hits:
            lost += len(b)
            problems.append(f"  lost block {i}: {raw_blocks[i][:40]}")
        else:
            pred_of[i] = hits[0]
            if len(hits) > 1 and len(b) > 8:
                dup += len(b)
                problems.append(f"  block {i} in articles {hits}")
    p, r = bcubed(gold_of, pred_of, weight)

    titles = 0
    for g in gold:
        votes = {}
        for b in g["blocks"]:
            if b in pred_of:
                votes[pred_of[b]] = votes.get(pred_of[b], 0) + weight[b]
        best = max(votes, key=votes.get) if votes else None
        gt = norm(g["title"] or "")
        ok = False
        if best is not None and gt:
            name, t, _, _ = texts[best]
            first = norm(t.strip().split("\n", 1)[0])
            nn = norm(name.rsplit(".", 1)[0])
            ok = gt in nn or gt == first or (len(nn) >= 8 and nn in gt)
        titles += ok
        elsewhere = [b for b in g["blocks"] if pred_of.get(b) != best]
        if not ok:
            got = texts[best][3]["title"] if best is not None else None
            problems.append(f"  gold #{g['article']} title {g['title']!r}: got {got!r}")
        if elsewhere:
            where = {b: pred_of.get(b) for b in elsewhere}
            problems.append(f"  gold #{g['article']} {g['title']!r} (in pred {best}): blocks elsewhere {where}")
    # predicted articles mixing gold articles
    for k, (_, _, _, a) in texts.items():
        mixed = sorted({gold_of.get(b) for b in a["blocks"]})
        if len(mixed) > 1:
            problems.append(f"  pred {k} {a['title']!r} holds blocks of gold {mixed}: {a['blocks']}")
    if not quiet:
        print(f"{stem}: {len(arts)} articles (gold {len(gold)}), P={p:.4f} R={r:.4f} "
              f"titles {titles}/{len(gold)} lost={lost} dup={dup}")
        for line in problems:
            print(line)
    w = sum(weight.values())
    return dict(lost=lost, dup=dup, p=p * w, r=r * w, w=w, titles=titles, golds=len(gold))


def main():
    argv = sys.argv[1:]
    binary = os.environ.get("NEWSFS", os.path.join(ROOT, "build-seg", "newsfs"))
    shared = os.path.join(ROOT, "..", "shared")
    quiet = False
    while argv:
        a = argv.pop(0)
        if a == "--bin":
            binary = argv.pop(0)
        elif a == "--shared":
            shared = argv.pop(0)
        elif a == "--quiet":
            quiet = True
        else:
            print(__doc__)
            return 2
    corpus, gold_dir = os.path.join(shared, "corpus"), os.path.join(shared, "gold")
    if not os.path.isdir(corpus) or not os.path.isdir(gold_dir):
        print(f"segscore: skipped: no sample corpus at {shared}")
        return 0
    if not os.access(binary, os.X_OK):
        print(f"segscore: {binary} is not built (make BUILD=build-seg build-seg/newsfs)")
        return 1
    tot = dict(lost=0, dup=0, p=0.0, r=0.0, w=0, titles=0, golds=0)
    for gf in sorted(os.listdir(gold_dir)):
        if not gf.endswith(".jsonl"):
            continue
        txt = os.path.join(corpus, gf[:-6] + ".txt")
        if not os.path.exists(txt):
            continue
        res = score_issue(binary, txt, os.path.join(gold_dir, gf), quiet)
        for k in tot:
            tot[k] += res[k]
    sp = round(tot["p"] / (tot["w"] or 1), 4)
    sr = round(tot["r"] / (tot["w"] or 1), 4)
    print(f"lost_chars: {tot['lost']}")
    print(f"dup_chars: {tot['dup']}")
    print(f"seg_precision: {sp}")
    print(f"seg_recall: {sr}")
    print(f"seg_f1: {round(2 * sp * sr / (sp + sr), 4) if sp + sr else 0.0}")
    print(f"title_acc: {round(tot['titles'] / (tot['golds'] or 1), 4)}")
    print(f"gold_articles: {tot['golds']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
