"""Score call-centre findings (which name an agent and no ticket) against expected_agents.csv.

    python tools/blind7/score_agents.py EXPECTED_AGENTS.csv FINDINGS.jsonl

tools/blind5/score.py matches findings by ticket; an agent finding has none. Here a fire is met when a finding of
its rule names the agent (agent_id or person_id) and its key names the day; a near miss alarms on any finding of
its rule naming the agent.
"""

import csv
import json
import sys


def main():
    expected = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    findings = [json.loads(x) for x in open(sys.argv[2], encoding="utf-8") if x.strip()]
    print("| rule | kind | agent | day | outcome |\n|---|---|---|---|---|")
    for e in expected:
        hits = [f for f in findings if f["rule_id"] == e["rule"]
                and e["agent"] in (f.get("agent_id"), f.get("person_id"))]
        if e["kind"] == "fire":
            out = "met" if any(e["day"] in f["finding_key"] for f in hits) else ("other day" if hits else "missed")
        else:
            out = "alarm" if hits else "silent"
        print(f"| {e['rule']} | {e['kind']} | {e['agent']} | {e['day']} | {out} |")


if __name__ == "__main__":
    main()
