"""Interchange files (docs/interchange.md): writing `events` and `tickets` as CSV or Parquet, and reading
them out of a database for `rexian export`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.interchange_files import FORMATS, TableWriter
from rexian.adapters.repository import row_to_record
from rexian.domain.records import EVENT_FIELDS, TABLES, columns

EVENT_COLUMNS = EVENT_FIELDS
COLUMNS = {name: columns(name) for name in TABLES}


def write_tables(out_dir: str | Path, tables: dict[str, Iterable[dict[str, Any]]], fmt: str = "csv") -> list[Path]:
    """Each table's rows to NAME.FMT (the one interchange writer, adapters/interchange_files.py)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: csv or parquet")
    with TableWriter(out_dir, (fmt,)) as writer:
        for name, rows in tables.items():
            writer.write(name, rows)
    return writer.paths


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
            select(*[t.tickets.c[c] for c in columns("tickets")]).order_by(t.tickets.c.ticket_id))
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
