"""The interchange tables, declared once (docs/interchange.md): each table's columns in file order, each
with its kind. The event record's fields are `EVENT_FIELDS`; everything that writes or reads a table — the
simulator, the importer, the exporter, the bulk loader, the analytics and the real-time scope — takes its
columns from here, and the file writer and reader take their Arrow types from the kinds
(`adapters/interchange_files.py`). Pure data: no storage, no file format.

Kinds: `text`, `int` (64-bit), `float`, `bool`, `time` (naive local wall-clock time, microseconds),
`date`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

TEXT, INT, FLOAT, BOOL, TIME, DATE = "text", "int", "float", "bool", "time", "date"

# The event record as stored and exchanged: the hashed fields (domain/eventlog.py) plus the chain.
EVENT_TABLE: tuple[tuple[str, str], ...] = (
    ("ticket_id", TEXT), ("seq", INT), ("at", TIME), ("action", TEXT), ("actor_id", TEXT),
    ("actor_unit_id", TEXT), ("target_unit_id", TEXT), ("payload", TEXT), ("source", TEXT),
    ("prev_hash", TEXT), ("hash", TEXT),
)

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "events": EVENT_TABLE,
    "tickets": (
        ("ticket_id", TEXT), ("received_at", TIME), ("channel", TEXT), ("caller_id", TEXT),
        ("caller_phone", TEXT), ("category", TEXT), ("urgency", TEXT), ("kind", TEXT), ("area", TEXT),
        ("address", TEXT), ("place_id", TEXT), ("lon", FLOAT), ("lat", FLOAT), ("title", TEXT),
        ("content", TEXT), ("status", TEXT), ("first_unit_id", TEXT), ("lead_unit_id", TEXT),
        ("due_at", TIME), ("closed_at", TIME),
    ),
    "units": (("unit_id", TEXT), ("name", TEXT), ("kind", TEXT), ("parent_id", TEXT), ("area", TEXT)),
    "people": (("person_id", TEXT), ("name", TEXT), ("unit_id", TEXT), ("roles", TEXT), ("phone", TEXT)),
    "categories": (("code", TEXT), ("name", TEXT), ("parent_code", TEXT), ("sign_hours", INT),
                   ("handle_days", INT), ("urgent_hours", INT)),
    "catalogue": (("category", TEXT), ("area", TEXT), ("lead_unit_id", TEXT), ("assisting_unit_ids", TEXT)),
    "calls": (("call_id", TEXT), ("caller_phone", TEXT), ("queue", TEXT), ("agent_id", TEXT), ("ring_at", TIME),
              ("answer_at", TIME), ("end_at", TIME), ("abandoned", BOOL), ("ticket_id", TEXT),
              ("direction", TEXT)),
    "agent_status": (("agent_id", TEXT), ("status", TEXT), ("start_at", TIME), ("end_at", TIME)),
    "roster": (("person_id", TEXT), ("name", TEXT), ("unit_id", TEXT), ("position", TEXT), ("start_date", DATE),
               ("end_date", DATE)),
}

# Each reference table's key: one row per key (the same key twice in a source, or with other values than
# stored, is a conflict, never an overwrite).
KEYS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id",), "people": ("person_id",), "categories": ("code",), "catalogue": ("category", "area"),
    "calls": ("call_id",), "agent_status": ("agent_id", "start_at"),
    "roster": ("person_id", "unit_id", "position", "start_date"),
}
# The tables whose rows are facts of other systems (the call centre, personnel), stored as imported.
RECORD_TABLES: tuple[str, ...] = ("calls", "agent_status", "roster")

EVENT_FIELDS: tuple[str, ...] = tuple(name for name, _ in EVENT_TABLE)
# The record without its chain: what a workflow command or an imported row carries before sealing.
EVENT_BODY: tuple[str, ...] = EVENT_FIELDS[:-2]


def columns(table: str) -> tuple[str, ...]:
    """The table's columns in file order."""
    return tuple(name for name, _ in TABLES[table])


def kinds(table: str) -> dict[str, str]:
    """Column → kind."""
    return dict(TABLES[table])


def named(subject_id: str | None, names: dict[str, str], blank: str = "") -> str:
    """A person or unit as every report and desk page shows it: its name with its id, 「张伟（H0201）」 — the id
    being what findings, filters and scorers key on — or the id alone when nothing names it (`blank` when
    there is no id)."""
    if not subject_id:
        return blank
    name = names.get(subject_id)
    if not name or name == subject_id:
        return subject_id
    # A name written with its id already (the draft organisation's 「王芳（0101）」) is not given it twice.
    return name if name.endswith((f"（{subject_id}）", f"({subject_id})")) else f"{name}（{subject_id}）"


def written_names(pairs: Any) -> dict[str, str]:
    """Person id → the name their events carry beside the code (payload `actor_name`: an export writing
    王芳（0101）, docs/importing.md), from (actor id, payload) pairs — the payload a dict or its JSON text; where
    the name changed, the one most of their events carry. Said once for the draft organisation and the reports."""
    import json

    def named_pairs() -> Iterator[tuple[Any, Any, int]]:
        for actor, payload in pairs:
            if isinstance(payload, str):
                if '"actor_name"' not in payload:  # most payloads: decoded only where a name may be
                    continue
                payload = json.loads(payload)
            yield actor, payload.get("actor_name") if isinstance(payload, dict) else None, 1

    return counted_names(named_pairs())


def counted_names(rows: Any) -> dict[str, str]:
    """`written_names` from (actor id, written name, number of events) rows — what a query grouping the events
    by actor and `actor_name` gives (an analysis over interchange files or Spark, which never brings every
    payload into Python): the most-written name a person's events carry, a blank name or the id itself naming
    nobody."""
    from collections import Counter, defaultdict

    written: dict[str, Counter[str]] = defaultdict(Counter)
    for actor, name, count in rows:
        if actor is None or actor != actor:  # None or NaN: nobody acted
            continue
        if isinstance(name, str) and name.strip() and name.strip() != str(actor):
            written[str(actor)][name.strip()] += int(count)
    return {actor: counts.most_common(1)[0][0] for actor, counts in written.items()}


def person_names(written: dict[str, str], roster: Any = None, people: Any = None) -> dict[str, str]:
    """Person id → the name every output shows a person by — the analysis' reports and findings files and the
    desk alike: the organisation's `people` table first (its name for a person; a name that is only the id
    names nobody), then a staff roster (`roster_names`: an export writing people as 工号 only), then the name the
    person's events carry (`written_names` / `counted_names`). Rows: DataFrames or iterables of dicts."""
    names = {**written, **roster_names(roster)}
    for row in _rows(people):
        person, name = row.get("person_id"), row.get("name")
        if person is not None and isinstance(name, str) and name.strip() and name.strip() != str(person):
            names[str(person)] = name.strip()
    return names


def _rows(rows: Any) -> list[dict[str, Any]]:
    if rows is None:
        return []
    return rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)


def roster_names(rows: Any) -> dict[str, str]:
    """Person id → name from staff roster rows (an export that writes people as 工号 only; a DataFrame or
    an iterable of dicts), the row that started last winning (a name changed on a later post); a blank name
    names nobody."""
    named = [row for row in _rows(rows) if row.get("person_id") is not None and isinstance(row.get("name"), str)
             and row["name"].strip()]
    def started(row: dict[str, Any]) -> tuple[bool, str]:
        when = row.get("start_date")
        known = when is not None and when == when  # NaT and NaN are not equal to themselves
        return known, str(when) if known else ""

    named.sort(key=started)
    return {str(row["person_id"]): row["name"].strip() for row in named}
