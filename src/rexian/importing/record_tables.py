"""Call records, agent status and the roster (`mode: table`) into the database: stored as imported, each
run recorded in `imports`; a row whose key is stored with other values is rejected (file, row), never
written over, and importing the same file again changes nothing."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from rexian.adapters.record_store import store_records
from rexian.domain import records
from rexian.importing.pipeline import ImportReport
from rexian.importing.runs import finish_run, start_run


def import_records(engine: Engine, report: ImportReport, mapping, inputs: list[str]) -> ImportReport:
    """Store `report.table_rows` (already read and checked by `pipeline.build`) in one transaction."""
    if report.table not in records.RECORD_TABLES:
        raise ValueError(f"{report.table} is not one of {records.RECORD_TABLES}")
    import_id = start_run(engine, mapping.source, inputs, None)
    try:
        store_table(engine, report, report.table, report.table_rows, report.table_origins, import_id)
    except BaseException:
        finish_run(engine, import_id, "failed")  # and its lease's heartbeat stops
        raise
    finish_run(engine, import_id, "failed" if report.rejects.failed() else "done", rows_in=report.rows_in,
               rows_imported=report.rows_imported, rows_rejected=report.rows_rejected)
    return report


def store_table(engine: Engine, report: ImportReport, table: str, rows: list[dict], origins: list[tuple[str, int]],
                import_id: int | None) -> None:
    """Store one table's rows in one transaction; a row whose key is stored with other values is rejected
    (its file and row), never written over. Also the record sections of a flow import (pipeline)."""
    key = records.KEYS[table]
    with engine.begin() as connection:
        stored = store_records(connection, table, rows, import_id)
    origin = {tuple(row[k] for k in key): place for row, place in zip(rows, origins)}
    for row, differing in stored.conflicts:
        file, line = origin[tuple(row[k] for k in key)]
        report.rejects.add(file, line, ",".join(differing), "/".join(str(row[k]) for k in key),
                           f"库中已有该{table}记录且内容不同（{'、'.join(differing)}）：未覆盖")
    report.rows_rejected = len(report.rejects.rejected_rows)
    report.rows_imported -= len(stored.conflicts)
    report.stored.append(f"数据库 {table} 表：新增 {stored.inserted} 行，已有且相同 {stored.unchanged} 行，"
                         f"内容冲突 {len(stored.conflicts)} 行")
