"""Interchange files (docs/interchange.md): writing `events` and `tickets` as CSV or Parquet, and reading
them out of a database for `rexian export`."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.repository import row_to_record
from rexian.domain.eventlog import canonical_json
from rexian.importing.histories import INTERCHANGE_TICKET_COLUMNS
from rexian.importing.side_tables import TABLES

EVENT_COLUMNS = ("ticket_id", "seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload",
                 "source", "prev_hash", "hash")
COLUMNS = {"events": EVENT_COLUMNS, "tickets": INTERCHANGE_TICKET_COLUMNS,
           **{name: spec["columns"] for name, spec in TABLES.items()}}
TIME_COLUMNS = {"at", "received_at", "due_at", "closed_at", "ring_at", "answer_at", "end_at", "start_at"}
DATE_COLUMNS = {"start_date", "end_date"}
INT_COLUMNS = {"seq", "sign_hours", "handle_days", "urgent_hours"}
FLOAT_COLUMNS = {"lon", "lat"}


def _cell(column: str, value: Any) -> Any:
    if column == "payload" and not isinstance(value, str):
        return canonical_json(value or {})
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def write_tables(out_dir: str | Path, tables: dict[str, Iterable[dict[str, Any]]], fmt: str = "csv") -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        columns = COLUMNS[name]
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_text(_cell(c, row.get(c))) for c in columns])
        elif fmt == "parquet":
            _write_parquet(path, name, columns, rows)
        else:
            raise ValueError(f"unknown format {fmt!r}: csv or parquet")
        written.append(path)
    return written


def _arrow_type(pa, name: str, column: str):
    if name == "roster" and column in DATE_COLUMNS:
        return pa.date32()
    if column in TIME_COLUMNS:
        return pa.timestamp("us")
    if column in INT_COLUMNS:
        return pa.int64()
    if column == "abandoned":
        return pa.bool_()
    if column in FLOAT_COLUMNS:
        return pa.float64()
    return pa.string()


def _write_parquet(path: Path, name: str, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, _arrow_type(pa, name, c)) for c in columns])
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        flushed = False
        for row in rows:
            chunk.append({c: _cell(c, row.get(c)) for c in columns})
            if len(chunk) >= 100_000:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk, flushed = [], True
        if chunk or not flushed:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))


def database_events(engine: Engine) -> Iterator[dict[str, Any]]:
    """Every ticket event, ticket by ticket in seq order, streamed."""
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=20_000).execute(
            select(t.events).order_by(t.events.c.ticket_id, t.events.c.seq))
        for row in result:
            record = row_to_record(row)
            record.pop("id", None)
            yield record


def database_tickets(engine: Engine) -> Iterator[dict[str, Any]]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=20_000).execute(
            select(*[t.tickets.c[c] for c in INTERCHANGE_TICKET_COLUMNS]).order_by(t.tickets.c.ticket_id))
        for row in result:
            yield dict(row._mapping)


def export_database(engine: Engine, out_dir: str | Path, fmt: str = "csv", xes: bool = False,
                    timezone: str | None = None) -> dict[str, int]:
    """Write `events` and `tickets` (and `events.xes.gz` when asked); returns row counts per file."""
    counts = {"events": 0, "tickets": 0}

    def counted(name: str, rows: Iterable[dict[str, Any]]):
        for row in rows:
            counts[name] += 1
            yield row

    write_tables(out_dir, {"events": counted("events", database_events(engine)),
                           "tickets": counted("tickets", database_tickets(engine))}, fmt)
    if xes:
        from rexian.importing.xes import write_xes

        tickets = {row["ticket_id"]: row for row in database_tickets(engine)}
        counts["traces"] = write_xes(Path(out_dir) / "events.xes.gz", database_events(engine), tickets, timezone)
    return counts
