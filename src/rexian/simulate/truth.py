"""Ground truth items (docs/interchange.md): one per injected abuse, kept apart from the data."""

from __future__ import annotations

# MISSION.md's rule catalogue, in its order.
FAMILIES = ("buck_passing", "false_closure", "manufactured_satisfaction", "perfunctory_reply", "forward_no_follow_up",
            "delay", "repeat_complaint", "dissatisfaction", "hostile_attitude", "graft", "improper_banquet",
            "unreachable_service")


def truth_item(family: str, ticket_ids: list[str], unit_id: str | None, person_id: str | None, note: str,
               agent_id: str | None = None) -> dict:
    assert family in FAMILIES, family
    return {"family": family, "ticket_ids": ticket_ids, "agent_id": agent_id, "unit_id": unit_id,
            "person_id": person_id, "note": note}


def sort_truth(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: (item["family"], item["ticket_ids"][:1], item["agent_id"] or "",
                                           item["unit_id"] or ""))
