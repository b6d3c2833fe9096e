"""Score findings.jsonl against expected.csv of blind_export.py.

    python tools/blind/score.py EXPECTED.csv FINDINGS.jsonl [--label NAME]

Per expected firing (rule, ticket, unit, person): *met* when a finding of that rule lists the ticket
and names that person (and unit); *wrong person* when the rule fires on the ticket but names someone
else; *missed* otherwise. Near misses: a finding of the named rule on that ticket is a false alarm.
Findings matching no expected row and no near miss are listed as "other" (not scored).
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("expected")
    ap.add_argument("findings")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    expected = list(csv.DictReader(open(a.expected, encoding="utf-8")))
    findings = [json.loads(line) for line in open(a.findings, encoding="utf-8") if line.strip()]
    used = set()
    rows, tally = [], Counter()
    for e in expected:
        if e["ticket"]:
            hits = [i for i, f in enumerate(findings) if f["rule_id"] == e["rule"] and e["ticket"] in f["ticket_ids"]]
        else:  # a call-centre finding: the agent is the subject
            hits = [
                i for i, f in enumerate(findings) if f["rule_id"] == e["rule"] and (f.get("agent_id") or f.get("person_id")) == e["person"]
            ]
        used.update(hits)
        if e["kind"] == "near":
            verdict = "FALSE ALARM" if hits else "silent ok"
        elif not hits:
            verdict = "MISSED"
        else:
            f = findings[hits[0]]
            person_ok = (f.get("person_id") or f.get("agent_id") or "") == e["person"]
            unit_ok = (f.get("unit_id") or "") == e["unit"]
            verdict = (
                "met"
                if person_ok and unit_ok
                else (
                    f"WRONG {'person' if not person_ok else ''}{'+' if not person_ok and not unit_ok else ''}"
                    f"{'unit' if not unit_ok else ''} ({f.get('unit_id')}/{f.get('person_id')})"
                )
            )
        tally[(e["kind"], verdict.split(" (")[0])] += 1
        rows.append((e["kind"], e["rule"], e["ticket"], e["unit"], e["person"], verdict, e["note"]))
    print(f"## {a.label}")
    print("| kind | rule | ticket | unit | person | verdict | note |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    fires = sum(e["kind"] == "fire" for e in expected)
    nears = len(expected) - fires
    print(
        f"\nexpected {fires}: met {tally[('fire', 'met')]}, missed {tally[('fire', 'MISSED')]}, "
        f"right rule+ticket but wrong person/unit {fires - tally[('fire', 'met')] - tally[('fire', 'MISSED')]}; "
        f"near-miss checks {nears}: false alarms {tally[('near', 'FALSE ALARM')]}"
    )
    other = [f for i, f in enumerate(findings) if i not in used]
    print(f"\nother findings (not planted, not a near-miss check): {len(other)}")
    for f in other:
        print(
            f"  {f['rule_id']} {','.join(f['ticket_ids'][:4])} unit={f.get('unit_id')} "
            f"person={f.get('person_id')} agent={f.get('agent_id')}"
        )


if __name__ == "__main__":
    main()
