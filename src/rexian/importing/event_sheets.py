"""Sheets of further actions beside the flow records (`event_sheets:`), joined by ticket number.

Platforms keep some steps in sheets of their own — 回访记录 (one row per visit, with its outcome), 延期申请
(requests with the approved new deadline), 督办记录 — while the flow sheet holds only a bare line for the same
step (「已回访，回访情况见回访记录」) or nothing at all. Each section is read as a flow mapping of its own (its
columns, a fixed `action` or an action column with its words, its `action_fields`), inheriting the main
mapping's reading settings. Each of its events then either **completes** the flow's event of the same kind on
that ticket — the unpaired one nearest in time, within `match_within` — filling the fields the flow row left
empty, or, when the flow has none there, **is added** as an event of its own. Its rows are counted among the
rows read, and a rejected row leaves its ticket out whole, as a flow row would."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rexian.importing.action_fields import UNREAD_VISIT, VISIT_FIELDS
from rexian.importing.flow import flow_histories
from rexian.importing.histories import Draft, History
from rexian.importing.mapping import EVENT_SHEET_ACTION, EventSheet, Mapping
from rexian.importing.readers import SourceRow, part_rows
from rexian.importing.rejects import RejectLog


def _with_action(rows: Iterable[SourceRow], action: str | None) -> Iterator[SourceRow]:
    """A section with a fixed action: every row carries it in a column of its own, so that the flow reader
    treats it as any action word (and names it in a rejection)."""
    for row in rows:
        yield row if action is None else dataclasses.replace(row, values={**row.values, EVENT_SHEET_ACTION: action})


def _renamed(rows: Iterable[SourceRow], array: str, position: int) -> Iterator[SourceRow]:
    """The rows of a section reading an array another part reads too, named apart: page_0001.json[returnList,
    event_sheets 第 3 项] — the same element read twice is two rows, each with its own fate."""
    for row in rows:
        yield dataclasses.replace(row, file=row.file.replace(f"[{array}]", f"[{array}，event_sheets 第 {position} 项]"))


def merge_event_sheets(histories: dict[str, History], inputs: list[Path], mapping: Mapping, rejects: RejectLog,
                       counted: Callable[[Iterator[SourceRow]], Iterator[SourceRow]]) -> None:
    """Read every event sheet and join its events into `histories` (completing or adding, see the module)."""
    arrays = {mapping.json.rows} if mapping.json is not None and mapping.json.rows else set()
    for position, sheet in enumerate(mapping.event_sheets, start=1):
        rows = part_rows(inputs, sheet.mapping, sheet.sheet, sheet.files, rejects)
        array = sheet.mapping.json.rows if sheet.mapping.json is not None else None
        if array in arrays:  # a second section over the same JSON array (a return's ruling beside its application)
            rows = _renamed(rows, array, position)
        arrays.add(array)
        rows = counted(_with_action(rows, sheet.action))
        for ticket_id, side in flow_histories(rows, sheet.mapping, rejects, steps_not_yet_taken=True).items():
            history = histories.get(ticket_id) or histories.setdefault(ticket_id, History(ticket_id))
            _join(history, side, sheet)


def _join(history: History, side: History, sheet: EventSheet) -> None:
    history.rows.extend(side.rows)
    for key, value in side.intake.items():
        history.intake.setdefault(key, value)
    paired: set[int] = {id(draft) for draft in history.drafts if draft.payload.get("completed_from")}
    for draft in side.drafts:
        match = _nearest(history.drafts, draft, paired, sheet.match_within)
        if match is None:
            draft.payload["from_event_sheet"] = sheet.name
            history.drafts.append(draft)
        else:
            paired.add(id(match))
            _complete(match, draft, sheet.name)


def _nearest(drafts: list[Draft], draft: Draft, paired: set[int], within: timedelta) -> Draft | None:
    """The flow's unpaired event of the same kind nearest in time to `draft`, if within the window."""
    candidates = [each for each in drafts if each.action == draft.action and id(each) not in paired
                  and "from_event_sheet" not in each.payload and abs(each.at - draft.at) <= within]
    return min(candidates, key=lambda each: (abs(each.at - draft.at), each.order), default=None)


def _complete(event: Draft, side: Draft, name: str) -> None:
    """Fill what the flow row left empty; what the flow row says stands."""
    if side.payload.keys() & set(VISIT_FIELDS) and not event.payload.keys() & set(VISIT_FIELDS):
        event.payload.pop(UNREAD_VISIT, None)  # the flow's cell was unreadable, the visit sheet tells
    for key, value in side.payload.items():
        if key not in ("source_action",) and event.payload.get(key) in (None, ""):
            event.payload[key] = value
    for attribute in ("actor_id", "actor_unit_id", "target_unit_id"):
        if getattr(event, attribute) is None:
            setattr(event, attribute, getattr(side, attribute))
    event.payload["completed_from"] = name
