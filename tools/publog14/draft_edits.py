"""The edits a user makes to a `rexian mapping suggest` draft of a public event log: the source name and the event
each `?` action word means (docs/events.md), nothing else.

Usage: python tools/publog14/draft_edits.py DRAFT.yaml OUT.yaml SOURCE
"""

from __future__ import annotations

import sys

import yaml

# What each log's words mean, as a user reading the log's description decides them.
MEANING = {
    # BPI Challenge 2013 (Status + Sub Status)
    "Accepted In Progress": "ProgressNoted", "Accepted Assigned": "SignedFor", "Accepted Wait": "ProgressNoted",
    "Accepted Wait - User": "ProgressNoted", "Accepted Wait - Vendor": "ProgressNoted",
    "Accepted Wait - Implementation": "ProgressNoted", "Accepted Wait - Customer": "ProgressNoted",
    "Queued Awaiting Assignment": "Dispatched", "Completed Resolved": "Closed", "Completed Closed": "Closed",
    "Completed Cancelled": "Closed", "Completed In Call": "Closed", "Unmatched Unmatched": "ProgressNoted",
    # BPI Challenge 2014 (IncidentActivity_Type)
    "Open": "TicketReceived", "Assignment": "SignedFor", "Reassignment": "Dispatched",
    "Operator Update": "ProgressNoted", "Status Change": "ProgressNoted", "Pending vendor": "ProgressNoted",
    "Update from customer": "ProgressNoted", "Caused By CI": "ProgressNoted", "Update": "ProgressNoted",
    "Description Update": "ProgressNoted", "Reopen": "Reopened", "Closed": "Closed",
    # the lifecycle log (BPIC 2012/2017 style activity names)
    "W_Handle case": "ProgressNoted", "W_Assign case": "SignedFor", "W_Transfer case": "Dispatched",
    "W_Suspend case": "ProgressNoted", "W_Request documents": "ProgressNoted", "W_Request advice": "ProgressNoted",
    "A_Decision sent": "Closed", "A_Closed": "Closed",
}


def main(draft: str, out: str, source: str) -> None:
    with open(draft, encoding="utf-8") as f:
        mapping = yaml.safe_load(f)
    mapping["source"] = source
    mapping["actions"] = {word: MEANING.get(word, event) if event == "?" else event
                          for word, event in (mapping.get("actions") or {}).items()}
    left = [word for word, event in mapping["actions"].items() if event == "?"]
    if left:
        raise SystemExit(f"words left unmapped: {left}")
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(mapping, f, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
