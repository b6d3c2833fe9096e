"""Score Rexian's findings against the blind export's expected findings.

    python tools/blind5/score.py EXPECTED.csv FINDINGS.jsonl [--label NAME]

An expected finding (kind = fire) is
- met: a finding of the same family lists the ticket and names the expected person (for rules that name no
  person — repeats and text reports — the expected unit instead);
- wrong person: same family and ticket, another person (or none);
- missed: no finding of that family on the ticket.
A near miss alarms when a finding of its family lists its ticket (strict) — and, separately, when any
finding lists it (any rule). A finding that matches no expected finding is an unexpected one (listed).
Prints a Markdown table per rule, then the totals.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict


def load(expected_path, findings_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    with open(findings_path, encoding="utf-8") as f:
        findings = [json.loads(line) for line in f if line.strip()]
    return expected, findings


def score(expected, findings):
    by_ticket = defaultdict(list)
    for fd in findings:
        for t in fd.get("ticket_ids") or []:
            by_ticket[t].append(fd)
    rows, used = [], set()
    for e in expected:
        if e["kind"] == "clean":
            continue
        same_family = [fd for fd in by_ticket[e["ticket"]] if fd["family"] == e["family"]]
        anyrule = by_ticket[e["ticket"]]
        if e["kind"] == "fire":
            want = e["person"] or None
            if want:
                good = [fd for fd in same_family if fd.get("person_id") == want]
            else:
                good = [fd for fd in same_family if fd.get("unit_id") == e["unit"]]
            for fd in same_family:
                used.add(fd["finding_key"])
            if good:
                outcome = "met"
            elif same_family:
                outcome = "wrong person: " + ", ".join(
                    f"{fd['rule_id']} → {fd.get('person_id') or fd.get('unit_id')}" for fd in same_family)
            else:
                outcome = "missed"
            rows.append((e, outcome, [fd["rule_id"] for fd in same_family], [fd["rule_id"] for fd in anyrule]))
        else:
            outcome = "alarm" if same_family else "silent"
            rows.append((e, outcome, [fd["rule_id"] for fd in same_family], [fd["rule_id"] for fd in anyrule]))
    unexpected = [fd for fd in findings if fd["finding_key"] not in used]
    return rows, unexpected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("expected")
    ap.add_argument("findings")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    expected, findings = load(a.expected, a.findings)
    rows, unexpected = score(expected, findings)
    kinds = {e["ticket"]: e["kind"] for e in expected}
    print(f"### {a.label}\n")
    print("| rule | kind | ticket | expected person / unit | outcome | same-family rules | any rule |")
    print("|---|---|---|---|---|---|---|")
    for e, outcome, fam, anyr in rows:
        print(f"| {e['rule']} | {e['kind']} | {e['ticket']} | {e['person'] or e['unit'] or '–'} | {outcome} | "
              f"{', '.join(fam) or '–'} | {', '.join(anyr) or '–'} |")
    fires = [r for r in rows if r[0]["kind"] == "fire"]
    nears = [r for r in rows if r[0]["kind"] == "near_miss"]
    met = sum(r[1] == "met" for r in fires)
    wrong = sum(r[1].startswith("wrong") for r in fires)
    missed = sum(r[1] == "missed" for r in fires)
    strict = sum(r[1] == "alarm" for r in nears)
    anyalarm = sum(bool(r[3]) for r in nears)
    print()
    print("| expected | met (family, ticket, person) | wrong person | missed | near misses | near-miss alarms "
          "(same family) | near-miss tickets with any finding | unexpected findings |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {len(fires)} | {met} ({met / len(fires):.0%}) | {wrong} | {missed} | {len(nears)} | {strict} | "
          f"{anyalarm} | {len(unexpected)} |")
    if unexpected:
        print("\nUnexpected findings (not matching an expected finding of their family):\n")
        for fd in unexpected:
            ts = ", ".join(f"{t}({kinds.get(t, '?')})" for t in fd.get("ticket_ids") or [])
            print(f"- {fd['rule_id']} on {ts} → {fd.get('unit_id')} / {fd.get('person_id')}")


if __name__ == "__main__":
    main()
