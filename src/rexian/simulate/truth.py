"""Ground truth items (docs/interchange.md): one per injected abuse, kept apart from the data.

Each item names its rule-catalogue `family` and the concrete `kind` of abuse (KINDS), so an evaluation
can score every rule on the behaviour it is meant to detect (analytics/evaluate.py maps kinds to rules).
"""

from __future__ import annotations

from datetime import datetime

# MISSION.md's rule catalogue, in its order.
FAMILIES = ("buck_passing", "false_closure", "manufactured_satisfaction", "perfunctory_reply", "forward_no_follow_up",
            "delay", "repeat_complaint", "dissatisfaction", "hostile_attitude", "graft", "improper_banquet",
            "unreachable_service")

# kind -> family: every concrete abuse the simulator injects or lets happen, and what it is an instance of.
KINDS = {
    "repeated_returns": "buck_passing",           # returned 3 times or more
    "return_pingpong": "buck_passing",            # dispatched A -> B -> A
    "return_cycle": "buck_passing",               # dispatched A -> B -> C -> A
    "return_without_verification": "buck_passing",  # return requested with no contact or site visit
    "return_rejected": "buck_passing",            # the centre rejected the unit's return request
    "closed_unresolved": "false_closure",         # the visit after a closure found the matter unresolved
    "repeat_after_close": "false_closure",        # same matter reported again within 30 days, not satisfied
    "closures_rejected": "false_closure",         # closure requests rejected twice or more
    "instant_closure": "false_closure",           # closure minutes after signing, no handling but a token call
    "satisfied_then_repeat": "manufactured_satisfaction",  # "satisfied", yet the matter is back within 30 days
    "visit_without_call": "manufactured_satisfaction",     # follow-up visit recorded with no call behind it
    "boilerplate_reply": "perfunctory_reply",     # empty claim or formula instead of an answer
    "off_topic_reply": "perfunctory_reply",       # a specific-looking answer about another matter
    "forward_no_follow_up": "forward_no_follow_up",
    "overdue": "delay",                           # closure requested (or still open) past the deadline in force
    "repeated_extensions": "delay",               # three extension requests or more
    "idle": "delay",                              # a week or more with nothing done while the unit holds it
    "long_open": "delay",                         # still open 60 days after receipt at the snapshot
    "repeat_complaint": "repeat_complaint",       # the same matter 3 times within 90 days
    "hotspot": "repeat_complaint",                # 10 times within 30 days from 5 callers or more
    "unsatisfied_visit": "dissatisfaction",
    "hostile_report": "hostile_attitude",
    "graft_report": "graft",
    "banquet_report": "improper_banquet",
    "zombie_agent": "unreachable_service",        # busy without calls, away from the seat
}
FAMILY_KIND = {"hostile_attitude": "hostile_report", "graft": "graft_report", "improper_banquet": "banquet_report"}


def truth_item(kind: str, ticket_ids: list[str], unit_id: str | None, person_id: str | None, note: str,
               agent_id: str | None = None, holds_from: datetime | None = None) -> dict:
    """One truth item. `holds_from`: the item is true only if the snapshot (the newest event of the whole
    log, as the analyser takes it) is at or after this time; `settle` decides once the log is complete."""
    assert kind in KINDS, kind
    item = {"family": KINDS[kind], "kind": kind, "ticket_ids": ticket_ids, "agent_id": agent_id,
            "unit_id": unit_id, "person_id": person_id, "note": note}
    if holds_from is not None:
        item["holds_from"] = holds_from
    return item


def settle(items: list[dict], as_of: datetime | None) -> list[dict]:
    """Keep the items that hold at the snapshot time `as_of`, without their `holds_from`."""
    kept = []
    for item in items:
        if "holds_from" in item:
            item = dict(item)
            if as_of is None or as_of < item.pop("holds_from"):
                continue
        kept.append(item)
    return kept


def sort_truth(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: (item["family"], item["kind"], item["ticket_ids"][:1],
                                           item["agent_id"] or "", item["unit_id"] or ""))
