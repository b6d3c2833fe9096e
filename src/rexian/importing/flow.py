"""Flow records (流转记录): one source row per action taken on a ticket → one event per row."""

from __future__ import annotations

import json
from typing import Any, Iterable

from rexian.importing.action_fields import FieldError, add_fields, evidence_from_note, payload_fields, prose_columns
from rexian.importing.histories import Draft, History, payload_value, take_intake
from rexian.importing.mapping import Mapping
from rexian.importing.person_cells import person_of
from rexian.importing.readers import SourceRow, ticket_of
from rexian.importing.rejects import RejectLog
from rexian.importing.time_offsets import OffsetWatch
from rexian.importing.values import as_text, is_missing, parse_time, unreadable_time
from rexian.importing.vocabulary import TARGETED_ACTIONS, progress_kind


def _row_key(values: dict[str, Any]) -> Any:
    """What makes two rows the same row (every column, every value)."""
    key = tuple(values.items())
    try:
        hash(key)
        return key
    except TypeError:  # nested JSON values
        return json.dumps(values, sort_keys=True, default=str)


class RowChecks:
    """The checks every mode shares: required columns present and filled, time readable, no duplicate."""

    def __init__(self, mapping: Mapping, rejects: RejectLog):
        self.mapping = mapping
        self.rejects = rejects
        self.seen: dict[tuple, tuple[str, int]] = {}
        self.offsets = OffsetWatch()  # times in several zones read without `timezone`: told once

    def reject(self, row: SourceRow, column: str | None, value: Any, reason: str, whole_ticket: bool = True) -> None:
        """Reject a row; unless it only repeats another row, its ticket is then left out whole (a ticket is
        imported whole or not at all, so a corrected file imports it later)."""
        self.rejects.add(row.file, row.row, column, value, reason,
                         ticket_of(row.values, self.mapping) if whole_ticket else None)

    def text(self, row: SourceRow, name: str) -> str | None:
        column = self.mapping.columns.get(name)
        value = row.values.get(column) if column else None
        return None if is_missing(value, self.mapping.nulls) else as_text(value)

    def basics(self, row: SourceRow, own_times: bool = False) -> tuple[str, Any] | None:
        """(ticket id, time) of a usable row, or None after rejecting it. With `own_times` (every event of the
        row has a time column of its own: `event_times`) the row's time may be empty (None)."""
        for name, column in self.mapping.required_columns():
            if column not in row.values:
                self.reject(row, column, None, f"文件缺少列「{column}」（映射中的 {name}）")
                return None
            if own_times and name == "at":
                continue
            if is_missing(row.values[column], self.mapping.nulls):
                self.reject(row, column, row.values[column], f"必填字段 {name} 为空")
                return None
        key = _row_key(row.values)
        first = self.seen.get(key)
        if first is not None:
            self.reject(row, None, None, f"重复行：与 {first[0]} 第 {first[1]} 行完全相同", whole_ticket=False)
            return None
        self.seen[key] = (row.file, row.row)
        column = self.mapping.columns["at"]
        if own_times and is_missing(row.values[column], self.mapping.nulls):
            return self.text(row, "ticket_id"), None
        try:
            at = parse_time(row.values[column], self.mapping.date_formats, self.mapping.zone())
        except ValueError:
            self.reject(row, column, row.values[column], unreadable_time("时间", self.mapping.date_formats))
            return None
        if self.mapping.timezone is None:
            self.offsets.see(row.values[column], row.file, row.row, column, self.rejects)
        return self.text(row, "ticket_id"), at

    def extra_payload(self, row: SourceRow) -> dict[str, Any] | None:
        payload: dict[str, Any] = {}
        column = self.mapping.columns.get("payload")
        raw = row.values.get(column) if column else None
        if not is_missing(raw, self.mapping.nulls):
            try:
                decoded = raw if isinstance(raw, dict) else json.loads(raw)
            except (TypeError, ValueError):
                decoded = None
            if not isinstance(decoded, dict):
                self.reject(row, column, raw, "payload 应为 JSON 对象")
                return None
            payload.update(decoded)
        for column in self.mapping.payload_columns:
            value = row.values.get(column)
            if not is_missing(value, self.mapping.nulls):
                payload[column] = payload_value(value)
        note = self.text(row, "note")
        if note:
            payload["note"] = note
        name = self.text(row, "actor_name")  # 王芳 of 王芳（0101）: the code is the id, the name is kept beside it
        if name:
            payload["actor_name"] = name
        return payload


NOT_YET = ("尚未发生的步骤：这一行除工单编号外，本节映射的列（时间、动作、人员……）全部为空——如仍在等待审批的申请，"
           "其审批尚无结果——不生成事件，工单照常导入")


def not_yet_taken(row: SourceRow, mapping: Mapping) -> bool:
    """Whether a row of a section that reads its action from the data names its ticket and nothing else the
    section maps: a step that has not happened (a request's ruling still pending, in the same element as the
    request), not a damaged record."""
    columns = [column for name, column in mapping.columns.items() if name != "ticket_id"]
    return ("action" in mapping.columns and not is_missing(row.values.get(mapping.columns["ticket_id"]), mapping.nulls)
            and all(is_missing(row.values.get(column), mapping.nulls) for column in columns))


NOT_YET_TIMED = ("尚未发生的步骤：这一行的事件各有自己的时间列（event_times），这些时间全部为空——如尚未签收、仍在办理的任务——"
                 "不生成事件，工单照常导入")


def own_times(mapping: Mapping, word: str | None, action: str | None) -> bool:
    """Whether every event the row's word makes has a time column of its own (`event_times`): the row's own time
    may then be empty — a task still running, signed for but not finished."""
    if not mapping.event_times or not word or action is None:
        return False
    return all(event in mapping.event_times for event in (action, *mapping.also.get(word.strip(), ())))


def event_times(row: SourceRow, mapping: Mapping, action: str | None, word: str | None) -> dict[str, Any]:
    """The row's events that have a time column of their own → that time (None: the cell is empty, the event is
    not made); FieldError(column, value, reason) when it cannot be read."""
    out: dict[str, Any] = {}
    for event in (action, *mapping.also.get((word or "").strip(), ())):
        column = mapping.event_times.get(event or "")
        if column is None:
            continue
        value = row.values.get(column)
        if is_missing(value, mapping.nulls):
            out[str(event)] = None
            continue
        try:
            out[str(event)] = parse_time(value, mapping.date_formats, mapping.zone())
        except ValueError:
            raise FieldError(column, value, unreadable_time(f"{event} 的时间", mapping.date_formats)) from None
    return out


def flow_histories(rows: Iterable[SourceRow], mapping: Mapping, rejects: RejectLog,
                   steps_not_yet_taken: bool = False) -> dict[str, History]:
    """One history per ticket from its flow rows. With `steps_not_yet_taken` (a side section over the same
    records: event_sheets), a row that records nothing but its ticket (`not_yet_taken`) makes no event: it
    is counted with its ticket and remarked, where elsewhere a row without a time is rejected."""
    checks = RowChecks(mapping, rejects)
    histories: dict[str, History] = {}
    for row in rows:
        if steps_not_yet_taken and not_yet_taken(row, mapping):
            ticket_id = checks.text(row, "ticket_id")
            history = histories.get(ticket_id) or histories.setdefault(ticket_id, History(ticket_id))
            history.rows.append((row.file, row.row))
            rejects.note(row.file, NOT_YET, row.row)
            continue
        word = checks.text(row, "action")
        action = mapping.action_for(word) if word else None
        timed = own_times(mapping, word, action)
        basics = checks.basics(row, own_times=timed)
        if basics is None:
            continue
        ticket_id, at = basics
        try:
            times = event_times(row, mapping, action, word) if mapping.event_times else {}
        except FieldError as error:
            checks.reject(row, *error.args)
            continue
        if action is None and mapping.unknown_action == "reject":
            checks.reject(row, mapping.columns["action"], word, "未知的动作词：请在映射文件 actions 中说明它对应哪个事件")
            continue
        payload = checks.extra_payload(row)
        if payload is None:
            continue
        if action is None:
            action = "ProgressNoted"
            payload.setdefault("kind", "progress")
        if word != action:
            payload["source_action"] = word
        history = histories.get(ticket_id) or histories.setdefault(ticket_id, History(ticket_id))
        bad_time = take_intake(history, row.values, mapping)
        if bad_time:
            checks.reject(row, bad_time, row.values.get(bad_time), unreadable_time("受理时间", mapping.date_formats))
            continue
        unread: list[tuple[str, Any]] = []
        try:
            add_fields(payload, payload_fields(action, row.values, mapping.action_fields.get(action, {}),
                                          lambda value: is_missing(value, mapping.nulls), mapping.date_formats,
                                          mapping.zone(), {**mapping.values, "kind": mapping.progress_kinds}, unread,
                                          prose_columns(mapping.columns, mapping.action_fields)))
        except FieldError as error:
            column, value, reason = error.args
            checks.reject(row, column, value, reason)
            continue
        if action == "ProgressNoted" and "kind" not in payload:
            kind = progress_kind(word, mapping.progress_kinds)
            if kind:
                payload["kind"] = kind  # 现场核查 is a site check: verification for BP-NO-VERIFY
        if action == "ClosureRequested" and not payload.get("evidence"):
            stated = evidence_from_note(payload.get("note"), mapping.evidence_words)
            if stated:
                payload["evidence"] = stated
        target = checks.text(row, "target_unit_id") if action in TARGETED_ACTIONS else None
        actor, written_name = person_of(checks.text(row, "actor_id"))  # 「王芳(0101)」 is the clerk 0101, named 王芳
        if written_name and not payload.get("actor_name"):
            payload["actor_name"] = written_name
        made = 0  # the row's events so far (an event at a time of its own whose cell is empty is not made)
        unit = held_by(row, mapping)
        if times.get(action, at) is not None:
            history.drafts.append(Draft(times.get(action, at), action, actor,
                                        checks.text(row, "actor_unit_id"), target, payload, checks.text(row, "source"),
                                        (row.file, row.row), unit))
            made += 1
        for position, further in enumerate(mapping.also.get(word.strip(), ()), start=1):
            extra = further_payload(row, further, word, mapping, unread)
            if extra is None:
                checks.reject(row, mapping.columns["action"], word, f"同一行的第 {position + 1} 个事件 {further} 的字段无法读取")
                if made:
                    del history.drafts[-made:]  # the row's events so far: the ticket is left out whole anyway
                break
            if further == "Closed" and action == "Visited":
                extra.setdefault("trigger", "visit")
            if times.get(further, at) is None:
                continue
            history.drafts.append(Draft(times.get(further, at), further, actor,
                                        checks.text(row, "actor_unit_id"),
                                        checks.text(row, "target_unit_id") if further in TARGETED_ACTIONS else None,
                                        extra, checks.text(row, "source"), (row.file, row.row, position), unit))
            made += 1
        if not made:
            rejects.note(row.file, NOT_YET_TIMED, row.row)
        if not history.rows or history.rows[-1] != (row.file, row.row):  # a history cell's steps share their row
            history.rows.append((row.file, row.row))
        warn_unread_visits(rejects, row, unread)
    return histories


def held_by(row: SourceRow, mapping: Mapping) -> str | None:
    """The unit the row says holds the ticket after it (`moves.unit`), or None."""
    if mapping.moves is None:
        return None
    value = row.values.get(mapping.moves.unit)
    return None if is_missing(value, mapping.nulls) else as_text(value)


def further_payload(row: SourceRow, action: str, word: str, mapping: Mapping,
                    unread: list[tuple[str, Any]] | None = None) -> dict[str, Any] | None:
    """The payload of a further event one row yields (「回访并办结」 → Visited, then Closed): its own
    action_fields and the source word; None when a field cannot be read."""
    try:
        payload = payload_fields(action, row.values, mapping.action_fields.get(action, {}),
                                 lambda value: is_missing(value, mapping.nulls), mapping.date_formats, mapping.zone(),
                                 mapping.values, unread, prose_columns(mapping.columns, mapping.action_fields))
    except FieldError:
        return None
    payload["source_action"] = word
    return payload


UNREAD_VISIT_REMARK = ("回访结果无法识别，已导入该回访但结果记为未知（可在映射的 values 中翻译该词，如 "
                       "values: {satisfaction: {好评: 满意}}；可识别的词见 docs/importing.md）")


def warn_unread_visits(rejects: RejectLog, row: SourceRow, unread: list[tuple[str, Any]]) -> None:
    """A visit cell no word of which could be read: the row is imported (a ticket is imported whole, and its
    history matters more than one verdict), the visit's outcome unknown, and the cell named in a remark."""
    for column, value in unread:
        rejects.note(row.file, UNREAD_VISIT_REMARK, row.row, column, value)
