"""Every misconduct pattern's precision, measured on all the labelled development letters at once (issue 18).

    PYTHONPATH=src python tools/misconduct_pattern_precision.py [--external DIR ...] [--corpus] [--every]

For each phrase of the lexicon (numbered in the order of data/misconduct.yaml, with its family and label): the
letters where it made a *finding*, how many of them the labels confirm (the letter reports that family about a
public servant), the precision with its 95 % Wilson interval, and the letters where it made only a *lead*. The
labelled letters are the Teddy sets (`--split all`, the development sets) plus every `--external` set (a
directory holding letters.jsonl and labels.csv, kept outside the project). With `--corpus`, also the letters of
the Teddy corpus that are in no labelled set where the phrase made a finding: nobody has labelled those, so they
are a count to read, not a precision. `--every` lists the phrases that made no finding at all too (they are
shown to not misfire on these letters, not to find anything).

Several phrases share a label (two 刁难群众 patterns …); a hit is given to the first phrase of its family and
label whose pattern matches the hit's text whole, so each row is one pattern. Real data is read from
REXIAN_REAL_DATA (or ../shared/data/real); nothing of it is written into the project.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path


def _owner(lexicon, hit) -> int:
    """The index of the phrase that made `hit` (first of its family and label whose pattern matches it whole)."""
    for index, phrase in enumerate(lexicon.phrases):
        if phrase.family == hit["family"] and phrase.label == hit["act"] and phrase.pattern.fullmatch(hit["phrase"]):
            return index
    return next(index for index, phrase in enumerate(lexicon.phrases)
                if phrase.family == hit["family"] and phrase.label == hit["act"])


def measure(externals: list[Path], corpus: bool) -> tuple[list, dict]:
    from rexian.text.evaluation import external_letters, teddy_file
    from rexian.text.misconduct import default_lexicon, detect_misconduct
    from rexian.text.misconduct_labels import LABEL_FILES, labelled_rows, letters, load_label_set, parse_label

    lexicon = default_lexicon()
    teddy = letters(teddy_file(""))
    sets = [("teddy", teddy, labelled_rows("all"))] + [(str(d), *external_letters(d)) for d in externals]
    findings, confirmed, leads, unlabelled = (defaultdict(set) for _ in range(4))
    sizes = {}
    for name, texts, rows in sets:
        sizes[name] = len(rows)
        for row in rows:
            reported, _ = parse_label(row["label"])
            for hit in detect_misconduct(texts[row["letter_id"]], include_leads=True):
                key = (name, row["letter_id"])
                index = _owner(lexicon, hit)
                if hit["kind"] == "finding":
                    findings[index].add(key)
                    if hit["family"] in reported:
                        confirmed[index].add(key)
                else:
                    leads[index].add(key)
    if corpus:
        labelled = {row["letter_id"] for name in LABEL_FILES for row in load_label_set(name)}
        sizes["unlabelled Teddy letters"] = sum(letter_id not in labelled for letter_id in teddy)
        for letter_id, text in teddy.items():
            if letter_id in labelled:
                continue
            for hit in detect_misconduct(text):
                unlabelled[_owner(lexicon, hit)].add(letter_id)
    rows = [{"index": index, "family": phrase.family, "label": phrase.label, "findings": len(findings[index]),
             "confirmed": len(confirmed[index]), "leads": len(leads[index]), "unlabelled": len(unlabelled[index])}
            for index, phrase in enumerate(lexicon.phrases)]
    return rows, sizes


def main(argv=None) -> int:
    from rexian.text.evaluation import wilson_interval

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", type=Path, action="append", default=[], help="a labelled set kept outside the project")
    parser.add_argument("--corpus", action="store_true", help="also count findings on the Teddy letters in no labelled set")
    parser.add_argument("--every", action="store_true", help="list phrases that made no finding too")
    args = parser.parse_args(argv)
    rows, sizes = measure(args.external, args.corpus)
    print("labelled letters: " + "; ".join(f"{name} {size}" for name, size in sizes.items()))
    print(f"{'#':>3} {'family':<17}{'label':<22}{'right/found':>12}  {'precision [95% CI]':<20}{'leads':>6}"
          + (f"{'unlabelled':>11}" if args.corpus else ""))
    total_found = total_right = 0
    for row in rows:
        if not (args.every or row["findings"] or row["leads"] or row["unlabelled"]):
            continue
        total_found += row["findings"]
        total_right += row["confirmed"]
        interval = wilson_interval(row["confirmed"], row["findings"])
        precision = (f"{row['confirmed'] / row['findings']:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]"
                     if interval else "—")
        label = row["label"] + "　" * max(0, 11 - len(row["label"]))
        print(f"{row['index']:>3} {row['family']:<17}{label}{row['confirmed']:>5}/{row['findings']:<6}  {precision:<20}"
              f"{row['leads']:>6}" + (f"{row['unlabelled']:>11}" if args.corpus else ""))
    silent = sum(1 for row in rows if not row["findings"])
    print(f"findings {total_right}/{total_found} confirmed over {len(rows)} phrases; {silent} made no finding on the "
          f"labelled letters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
