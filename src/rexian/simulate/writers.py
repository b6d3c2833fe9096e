"""Writing the simulated city as interchange files (docs/interchange.md), CSV and Parquet, batch by batch,
and the ground truth as JSON lines in a place of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from rexian.adapters.interchange_files import FORMATS, TableWriter, arrow_schema
from rexian.adapters.repository import event_row
from rexian.domain.eventlog import canonical_json
from rexian.domain.records import EVENT_FIELDS as _EVENT_COLUMNS

# The tables the simulator writes, each with its one schema (domain/records.py).
SCHEMAS = {name: arrow_schema(name) for name in ("units", "people", "categories", "catalogue", "tickets",
                                                  "events", "calls", "agent_status")}
__all__ = ["FORMATS", "SCHEMAS", "FileWriter", "event_file_rows", "organisation_rows", "write_truth"]


def organisation_rows(changes: Iterable[dict]) -> dict[str, list[dict]]:
    """The organisation changes as rows of the units, people, categories and catalogue files."""
    rows: dict[str, list[dict]] = {"units": [], "people": [], "categories": [], "catalogue": []}
    for change in changes:
        kind = change["type"]
        if kind == "unit":
            rows["units"].append({"unit_id": change["id"], "name": change["name"], "kind": change["kind"],
                                  "parent_id": change.get("parent"), "area": change.get("area")})
        elif kind == "person":
            rows["people"].append({"person_id": change["id"], "name": change["name"], "unit_id": change["unit"],
                                   "roles": ",".join(sorted(change["roles"])), "phone": change.get("phone")})
        elif kind == "category":
            rows["categories"].append({"code": change["code"], "name": change["name"],
                                       "parent_code": change.get("parent"), "sign_hours": None,
                                       "handle_days": change.get("handle_days"),
                                       "urgent_hours": change.get("urgent_hours")})
        elif kind == "catalogue":
            rows["catalogue"].append({"category": change["category"], "area": change.get("area"),
                                      "lead_unit_id": change["lead"],
                                      "assisting_unit_ids": ",".join(change.get("assisting") or ())})
    return rows


EVENT_FIELDS = tuple(name for name in _EVENT_COLUMNS if name != "payload")


def event_file_rows(records: Iterable[dict], payload_texts: list[str] | None = None) -> list[dict]:
    """Event records as file rows, with the payload as the canonical JSON text the hash covers.

    `event_row` normalises the payload through a JSON round trip first; for the simulator's payloads
    (string keys; strings, numbers, booleans, lists, datetimes) one canonical encoding gives the same text,
    at half the cost (tests/simulate check it against `event_row`). `payload_texts`, when given, are those
    texts already made while sealing (`seal.fast_execute`), one per record."""
    records = list(records)
    texts = [canonical_json(record["payload"]) for record in records] if payload_texts is None else payload_texts
    rows = []
    for record, text in zip(records, texts, strict=True):
        row = {name: record[name] for name in EVENT_FIELDS}
        row["payload"] = text
        rows.append(row)
    return rows


def event_rows_exact(records: Iterable[dict]) -> list[dict]:
    return [event_row(record) for record in records]


class FileWriter(TableWriter):
    """Appends rows to NAME.csv and NAME.parquet in `directory`: the one interchange writer, so the files
    are byte for byte what `rexian export` writes for the same rows."""


def write_truth(path: str | Path, items: Iterable[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    return path
