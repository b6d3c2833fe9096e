"""A wide export (工单全流程宽表): one row per ticket, each kind of step a group of columns numbered 1…n —
派单时间1 派单人1 承办单位1 … 派单时间2 …, 退单申请时间1 … 退单审核结果1 …, 回访时间1 满意度1 … — a ticket filling
its first groups and leaving the others empty. The mapping's `wide` section names each kind of group by its
columns without the number (the stems); every group whose time cell is filled becomes a flow row that goes
through the same conversion as ordinary flow records (`actions`, `action_fields`, `evidence_words`, request
pairing), and an empty group makes nothing — where a section per group would reject every ticket that did not
use all of them.

A step row holds the ticket row's own columns (intake, deadline …), every column of the same number under its
stem (so `action_fields: {Visited: {satisfaction: 满意度}}` reads 满意度2 for the second visit) and the step's
fields under `步骤.at`, `步骤.action` … (the flow `columns` they fill). Numbers are read as platforms write them:
派单时间1, 派单时间_1, 派单时间(1), 第1次派单时间, 第一次派单时间, 派单1时间. The ticket row's outcome columns
(`closed_at`, `status`, `visit_result`, `due_at`) complete the history as a ticket sheet's do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from rexian.importing.readers import SourceRow
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing

STEP = "步骤"
STEP_FIELDS = ("at", "action", "actor_id", "actor_unit_id", "target_unit_id", "note")
GROUP = f"{STEP}.组"  # which group made the row (「退单审核2」): two equal groups are two rows, and a reject says which
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 派单时间1 / 派单时间_1 / 派单时间(1) / 派单时间（1）; 第1次派单时间 / 第一次派单时间 / 第1派单时间; 派单1时间.
TRAILING = re.compile(r"^(?P<stem>.*?[^\d（(_\-\s])[_\-\s]?[（(]?(?P<k>\d{1,2})[）)]?$")
LEADING = re.compile(r"^第(?P<k>\d{1,2}|[一二三四五六七八九十]{1,3})次?(?P<stem>\D.*)$")
MIDDLE = re.compile(r"^(?P<head>\D*[^\d第])(?P<k>\d{1,2})(?P<tail>\D+)$")


def number_of(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CHINESE_DIGITS.get(text[1:], 0)
    if len(text) == 1:
        return CHINESE_DIGITS.get(text)
    if text.endswith("十") and len(text) == 2:
        return CHINESE_DIGITS.get(text[0], 0) * 10
    if len(text) == 3 and text[1] == "十":
        return CHINESE_DIGITS.get(text[0], 0) * 10 + CHINESE_DIGITS.get(text[2], 0)
    return None


def numbered(header: str) -> tuple[str, int] | None:
    """(stem, number) of a numbered column (「派单时间2」 → (派单时间, 2)), else None."""
    header = str(header).strip()
    for pattern in (LEADING, TRAILING):
        found = pattern.match(header)
        if found and found.group("stem").strip():
            number = number_of(found.group("k"))
            if number:
                return found.group("stem").strip(" _-"), number
    found = MIDDLE.match(header)
    if found:
        return found.group("head") + found.group("tail"), int(found.group("k"))
    return None


@dataclass(frozen=True)
class WideGroup:
    """One kind of numbered group: its columns' stems, and its action — a word (or event) for every group of
    the kind, or the stem of a column holding the word, with words of its own (通过/驳回 mean other events in a
    return's audit than in a closure's)."""

    at: str
    action: str | None = None  # a word or an event name
    action_column: str | None = None  # or the stem of the column holding the word
    actions: dict[str, str] = field(default_factory=dict)  # this group's words → events (before the mapping's)
    columns: dict[str, str] = field(default_factory=dict)  # our field (actor_id …) → stem

    @property
    def name(self) -> str:
        return self.action or self.action_column or self.at


@dataclass
class WideGroups:
    """`wide: {groups: […]}` and the ticket row's outcome columns (as in `ticket_sheet`)."""

    groups: tuple[WideGroup, ...]
    closed_at: str | None = None
    status: str | None = None
    visit_result: Any = None
    due_at: str | None = None

    def stems(self) -> set[str]:
        """Every stem the groups name (columns of the step rows, not of the file)."""
        return {stem for group in self.groups for stem in (group.at, group.action_column, *group.columns.values())
                if stem}


GROUP_KEYS = {"at", "action", "action_column", "actions", *STEP_FIELDS[2:]}


def read_wide(raw: Any, where: str, error: type[Exception]) -> WideGroups:
    """The `wide` section, or `error` naming what is wrong."""
    from rexian.importing.mapping_sections import check_action, check_visit_result

    shape = (f"{where}：wide 应为 {{groups: [{{at: 时间列（不带序号）, action: 动作词 或 action_column: 动作列, actions: "
             f"{{本组的词: 事件}} 可选, actor_id/actor_unit_id/target_unit_id/note: 列（不带序号）}} …], closed_at/status/"
             f"visit_result/due_at 可选}}")
    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), list) or not raw["groups"] \
            or set(raw) - {"groups", "closed_at", "status", "visit_result", "due_at"}:
        raise error(shape)
    groups = []
    for position, item in enumerate(raw["groups"], start=1):
        if not isinstance(item, dict) or not item.get("at") or set(item) - GROUP_KEYS \
                or bool(item.get("action")) == bool(item.get("action_column")):
            raise error(f"{where}：wide.groups 第 {position} 项应给出 at 和 action（或 action_column）之一；{shape}")
        words = item.get("actions") or {}
        if not isinstance(words, dict):
            raise error(f"{where}：wide.groups 第 {position} 项的 actions 应为 {{词: 事件}}")
        for word, event in words.items():
            check_action(where, word, event)
        groups.append(WideGroup(at=str(item["at"]), action=str(item["action"]) if item.get("action") else None,
                                action_column=str(item["action_column"]) if item.get("action_column") else None,
                                actions={str(k).strip(): str(v) for k, v in words.items()},
                                columns={name: str(item[name]) for name in STEP_FIELDS[2:] if item.get(name)}))
    return WideGroups(groups=tuple(groups), visit_result=check_visit_result(raw.get("visit_result"), f"{where}：wide"),
                      **{key: str(raw[key]) for key in ("closed_at", "status", "due_at") if raw.get(key)})


def step_columns(wide: WideGroups) -> dict[str, str]:
    """Our flow fields → the columns of the step rows holding them."""
    return {name: f"{STEP}.{name}" for name in STEP_FIELDS}


def by_number(values: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The row's numbered columns, by number: {2: {派单时间: …, 承办单位: …}}."""
    found: dict[int, dict[str, Any]] = {}
    for header, value in values.items():
        parts = numbered(header)
        if parts:
            found.setdefault(parts[1], {})[parts[0]] = value
    return found


def step_rows(rows: Iterable[SourceRow], mapping, rejects: RejectLog, kept: list[SourceRow]) -> Iterator[SourceRow]:
    """Each ticket row's filled groups as flow rows, in number order per kind; the ticket rows themselves go to
    `kept` (for their outcome columns). A ticket row with no filled group makes its receipt from its intake
    columns, or is rejected naming why (`_received_only`)."""
    from rexian.importing.history_cells import each_ticket_once

    wide: WideGroups = mapping.wide
    ticket_column = mapping.columns["ticket_id"]
    for row, ticket in each_ticket_once(rows, mapping, rejects):
        if ticket is None:
            yield row  # the flow checks reject it (no ticket number), naming the column
            continue
        kept.append(row)
        numbers = by_number(row.values)
        base = {key: value for key, value in row.values.items() if numbered(key) is None}
        made = 0
        for group in wide.groups:
            for number in sorted(numbers):
                cells = numbers[number]
                if is_missing(cells.get(group.at), mapping.nulls):
                    continue
                word = group.action
                if group.action_column:
                    word = None if is_missing(cells.get(group.action_column), mapping.nulls) else \
                        as_text(cells[group.action_column]).strip()
                if word is not None:
                    word = group.actions.get(word, word)
                step = {f"{STEP}.at": cells[group.at], f"{STEP}.action": word,
                        **{f"{STEP}.{name}": cells.get(stem) for name, stem in group.columns.items()},
                        GROUP: f"{group.name}{number}"}
                made += 1
                yield SourceRow(row.file, row.row, {**base, **cells, **step})
        if not made:
            yield from _received_only(row, base, mapping, rejects, ticket_column)


def _received_only(row: SourceRow, base: dict[str, Any], mapping, rejects: RejectLog,
                   ticket_column: str) -> Iterator[SourceRow]:
    """A ticket row with no filled group is still a ticket — received, and nothing done on it yet, or the export
    left its steps out: imported from its intake columns as its receipt (the outcome columns complete it as any
    other), so nothing the export holds is lost. Without an intake time there is nothing to date it by: rejected,
    naming why, in the rejects file."""
    received = mapping.intake.get("received_at")
    if not received or is_missing(row.values.get(received), mapping.nulls):
        rejects.add(row.file, row.row, received or ticket_column, None,
                    "宽表这一行没有任何一组流转列有时间，也没有受理时间" + (f"（{received}）" if received else
                                                              "（映射未给出 intake.received_at）") + "：无从导入这张工单")
        return
    rejects.note(row.file, "这一行没有任何一组流转列有时间（宽表中未发生的步骤为空）：只按受理信息导入为受理事件", row.row,
                 ticket_column)
    by = mapping.intake.get("received_by")
    yield SourceRow(row.file, row.row, {**base, f"{STEP}.at": row.values[received], f"{STEP}.action": "TicketReceived",
                                        f"{STEP}.actor_id": row.values.get(by) if by else None, GROUP: "受理"})


def complete_from_ticket_rows(histories: dict, kept: list[SourceRow], mapping, rejects: RejectLog) -> None:
    """The ticket rows' outcome columns complete their histories exactly as a history cell's ticket rows do."""
    from dataclasses import replace

    from rexian.importing.history_cells import complete_from_ticket_rows as complete

    complete(histories, kept, replace(mapping, history=mapping.wide), rejects)
