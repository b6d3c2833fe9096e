"""One import run: read every input, build and seal ticket histories, write them, account for every row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from rexian.importing.flow import flow_histories
from rexian.importing.histories import INTERCHANGE_TICKET_COLUMNS, History, seal_history, ticket_row
from rexian.importing.mapping import Mapping
from rexian.importing.readers import SourceRow, read_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.snapshots import snapshot_histories


@dataclass
class ImportReport:
    rows_in: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    tickets: int = 0
    events: int = 0
    tickets_added: int = 0
    tickets_grown: int = 0
    tickets_unchanged: int = 0
    tickets_conflicting: int = 0
    events_added: int = 0
    file_problems: list[str] = field(default_factory=list)
    rejects: RejectLog = field(default_factory=RejectLog)
    histories: dict[str, History] = field(default_factory=dict)
    table: str | None = None  # mode table: which interchange table the rows are for
    table_rows: list[dict[str, Any]] = field(default_factory=list)
    table_origins: list[tuple[str, int]] = field(default_factory=list)  # (file, row) of each table row
    stored: list[str] = field(default_factory=list)  # what a table import wrote into the database

    def summary_lines(self) -> list[str]:
        lines = [f"读入 {self.rows_in} 行：导入 {self.rows_imported} 行，拒收 {self.rows_rejected} 行",
                 f"{self.table} 表 {len(self.table_rows)} 行" if self.table else
                 f"工单 {self.tickets} 件，事件 {self.events} 条"]
        if self.tickets_added or self.tickets_grown or self.tickets_unchanged or self.tickets_conflicting:
            lines.append(f"数据库：新增工单 {self.tickets_added}，追加历史 {self.tickets_grown}，"
                         f"未变 {self.tickets_unchanged}，与已有历史冲突 {self.tickets_conflicting}；"
                         f"写入事件 {self.events_added} 条")
        lines += self.stored
        lines += [f"文件问题：{problem}" for problem in self.file_problems]
        return lines


class _Counted:
    """Counts rows as they are read: those a reader yields and those it rejects itself (cut lines,
    undecodable bytes). Counted apart from the conversion, so rows in = imported + rejected is a real check."""

    def __init__(self, rows: Iterator[SourceRow], rejects: RejectLog):
        self.rows, self.rejects = rows, rejects
        self.count = 0

    def __iter__(self):
        rows = iter(self.rows)
        while True:
            before = len(self.rejects.rejected_rows)
            row = next(rows, None)
            self.count += len(self.rejects.rejected_rows) - before  # rejected inside the reader
            if row is None:
                return
            self.count += 1
            yield row


def _all_rows(inputs: list[Path], mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    for path in inputs:
        yield from read_rows(path, mapping, rejects)


def build(inputs: list[str | Path], mapping: Mapping) -> ImportReport:
    """Read and convert; nothing is written yet."""
    report = ImportReport()
    rows = _Counted(_all_rows([Path(p) for p in inputs], mapping, report.rejects), report.rejects)
    if mapping.mode == "table":
        from rexian.importing.side_tables import table_rows

        report.table = mapping.table
        report.table_rows, report.table_origins = table_rows(rows, mapping, report.rejects)
    else:
        from rexian.importing.ticket_lists import ticket_list_histories

        convert = {"snapshots": snapshot_histories, "tickets": ticket_list_histories}.get(mapping.mode, flow_histories)
        sheet_rows = None
        if mapping.ticket_sheet:
            from rexian.importing.ticket_sheets import flow_inputs, join_ticket_rows, ticket_sheet_rows

            sheet_rows = _Counted(ticket_sheet_rows([Path(p) for p in inputs], mapping, report.rejects), report.rejects)
            rows = _Counted(_all_rows(flow_inputs([Path(p) for p in inputs], mapping), mapping, report.rejects),
                            report.rejects)
        histories = convert(rows, mapping, report.rejects)
        if sheet_rows is not None:
            join_ticket_rows(histories, sheet_rows, mapping, report.rejects)
            rows.count += sheet_rows.count
        report.histories = {ticket_id: h for ticket_id, h in histories.items() if h.rows}
        _leave_out_broken_tickets(report)
    report.rows_in = rows.count
    report.file_problems = [f"{r.file}: {r.reason}" for r in report.rejects.file_problems()]
    return finish(report)


def _leave_out_broken_tickets(report: ImportReport) -> None:
    """A ticket is imported whole or not at all: when one of its rows was rejected, its other rows are
    rejected too (naming the first bad row), so no partial history is stored and the corrected file
    imports the ticket in full later."""
    for ticket_id in sorted(report.rejects.tickets & set(report.histories)):
        history = report.histories.pop(ticket_id)
        for file, row in history.rows:
            report.rejects.add(file, row, None, ticket_id,
                               "同一工单另有行被拒收（见本清单）：整件工单未导入；改正后重新导入即可")


def sealed_histories(report: ImportReport, mapping: Mapping) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for ticket_id in sorted(report.histories):
        yield ticket_id, seal_history(report.histories[ticket_id], mapping)


CONFLICT_REASON = ("数据库中已有该工单的不同历史，或它不是本来源导入的（导入只追加本来源建立的工单）："
                   "未导入（请核对来源名称或工单编号）")


def finish(report: ImportReport, conflicts: list[str] = ()) -> ImportReport:
    """Reject the rows of conflicting tickets, then balance the books (a mismatch is a bug: fail loudly)."""
    for ticket_id in conflicts:
        for file, row in report.histories[ticket_id].rows:
            report.rejects.add(file, row, None, ticket_id, CONFLICT_REASON)
    report.tickets_conflicting = len(conflicts)
    conflicts = set(conflicts)
    report.rows_rejected = len(report.rejects.rejected_rows)
    report.rows_imported = sum(len(h.rows) for tid, h in report.histories.items() if tid not in conflicts)
    if report.table:
        report.rows_imported = len(report.table_rows)
    if report.rows_imported + report.rows_rejected != report.rows_in:
        raise AssertionError(f"行数不平衡：读入 {report.rows_in} ≠ 导入 {report.rows_imported} + 拒收 {report.rows_rejected}")
    return report


def import_to_database(engine, inputs: list[str | Path], mapping: Mapping,
                       batch_tickets: int = 500, after_batch: Callable[[int], None] | None = None,
                       fast: bool = True, settings=None,
                       progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import into the database. Parquet event logs already in Rexian's vocabulary take the fast path
    (`importing.fast`, same result, streamed in chunks of the setting `import_chunk_rows`); everything else,
    or `fast=False`, the general one. `progress(events, rows)`: called as each ticket is sealed, with the
    events sealed so far and the rows read (for a progress bar; events can outnumber rows by the
    TicketReceived made up for tickets without one)."""
    from rexian.importing.store import StoreResult, finish_run, start_run, store_histories

    if mapping.mode == "table":
        raise ValueError(f"{mapping.table} 表只能导出为交换文件（--out）；组织机构请用组织文件导入")
    plan = None
    if fast:
        from rexian.importing.fast import fast_plan
        from rexian.settings import load_settings

        settings = settings or load_settings()
        plan = fast_plan(inputs, mapping, settings.import_chunk_rows, settings.import_sort_memory_mb,
                         settings.import_max_field_chars)
    report = None if plan is not None else build(inputs, mapping)
    if progress is not None:
        progress(0, plan.rows_in if plan is not None else report.rows_in)
    import_id = start_run(engine, mapping.source, [str(p) for p in inputs],
                          str(mapping.path) if mapping.path else None)
    result = StoreResult(written=set())
    try:
        if plan is not None:
            report = _fast_store(engine, plan, result, batch_tickets, after_batch, progress)
            if report is None:
                # A payload the fast path cannot take: the general path finishes the run. Its records are the
                # same, so the tickets already written are found unchanged (and not counted twice).
                report = build(inputs, mapping)
                result = StoreResult(tickets_added=result.tickets_added, tickets_grown=result.tickets_grown,
                                     events_added=result.events_added, written=result.written)
                store_histories(engine, _counting(report, sealed_histories(report, mapping), progress),
                                batch_tickets, after_batch, written_earlier=frozenset(result.written), result=result)
                finish(report, result.conflicts)
        else:
            store_histories(engine, _counting(report, sealed_histories(report, mapping), progress), batch_tickets,
                            after_batch, result=result)
            finish(report, result.conflicts)
    except BaseException:
        finish_run(engine, import_id, "failed")
        raise
    report.tickets_added, report.tickets_grown = result.tickets_added, result.tickets_grown
    report.tickets_unchanged, report.events_added = result.tickets_unchanged, result.events_added
    finish_run(engine, import_id, "done", rows_in=report.rows_in, rows_imported=report.rows_imported,
               rows_rejected=report.rows_rejected, tickets_added=report.tickets_added,
               tickets_grown=report.tickets_grown, tickets_unchanged=report.tickets_unchanged,
               events_added=report.events_added)
    return report


def _fast_store(engine, plan, result, batch_tickets: int, after_batch, progress=None) -> ImportReport | None:
    """Store the fast plan's histories; None when it had to stop (the general path then takes over)."""
    from rexian.importing.fast import FastStop
    from rexian.importing.store import store_histories

    report = ImportReport(rows_in=plan.rows_in)
    try:
        store_histories(engine, _counting(report, plan.sealed(), progress), batch_tickets, after_batch, result=result)
    except FastStop:
        return None
    conflicting = plan.rows_of(result.conflicts)
    for ticket_id in result.conflicts:
        for file, row in conflicting[ticket_id]:
            report.rejects.add(file, row, None, ticket_id, CONFLICT_REASON)
    report.tickets_conflicting = len(result.conflicts)
    report.rows_rejected = len(report.rejects.rejected_rows)
    report.rows_imported = report.rows_in - sum(len(rows) for rows in conflicting.values())
    if report.rows_imported + report.rows_rejected != report.rows_in:
        raise AssertionError(f"行数不平衡：读入 {report.rows_in} ≠ 导入 {report.rows_imported} + 拒收 {report.rows_rejected}")
    return report


def _counting(report: ImportReport, sealed: Iterator[tuple[str, list[dict[str, Any]]]],
              progress: Callable[[int, int], None] | None = None):
    for ticket_id, records in sealed:
        report.tickets += 1
        report.events += len(records)
        if progress is not None:
            progress(report.events, report.rows_in)
        yield ticket_id, records


def import_to_directory(out_dir: str | Path, inputs: list[str | Path], mapping: Mapping,
                        fmt: str = "csv") -> ImportReport:
    from rexian.importing.interchange import write_tables

    report = build(inputs, mapping)
    if report.table:
        write_tables(out_dir, {report.table: report.table_rows}, fmt)
        return report
    events, tickets = _events_and_tickets(report, mapping)
    write_tables(out_dir, {"events": events, "tickets": tickets}, fmt)
    return finish(report)


def _events_and_tickets(report: ImportReport, mapping: Mapping) -> tuple[list[dict], list[dict]]:
    """Every sealed event record, and each ticket's interchange row, in memory."""
    now = datetime.now().replace(microsecond=0)
    events, tickets = [], []
    for ticket_id, records in _counting(report, sealed_histories(report, mapping)):
        events += records
        tickets.append(ticket_row(ticket_id, records, now))
    return events, tickets


def import_to_frames(inputs: list[str | Path], mapping: Mapping):
    """Import into in-memory `events` and `tickets` DataFrames (interchange columns), nothing written:
    what `rexian analyze --mapping` runs the rules on. Returns (report, events, tickets)."""
    import pandas as pd

    from rexian.importing.interchange import EVENT_COLUMNS

    if mapping.mode == "table":
        raise ValueError(f"{mapping.table} 表不是事件日志：不能直接分析")
    report = build(inputs, mapping)
    events, tickets = _events_and_tickets(report, mapping)
    finish(report)
    return (report, pd.DataFrame(events, columns=list(EVENT_COLUMNS)),
            pd.DataFrame(tickets, columns=list(INTERCHANGE_TICKET_COLUMNS)))
