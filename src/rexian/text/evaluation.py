"""Evaluations of the text layer on real and generated data, as plain rows for the CLI to print.

Real data is read from its shared location (never copied into the project): `REXIAN_REAL_DATA`, else
../shared/data/real relative to the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

TEDDY = "teddy2020"
LABEL_COLUMNS = ("一级标签", "一级分类", "category", "label")
TEXT_COLUMNS = ("留言主题", "留言详情")


def real_data_dir() -> Path | None:
    for candidate in (os.environ.get("REXIAN_REAL_DATA"), "../shared/data/real"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def teddy_file(name: str) -> Path:
    base = real_data_dir()
    if base is None:
        raise FileNotFoundError("real data not found: set REXIAN_REAL_DATA to the directory of the real data")
    return base / TEDDY / name


def read_table(path: str | Path):
    """A pandas DataFrame from .xlsx, .csv or .parquet; a directory means its tickets file."""
    import pandas as pd

    path = Path(path)
    if path.is_dir():
        for name in ("tickets.parquet", "tickets.csv"):
            if (path / name).exists():
                path = path / name
                break
        else:
            raise FileNotFoundError(f"no tickets.parquet or tickets.csv in {path}")
    if path.suffix in (".xlsx", ".xls"):
        return pd.read_excel(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


def training_columns(frame, text_columns=None, label_column=None, lead_column=None, address_column=None):
    """Which columns hold the text(s), the category, the lead unit and the address (interchange
    `tickets` columns, the Teddy columns, or the ones named)."""
    columns = list(frame.columns)
    if not text_columns:
        text_columns = [c for c in ("title", "content") if c in columns] or [c for c in TEXT_COLUMNS if c in columns]
    if not label_column:
        label_column = next((c for c in LABEL_COLUMNS if c in columns), None)
    if lead_column is None and "lead_unit_id" in columns:
        lead_column = "lead_unit_id"
    if address_column is None and "address" in columns:
        address_column = "address"
    missing = [c for c in [*text_columns, label_column] if not c or c not in columns]
    if not text_columns or missing:
        raise ValueError(f"cannot find the text/label columns (have: {', '.join(map(str, columns))}); "
                         "name them with --text-col and --label-col")
    return list(text_columns), label_column, lead_column, address_column


def training_rows(frame, text_columns, label_column, lead_column=None, address_column=None):
    from rexian.text.routing import routing_text

    texts, labels, leads = [], [], []
    for _, row in frame.iterrows():
        title = row[text_columns[0]] if len(text_columns) > 1 else None
        body = "。".join(str(row[c]) for c in text_columns[1:] if str(row[c]) != "nan") if len(text_columns) > 1 \
            else row[text_columns[0]]
        address = row[address_column] if address_column else None
        texts.append(routing_text(None if title is None else str(title), str(body), address))
        labels.append(row[label_column])
        leads.append(row[lead_column] if lead_column else None)
    return texts, labels, (leads if lead_column else None)


def evaluate_replies(path: str | Path | None = None) -> list[dict]:
    """Scores of every reply in the Teddy sample: one dict per reply."""
    from rexian.text.replies import is_perfunctory, reply_scores

    frame = read_table(path or teddy_file("sample_replies.xlsx"))
    rows = []
    for _, row in frame.iterrows():
        reply = "" if str(row["答复意见"]) == "nan" else str(row["答复意见"])
        scores = reply_scores(reply, str(row["留言详情"]), title=str(row["留言主题"]))
        rows.append({"id": row["留言编号"], "title": str(row["留言主题"]), "reply": reply.strip(), "scores": scores,
                     "flags": is_perfunctory(scores, reply=reply)})
    return rows


def teddy_messages(path: str | Path | None = None) -> list[dict]:
    import pandas as pd

    frame = read_table(path or teddy_file("messages_with_votes.xlsx"))
    times = pd.to_datetime(frame["留言时间"].astype(str).str.strip(), errors="coerce", format="mixed")
    return [{"ticket_id": row["留言编号"], "title": str(row["留言主题"]), "content": str(row["留言详情"]).strip(),
             "received_at": None if pd.isna(at) else at.to_pydatetime(), "votes": row.get("点赞数")}
            for (_, row), at in zip(frame.iterrows(), times)]


def near_misses(tickets: list[dict], groups: list[list], window_days: float, threshold: float | None = None,
                limit: int = 15) -> list[tuple]:
    """Pairs that were candidates but scored just under the threshold: (score, a, b, reasons)."""
    from rexian.text.matter_index import SameMatterIndex, TermWeights
    from rexian.text.matter_pairs import SAME_THRESHOLD

    threshold = SAME_THRESHOLD if threshold is None else threshold
    weights = TermWeights.fit(tickets)
    index = SameMatterIndex(weights, window_days, threshold)
    grouped = {ticket_id: number for number, group in enumerate(groups) for ticket_id in group}
    by_id = {ticket["ticket_id"]: ticket for ticket in tickets}
    misses = []
    for ticket in sorted(tickets, key=lambda t: t["received_at"] or 0):
        for match in index.lookup(ticket, only_same=False):
            if not match.same and threshold - 0.2 <= match.score < threshold and \
                    grouped.get(match.ticket_id, -1) != grouped.get(ticket["ticket_id"], -2):
                misses.append((match.score, by_id[match.ticket_id], ticket, match.reasons))
        index.add(ticket)
    misses.sort(key=lambda miss: -miss[0])
    return misses[:limit]


def pair_precision_recall(predicted_groups, true_groups) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of predicted groups against true groups (and the pair counts)."""
    from itertools import combinations

    def pairs(groups):
        return {pair for group in groups for pair in combinations(sorted(group), 2)}

    predicted, true = pairs(predicted_groups), pairs(true_groups)
    hits = len(predicted & true)
    return hits / max(len(predicted), 1), hits / max(len(true), 1), len(predicted), len(true)


def synthetic_linking(n_tickets: int, window_days: float = 30, threshold: float | None = None,
                      seed: int = 11) -> dict:
    """Batch-link generated tickets and compare with their known matters."""
    import time

    from rexian.text.matter_index import link_batch
    from rexian.text.synthetic import generate_tickets

    tickets = generate_tickets(n_tickets, seed=seed)
    started = time.perf_counter()
    from rexian.text.matter_pairs import SAME_THRESHOLD

    groups = link_batch(tickets, window_days=window_days,
                        threshold=SAME_THRESHOLD if threshold is None else threshold)
    seconds = time.perf_counter() - started
    truth: dict = {}
    for ticket in tickets:
        truth.setdefault(ticket["matter_id"], []).append(ticket["ticket_id"])
    precision, recall, predicted, true = pair_precision_recall(groups, truth.values())
    return {"precision": precision, "recall": recall, "predicted_pairs": predicted, "true_pairs": true,
            "seconds": seconds, "groups": len(groups)}


MISCONDUCT_FAMILIES = ("hostile_attitude", "graft", "improper_banquet")


def misconduct_against_truth(data_dir: str | Path, min_score: float | None = None) -> dict:
    """Misconduct detection on a simulated data directory (`rexian simulate --out DIR`) against its truth.

    Reads what citizens said as the rules do (complaint content and title, follow-up visit notes), and
    returns per family {true, found, right, precision, recall, false_alarms: [(ticket, explanation)],
    missed: [ticket]}.
    """
    import json

    import pandas as pd

    from rexian.text.misconduct import DEFAULT_MIN_SCORE, detect_misconduct

    data_dir = Path(data_dir)
    base = data_dir / "data" if (data_dir / "data").is_dir() else data_dir
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    truth_path = next(path for path in (data_dir / "truth" / "truth.jsonl", base.parent / "truth" / "truth.jsonl")
                      if path.exists())
    truth: dict[str, set] = {family: set() for family in MISCONDUCT_FAMILIES}
    for line in truth_path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["family"] in truth:
            truth[item["family"]].update(item["ticket_ids"])
    tickets = read_table(base)
    words: dict[str, list[str]] = {}
    for row in tickets.itertuples():
        words[row.ticket_id] = [str(value) for value in (row.content, row.title) if isinstance(value, str)]
    events_path = base / "events.parquet"
    events = pd.read_parquet(events_path) if events_path.exists() else pd.read_csv(base / "events.csv")
    for row in events[events["action"] == "Visited"].itertuples():
        note = json.loads(row.payload).get("note") if isinstance(row.payload, str) else None
        if note:
            words.setdefault(row.ticket_id, []).append(note)
    found: dict[str, dict[str, str]] = {family: {} for family in MISCONDUCT_FAMILIES}
    for ticket_id, parts in words.items():
        for part in parts:
            for hit in detect_misconduct(part, min_score=threshold):
                found[hit["family"]].setdefault(ticket_id, hit["explanation"])
    result = {}
    for family in MISCONDUCT_FAMILIES:
        right = set(found[family]) & truth[family]
        result[family] = {
            "true": len(truth[family]), "found": len(found[family]), "right": len(right),
            "precision": len(right) / len(found[family]) if found[family] else 1.0,
            "recall": len(right) / len(truth[family]) if truth[family] else 1.0,
            "false_alarms": sorted((t, e) for t, e in found[family].items() if t not in truth[family]),
            "missed": sorted(truth[family] - set(found[family])),
        }
    return result


def misconduct_on_teddy(path: str | Path | None = None) -> dict:
    """Misconduct hits on the real Teddy letters: counts per family, mentions set aside because their doer
    is not a public servant, and every hit (id, explanation, excerpt) for a reader to check."""
    from collections import Counter

    from rexian.text.misconduct import detect_misconduct
    from rexian.text.normalisation import normalise

    hits, set_aside = Counter(), Counter()
    rows = []
    messages = teddy_messages(path)
    for message in messages:
        text = normalise(message["title"] + "。" + message["content"])
        for hit in detect_misconduct(text, include_suppressed=True):
            if not hit["suppressed"]:
                hits[hit["family"]] += 1
                start, end = hit["span"]
                rows.append({"id": message["ticket_id"], "family": hit["family"], "explanation": hit["explanation"],
                             "excerpt": text[max(0, start - 40): end + 20]})
            elif "不属公职人员" in hit["explanation"]:
                set_aside[hit["family"]] += 1
    return {"messages": len(messages), "hits": dict(hits), "set_aside_non_public": dict(set_aside), "rows": rows}


def wilson_interval(successes: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a proportion, or None when there is nothing to measure."""
    if total == 0:
        return None
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def misconduct_on_labels(split: str = "held_out", base_dir: str | Path | None = None, min_score: float | None = None,
                         detector=None) -> dict:
    """Letter-level precision and recall of misconduct *findings* against the labelled real letters
    (`rexian.text.misconduct_labels`), per family and pooled over the three scored families, with 95 %
    Wilson intervals. A letter is predicted for a family when a hit of that family is a finding (an
    assertion about a public servant, score at or above the threshold); leads (suspicions, unclear doers)
    are counted apart. `split`: dev, held_out, first (both), a set by its name (fresh … fresh6, the second to
    seventh sets) or all (every set whose results have been seen, the development data; see
    `misconduct_labels.DEVELOPMENT_SETS`).
    Returns {families: {...}, pooled: {...}, errors: [...]}.
    """
    from rexian.text.misconduct import DEFAULT_MIN_SCORE, detect_misconduct
    from rexian.text.misconduct_labels import labelled_rows, letters

    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    detect = detector or (lambda text: detect_misconduct(text, min_score=threshold, include_leads=True))
    texts = letters(Path(base_dir) if base_dir else teddy_file(""))
    return {"split": split, **score_labelled_letters(texts, labelled_rows(split), detect)}


def score_labelled_letters(texts: dict, rows: list[dict], detect) -> dict:
    """Letter-level tallies of `detect` (text -> hits, leads included) against labelled `rows`
    ({letter_id, label}; `misconduct_labels.parse_label`): per family and pooled over the three scored
    families, with 95 % Wilson intervals, and every error. Shared by the Teddy sets and the letters kept
    outside the project (`misconduct_on_external`)."""
    from rexian.text.misconduct_labels import FAMILY_CODES, SCORED_FAMILIES, parse_label

    counts = {family: {"tp": 0, "fp": 0, "fn": 0, "leads": 0} for family in FAMILY_CODES.values()}
    errors = []
    for row in rows:
        reported, _suspected = parse_label(row["label"])
        hits = detect(texts[row["letter_id"]])
        found = {hit["family"] for hit in hits if hit.get("kind", "finding") == "finding"}
        leads = {hit["family"] for hit in hits if hit.get("kind") == "lead"}
        for family, tally in counts.items():
            tally["leads"] += family in leads
            if family in found and family in reported:
                tally["tp"] += 1
            elif family in found:
                tally["fp"] += 1
                hit = next(h for h in hits if h["family"] == family and h.get("kind", "finding") == "finding")
                errors.append(("误报", row["letter_id"], family, hit["explanation"], hit.get("sentence", "")))
            elif family in reported:
                tally["fn"] += 1
                lead = next((h for h in hits if h["family"] == family), None)
                errors.append(("漏报", row["letter_id"], family, lead["explanation"] if lead else "", ""))

    def scores(tp, fp, fn):
        return {"tp": tp, "fp": fp, "fn": fn,
                "precision": tp / (tp + fp) if tp + fp else None, "precision_ci": wilson_interval(tp, tp + fp),
                "recall": tp / (tp + fn) if tp + fn else None, "recall_ci": wilson_interval(tp, tp + fn)}

    families = {family: {**scores(c["tp"], c["fp"], c["fn"]), "leads": c["leads"]} for family, c in counts.items()}
    pooled = scores(*(sum(counts[f][k] for f in SCORED_FAMILIES) for k in ("tp", "fp", "fn")))
    return {"letters": len(rows), "families": families, "pooled": pooled, "errors": errors}


def external_letters(directory: str | Path) -> tuple[dict, list[dict]]:
    """The letters and labels of a set kept outside the project (the words of letters from elsewhere are
    never committed): `letters.jsonl` (one {"id", "text"} a line) and `labels.csv` (columns letter_id,
    label and optionally two passes and notes, as the committed label files). Raises a Chinese
    FileNotFoundError or ValueError when either is missing or a labelled letter has no text."""
    import csv
    import json

    base = Path(directory)
    letters_file, labels_file = base / "letters.jsonl", base / "labels.csv"
    for needed in (letters_file, labels_file):
        if not needed.is_file():
            raise FileNotFoundError(f"目录 {base} 中没有 {needed.name}（外部标注集需要 letters.jsonl 与 labels.csv）")
    with letters_file.open(encoding="utf-8") as handle:
        texts = {str(row["id"]): row["text"] for row in map(json.loads, filter(str.strip, handle))}
    with labels_file.open(encoding="utf-8", newline="") as handle:
        rows = [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]
    missing = [row["letter_id"] for row in rows if row["letter_id"] not in texts]
    if missing:
        raise ValueError(f"labels.csv 中有 {len(missing)} 封信在 letters.jsonl 里找不到正文：{'、'.join(missing[:5])}")
    return texts, rows


def misconduct_on_external(directory: str | Path, min_score: float | None = None) -> dict:
    """`score_labelled_letters` on a labelled set kept outside the project (`external_letters`), with the
    agreement of its two labelling passes when it has them."""
    from rexian.text.misconduct import DEFAULT_MIN_SCORE, detect_misconduct
    from rexian.text.misconduct_labels import agreement

    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    texts, rows = external_letters(directory)
    result = score_labelled_letters(
        texts, rows, lambda text: detect_misconduct(text, min_score=threshold, include_leads=True))
    return {"split": str(directory), "agreement": agreement(rows), **result}


def misconduct_label_agreement(split: str = "first") -> list[dict]:
    """Agreement of the labelling passes for each labelled set a split draws on (its rows in the split):
    {set, letters, agreement} where agreement is `misconduct_labels.agreement` (Cohen's kappa on the whole
    label and per family, the disagreements and how each was settled) or None for a set labelled once."""
    from rexian.text.misconduct_labels import agreement, label_sets, labelled_rows, load_label_set

    wanted = {row["letter_id"] for row in labelled_rows(split)}
    result = []
    for name in label_sets(split):
        rows = [row for row in load_label_set(name) if row["letter_id"] in wanted]
        result.append({"set": name, "letters": len(rows), "agreement": agreement(rows)})
    return result


def misconduct_pattern_precision(split: str = "dev", base_dir: str | Path | None = None) -> list[dict]:
    """For every phrase of the lexicon that made a finding on the labelled letters of `split`: how many
    findings it made and how many of them the labels confirm (the letter reports that family)."""
    from collections import defaultdict

    from rexian.text.misconduct import detect_misconduct
    from rexian.text.misconduct_labels import labelled_rows, letters, parse_label

    texts = letters(Path(base_dir) if base_dir else teddy_file(""))
    made: dict[tuple[str, str], set] = defaultdict(set)
    right: dict[tuple[str, str], set] = defaultdict(set)
    for row in labelled_rows(split):
        reported, _ = parse_label(row["label"])
        for hit in detect_misconduct(texts[row["letter_id"]]):
            key = (hit["family"], hit["act"])
            made[key].add(row["letter_id"])
            if hit["family"] in reported:
                right[key].add(row["letter_id"])
    return sorted(({"family": family, "act": act, "findings": len(ids), "confirmed": len(right[(family, act)]),
                    "precision": len(right[(family, act)]) / len(ids)} for (family, act), ids in made.items()),
                  key=lambda row: (row["family"], -row["findings"]))
