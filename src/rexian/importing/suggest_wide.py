"""`mapping suggest` for a wide export (工单全流程宽表): one row per ticket whose steps are numbered column groups
(派单时间1 派单人1 承办单位1 … 退单申请时间1 … 退单审核结果1 … 回访时间1 满意度1 …) — proposed as the mapping's `wide`
section (importing/wide_groups.py).

The groups are found from the headers of the first number, in their order: a group starts at each column holding
an event time (…时间, …日期 — not a deadline: 申请延期至, 办理时限) and takes the columns after it; an export laid out
stem by stem (all 派单时间k, then all 派单人k) is grouped by number instead: a column joins the time column filled
with it in the same rows for the same numbers. Its action word is
the time column's name without 时间 (派单时间 → 派单, 退单申请时间 → 退单申请); a column of step types (过程类型) is its
action column; a column whose values are all verdicts (通过/驳回, 同意/不同意) is the action column of an audit, its
words paired with the group's word (退单审核 + 通过 → ReturnApproved) as the group's own `actions`. Person, unit,
target unit and note are matched by their names; the other columns become `action_fields` of the group's event."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rexian.importing.action_fields import ACTION_FIELDS
from rexian.importing.header_words import match_headers
from rexian.importing.mapping import Mapping
from rexian.importing.suggest_fields import kind_column, kind_values, unused_columns
from rexian.importing.suggest_parts import Part
from rexian.importing.suggest_sheets import EVENT_SHEETS
from rexian.importing.suggest_words import (INTAKE_SYNONYMS, TICKET_SHEET_SYNONYMS, VERDICTS, date_formats,
                                            guess_action, propose_actions)
from rexian.importing.values import as_text, is_missing
from rexian.importing.vocabulary import default_vocabulary
from rexian.importing.wide_groups import numbered

EVENT_TIME = re.compile(r"(时间|日期|time)$", re.IGNORECASE)
NOT_EVENT_TIME = re.compile(r"(至|时限|期限|截止|到期)")
ACTION_COLUMN = re.compile(r"(类型|环节|操作|动作|步骤)$")
PERSON = re.compile(r"(人|员|人员|工号|姓名|经办人|操作人|代码|编码|账号)$")
PERSON_CODE = re.compile(r"(工号|代码|编码|账号|编号|id)$", re.IGNORECASE)  # preferred to the name beside it
TARGET = re.compile(r"(承办|转至|流向|接收|交办|移交至|下派至|派至|至$)")
UNIT = re.compile(r"(单位|部门|机构|科室|街道)")
NOTE = re.compile(r"(意见|原因|理由|内容|说明|备注|情况说明)$")
# A member column's name → the payload field it fills, when the group's event has that field; a visit's fields
# by the words a visit sheet's columns are matched with (suggest_sheets.EVENT_SHEETS).
FIELD_WORDS = (
    ("reply", ("答复内容", "回复内容", "办理结果", "处理结果", "答复意见")),
    ("evidence", ("附件", "佐证", "照片", "图片")),
    *EVENT_SHEETS["回访"]["fields"].items(),
    ("requested_due_at", ("申请延期至", "延期至", "申请期限")),
    ("new_due_at", ("批准延期至", "延期至", "新时限", "批准期限")),
    ("due_at", ("办理时限", "时限", "截止时间")),
    ("reason", ("原因", "理由", "意见")),
)
VERDICT_WORDS = {word for word, _ in VERDICTS} | {"退回", "不批准"}
# The other side of a verdict a sample shows alone (every extension approved): the words platforms pair with it.
COUNTERPARTS = {"同意": ("不同意",), "不同意": ("同意",), "通过": ("不通过", "驳回"), "不通过": ("通过",),
                "驳回": ("通过",), "批准": ("不批准",), "不批准": ("批准",)}


def wide_stems(headers: list[str]) -> list[str]:
    """The stems of the numbered columns, in the order of their first number's columns."""
    first: dict[str, tuple[int, int]] = {}
    for position, header in enumerate(headers):
        parts = numbered(header)
        if parts and (parts[0] not in first or parts[1] < first[parts[0]][0]):
            first[parts[0]] = (parts[1], position)
    return sorted(first, key=lambda stem: first[stem][1])


def is_event_time(stem: str) -> bool:
    return bool(EVENT_TIME.search(stem)) and not NOT_EVENT_TIME.search(stem)


def wide_part(parts: list[Part]) -> Part | None:
    """The part with one row per ticket whose steps are numbered column groups (at least two kinds of timed
    group), if any; an export with flow records (an action column) has none."""
    if any(part.action_column for part in parts):
        return None
    for part in parts:
        if part.ticket_column and part.is_ticket_sheet():
            times = [stem for stem in wide_stems(part.headers) if is_event_time(stem)]
            if len(times) >= 2:
                return part
    return None


def _cells(part: Part, stem: str) -> list[str]:
    """The filled cells of every numbered column of this stem, over the sampled rows."""
    columns = [h for h in part.headers if (numbered(h) or ("", 0))[0] == stem]
    return [as_text(row[c]).strip() for row in part.rows for c in columns if not is_missing(row.get(c), {""})
            and as_text(row[c]).strip() not in ("", "\xa0")]


def _groups(part: Part) -> list[tuple[str, list[str]]]:
    """(time stem, member stems) per group. Laid out group by group (派单时间1 派单人1 承办单位1 派单时间2 …) a group
    takes the columns after its time column, in header order; laid out stem by stem (派单时间1 派单时间2 … 派单人1
    派单人2 …, or every time column first) each member goes to the time column it is filled with, number by number
    (`_owner`)."""
    groups: list[tuple[str, list[str]]] = []
    waiting: list[str] = []
    for stem in wide_stems(part.headers):
        if is_event_time(stem):
            groups.append((stem, waiting))
            waiting = []
        elif groups:
            groups[-1][1].append(stem)
        else:
            waiting.append(stem)
    if not _laid_out_by_stem(part.headers):
        return groups
    by_order = {member: at for at, members in groups for member in members}
    owners: dict[str, list[str]] = {at: [] for at, _ in groups}
    for member in wide_stems(part.headers):
        if not is_event_time(member):
            owners[_owner(part, member, list(owners), by_order.get(member))].append(member)
    return list(owners.items())


def _laid_out_by_stem(headers: list[str]) -> bool:
    """Whether most numbered columns are followed by the same stem's next number (派单时间1 派单时间2) rather than by
    another stem of the same number (派单时间1 派单人1)."""
    marks = [numbered(header) for header in headers]
    pairs = [(this, after) for this, after in zip(marks, marks[1:]) if this and after]
    same_stem = sum(1 for this, after in pairs if this[0] == after[0] and after[1] == this[1] + 1)
    return bool(pairs) and same_stem * 2 > len(pairs)


def _filled(part: Part, stem: str) -> set[tuple[int, int]]:
    """(sampled row, number) of every filled column of this stem."""
    columns = [(h, mark[1]) for h in part.headers if (mark := numbered(h)) and mark[0] == stem]
    return {(index, number) for index, row in enumerate(part.rows) for column, number in columns
            if not is_missing(row.get(column), {""}) and as_text(row[column]).strip() not in ("", "\xa0")}


def _owner(part: Part, member: str, times: list[str], by_order: str | None) -> str:
    """The time column a member column belongs to: the one filled in the same rows for the same numbers (a step's
    person is written when its time is), then the one sharing the longest start of its name (派单人 → 派单时间), then
    one whose event has the field the column's name says (答复内容: a closure request's reply, not a visit's), then
    the one before it in header order."""
    filled = _filled(part, member)
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")

    def fits(at: str) -> bool:
        event = guess_action(_word(at), known)
        return bool(event) and _field_for(member, [event]) is not None

    def together(at: str) -> float:
        times_filled = _filled(part, at)
        both = filled | times_filled
        return len(filled & times_filled) / len(both) if both else 0.0

    def shared_start(at: str) -> int:
        return next((n for n, (a, b) in enumerate(zip(member, at)) if a != b), min(len(member), len(at)))

    return max(times, key=lambda at: (round(together(at), 6), shared_start(at), fits(at), at == by_order))


def _word(at: str) -> str:
    """A group's action word: its time column's name without 时间 (派单时间 → 派单)."""
    return re.sub(r"(时间|日期|time)$", "", at, flags=re.IGNORECASE).strip(" _") or at


def _field_for(stem: str, events: list[str]) -> str | None:
    for name, words in FIELD_WORDS:
        if any(word in stem for word in words) and any(name in ACTION_FIELDS.get(event, {}) for event in events):
            return name
    return None


def wide_proposal(part: Part, notes: list[str]) -> dict[str, Any]:
    """The mapping proposed for a wide export (intake and outcome columns from the unnumbered headers)."""
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    plain = [h for h in part.headers if numbered(h) is None]
    taken = {part.ticket_column}
    intake = match_headers(plain, INTAKE_SYNONYMS, taken)
    outcome = match_headers(plain, {k: v for k, v in TICKET_SHEET_SYNONYMS.items() if k != "visit_result"}, taken)
    proposal: dict[str, Any] = {"source": "请改为来源平台的名称"}
    if part.sheet:
        proposal["sheet"] = part.sheet
    proposal["columns"] = {"ticket_id": part.ticket_column}
    kind = kind_column(plain, part.rows, taken | set(intake.values()))
    if kind and (words := kind_values(kind, part.rows)):
        intake["kind"] = kind
        proposal["values"] = {"kind": words}
        notes.append(f"「{kind}」是诉求类型（{'、'.join(words)}）：作为受理的 kind；咨询、建议、表扬不算投诉，重复投诉类规则不计")
    if intake:
        proposal["intake"] = intake
    groups, words, action_fields, times = [], Counter(), {}, []
    for at, members in _groups(part):
        filled = _cells(part, at)
        times += filled
        group: dict[str, Any] = {"at": at}
        word = _word(at)
        verdict = next((m for m in members if (cells := _cells(part, m)) and set(cells) <= VERDICT_WORDS), None)
        kinds = next((m for m in members if ACTION_COLUMN.search(m) and m != verdict), None)
        if verdict:
            group["action_column"] = verdict
            seen = sorted(set(_cells(part, verdict)))
            own = {value: guess_action(word + value, known) or "?" for value in seen}
            unseen = [other for value in seen for other in COUNTERPARTS.get(value, ()) if other not in own]
            own.update({other: event for other in unseen if (event := guess_action(word + other, known))})
            group["actions"] = own
            events = [event for event in own.values() if event != "?"]
            notes.append(f"列组「{at}」是审核：「{verdict}」的词按「{word}」配对 → "
                         + "、".join(f"{value} → {event}" + ("（样本中未见，按对应的词补上）" if value in unseen else "")
                                    for value, event in own.items()))
        elif kinds:
            group["action_column"] = kinds
            words.update(_cells(part, kinds))
            events = []
        else:
            group["action"] = word
            words[word] += len(filled)
            guessed = guess_action(word, known)
            events = [guessed] if guessed else []
        people = [m for m in members if PERSON.search(m) and not UNIT.search(m) and m not in (verdict, kinds)]
        if people:  # 派单人工号 rather than 派单人 beside it: a code, not a name several clerks may share
            group["actor_id"] = next((m for m in people if PERSON_CODE.search(m)), people[0])
        for stem in members:
            if stem in (verdict, kinds, *people):
                continue
            if TARGET.search(stem) and not any(w in stem for w in ("延期", "时限")) and "target_unit_id" not in group:
                group["target_unit_id"] = stem
            elif UNIT.search(stem) and "actor_unit_id" not in group:
                group["actor_unit_id"] = stem
            elif (name := _field_for(stem, events)) and events:
                for event in events:  # an audit's 批准延期至 is the approval's, its 审核意见 the rejection's reason
                    if name in ACTION_FIELDS.get(event, {}):
                        action_fields.setdefault(event, {}).setdefault(name, stem)
                if name == "reason" and "note" not in group:
                    group["note"] = stem
            elif NOTE.search(stem) and "note" not in group:
                group["note"] = stem
        groups.append(group)
    wide: dict[str, Any] = {"groups": groups, **outcome}
    proposal["wide"] = wide
    formats = date_formats(times)
    if formats:
        proposal["date_formats"] = formats
    if action_fields:
        proposal["action_fields"] = action_fields
    if words:
        propose_actions(words, proposal, notes)
    notes.insert(0, f"每行一件工单，流转步骤是带序号的列组（{len(groups)} 组，如「{groups[0]['at']}1」）：按 wide 逐组读为"
                    "流转记录，未发生的组为空不产生事件（docs/importing.md「A wide export」）；请核对每组的动作词、人员与单位列")
    stems = {stem for stem in wide_stems(part.headers)}
    used = {value for group in groups for key, value in group.items() if key not in ("actions",)}
    used |= {column for fields in action_fields.values() for column in fields.values()}
    left = sorted(stems - used)
    if left:
        notes.append(f"列组中未使用的列：{', '.join(left)}（可写入 action_fields，或作为某组的 note）")
    unused_columns(plain, taken | set(intake.values()) | set(outcome.values()), notes)
    return proposal
