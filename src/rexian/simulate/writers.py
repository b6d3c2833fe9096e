"""Writing the simulated city as interchange files (docs/interchange.md), CSV and Parquet, batch by batch,
and the ground truth as JSON lines in a place of its own."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from rexian.adapters.repository import event_row
from rexian.domain.eventlog import canonical_json

TS = pa.timestamp("us")
STR = pa.string()
SCHEMAS = {
    "units": [("unit_id", STR), ("name", STR), ("kind", STR), ("parent_id", STR), ("area", STR)],
    "people": [("person_id", STR), ("name", STR), ("unit_id", STR), ("roles", STR), ("phone", STR)],
    "categories": [("code", STR), ("name", STR), ("parent_code", STR), ("sign_hours", pa.int32()),
                   ("handle_days", pa.int32()), ("urgent_hours", pa.int32())],
    "catalogue": [("category", STR), ("area", STR), ("lead_unit_id", STR), ("assisting_unit_ids", STR)],
    "tickets": [("ticket_id", STR), ("received_at", TS), ("channel", STR), ("caller_id", STR),
                ("caller_phone", STR), ("category", STR), ("urgency", STR), ("kind", STR), ("area", STR),
                ("address", STR), ("place_id", STR), ("lon", pa.float64()), ("lat", pa.float64()), ("title", STR),
                ("content", STR), ("status", STR), ("first_unit_id", STR), ("lead_unit_id", STR), ("due_at", TS),
                ("closed_at", TS)],
    "events": [("ticket_id", STR), ("seq", pa.int32()), ("at", TS), ("action", STR), ("actor_id", STR),
               ("actor_unit_id", STR), ("target_unit_id", STR), ("payload", STR), ("source", STR),
               ("prev_hash", STR), ("hash", STR)],
    "calls": [("call_id", STR), ("caller_phone", STR), ("queue", STR), ("agent_id", STR), ("ring_at", TS),
              ("answer_at", TS), ("end_at", TS), ("abandoned", pa.bool_()), ("ticket_id", STR), ("direction", STR)],
    "agent_status": [("agent_id", STR), ("status", STR), ("start_at", TS), ("end_at", TS)],
}
FORMATS = ("csv", "parquet")


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


EVENT_FIELDS = ("ticket_id", "seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "source",
                "prev_hash", "hash")


def event_file_rows(records: Iterable[dict]) -> list[dict]:
    """Event records as file rows, with the payload as the canonical JSON text the hash covers.

    `event_row` normalises the payload through a JSON round trip first; for the simulator's payloads
    (string keys; strings, numbers, booleans, lists, datetimes) one canonical encoding gives the same text,
    at half the cost (tests/simulate check it against `event_row`)."""
    rows = []
    for record in records:
        row = {name: record[name] for name in EVENT_FIELDS}
        row["payload"] = canonical_json(record["payload"])
        rows.append(row)
    return rows


def event_rows_exact(records: Iterable[dict]) -> list[dict]:
    return [event_row(record) for record in records]


class FileWriter:
    """Appends rows to NAME.csv and NAME.parquet in `directory`, one table at a time, in the order given."""

    def __init__(self, directory: str | Path, formats: Iterable[str] = FORMATS):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.formats = tuple(formats)
        self.csv_files: dict[str, tuple] = {}
        self.parquet_files: dict[str, pq.ParquetWriter] = {}

    def write(self, table: str, rows: list[dict]) -> None:
        columns = SCHEMAS[table]
        if "csv" in self.formats:
            if table not in self.csv_files:
                handle = open(self.directory / f"{table}.csv", "w", encoding="utf-8", newline="")
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow([name for name, _ in columns])
                self.csv_files[table] = (handle, writer)
            writer = self.csv_files[table][1]
            names = [name for name, _ in columns]
            writer.writerows([_csv_value(row.get(name)) for name in names] for row in rows)
        if "parquet" in self.formats:
            schema = pa.schema(columns)
            if table not in self.parquet_files:
                self.parquet_files[table] = pq.ParquetWriter(self.directory / f"{table}.parquet", schema,
                                                             compression="zstd")
            if rows:
                arrays = [pa.array([row.get(name) for row in rows], type=kind) for name, kind in columns]
                self.parquet_files[table].write_table(pa.Table.from_arrays(arrays, schema=schema))

    def close(self) -> None:
        for handle, _ in self.csv_files.values():
            handle.close()
        for writer in self.parquet_files.values():
            writer.close()
        self.csv_files, self.parquet_files = {}, {}


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def write_truth(path: str | Path, items: Iterable[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    return path
