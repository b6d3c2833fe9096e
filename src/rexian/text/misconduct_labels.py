"""The labelled set of real letters for misconduct detection: how it was drawn, and how it is read.

The letters are the Teddy Cup 2020 messages (`messages_with_votes.xlsx` and `sample_messages_labelled.xlsx`
in the shared real data). Only letter ids and labels are kept in the project
(`data/misconduct_labels.csv`), never the letters' words.

Drawing (fixed seed, `draw_sample`): three strata, so that both precision and recall can be estimated —
- `hit`: every letter the detector as it stood before this work (commit bd17b32) flagged;
- `keyword`: a random share of the letters a broad keyword search (`BROAD_KEYWORDS`) surfaces;
- `random`: a random share of all other letters;
- `money`: every remaining letter a narrower search for money and meals (`MONEY_KEYWORDS`) surfaces — added
  after the first round held almost no graft or banquet reports in its held-out part, and before any
  detector result on the held-out part was looked at.
The held-out part is fixed by the letter id alone (`is_held_out`), decided before any result was seen.

A second, fresh set (`data/misconduct_labels_fresh.csv`, split `fresh`, `draw_fresh_sample`, seed FRESH_SEED):
~150 letters not in the first set, drawn the same stratified way, labelled from whole letters in one pass and
committed before any detector output on them was read; columns letter_id, stratum, split, label, note.

A third set (`data/misconduct_labels_fresh2.csv`, split `fresh2`, `draw_fresh2_sample`, seed FRESH2_SEED): 250
letters in none of the first two sets — every letter the detector (commit 3f3dea7) still flagged (1), every
remaining broad-keyword letter (209) and 40 random others — labelled from whole letters by two independent
labellers (columns pass_a, pass_b) with the disagreements settled (`label`), before any detector output on
them was read; columns letter_id, stratum, split, pass_a, pass_b, label, note. A fourth set
(`data/misconduct_labels_fresh3.csv`, split `fresh3`, `draw_fresh3_sample`, seed FRESH3_SEED) was drawn after
the third set's one run, from a wider keyword net (`WIDER_KEYWORDS`), and labelled the same way. Any set with two passes
(pass1/pass2 or pass_a/pass_b) has its agreement reported (`agreement`).

Once a set's one run has been read it is development data: split `all` is every set seen so far
(`DEVELOPMENT_SETS`: first, fresh, since the fourth round fresh2, since the fifth round fresh3, since the
sixth round fresh4 — 1,264 letters — and, since the seventh round, fresh5 and fresh6 — 1,666 letters). The fifth
set (`fresh4`) was kept out of it for its one run (2026-12-06), the sixth (`fresh5`) for its one run (2026-12-07);
no untouched labelled set remains.

The sixth and seventh sets (`fresh5`, `fresh6`; `draw_fresh56_sample`, seed FRESH56_SEED, 2026-12-07) were
drawn together from the 3,556 letters in none of the first five sets, with the detector of that day's main: each
stratum — the letters it flagged (2), the letters a net written as citizens write (`CITIZEN_KEYWORDS`: rudeness,
threats, buck-passing, money, gifts, meals; 514) surfaces, random others — shuffled once and dealt alternately,
201 letters each. Both were labelled in two passes (`pass_a`, `pass_b`: one labeller, two shuffled orders mixing
both sets, strata and splits hidden, the second pass without the first's labels at hand but not blind to
memory) before any detector output on them was read, disagreements settled in `note`. `fresh5` was kept untouched
(its letters never printed by the tools that list findings) until its one run on 2026-12-07; `fresh6` was
development data from the start. Since that run both are in `all` (1,666 letters); no untouched set remains.

Labels (`label` column): the families a letter *reports as fact* about a public servant — `H` hostile
attitude (态度恶劣, incl. threats), `G` graft (吃拿卡要, incl. bribery), `E` embezzlement (侵占/贪污),
`B` improper banquets (违规吃喝) — joined by `+`, or `-` for none. A lower-case letter marks a family only
suspected (怀疑, 不排除…可能) or whose doer is unclear: a lead, not a finding, so it counts as negative
when scoring findings.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from importlib import resources

SEED = 20261205
KEYWORD_SHARE = 160  # keyword candidates drawn (of about 560)
RANDOM_SHARE = 60  # letters drawn from the rest
HELD_OUT_TENTHS = 4  # four tenths of the ids are held out
FILES = ("messages_with_votes.xlsx", "sample_messages_labelled.xlsx")
BROAD_KEYWORDS = re.compile(
    "态度|骂|吼|呵斥|威胁|恐吓|刁难|红包|好处|贿|回扣|贪|侵占|挪用|截留|克扣|私吞|中饱|冒领|吃喝|吃饭|宴|喝酒|送礼|"
    "收礼|烟酒|购物卡|卡要|腐败|索要|推搡|打人|殴打|粗暴|蛮横|嚣张|冷漠|不耐烦|官僚|嘲|讽|羞辱|侮辱|打点|请客|饭局|私收")
MONEY_KEYWORDS = re.compile(
    "红包|好处费|贿|回扣|吃喝|宴请|请客|饭局|送礼|收礼|烟酒|购物卡|打点|索要|卡要|贪污|中饱|私吞|挪用|侵吞|截留|克扣|吃请|喝酒")
FAMILY_CODES = {"H": "hostile_attitude", "G": "graft", "E": "embezzlement", "B": "improper_banquet"}
SCORED_FAMILIES = ("hostile_attitude", "graft", "improper_banquet")  # the targets pool these three


def is_held_out(letter_id) -> bool:
    """Whether a letter belongs to the held-out part: a fixed function of its id, nothing else."""
    digest = hashlib.sha1(str(letter_id).encode("utf-8")).hexdigest()
    return int(digest, 16) % 10 < HELD_OUT_TENTHS


def letters(base_dir) -> dict:
    """{letter id: title。content} for every Teddy letter under `base_dir` (the teddy2020 directory)."""
    import pandas as pd

    texts = {}
    for name in FILES:
        frame = pd.read_excel(base_dir / name)
        for row in frame.itertuples():
            texts[str(row.留言编号)] = f"{str(row.留言主题).strip()}。{str(row.留言详情).strip()}"
    return texts


def draw_sample(texts: dict, flagged: set) -> list[dict]:
    """The stratified sample: rows {letter_id, stratum, split}, in id order. `flagged`: ids the baseline
    detector flagged."""
    rng = random.Random(SEED)
    ids = sorted(texts)
    hits = [i for i in ids if i in flagged]
    keyword = [i for i in ids if i not in flagged and BROAD_KEYWORDS.search(texts[i])]
    rest = [i for i in ids if i not in flagged and i not in set(keyword)]
    drawn = [(i, "hit") for i in hits]
    drawn += [(i, "keyword") for i in rng.sample(keyword, min(KEYWORD_SHARE, len(keyword)))]
    drawn += [(i, "random") for i in rng.sample(rest, min(RANDOM_SHARE, len(rest)))]
    taken = {i for i, _ in drawn}
    drawn += [(i, "money") for i in ids if i not in taken and MONEY_KEYWORDS.search(texts[i])]
    return [{"letter_id": i, "stratum": stratum, "split": "held_out" if is_held_out(i) else "dev"}
            for i, stratum in sorted(drawn)]


FRESH_SEED = 20261206
FRESH_SIZES = {"hit": 50, "keyword": 80, "random": 30}  # about 150 letters, none of the first set


FRESH2_SEED = 20261207
# Larger than the pools were, so the third set takes every remaining hit and keyword letter, and 40 random.
FRESH2_SIZES = {"hit": 70, "keyword": 400, "random": 40}


def draw_fresh_sample(texts: dict, flagged: set, exclude: set, *, seed: int = FRESH_SEED,
                      sizes: dict | None = None, split: str = "fresh") -> list[dict]:
    """A fresh untouched set, drawn the same stratified way with another seed from the letters not in
    `exclude` (the sets labelled before): up to `sizes` letters of each stratum, all in split `split`.
    `flagged`: ids the detector flagged when the set was drawn."""
    sizes = sizes or FRESH_SIZES
    rng = random.Random(seed)
    ids = [i for i in sorted(texts) if i not in exclude]
    strata = {"hit": [i for i in ids if i in flagged],
              "keyword": [i for i in ids if i not in flagged and BROAD_KEYWORDS.search(texts[i])]}
    strata["random"] = [i for i in ids if i not in flagged and i not in set(strata["keyword"])]
    drawn = [(i, name) for name, pool in strata.items() for i in rng.sample(pool, min(sizes[name], len(pool)))]
    return [{"letter_id": i, "stratum": stratum, "split": split} for i, stratum in sorted(drawn)]


def draw_fresh2_sample(texts: dict, flagged: set, exclude: set) -> list[dict]:
    """The third set (split `fresh2`): the same draw with FRESH2_SEED and FRESH2_SIZES from the letters in
    neither earlier set (`exclude`)."""
    return draw_fresh_sample(texts, flagged, exclude, seed=FRESH2_SEED, sizes=FRESH2_SIZES, split="fresh2")


FRESH3_SEED = 20261208
FRESH3_SIZES = {"hit": 70, "keyword": 215, "random": 35}
# The broad keyword pool was used up by the third set; the fourth set's keyword stratum is drawn from the
# letters a second, wider net surfaces (refusals, buck-passing, retaliation, extortion, violence), chosen
# before any of those letters was read.
WIDER_KEYWORDS = re.compile("拒绝|推诿|敷衍|打击|报复|摔|野蛮|勒索|凶|动手|辱|威逼|逼迫|强行|扣押|没收|罚款|罚钱|索取")


def draw_fresh3_sample(texts: dict, flagged: set, exclude: set) -> list[dict]:
    """The fourth set (split `fresh3`): from the letters in none of the first three sets (`exclude`), every
    letter the detector flags, up to FRESH3_SIZES["keyword"] letters the wider net (`WIDER_KEYWORDS`)
    surfaces and FRESH3_SIZES["random"] others, seed FRESH3_SEED."""
    rng = random.Random(FRESH3_SEED)
    ids = [i for i in sorted(texts) if i not in exclude]
    strata = {"hit": [i for i in ids if i in flagged],
              "keyword": [i for i in ids if i not in flagged and WIDER_KEYWORDS.search(texts[i])]}
    strata["random"] = [i for i in ids if i not in flagged and i not in set(strata["keyword"])]
    drawn = [(i, name) for name, pool in strata.items()
             for i in rng.sample(pool, min(FRESH3_SIZES[name], len(pool)))]
    return [{"letter_id": i, "stratum": stratum, "split": "fresh3"} for i, stratum in sorted(drawn)]


FRESH4_SEED = 20261209
FRESH4_SIZES = {"hit": 70, "keyword": 175, "officials": 60, "random": 15}
# By the fifth set the detector flagged almost nothing outside the labelled sets and the wider net held 171
# letters, so the fifth set also samples letters that name an official or a public body at all
# (`OFFICIALS_NET`, chosen before any of them was read): the misses so far were reports of conduct written
# without any of the lexicon's words, and a random draw of all letters holds too few of them to measure.
OFFICIALS_NET = re.compile("工作人员|执法|城管|民警|警察|派出所|干部|领导|书记|村长|村委|居委|主任|局长|科长|所长|"
                           "镇长|乡长|街道|社区|政府|公务员|协警|辅警|交警|老师|校长|医生|医院|法院|法官|检察")


def draw_fresh4_sample(texts: dict, flagged: set, exclude: set) -> list[dict]:
    """The fifth set (split `fresh4`): from the letters in none of the first four sets (`exclude`), every
    letter the detector flags, every letter the wider net (`WIDER_KEYWORDS`) surfaces (up to the size), a
    random share of the letters naming an official or a public body (`OFFICIALS_NET`) and a few random
    others, seed FRESH4_SEED."""
    rng = random.Random(FRESH4_SEED)
    ids = [i for i in sorted(texts) if i not in exclude and i not in flagged]
    keyword = [i for i in ids if WIDER_KEYWORDS.search(texts[i])]
    officials = [i for i in ids if i not in set(keyword) and OFFICIALS_NET.search(texts[i])]
    rest = [i for i in ids if i not in set(keyword) | set(officials)]
    strata = {"hit": sorted(flagged & set(texts) - exclude), "keyword": keyword, "officials": officials,
              "random": rest}
    drawn = [(i, name) for name, pool in strata.items()
             for i in rng.sample(pool, min(FRESH4_SIZES[name], len(pool)))]
    return [{"letter_id": i, "stratum": stratum, "split": "fresh4"} for i, stratum in sorted(drawn)]


FRESH56_SEED = 20261210
FRESH56_SIZES = {"hit": 1, "keyword": 140, "random": 60}  # per set; the two sets are drawn together
# By the sixth and seventh sets every letter the earlier nets surfaced was labelled, so their keyword stratum is a
# net written as citizens write (rudeness, threats, buck-passing, money, gifts, meals), deliberately wider than
# the lexicon and chosen before any of the letters it surfaces was read.
CITIZEN_KEYWORDS = re.compile(
    "态度|骂|吼|凶|训斥|训话|教训|威胁|恐吓|刁难|不耐烦|推诿|踢皮球|敷衍|冷漠|蛮横|粗暴|嚣张|霸道|辱|打人|殴打|动手|推搡|"
    "钱|红包|好处|回扣|贿|贪|吃喝|宴|烟酒|礼|请客|饭局|吃饭|喝酒|打点|索要|卡要|腐败|私吞|侵占|挪用|截留|克扣|中饱|冒领|"
    "报复|欺负|欺压|官僚|不作为|乱作为|拒接|挂电话|不理|吃拿")


def draw_fresh56_sample(texts: dict, flagged: set, exclude: set) -> list[dict]:
    """The sixth and seventh sets (splits `fresh5`, kept untouched until the end, and `fresh6`, development),
    drawn together from the letters in none of the first five sets (`exclude`) with seed FRESH56_SEED: each
    stratum — letters the detector flags (`flagged`), letters the citizens' net (`CITIZEN_KEYWORDS`) surfaces,
    random others — is shuffled once and dealt alternately to the two sets, up to FRESH56_SIZES each."""
    rng = random.Random(FRESH56_SEED)
    ids = [i for i in sorted(texts) if i not in exclude]
    hits = [i for i in ids if i in flagged]
    keyword = [i for i in ids if i not in flagged and CITIZEN_KEYWORDS.search(texts[i])]
    rest = [i for i in ids if i not in flagged and i not in set(keyword)]
    rows = []
    for name, pool in (("hit", hits), ("keyword", keyword), ("random", rest)):
        dealt = rng.sample(pool, min(2 * FRESH56_SIZES[name], len(pool)))
        rows += [{"letter_id": i, "stratum": name, "split": ("fresh5", "fresh6")[n % 2]} for n, i in enumerate(dealt)]
    return sorted(rows, key=lambda row: (row["split"], row["letter_id"]))


def stratum_sizes(texts: dict, flagged: set) -> dict:
    """How many letters each stratum holds in the whole population (to weight recall estimates)."""
    keyword = sum(1 for i, t in texts.items() if i not in flagged and BROAD_KEYWORDS.search(t))
    hits = len(flagged & set(texts))
    return {"hit": hits, "keyword": keyword, "random": len(texts) - keyword - hits}


def parse_label(value: str) -> tuple[set, set]:
    """(families reported, families only suspected) from a label such as `H+g`."""
    reported: set[str] = set()
    suspected: set[str] = set()
    for code in (value or "-").split("+"):
        code = code.strip()
        if code in ("", "-"):
            continue
        family = FAMILY_CODES[code.upper()]
        (reported if code.isupper() else suspected).add(family)
    return reported, suspected


# Each labelled set and its file under data/; the first set holds the old dev and held_out parts.
LABEL_FILES = {"first": "misconduct_labels.csv", "fresh": "misconduct_labels_fresh.csv",
               "fresh2": "misconduct_labels_fresh2.csv", "fresh3": "misconduct_labels_fresh3.csv",
               "fresh4": "misconduct_labels_fresh4.csv", "fresh5": "misconduct_labels_fresh5.csv",
               "fresh6": "misconduct_labels_fresh6.csv"}
SPLITS = ("all", "held_out", "dev", *LABEL_FILES)  # the one list of splits: the sets, the first set's parts, all
# the set kept untouched until its one run, whose letters the tools that list findings never print: None since
# fresh5's one run (2026-12-07); name the next such set here
HELD_OUT_SET: str | None = None
# every set whose results have been seen: `all` (1,666 letters since the seventh round)
DEVELOPMENT_SETS = ("first", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6")
PASS_COLUMNS = (("pass1", "pass2"), ("pass_a", "pass_b"))


def _label_dir():
    return resources.files("rexian.text").joinpath("data")


def load_label_set(name: str) -> list[dict]:
    """The rows of one labelled set (a key of LABEL_FILES), as committed. A set not yet committed
    raises FileNotFoundError with a message in Chinese saying which file is missing."""
    path = _label_dir().joinpath(LABEL_FILES[name])
    if not path.is_file():
        raise FileNotFoundError(f"标注集 {name} 尚未提交：缺少 src/rexian/text/data/{LABEL_FILES[name]}"
                                f"（列为 letter_id,stratum,split,pass_a,pass_b,label,note）")
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def load_labels(fresh: bool = False) -> list[dict]:
    """The first labelled set (rows with letter_id, stratum, split, pass1, pass2, label, settled), or with
    `fresh` the second one."""
    return load_label_set("fresh" if fresh else "first")


def label_sets(split: str) -> list[str]:
    """The labelled sets a split draws on."""
    return list(DEVELOPMENT_SETS) if split == "all" else ["first"] if split in ("dev", "held_out") else [split]


def labelled_rows(split: str) -> list[dict]:
    """The labelled rows of a split: dev or held_out (the two parts of the first set), a set by its name (first,
    fresh, fresh2 … fresh6: the second to seventh sets) or all (every set seen so far, `DEVELOPMENT_SETS`)."""
    if split in ("dev", "held_out"):
        return [row for row in load_label_set("first") if row["split"] == split]
    if split == "all":
        return [row for name in DEVELOPMENT_SETS for row in load_label_set(name)]
    if split not in LABEL_FILES:
        raise ValueError(f"未知的标注子集 {split!r}，可选：{', '.join(SPLITS)}")
    return load_label_set(split)


def pass_columns(rows: list[dict]) -> tuple[str, str] | None:
    """The two columns holding independent labelling passes, if the rows have them."""
    if not rows:
        return None
    return next((pair for pair in PASS_COLUMNS if all(column in rows[0] for column in pair)), None)


def agreement(rows: list[dict]) -> dict | None:
    """Agreement of two labelling passes over `rows` (those with both passes filled): Cohen's kappa on the
    whole label and per family (reported, lead or nothing; NaN when neither pass marks the family at all),
    the disagreements and how each was settled; None when the rows have no two passes."""
    columns = pass_columns(rows)
    if columns is None:
        return None
    first_column, second_column = columns
    both = [row for row in rows if (row.get(first_column) or "").strip() and (row.get(second_column) or "").strip()]
    if not both:
        return None
    first = [row[first_column].strip() for row in both]
    second = [row[second_column].strip() for row in both]
    families = {}
    for family in FAMILY_CODES.values():
        # three values per family (reported, lead, nothing): leads are where labellers differ most
        a = [_family_value(family, label) for label in first]
        b = [_family_value(family, label) for label in second]
        families[family] = {"kappa": cohen_kappa(a, b) if set(a) | set(b) != {"-"} else float("nan"),
                            "positives_a": a.count("R"), "positives_b": b.count("R"),
                            "leads_a": a.count("S"), "leads_b": b.count("S")}
    note = "settled" if "settled" in both[0] else "note"
    disagreements = [{"letter_id": row["letter_id"], "a": a, "b": b, "label": row["label"], "note": row.get(note, "")}
                     for row, a, b in zip(both, first, second) if a != b]
    return {"letters": len(both), "columns": columns, "kappa_whole_label": cohen_kappa(first, second),
            "families": families, "disagreements": disagreements}


def _family_value(family: str, label: str) -> str:
    """R when `label` reports `family`, S when it only suspects it (a lead), - otherwise."""
    reported, suspected = parse_label(label)
    return "R" if family in reported else "S" if family in suspected else "-"


def cohen_kappa(first: list, second: list) -> float:
    """Cohen's kappa of two label sequences (each item any hashable label)."""
    from collections import Counter

    n = len(first)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in zip(first, second)) / n
    ca, cb = Counter(first), Counter(second)
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0
