"""Where a simulation goes: interchange files (plus the truth file, apart) or a database."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from sqlalchemy.engine import Engine

from rexian.adapters.interchange_files import encode_rows
from rexian.simulate.city import Batch, Simulation, SimulationResult
from rexian.simulate.writers import FileWriter, event_file_rows, organisation_rows, write_truth


def default_truth_path(out_dir: str | Path) -> Path:
    """`DIR/truth/truth.jsonl`: a sub-folder the analyser never reads (it reads only DIR's own files)."""
    return Path(out_dir) / "truth" / "truth.jsonl"


def write_files(simulation: Simulation, out_dir: str | Path, truth_path: str | Path | None = None,
                workers: int = 1, batch_size: int = 2000, formats=("csv", "parquet")) -> dict[str, int]:
    """Stream the simulation into interchange files; returns row counts per table."""
    writer = FileWriter(out_dir, formats)
    counts: dict[str, int] = {}

    def put(table: str, rows: list[dict]) -> None:
        writer.write(table, rows)
        counts[table] = counts.get(table, 0) + len(rows)

    try:
        for table, rows in organisation_rows(simulation.world.city.changes).items():
            put(table, rows)
        put("agent_status", simulation.agent_status)
        put("calls", simulation.inbound_calls)
        truth = list(simulation.plan_truth)
        for batch in simulation.batches(batch_size=batch_size, workers=workers,
                                        finish=partial(encode_batch, formats=writer.formats)):
            for table in BATCH_TABLES:
                counts[table] = counts.get(table, 0) + writer.append(table, batch.files[table])
            truth += batch.truth
            counts["stalled"] = counts.get("stalled", 0) + len(batch.stalled)
    finally:
        writer.close()
    truth = simulation.final_truth(truth)
    write_truth(truth_path or default_truth_path(out_dir), truth)
    counts["truth"] = len(truth)
    return counts


BATCH_TABLES = ("tickets", "events", "calls")


def encode_batch(batch: Batch, formats: tuple[str, ...]) -> Batch:
    """A batch with its file rows encoded (`encode_rows`) in place of its records: done where the batch was
    computed (a worker process), so that the writing process only appends, and the records are not sent
    back to it."""
    rows = {"tickets": batch.tickets, "events": event_file_rows(batch.events, batch.payload_texts),
            "calls": batch.calls}
    files = {table: encode_rows(table, rows[table], formats) for table in BATCH_TABLES}
    return replace(batch, events=[], payload_texts=[], tickets=[], calls=[], files=files)


def write_database(result: SimulationResult | Simulation, engine: Engine, workers: int = 1,
                   batch_size: int = 5000, truth: list | None = None) -> dict[str, int]:
    """Write a simulated city into an empty, migrated database in one transaction: the organisation (with
    its ORG event chain), every event and every ticket projection, and the call centre's records (calls,
    agent status). The truth has no table in the database; write it as a file. When streaming a
    `Simulation`, its truth items are appended to `truth` if a list is given."""
    from rexian.adapters.bulk_load import load_organisation, load_tickets, require_empty
    from rexian.adapters.record_store import store_records

    counts = {"org_events": 0, "events": 0, "tickets": 0, "calls": 0, "agent_status": 0}
    with engine.begin() as connection:
        require_empty(connection)
        if isinstance(result, SimulationResult):
            at = min(row["received_at"] for row in result.tickets) if result.tickets else result.world.end
            counts["org_events"] = load_organisation(connection, result.org_changes, _org_time(at))
            counts["calls"] = store_records(connection, "calls", result.calls).inserted
            counts["agent_status"] = store_records(connection, "agent_status", result.agent_status).inserted
            for start in range(0, max(len(result.events), len(result.tickets)), batch_size):
                done = load_tickets(connection, result.events[start:start + batch_size],
                                    result.tickets[start:start + batch_size])
                counts["events"] += done[0]
                counts["tickets"] += done[1]
            return counts
        first = result.specs[0].received_at if result.specs else result.world.end
        counts["org_events"] = load_organisation(connection, result.world.city.changes, _org_time(first))
        counts["agent_status"] = store_records(connection, "agent_status", result.agent_status).inserted
        counts["calls"] = store_records(connection, "calls", result.inbound_calls).inserted
        for batch in result.batches(batch_size=batch_size, workers=workers):
            counts["calls"] += store_records(connection, "calls", batch.calls).inserted
            done = load_tickets(connection, batch.events, batch.tickets)
            counts["events"] += done[0]
            counts["tickets"] += done[1]
            counts["stalled"] = counts.get("stalled", 0) + len(batch.stalled)
            if truth is not None:
                truth += batch.truth
    return counts


def _org_time(first_ticket_at):
    """The organisation is set up the day before the first ticket."""
    from datetime import datetime, timedelta

    day = (first_ticket_at - timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, 8, 0)
