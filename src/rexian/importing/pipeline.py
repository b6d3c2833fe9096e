"""One import run: read every input, build and seal ticket histories, write them, account for every row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from rexian.importing.flow import flow_histories
from rexian.importing.histories import INTERCHANGE_TICKET_COLUMNS, History, seal_history, ticket_row
from rexian.importing.mapping import Mapping
from rexian.importing.readers import SourceRow, detect_format, is_part_file, read_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.snapshots import snapshot_histories


NOTES_SHOWN = 10  # remarks printed in the summary; all are in the rejects file


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
    tickets_refused: int = 0  # refused whole (store.refused_import): their rows rejected with the reason
    events_added: int = 0
    file_problems: list[str] = field(default_factory=list)
    rejects: RejectLog = field(default_factory=RejectLog)
    histories: dict[str, History] = field(default_factory=dict)
    table: str | None = None  # mode table: which interchange table the rows are for
    table_rows: list[dict[str, Any]] = field(default_factory=list)
    table_origins: list[tuple[str, int]] = field(default_factory=list)  # (file, row) of each table row
    stored: list[str] = field(default_factory=list)  # what a table import wrote into the database
    side_rejects: RejectLog = field(default_factory=RejectLog)  # unreadable rows of the unit tree, categories
    hand_overs_down: int = 0  # 转办 rows the unit tree showed aimed below their unit: imported as Forwarded
    tree_units: set[str] = field(default_factory=set)  # the units the export's unit tree names (mapping check)
    # Flow mode: the mapping's record sections (calls, agent status): table → (rows, (file, row) of each)
    records: dict[str, tuple[list[dict[str, Any]], list[tuple[str, int]]]] = field(default_factory=dict)
    record_frames: dict[str, Any] = field(default_factory=dict)  # import_to_frames: the records as DataFrames
    columns_seen: set[str] = field(default_factory=set)  # every source column a row read had (mapping check)

    def summary_lines(self) -> list[str]:
        lines = [f"读入 {self.rows_in} 行：导入 {self.rows_imported} 行，拒收 {self.rows_rejected} 行",
                 f"{self.table} 表 {len(self.table_rows)} 行" if self.table else
                 f"工单 {self.tickets} 件，事件 {self.events} 条"]
        lines += [f"{table} 表 {len(rows)} 行" for table, (rows, _origins) in self.records.items()]
        if self.tickets_added or self.tickets_grown or self.tickets_unchanged or self.tickets_conflicting \
                or self.tickets_refused:
            lines.append(f"数据库：新增工单 {self.tickets_added}，追加历史 {self.tickets_grown}，"
                         f"未变 {self.tickets_unchanged}，与已有历史冲突 {self.tickets_conflicting}"
                         f"{f'，不许导入 {self.tickets_refused}' if self.tickets_refused else ''}；"
                         f"写入事件 {self.events_added} 条")
        lines += self.stored
        lines += [f"文件问题：{problem}" for problem in self.file_problems]
        notes = self.rejects.notes
        lines += [f"{note.file}" + (f" 第 {note.row} 行" if note.row else "")
                  + (f"「{note.column}」={note.value}" if note.column else "") + f"：{note.reason}"
                  for note in notes[:NOTES_SHOWN]]
        if len(notes) > NOTES_SHOWN:
            lines.append(f"另有提示 {len(notes) - NOTES_SHOWN} 条，见拒收清单（「提示」行导入无损）")
        return lines


class _Counted:
    """Counts rows as they are read: those a reader yields and those it rejects itself (cut lines,
    undecodable bytes). Counted apart from the conversion, so rows in = imported + rejected is a real check."""

    def __init__(self, rows: Iterator[SourceRow], rejects: RejectLog, seen: set[str] | None = None):
        self.rows, self.rejects, self.seen = rows, rejects, seen
        self.count, self.last_file = 0, None

    def __iter__(self):
        rows = iter(self.rows)
        while True:
            before = len(self.rejects.rejected_rows)
            row = next(rows, None)
            self.count += len(self.rejects.rejected_rows) - before  # rejected inside the reader
            if row is None:
                return
            self.count += 1
            if self.seen is not None and row.file != self.last_file:  # a file's rows share its header
                self.seen.update(row.values)
                self.last_file = row.file
            yield row


def _all_rows(inputs: list[Path], mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    for path in inputs:
        yield from read_rows(path, mapping, rejects)


def _flow_paths(paths: list[Path], mapping: Mapping) -> list[Path]:
    """The inputs left for the flow records once the files of the ticket sheet and the event sheets are set aside
    — but a JSON or XML file when the flow records are a nested array of documents (`json.rows` / `xml.rows`): one
    document holds every part, each part read from it by its own path."""
    shared = mapping.json is not None and bool(mapping.json.rows)
    parts = [part for part in (mapping.ticket_sheet, *mapping.event_sheets) if part is not None]
    return [path for path in paths if (shared and _is_json(path, mapping))
            or not any(is_part_file(path, part.files) for part in parts)]


def _is_json(path: Path, mapping: Mapping) -> bool:
    try:
        return detect_format(path, mapping) in ("jsonl", "xml")
    except ValueError:
        return False


def build(inputs: list[str | Path], mapping: Mapping) -> ImportReport:
    """Read and convert; nothing is written yet. Each JSON or XML file is parsed once, whichever parts of the
    mapping read it (importing/parsed_once.py)."""
    from rexian.importing.parsed_once import one_run

    with one_run():
        return _build(inputs, mapping)


def _build(inputs: list[str | Path], mapping: Mapping) -> ImportReport:
    report = ImportReport()
    if mapping.mode == "table":
        from rexian.importing.side_tables import table_rows

        rows = _Counted(_all_rows([Path(p) for p in inputs], mapping, report.rejects), report.rejects,
                        report.columns_seen)
        report.table = mapping.table
        report.table_rows, report.table_origins = table_rows(rows, mapping, report.rejects)
        report.rows_in = rows.count
    else:
        from rexian.importing.ticket_lists import ticket_list_histories

        convert = {"snapshots": snapshot_histories, "tickets": ticket_list_histories}.get(mapping.mode, flow_histories)
        parts: list[_Counted] = []  # every part's rows, counted as read: rows in = the sum

        def counted(part_rows: Iterator[SourceRow]) -> _Counted:
            parts.append(_Counted(part_rows, report.rejects, report.columns_seen))
            return parts[-1]

        paths, parents = [Path(p) for p in inputs], None
        if mapping.code_table is not None:  # first: every other part is read through it
            from rexian.importing.code_tables import load_code_table

            load_code_table(paths, mapping, report.side_rejects)
            paths = [path for path in paths if not is_part_file(path, mapping.code_table.files)]
        if mapping.lookups:  # then the lookup tables, through the code table; their rows are not events
            from rexian.importing.lookups import load_lookups

            load_lookups(paths, mapping, report.side_rejects)
            paths = [path for path in paths if not any(is_part_file(path, lookup.files) for lookup in mapping.lookups)]
        if mapping.records:
            from rexian.importing.record_sections import is_record_file, read_sections

            report.records = read_sections(paths, mapping, report.rejects, counted)
            paths = [path for path in paths if not is_record_file(path, mapping)]
        if mapping.unit_tree or mapping.category_limits:
            from rexian.importing.unit_tree import category_days, unit_parents

            # These tables' rows are not events: their problems are told beside the import, not counted as rows.
            if mapping.unit_tree:
                parents = unit_parents(paths, mapping, report.side_rejects)
            if mapping.category_limits:
                for category, days in category_days(paths, mapping, report.side_rejects).items():
                    mapping.deadlines.setdefault(category, days)  # the mapping's own handle_days win
            paths = [path for path in paths if not any(is_part_file(path, side.files) for side in
                                                       (mapping.unit_tree, mapping.category_limits) if side)]
        sheet_rows = None
        if mapping.ticket_sheet:
            from rexian.importing.ticket_sheets import in_flow_sheet, join_ticket_rows, report_rows, ticket_sheet_rows

            sheet_rows = counted(ticket_sheet_rows(paths, mapping, report.rejects))
        flow_rows = _all_rows(_flow_paths(paths, mapping), mapping, report.rejects)
        if sheet_rows is not None and in_flow_sheet(mapping):  # a report-style sheet: its ticket rows set aside
            flow_rows = report_rows(flow_rows, mapping, ticket_rows=False)
        rows = counted(flow_rows)
        kept: list[SourceRow] = []  # a history cell's ticket rows, for their outcome columns
        steps: Iterable[SourceRow] = rows
        if mapping.history is not None:
            from rexian.importing.history_cells import step_rows

            steps = step_rows(rows, mapping, report.rejects, kept)
        elif mapping.wide is not None:
            from rexian.importing.wide_groups import step_rows as group_rows

            steps = group_rows(rows, mapping, report.rejects, kept)
        histories = convert(steps, mapping, report.rejects)
        if mapping.history is not None:
            from rexian.importing.history_cells import complete_from_ticket_rows

            complete_from_ticket_rows(histories, kept, mapping, report.rejects)
        elif mapping.wide is not None:
            from rexian.importing.wide_groups import complete_from_ticket_rows as complete_groups

            complete_groups(histories, kept, mapping, report.rejects)
        if mapping.event_sheets:
            from rexian.importing.event_sheets import merge_event_sheets

            merge_event_sheets(histories, paths, mapping, report.rejects, counted)
        if parents is not None:
            from rexian.importing.unit_tree import settle_hand_overs

            report.hand_overs_down = settle_hand_overs(histories, parents)
            report.tree_units = set(parents) | {parent for parent in parents.values() if parent}
        if sheet_rows is not None:
            join_ticket_rows(histories, sheet_rows, mapping, report.rejects)
        report.histories = {ticket_id: h for ticket_id, h in histories.items() if h.rows}
        _leave_out_broken_tickets(report)
        report.rows_in = sum(part.count for part in parts)
    report.file_problems = [f"{r.file}: {r.reason}" for r in report.rejects.file_problems()] + [
        f"{r.file} 第 {r.row} 行: {r.reason}" if r.row else f"{r.file}: {r.reason}" for r in report.side_rejects.rejects]
    return finish(report)


def _leave_out_broken_tickets(report: ImportReport) -> None:
    """A ticket is imported whole or not at all: when one of its rows was rejected, its other rows are
    rejected too (naming the first bad row), so no partial history is stored and the corrected file
    imports the ticket in full later. A ticket whose rows are only steps not yet taken (event_sheets) and
    that nothing else dates cannot be made: its rows are rejected."""
    for ticket_id, history in sorted(report.histories.items()):
        if not history.drafts and history.received_at is None and ticket_id not in report.rejects.tickets:
            del report.histories[ticket_id]
            for file, row in history.rows:
                report.rejects.add(file, row, None, ticket_id,
                                   "这件工单只有尚未发生的步骤，别处也没有它的受理时间或步骤：无法建立工单")
    for ticket_id in sorted(report.rejects.tickets & set(report.histories)):
        history = report.histories.pop(ticket_id)
        for file, row in history.rows:
            report.rejects.add(file, row, None, ticket_id,
                               "同一工单另有行被拒收（见本清单）：整件工单未导入；改正后重新导入即可")
    if report.rejects.refused_files:  # a file refused whole stores nothing, not even the rows read before
        for ticket_id in sorted(report.histories):
            history = report.histories[ticket_id]
            if any(report.rejects.from_refused_file(file) for file, _ in history.rows):
                del report.histories[ticket_id]
                for file, row in history.rows:
                    report.rejects.add(file, row, None, ticket_id, "所在文件被拒绝读取（见本清单）：整件工单未导入")


def sealed_histories(report: ImportReport, mapping: Mapping,
                     deadlines=None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for ticket_id in sorted(report.histories):
        yield ticket_id, seal_history(report.histories[ticket_id], mapping, deadlines)


CONFLICT_REASON = ("数据库中已有该工单的不同历史，或它不是本来源导入的（导入只追加本来源建立的工单）："
                   "未导入（请核对来源名称或工单编号）")


def finish(report: ImportReport, conflicts: list[str] = (), refusals: dict[str, str] | None = None) -> ImportReport:
    """Reject the rows of conflicting (or refused: `refusals`, ticket → reason) tickets, then balance the books
    (a mismatch is a bug: fail loudly)."""
    for ticket_id in conflicts:
        for file, row in report.histories[ticket_id].rows:
            report.rejects.add(file, row, None, ticket_id, (refusals or {}).get(ticket_id, CONFLICT_REASON))
    report.tickets_refused = len(refusals or {})
    report.tickets_conflicting = len(conflicts) - report.tickets_refused
    conflicts = set(conflicts)
    report.rows_rejected = len(report.rejects.rejected_rows)
    report.rows_imported = sum(len(h.rows) for tid, h in report.histories.items() if tid not in conflicts)
    if report.table:
        report.rows_imported = len(report.table_rows)
    report.rows_imported += sum(len(rows) for rows, _origins in report.records.values())
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
    from functools import partial

    from rexian.importing.runs import finish_run, renew_with_batch, start_run
    from rexian.importing.store import StoreResult, store_histories

    if mapping.mode == "table":
        raise ValueError(f"{mapping.table} 表只能导出为交换文件（--out）；组织机构请用组织文件导入")
    if mapping.history is not None and mapping.history.chain is not None and not mapping.history.centre:
        from rexian.importing.history_cells import organisation_centre

        mapping = organisation_centre(engine, mapping)
    from rexian.settings import load_settings

    settings = settings or load_settings()
    cache_mb, batch_seconds = settings.import_cache_mb, settings.import_batch_seconds
    plan = None
    if fast:
        from rexian.importing.fast import fast_plan

        plan = fast_plan(inputs, mapping, settings.import_chunk_rows, settings.import_sort_memory_mb,
                         settings.import_max_field_chars)
    report = None if plan is not None else build(inputs, mapping)
    deadlines = None
    if mapping.deadlines is not None:  # computed deadlines count the administrator's calendar days, as the server does
        from rexian.importing.deadlines import database_policy

        deadlines = database_policy(engine)
    if progress is not None:
        progress(0, plan.rows_in if plan is not None else report.rows_in)
    import_id = start_run(engine, mapping.source, [str(p) for p in inputs],
                          str(mapping.path) if mapping.path else None)
    result = StoreResult(written=set())
    renew = partial(renew_with_batch, import_id=import_id)  # each batch renews the run's lease in its transaction
    try:
        if plan is not None:
            report = _fast_store(engine, plan, result, batch_tickets, after_batch, progress, cache_mb, renew,
                                 batch_seconds)
            if report is None:
                # A payload the fast path cannot take: the general path finishes the run. Its records are the
                # same, so the tickets already written are found unchanged (and not counted twice).
                report = build(inputs, mapping)
                result = StoreResult(tickets_added=result.tickets_added, tickets_grown=result.tickets_grown,
                                     events_added=result.events_added, written=result.written)
                store_histories(engine, _counting(report, sealed_histories(report, mapping, deadlines), progress),
                                batch_tickets, after_batch, written_earlier=frozenset(result.written), result=result,
                                cache_mb=cache_mb, renew=renew, batch_seconds=batch_seconds)
                finish(report, result.conflicts, result.refusals)
        else:
            store_histories(engine, _counting(report, sealed_histories(report, mapping, deadlines), progress), batch_tickets,
                            after_batch, result=result, cache_mb=cache_mb, renew=renew,
                            batch_seconds=batch_seconds)
            finish(report, result.conflicts, result.refusals)
    except BaseException:
        finish_run(engine, import_id, "failed")
        raise
    if report.records:
        from rexian.importing.record_tables import store_table

        for table, (rows, origins) in report.records.items():
            store_table(engine, report, table, rows, origins, import_id)
    report.tickets_added, report.tickets_grown = result.tickets_added, result.tickets_grown
    report.tickets_unchanged, report.events_added = result.tickets_unchanged, result.events_added
    finish_run(engine, import_id, "done", rows_in=report.rows_in, rows_imported=report.rows_imported,
               rows_rejected=report.rows_rejected, tickets_added=report.tickets_added,
               tickets_grown=report.tickets_grown, tickets_unchanged=report.tickets_unchanged,
               events_added=report.events_added)
    return report


def _fast_store(engine, plan, result, batch_tickets: int, after_batch, progress=None,
                cache_mb: int = 256, renew=None, batch_seconds: float | None = None) -> ImportReport | None:
    """Store the fast plan's histories; None when it had to stop (the general path then takes over)."""
    from rexian.importing.fast import FastStop
    from rexian.importing.store import store_histories

    report = ImportReport(rows_in=plan.rows_in)
    try:
        store_histories(engine, _counting(report, plan.sealed(hashed=False), progress), batch_tickets, after_batch, result=result,
                        cache_mb=cache_mb, renew=renew, batch_seconds=batch_seconds)
    except FastStop:
        return None
    conflicting = plan.rows_of(result.conflicts)
    for ticket_id in result.conflicts:
        for file, row in conflicting[ticket_id]:
            report.rejects.add(file, row, None, ticket_id, result.refusals.get(ticket_id, CONFLICT_REASON))
    report.tickets_refused = len(result.refusals)
    report.tickets_conflicting = len(result.conflicts) - report.tickets_refused
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
    write_tables(out_dir, {"events": events, "tickets": tickets,
                           **{table: rows for table, (rows, _origins) in report.records.items()}}, fmt)
    return finish(report)


def _run_pseudonym() -> Callable[[str], str]:
    """A caller pseudonym for one in-memory analysis, keyed by a key that lives only as long as the run."""
    import hashlib
    import secrets

    key = secrets.token_bytes(32)
    return lambda value: "P" + hashlib.blake2b(value.encode("utf-8"), key=key, person=b"rexian-caller",
                                              digest_size=10).hexdigest()


def _apart_in_memory(records: list[dict[str, Any]], pseudonym: Callable[[str], str]) -> list[dict[str, Any]]:
    """The intake's caller details replaced as a database import replaces them (domain/personal.separate):
    `caller_id` the pseudonym of the caller's identifier, else phone, else name; name and phone dropped. So
    `analyze --mapping` matches repeat callers exactly as `import` + `analyze --db` does, and no finding
    carries a name. The chain is sealed again over the changed payload."""
    from rexian.domain.eventlog import seal
    from rexian.domain.personal import PERSONAL_FIELDS, separate

    received = next((record for record in records if record["action"] == "TicketReceived"), None)
    payload = received.get("payload") if received is not None else None
    if not isinstance(payload, dict) or not any(payload.get(name) for name in PERSONAL_FIELDS):
        return records
    chained, _ = separate(payload, "", pseudonym)
    chained.pop("personal_digest", None)  # nothing is held in memory: no digest of it either
    return list(seal({**record, "payload": chained} if record is received else dict(record) for record in records))


def _events_and_tickets(report: ImportReport, mapping: Mapping,
                        pseudonym: Callable[[str], str] | None = None) -> tuple[list[dict], list[dict]]:
    """Every sealed event record, and each ticket's interchange row, in memory; with `pseudonym`, callers'
    details as a database import holds them apart."""
    now = datetime.now().replace(microsecond=0)
    events, tickets = [], []
    for ticket_id, records in _counting(report, sealed_histories(report, mapping)):
        if pseudonym is not None:
            records = _apart_in_memory(records, pseudonym)
        events += records
        tickets.append(ticket_row(ticket_id, records, now))
    return events, tickets


def import_to_frames(inputs: list[str | Path], mapping: Mapping):
    """Import into in-memory `events` and `tickets` DataFrames (interchange columns), nothing written:
    what `rexian analyze --mapping` runs the rules on. Returns (report, events, tickets); the mapping's call
    records and agent status are in `report.record_frames`."""
    import pandas as pd

    from rexian.domain.records import EVENT_FIELDS  # the interchange event columns, without loading SQLAlchemy

    if mapping.mode == "table":
        raise ValueError(f"{mapping.table} 表不是事件日志：不能直接分析")
    report = build(inputs, mapping)
    pseudonym = _run_pseudonym()
    events, tickets = _events_and_tickets(report, mapping, pseudonym)
    report.record_frames = record_frames(report, pseudonym)
    finish(report)
    return (report, pd.DataFrame(events, columns=list(EVENT_FIELDS)),
            pd.DataFrame(tickets, columns=list(INTERCHANGE_TICKET_COLUMNS)))


def record_frames(report: ImportReport, pseudonym: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The record sections' rows (calls, agent status) as DataFrames of their interchange columns, a call's
    caller number replaced by `pseudonym` as a database import stores it (adapters/record_store)."""
    import pandas as pd

    from rexian.domain.records import columns

    pseudonym = pseudonym or _run_pseudonym()
    frames = {}
    for table, (rows, _origins) in report.records.items():
        if table == "calls":
            rows = [{**row, "caller_phone": pseudonym(str(row["caller_phone"]))} if row.get("caller_phone") else row
                    for row in rows]
        frames[table] = pd.DataFrame(rows, columns=list(columns(table)))
    return frames
