"""Leave-one-set-out test of a learned second opinion for hostile attitude (issue 18, fifth round; measured and
left out of the package — docs/text.md, "A learned second opinion").

A clause scorer (character 1-3-gram TF-IDF, class-balanced logistic regression) is trained on the clauses of three
labelled sets (clauses of letters reporting hostility positive, of letters with neither report nor lead negative)
and proposes clauses of the fourth; a proposed clause counts only when the detector's doer and assertion machinery
accepts it (a public servant resolved before it in its sentence, a report, no denial). Letter-level tp / fp / fn of
the rules, the scorer alone and both, per held-out set and pooled.

    PYTHONPATH=src python tools/misconduct_scorer_loso.py [--threshold 0.95 ...] [--held-out fresh3]
        [--before-hits FILE]

--before-hits: a JSON file {letter id: [{family, kind}, ...]} of an older detector's hits, used as "the rules"
instead of the current detector (the honest fold is the newest set scored with the rules from before it was read).
Reads only the letters of the committed label files.
"""

import argparse
import json
import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from rexian.text.assertion import REPORT, judge_assertion
from rexian.text.doers import PUBLIC, resolve_doer
from rexian.text.mentions import find_mentions
from rexian.text.evaluation import teddy_file
from rexian.text.misconduct import (
    _SENTENCE_END,
    _bounds,
    _negated_before,
    default_lexicon,
    detect_misconduct,
)
from rexian.text.misconduct_labels import DEVELOPMENT_SETS, letters, load_label_set, parse_label
from rexian.text.normalisation import normalise

FAMILY = "hostile_attitude"
CLAUSE = re.compile(r"[^，,。！？!?；;\n]+")

parser = argparse.ArgumentParser()
parser.add_argument("--threshold", type=float, action="append")
parser.add_argument("--held-out", action="append", choices=DEVELOPMENT_SETS)
parser.add_argument("--before-hits")
args = parser.parse_args()

lexicon = default_lexicon()
rows = {name: load_label_set(name) for name in DEVELOPMENT_SETS}
texts = letters(teddy_file(""))
norm = {row["letter_id"]: normalise(texts[row["letter_id"]]) for name in DEVELOPMENT_SETS for row in rows[name]}
before = json.load(open(args.before_hits, encoding="utf-8")) if args.before_hits else None


def by_rules(letter_id: str) -> bool:
    if before is not None:
        return any(h["family"] == FAMILY and h["kind"] == "finding" for h in before[letter_id])
    return any(h["family"] == FAMILY for h in detect_misconduct(norm[letter_id]))


def clauses(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in CLAUSE.finditer(text) if len(m.group(0)) >= 4]


def training(names):
    X, y = [], []
    for name in names:
        for row in rows[name]:
            reported, suspected = parse_label(row["label"])
            if FAMILY in suspected and FAMILY not in reported:
                continue  # a lead: neither positive nor negative
            for _, _, clause in clauses(norm[row["letter_id"]]):
                X.append(clause)
                y.append(1 if FAMILY in reported else 0)
    return X, np.array(y)


def accepted(text, mentions, start, end) -> bool:
    sentence_start, sentence_end = _bounds(text, start, _SENTENCE_END)
    previous_start = _bounds(text, max(sentence_start - 1, 0), _SENTENCE_END)[0] if sentence_start else sentence_start
    doer, mention = resolve_doer(text, mentions, end, end, sentence_start, end, previous_start,
                                 sentence_end=sentence_end, skip_speakers=True, reach=80, addressed=False)
    if doer is None or doer.status != PUBLIC or mention is None:
        return False
    if judge_assertion(text, start, end, sentence_start, sentence_end, lexicon.assertion).kind != REPORT:
        return False
    return not _negated_before(lexicon, text[start:end])


def tally(counts, predicted, reported):
    if predicted and reported:
        counts[0] += 1
    elif predicted:
        counts[1] += 1
    elif reported:
        counts[2] += 1


def scores(counts):
    tp, fp, fn = counts
    return f"{tp}/{fp}/{fn} P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f}"


for threshold in args.threshold or [0.95]:
    print(f"== threshold {threshold}")
    pooled = {"rules": [0, 0, 0], "scorer": [0, 0, 0], "rules+scorer": [0, 0, 0]}
    for held in args.held_out or DEVELOPMENT_SETS:
        X, y = training([name for name in DEVELOPMENT_SETS if name != held])
        vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
        model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(vectoriser.fit_transform(X), y)
        fold = {key: [0, 0, 0] for key in pooled}
        for row in rows[held]:
            letter_id = row["letter_id"]
            text = norm[letter_id]
            reported = FAMILY in parse_label(row["label"])[0]
            spans = clauses(text)
            probabilities = model.predict_proba(vectoriser.transform([c for _, _, c in spans]))[:, 1] if spans else []
            mentions = find_mentions(text, lexicon.doers)
            scorer = any(p >= threshold and accepted(text, mentions, s, e) for (s, e, _), p in zip(spans, probabilities))
            rules = by_rules(letter_id)
            for key, predicted in (("rules", rules), ("scorer", scorer), ("rules+scorer", rules or scorer)):
                tally(fold[key], predicted, reported)
                tally(pooled[key], predicted, reported)
        print(held, {key: scores(counts) for key, counts in fold.items()}, flush=True)
    print("pooled", {key: scores(counts) for key, counts in pooled.items()})
