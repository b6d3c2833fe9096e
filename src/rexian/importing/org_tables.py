"""Organisation tables (units, people, categories, catalogue) imported with `mode: table` into the database:
their rows become the changes of an organisation file (docs/organisation.md) and go through the same
all-or-nothing checks and the hash-chained `org_events` log."""

from __future__ import annotations

from typing import Any, Iterable

ORG_TABLES = ("units", "people", "categories", "catalogue")


def _ids(text: Any) -> list[str]:
    if not text:
        return []
    return [part.strip() for part in str(text).replace("，", ",").replace("、", ",").split(",") if part.strip()]


def _without_nulls(change: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in change.items() if value not in (None, "", [])}


def org_changes(table: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    changes = []
    for row in rows:
        if table == "units":
            change = {"type": "unit", "id": row["unit_id"], "name": row["name"], "kind": row.get("kind") or "other",
                      "parent": row.get("parent_id"), "area": row.get("area")}
        elif table == "people":
            change = {"type": "person", "id": row["person_id"], "name": row["name"], "unit": row.get("unit_id"),
                      "roles": _ids(row.get("roles")), "phone": row.get("phone")}
        elif table == "categories":
            change = {"type": "category", "code": row["code"], "name": row["name"], "parent": row.get("parent_code"),
                      "handle_days": row.get("handle_days"), "urgent_hours": row.get("urgent_hours")}
        else:
            change = {"type": "catalogue", "category": row["category"], "lead": row["lead_unit_id"],
                      "area": row.get("area"), "assisting": _ids(row.get("assisting_unit_ids"))}
        changes.append(_without_nulls(change))
    # Parents before children: the organisation checks want a unit's parent to exist already.
    if table in ("units", "categories"):
        parent = "parent"
        known = {change.get("id") or change.get("code") for change in changes}
        ordered, placed = [], set()
        pending = list(changes)
        while pending:
            ready = [c for c in pending if c.get(parent) in (None, *placed) or c.get(parent) not in known]
            if not ready:  # a cycle: leave it to the organisation checks to report
                ordered += pending
                break
            for change in ready:
                ordered.append(change)
                placed.add(change.get("id") or change.get("code"))
            pending = [c for c in pending if c not in ready]
        changes = ordered
    return changes
