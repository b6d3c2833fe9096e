"""Compare `rexian analyze --mapping` findings with the independent count, case by case.

Usage: python tools/publog14/compare.py EXPECTED.csv PLANTED.csv FINDINGS.jsonl [--label L] [--md OUT.md]

Scored rules: BP-PINGPONG, BP-CYCLE, DL-IDLE. A finding is *met* when its rule and case are expected; *right
person* when its person_id is the expected one (the expected person None: no person asked, none must be named);
*no person* counts findings naming nobody where the log names someone; *wrong person* names another. Alarms:
any finding (any rule) on a near-miss case, and any scored finding not expected.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

SCORED = ("BP-PINGPONG", "BP-CYCLE", "DL-IDLE")


def score(expected: pd.DataFrame, planted: pd.DataFrame, findings: list[dict]) -> dict:
    exp = expected[expected["rule"].isin(SCORED)].copy()
    exp["person"] = [p if isinstance(p, str) and p else None for p in exp["person"]]
    got = {}
    for f in findings:
        for case in f.get("ticket_ids") or []:
            got.setdefault((f["rule_id"], case), f)
    near = set(planted.loc[planted["near_miss"].astype(str) == "True", "case"])
    met = right = no_person = wrong = 0
    details = []
    for row in exp.itertuples():
        f = got.get((row.rule, row.case))
        if f is None:
            details.append(f"missed {row.rule} {row.case} (expected unit {row.unit}, person {row.person})")
            continue
        met += 1
        person = f.get("person_id")
        if row.person is None or person == row.person:
            right += 1 if person == row.person else 0
            if row.person is None and person is not None:
                wrong += 1
                details.append(f"person where the log names nobody: {row.rule} {row.case}: {person}")
        elif person is None:
            no_person += 1
            details.append(f"no person: {row.rule} {row.case} (expected {row.person})")
        else:
            wrong += 1
            details.append(f"wrong person: {row.rule} {row.case}: {person} (expected {row.person}; "
                           f"basis {f['evidence']['values'].get('person_basis')})")
    expected_keys = set(zip(exp["rule"], exp["case"]))
    extra = [(r, c) for (r, c) in got if r in SCORED and (r, c) not in expected_keys]
    alarms = sorted({(r, c) for (r, c) in got if c in near})
    for r, c in extra:
        details.append(f"unexpected {r} {c}")
    for r, c in alarms:
        details.append(f"near-miss alarm {r} {c}")
    return {"expected": len(exp), "met": met, "right_person": right, "no_person": no_person,
            "wrong_person": wrong, "unexpected": len(extra), "near_miss_cases": len(near),
            "near_miss_alarms": len(alarms), "details": details}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("expected", type=Path)
    parser.add_argument("planted", type=Path)
    parser.add_argument("findings", type=Path)
    parser.add_argument("--label", default="")
    parser.add_argument("--md", type=Path)
    args = parser.parse_args()
    findings = [json.loads(line) for line in args.findings.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = score(pd.read_csv(args.expected, dtype=str), pd.read_csv(args.planted, dtype=str), findings)
    line = (f"| {args.label} | {result['expected']} | {result['met']} | {result['right_person']} | "
            f"{result['no_person']} | {result['wrong_person']} | {result['unexpected']} | "
            f"{result['near_miss_cases']} | {result['near_miss_alarms']} |")
    print(line)
    for d in result["details"]:
        print("  " + d)
    if args.md:
        with open(args.md, "a", encoding="utf-8") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
