"""Which Teddy letters a detector change newly flags (or stops flagging), for reading by hand.

Used to judge whether a change generalises before keeping it (issue 18): the letters in no labelled set are
the only ones whose findings nobody has fitted, so the new findings there, read and judged, are the evidence.

    PYTHONPATH=src python tools/misconduct_corpus_diff.py snapshot before.json   # findings of this tree
    PYTHONPATH=src python tools/misconduct_corpus_diff.py snapshot after.json --lexicon change.yaml  # plus a change
    PYTHONPATH=src python tools/misconduct_corpus_diff.py diff before.json after.json [--all] [--sample 30]

`diff` prints, per letter and family, findings gained and lost, with the act, the doer and the sentence;
by default only letters in no labelled set (`--all`: every letter). With more than `--sample` gained
letters a random sample of that many is printed (seed fixed), the total stated. Real data is read from
REXIAN_REAL_DATA (or ../shared/data/real); nothing of it is written into the project.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path


def snapshot(out: Path, extra: Path | None = None, leads: bool = False) -> None:
    from rexian.text.evaluation import teddy_file
    from rexian.text.misconduct import default_lexicon, detect_misconduct, load_lexicon
    from rexian.text.misconduct_labels import letters

    texts = letters(teddy_file(""))
    lexicon = load_lexicon(extra) if extra else default_lexicon()
    found = {}
    for letter_id, text in texts.items():
        hits = detect_misconduct(text, lexicon=lexicon, include_leads=leads)
        if hits:
            found[letter_id] = [{"family": h["family"] + ("" if h["kind"] == "finding" else " (lead)"),
                                 "act": h["act"], "phrase": h["phrase"],
                                 "doer": "".join(h["doer"].get(k) or "" for k in ("body", "post", "name")) if h["doer"] else "",
                                 "sentence": h["sentence"][:160]} for h in hits]
    out.write_text(json.dumps({"letters": len(texts), "found": found}, ensure_ascii=False, indent=0), encoding="utf-8")
    families: dict[str, int] = {}
    for hits in found.values():
        for family in {h["family"] for h in hits}:
            families[family] = families.get(family, 0) + 1
    print(f"{len(texts)} letters, {len(found)} with a finding; by family {families}")


def labelled_ids() -> dict:
    """{letter id: its label} for every labelled letter."""
    from rexian.text.misconduct_labels import LABEL_FILES, load_label_set

    return {row["letter_id"]: row["label"] for name in LABEL_FILES for row in load_label_set(name)}


def held_out_ids() -> set:
    """Letters of the set kept untouched until its one run (HELD_OUT_SET): never printed, not even with --all."""
    from rexian.text.misconduct_labels import HELD_OUT_SET, load_label_set

    return {row["letter_id"] for row in load_label_set(HELD_OUT_SET)} if HELD_OUT_SET else set()


def diff(before: Path, after: Path, every: bool, sample: int) -> None:
    old = json.loads(before.read_text(encoding="utf-8"))["found"]
    new = json.loads(after.read_text(encoding="utf-8"))["found"]
    labelled = labelled_ids()
    held_out = held_out_ids()

    def pairs(found):
        return {(letter, h["family"]) for letter, hits in found.items() for h in hits
                if letter not in held_out and (every or letter not in labelled)}

    def label_of(letter):
        return f" label={labelled[letter]}" if letter in labelled else ""

    gained = sorted(pairs(new) - pairs(old))
    lost = sorted(pairs(old) - pairs(new))
    scope = ("all letters but the held-out set's" if every else "letters in no labelled set")
    print(f"{scope}: letters with a finding {len({letter for letter, _ in pairs(old)})} -> {len({letter for letter, _ in pairs(new)})}; "
          f"letter-family findings gained {len(gained)}, lost {len(lost)}")
    shown = gained if len(gained) <= sample else sorted(random.Random(20261210).sample(gained, sample))
    if shown is not gained:
        print(f"(a random {sample} of the {len(gained)} gained)")
    for letter, family in shown:
        for h in new[letter]:
            if h["family"] == family:
                print(f"+ [{letter}]{label_of(letter)} {family} {h['act']}「{h['phrase']}」 doer={h['doer']}\n    {h['sentence']}")
    for letter, family in lost:
        for h in old[letter]:
            if h["family"] == family:
                print(f"- [{letter}]{label_of(letter)} {family} {h['act']}「{h['phrase']}」 doer={h['doer']}\n    {h['sentence']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--leads", action="store_true", help="leads too (their family marked ' (lead)')")
    snap.add_argument("--lexicon", type=Path, help="a YAML file of phrases added to the packaged lexicon (a change to try)")
    compare = sub.add_parser("diff")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    compare.add_argument("--all", action="store_true", help="every letter, labelled ones too")
    compare.add_argument("--sample", type=int, default=30)
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        snapshot(args.out, args.lexicon, args.leads)
    else:
        diff(args.before, args.after, args.all, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
