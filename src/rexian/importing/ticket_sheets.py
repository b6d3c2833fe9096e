"""Two-part exports: a ticket sheet (one row per ticket) beside the flow records, joined by ticket number.

Chinese platforms export 工单信息 (intake text, caller, category, address, times) and 流转记录 (one row
per action) as two sheets of one workbook or as two files. The flow rows make the events; each ticket row
adds its ticket's intake fields (those the flow rows did not already give) and is imported with that ticket
— or rejected with it, a ticket being imported whole or not at all. A ticket row whose ticket has no flow
record still makes a ticket when it gives the intake time; otherwise it is rejected, naming why."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable, Iterator

from rexian.importing.action_fields import UNREAD_VISIT, VISIT_FIELDS, add_fields, visit_outcome
from rexian.importing.flow import warn_unread_visits
from rexian.importing.histories import Draft, History, take_intake
from rexian.importing.mapping import Mapping, TicketSheet
from rexian.importing.readers import SourceRow, part_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing, parse_time, unreadable_time


def _sheet_mapping(mapping: Mapping) -> Mapping:
    sheet = mapping.ticket_sheet
    return dataclasses.replace(mapping, mode="tickets", sheet=sheet.sheet, columns={"ticket_id": sheet.ticket_id},
                               intake=sheet.intake, ticket_sheet=None,
                               json=mapping.json and dataclasses.replace(mapping.json, rows=None))  # a record a row



def ticket_sheet_rows(inputs: list[Path], mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """The ticket sheet's rows: from the files named by `files`, or else the `sheet` of each workbook input —
    in a report-style sheet, only its ticket rows."""
    if in_flow_sheet(mapping):  # the flow records' reading of the same sheet already made its remarks
        rows = part_rows(inputs, _sheet_mapping(mapping), mapping.ticket_sheet.sheet, None, _WithoutRemarks(rejects))
        return report_rows(rows, mapping, ticket_rows=True)
    return part_rows(inputs, _sheet_mapping(mapping), mapping.ticket_sheet.sheet, mapping.ticket_sheet.files, rejects)


class _WithoutRemarks:
    """The reject log, its remarks dropped: a report sheet's second reading (its ticket rows) would repeat every
    remark of the first (the header, each 合计 line)."""

    def __init__(self, rejects: RejectLog):
        self._rejects = rejects

    def note(self, *args, **kwargs) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._rejects, name)


def in_flow_sheet(mapping: Mapping) -> bool:
    """Whether the ticket rows are rows of the flow sheet itself: a report-style export (报表式导出) writes each
    ticket's row (intake, deadline, status, visit result) followed by its flow rows, in one sheet. The mapping
    then names that sheet both as `sheet` and as `ticket_sheet.sheet`."""
    sheet = mapping.ticket_sheet
    return sheet is not None and not sheet.files and bool(sheet.sheet) and sheet.sheet == mapping.sheet


def report_rows(rows: Iterable[SourceRow], mapping: Mapping, *, ticket_rows: bool) -> Iterator[SourceRow]:
    """A report-style sheet's ticket rows (no action word) or its flow rows (an action word): each row is read by
    one part only, so it is counted once."""
    action = mapping.columns.get("action")
    for row in rows:
        if is_missing(row.values.get(action), mapping.nulls) == ticket_rows:
            yield row


def join_ticket_rows(histories: dict[str, History], rows: Iterable[SourceRow], mapping: Mapping,
                     rejects: RejectLog) -> None:
    sheet_mapping = _sheet_mapping(mapping)
    column = mapping.ticket_sheet.ticket_id
    seen: dict[str, tuple[str, int]] = {}
    problems_before = len(rejects.file_problems())
    for row in rows:
        value = row.values.get(column)
        if column not in row.values or is_missing(value, mapping.nulls):
            rejects.add(row.file, row.row, column, value, f"工单表缺少工单编号（列「{column}」）")
            continue
        ticket_id = as_text(value)
        if ticket_id in seen:
            first = seen[ticket_id]
            hint = ("；若工单行与其流转行在同一工作表（报表式导出），在映射顶层也写 sheet: "
                    f"{mapping.ticket_sheet.sheet}（docs/importing.md「报表式导出」）"
                    if mapping.ticket_sheet.sheet and not in_flow_sheet(mapping) else "")
            rejects.add(row.file, row.row, column, ticket_id, f"工单表中工单编号重复：已见于 {first[0]} 第 {first[1]} 行{hint}",
                        ticket_id)
            continue
        seen[ticket_id] = (row.file, row.row)
        history = histories.get(ticket_id) or History(ticket_id)
        bad_time = take_intake(history, row.values, sheet_mapping)
        if bad_time:
            rejects.add(row.file, row.row, bad_time, row.values.get(bad_time),
                        unreadable_time("受理时间", mapping.date_formats), ticket_id)
            continue
        if not history.drafts and history.received_at is None:
            rejects.add(row.file, row.row, column, ticket_id, "流转记录中没有这件工单，工单表也没有受理时间：无法建立工单")
            continue
        problem = ticket_outcome(history, row, mapping, rejects)
        if problem:
            rejects.add(row.file, row.row, problem[0], row.values.get(problem[0]), problem[1], ticket_id)
            continue
        histories[ticket_id] = history
        history.rows.append((row.file, row.row))
    failed = [problem.file for problem in rejects.file_problems()[problems_before:]]
    if failed:
        # A ticket-sheet file could not be read: the tickets it may have held would be stored without their
        # intake (and a later import of the readable file would conflict). Tickets no ticket row reached are
        # left out whole, so the corrected file imports them in full.
        for ticket_id, history in histories.items():
            if ticket_id not in seen:
                for file, number in history.rows:
                    rejects.add(file, number, None, ticket_id, f"工单表文件 {'、'.join(failed)} 无法读取，这件工单没有工单表行："
                                                              "为免只导入半件工单，整件未导入；文件可读后重新导入即可", ticket_id)


def visit_columns(sheet: TicketSheet) -> dict[str, str]:
    """The ticket sheet's visit result columns: `visit_result: 回访结果` (one cell, read for every field) or
    `visit_result: {satisfaction: 回访满意度, resolved: 是否解决}` (a column per field)."""
    if isinstance(sheet.visit_result, dict):
        return {str(name): str(column) for name, column in sheet.visit_result.items()}
    return {"satisfaction": str(sheet.visit_result)} if sheet.visit_result else {}


def ticket_outcome(history: History, row: SourceRow, mapping: Mapping, rejects: RejectLog) -> tuple[str, str] | None:
    """The ticket row's close time, status and last visit result as events the flow rows did not give: a
    `Visited` (the result parsed as for action_fields) and a `Closed` at the close time — or, for a status
    among `closed_states` without a close time, at the latest time known. When the flow rows hold visits, the
    result completes the last of them instead (its visitor from the flows, the fields it lacks from the ticket
    row, `outcome_from_ticket_sheet`). (column, reason) when unreadable."""
    # Ordered after every flow row of the same time: the outcome is the end of the ticket's story.
    sheet, order = mapping.ticket_sheet, ("\uffff", row.file, row.row)
    actions = {draft.action for draft in history.drafts}
    text = {key: as_text(row.values[column]) for key, column in
            (("closed_at", sheet.closed_at), ("status", sheet.status)) if column and not is_missing(row.values.get(column), mapping.nulls)}
    closed_at = None
    if "closed_at" in text:
        try:
            closed_at = parse_time(row.values[sheet.closed_at], mapping.date_formats, mapping.zone())
        except ValueError:
            return sheet.closed_at, unreadable_time("办结时间", mapping.date_formats)
    if sheet.due_at and not is_missing(row.values.get(sheet.due_at), mapping.nulls):
        try:
            due = parse_time(row.values[sheet.due_at], mapping.date_formats, mapping.zone()).isoformat(sep=" ")
        except ValueError:
            return sheet.due_at, unreadable_time("办理时限", mapping.date_formats)
        for draft in history.drafts:  # the ticket's deadline, on the dispatches the flow rows gave none
            if draft.action == "Dispatched" and not draft.payload.get("due_at"):
                draft.payload["due_at"] = due
    latest = max([draft.at for draft in history.drafts] + [t for t in (history.received_at, closed_at) if t],
                 default=None)
    result = _visit_result(row, mapping, rejects)
    if result and "Visited" in actions:
        last = max((draft for draft in history.drafts if draft.action == "Visited"), key=lambda d: (d.at, d.order))
        missing = {name: value for name, value in result.items()
                   if name in VISIT_FIELDS and last.payload.get(name) is None}
        if missing and not (last.payload.get("reached") is False and "reached" not in missing):
            last.payload.update(missing)
            if "satisfaction" in missing:
                last.payload.pop(UNREAD_VISIT, None)
            last.payload["outcome_from_ticket_sheet"] = True
    elif result and latest is not None:
        history.drafts.append(Draft(closed_at or latest, "Visited", payload={**result, "from_ticket_sheet": True},
                                    order=(*order, 0)))
    closes = closed_at is not None or text.get("status") in mapping.closed_states
    if closes and "Closed" not in actions and latest is not None:
        history.drafts.append(Draft(closed_at or latest, "Closed", payload={"from_ticket_sheet": True},
                                    order=(*order, 1)))
    return None


def _visit_result(row: SourceRow, mapping: Mapping, rejects: RejectLog) -> dict:
    """The ticket row's visit result from its visit columns (empty when none is filled)."""
    result: dict = {}
    for name, column in visit_columns(mapping.ticket_sheet).items():
        value = row.values.get(column)
        if is_missing(value, mapping.nulls):
            continue
        read = visit_outcome(as_text(value), name, mapping.values.get(name))
        if UNREAD_VISIT in read:
            warn_unread_visits(rejects, row, [(column, read[UNREAD_VISIT])])
        add_fields(result, read)
    return result
