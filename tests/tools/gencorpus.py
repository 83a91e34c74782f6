#!/usr/bin/env python3
"""Write a synthetic corpus in the layout of the fixture issues, for
benchmarks and stress tests when the shared generator is not available.

usage: gencorpus.py OUT_DIR N_ISSUES [--seed S] [--corpus DIR]

Each issue holds 6 to 12 articles drawn from the fixture corpus
(tests/fixtures/corpus, any of its encodings), each perturbed so that texts
differ: numbers redrawn, place names swapped, body paragraphs reordered.
The same arguments always give the same files; about 8 articles per issue.
"""
import hashlib
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLACES = ["湖州", "武汉", "兰州", "佛山", "太原", "绵阳", "吉安", "长春", "沈阳", "成都",
          "合肥", "宁波", "西安", "重庆", "深圳", "杭州", "南通", "昆明", "南昌", "广州",
          "福州", "贵阳", "济南", "郑州", "长沙", "南宁", "海口", "西宁", "银川", "天津"]
PLACE_RE = re.compile("|".join(sorted(PLACES, key=len, reverse=True)))
LEAD_RE = re.compile(r"^(本报讯|本报记者|\(上接|通讯员|记者)")


def read_any(path):
    raw = open(path, "rb").read()
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = raw.decode(enc)
            if enc != "utf-16" or raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
                return text
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace")


def articles_of(text):
    """Split an issue into articles: a new one starts at the short lines
    before each block that opens with a byline (or a photo's lone title)."""
    blocks = [b.strip() for b in re.split(r"\n{2,}", text) if b.strip()]
    starts = set()
    for i, b in enumerate(blocks):
        if LEAD_RE.match(b):
            j = i
            while j > 0 and len(blocks[j - 1]) < 40 and not blocks[j - 1].endswith("。"):
                j -= 1
            starts.add(j)
    starts.add(0)
    cuts = sorted(starts) + [len(blocks)]
    return [blocks[a:b] for a, b in zip(cuts, cuts[1:]) if blocks[a:b]]


def perturb(rnd, art):
    swap = {}

    def place(m):
        p = m.group(0)
        swap.setdefault(p, rnd.choice(PLACES))
        return swap[p]

    def num(m):
        s = m.group(0)
        return str(rnd.randint(1, 9)) + "".join(str(rnd.randint(0, 9)) for _ in s[1:])

    head = [b for b in art if len(b) < 40 and not b.endswith("。")][:3]
    body = art[len(head):]
    if len(body) > 3:
        first, rest = body[:1], body[1:]
        rnd.shuffle(rest)
        body = first + rest
    return [re.sub(r"\d+", num, PLACE_RE.sub(place, b)) for b in head + body]


def main():
    args, opts, argv = [], {}, sys.argv[1:]
    while argv:
        a = argv.pop(0)
        if a.startswith("--"):
            opts[a] = argv.pop(0) if argv else ""
        else:
            args.append(a)
    if len(args) < 2:
        print(__doc__)
        return 2
    out, n = args[0], int(args[1])
    seed = int(opts.get("--seed", 1))
    corpus = opts.get("--corpus", os.path.join(HERE, "..", "fixtures", "corpus"))
    pool = []
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".txt"):
            pool += articles_of(read_any(os.path.join(corpus, name)))
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    total = 0
    for i in range(n):
        parts = []
        for _ in range(rnd.randint(6, 12)):
            parts += perturb(rnd, rnd.choice(pool))
        text = "\n\n" + "\n\n".join(parts) + "\n"
        h = hashlib.sha1(f"{seed}:{i}".encode()).hexdigest()[:16]
        with open(os.path.join(out, f"{i:06d}_{h}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text)
    print(f"wrote {n} issues, {total} characters, to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
