#!/usr/bin/env python3
"""Write each hand-labelled article of the shared sample corpus as its own
file, in the layout of a mounted article file, for scoring the enrichers
(regions, topics, dates) independently of segmentation.

usage: goldarticles.py OUT_DIR [SHARED_DIR]     (SHARED_DIR default ../shared)

Writes OUT_DIR/<issue>_<NN>.txt and OUT_DIR/index.jsonl (one line per file:
file, issue, article, title, region, topics, date). Exits 0 with a message
when SHARED_DIR is absent.
"""
import json
import os
import re
import sys


def blocks_of(text):
    return [b.strip() for b in re.split(r"\n{2,}", text) if b.strip()]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")
    gold_dir, corpus_dir = os.path.join(shared, "gold"), os.path.join(shared, "corpus")
    if not os.path.isdir(gold_dir):
        print(f"no shared gold at {gold_dir}: nothing to do")
        return 0
    os.makedirs(out, exist_ok=True)
    index = []
    for gf in sorted(os.listdir(gold_dir)):
        if not gf.endswith(".jsonl"):
            continue
        stem = gf[:-6]
        with open(os.path.join(corpus_dir, stem + ".txt"), encoding="utf-8") as f:
            blocks = blocks_of(f.read())
        for line in open(os.path.join(gold_dir, gf), encoding="utf-8"):
            if not line.strip():
                continue
            g = json.loads(line)
            head = [x for x in (g["pretitle"], g["title"], g["subtitle"]) if x]
            heads = {re.sub(r"[\s#]", "", h) for h in head}
            body = []
            for b in g["blocks"]:
                t = blocks[b].lstrip("#").strip()
                if re.sub(r"[\s#]", "", t) in heads:
                    continue
                body.append(t)
            name = f"{stem}_{g['article']:02d}.txt"
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                f.write("\n".join(head) + "\n\n" + "\n\n".join(body) + "\n")
            index.append({"file": os.path.join(out, name), "issue": stem, "article": g["article"],
                          "title": g["title"], "region": g.get("region") or "全国",
                          "topics": g.get("topics") or [], "date": g.get("date")})
    with open(os.path.join(out, "index.jsonl"), "w", encoding="utf-8") as f:
        for r in index:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(index)} articles to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
