"""A flow history held in one cell of a one-row-per-ticket export (处理过程: one line per step,
「2026-03-05 09:14 【派发】王芳（12345热线中心）→市城管局：请依职责办理」, 「[03-05 09:14] 张三(市城管局) 签收」,
「2026-03-05 09:14 市城管局 张三 签收」): the mapping's `history` section names the cell and a line pattern (a regular
expression whose named groups are the parts of a step), and each step becomes a flow row that goes through the
same conversion as ordinary flow records — `actions`, `action_fields`, `evidence_words`, request pairing.

A step's parts are columns of its flow row named `<cell>.<group>` (`处理过程.note`), beside the ticket row's own
columns (intake, deadline, reply, visit result …), so `action_fields` may use either. A line the pattern does
not match continues the step above it (a note written over several lines); text before the first step, an empty
cell and a second row for the same ticket are rejected, naming the row. A step without a year
(「03-05 09:14」) takes the year of the step before it, or of the ticket's intake time, moving on a year when the
month goes back. The ticket row's outcome columns (`closed_at`, `status`, `visit_result`, `due_at`) complete
the history as a ticket sheet's do (importing/ticket_sheets.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from rexian.importing.readers import SourceRow
from rexian.importing.rejects import RejectLog
from rexian.importing.values import as_text, is_missing, parse_time

# The parts of a step a pattern may name: our flow fields (any other group is a column for action_fields).
STEP_FIELDS = ("at", "action", "actor_id", "actor_name", "actor_unit_id", "target_unit_id", "note")
LINE = "line"  # the step's line number in the cell, a column of its flow row (two equal steps are two rows)
YEAR = re.compile(r"^\s*\d{4}")
# A step's time as platforms write it, with or without the year, in brackets or not.
STEP_TIME = (r"(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}\s*[:：时点]\s*\d{1,2}\s*分?"
             r"(?:\s*[:：]\s*\d{1,2}\s*秒?)?")
# What platforms write before each step when several share a cell: a number (「1.」「2、」「3）」), a number in brackets
# (「（1）」), a circled number (「①」, past ⑳ 「㉑」), the step named in words (「第1步」「步骤1：」) — never a digit that is
# part of a date or time (「2024.03.02」) —, an arrow
# (「→」), and a bullet at the start of a line (「· 」「- 」). A separator made of one of them cuts only before a time
# (`mapping suggest`, importing/suggest_history.py), so a reply's own 「1.已清理」 or 「市民→社区」 stays whole.
# 「第1步」「第二步：」「步骤1：」「步骤 2、」 name the step in words.
COUNT = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
STEP_NUMBER = (r"(?:(?<![\d.．:：/-])\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[）)]|[①-⑳㉑-㉟㊱-㊿]"
               rf"|第\s*{COUNT}\s*步\s*[：:、.．]?|步骤\s*{COUNT}\s*[：:、.．)）]?)")
ARROW = r"(?:→|->|—>|⇒)"
BULLET = r"^\s*[·•●▪\-－*]"
DATED = r"[\[【(（]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}\s*[:：时点]"
# Another dated step run on inside a step (「…派单至 区住建局；2024-03-03 10:20 区住建局 李四 退回」, 「… 2. 2024-03-03
# …」, 「…→2024-03-03 …」): a sign that the cell writes several steps on one line and `separator` is missing.
RUN_ON_STEP = re.compile(rf"(?:[；;。，,|]|{ARROW}|\s{STEP_NUMBER})\s*{DATED}")
# A cell whose first step is preceded by a number, bullet or arrow: the marker needs a `separator` to be taken off.
MARKED_LEAD = re.compile(rf"^\s*(?:{STEP_NUMBER}|{BULLET.removeprefix('^')}|{ARROW})\s*[\[【(（]?\s*{STEP_TIME}")
MARKED_REASON = ("处理过程的每一步前有序号、箭头或行首符号（1. ① （1） → · -）：在 history 中写 separator 把它当作各步之间的"
                 "分隔符（rexian mapping suggest 会提出），否则无法拆分为流转步骤")
NO_YEAR = re.compile(r"^\s*(\d{1,2})\s*([-/.月])\s*(\d{1,2})")
# The attachment part of a step (「附件：a.jpg、b.pdf」「上传附件: 整改前.jpg；整改后.jpg」): file names, not words of the
# reply or reason the text rules read. It is taken out of the step's note into the step's column `<cell>.附件`, which
# the evidence of a closure request and the attachments of a progress note read unless the mapping names another.
ATTACHMENTS = "附件"
ATTACHMENT_LABEL = r"(?:上传|相关)?附件(?:名称|列表)?|佐证材料|附图"
FILE_NAME = r"[^\s、，,；;：:。]+?\.[A-Za-z][A-Za-z0-9]{1,4}(?=$|[\s、，,；;。)）])"
ATTACHMENT_PART = re.compile(rf"[\s；;，,。]*(?:{ATTACHMENT_LABEL})\s*[：:]\s*(?P<files>[^\s、，,；;。]+"
                             rf"(?:\s*、\s*[^\s、，,；;。]+|\s*[，,；;]\s*{FILE_NAME})*)")
# 「附件：无」「附件：见上」: no file, no evidence — words saying there is none, or pointing elsewhere, are not file names.
NO_FILES = {"无", "暂无", "没有", "-", "—", "/", "见上", "见上文", "详见上", "详见上文", "同上", "见前", "见前文", "见上述",
            "略", "空", "无附件", "见附件"}
ATTACHMENT_FIELDS = (("ClosureRequested", "evidence"), ("ProgressNoted", "attachments"))


@dataclass
class HistoryCell:
    """`history: {column: 处理过程, line: 模式}` and the ticket row's outcome columns (as in `ticket_sheet`)."""

    column: str
    line: re.Pattern | None
    closed_at: str | None = None
    status: str | None = None
    visit_result: Any = None
    due_at: str | None = None
    groups: tuple[str, ...] = field(default=())
    separator: re.Pattern | None = None  # steps written one after another on a line (「…；2024-03-03 10:20 …」)
    chain: str | None = None  # a bare chain of units (「市12345中心→区住建局→街道办」): the event of each later arrow
    reply: str | None = None  # a chain's ticket row: the reply column (the last unit's reply, as in a ticket list)
    # A chain's centre (the hotline centre: arrows out of it dispatch, into it return): the units the mapping's
    # `centre` names, or the organisation's units of kind centre (import into a database); none known: every arrow
    # is a move between peers — a chain's first unit is not assumed to be the centre.
    centre: tuple[str, ...] = ()

    def key(self, group: str) -> str:
        return f"{self.column}.{group}"


def read_history_cell(raw: Any, where: str, error: type[Exception]) -> HistoryCell:
    """The `history` section, or `error` naming what is wrong."""
    allowed = {"column", "line", "separator", "chain", "reply", "centre", "closed_at", "status", "visit_result", "due_at"}
    if not isinstance(raw, dict) or not raw.get("column") or not (raw.get("line") or raw.get("chain")) \
            or set(raw) - allowed:
        raise error(f"{where}：history 应为 {{column: 处理过程列, line: 每一步的正则模式（命名组 at、action，可选 actor_id、"
                    f"actor_unit_id、target_unit_id、note）, separator（同一行内各步之间的分隔符，正则）/closed_at/status/"
                    f"visit_result/due_at 可选}}，或单位流转链 {{column: 流转路径列, chain: true（或 {'/'.join(CHAIN_EVENTS)}）}}")
    outcome = {key: str(raw[key]) for key in ("closed_at", "status", "due_at") if raw.get(key)}
    from rexian.importing.mapping import check_visit_result

    visit_result = check_visit_result(raw.get("visit_result"), f"{where}：history")
    if raw.get("reply") and not raw.get("chain"):
        raise error(f"{where}：history.reply 只用于单位流转链（chain）：逐步的处理过程中答复写在步骤里（action_fields）")
    if raw.get("chain"):
        chain = "HandedOver" if raw["chain"] is True else str(raw["chain"])
        if chain not in CHAIN_EVENTS or raw.get("line") or raw.get("separator"):
            raise error(f"{where}：history.chain 为 true 或 {' / '.join(CHAIN_EVENTS)}（第一段以后每个箭头的事件，默认平级转办 "
                        f"HandedOver），且不与 line、separator 同用（链中没有每一步的时间和动作）")
        centre = raw.get("centre") or ()
        centre = (centre,) if isinstance(centre, str) else centre
        if not isinstance(centre, (list, tuple)) or not all(isinstance(unit, str) and unit.strip() for unit in centre):
            raise error(f"{where}：history.centre 为中心（热线中心）的单位名称，或其列表（流转路径中写出的名称）")
        return HistoryCell(column=str(raw["column"]), line=None, groups=CHAIN_GROUPS, chain=chain,
                           reply=str(raw["reply"]) if raw.get("reply") else None, visit_result=visit_result,
                           centre=tuple(unit.strip() for unit in centre), **outcome)
    if raw.get("centre"):
        raise error(f"{where}：history.centre 只用于单位流转链（chain）：逐步的处理过程中每一步写明了动作")
    try:
        pattern = re.compile(str(raw["line"]))
    except re.error as problem:
        raise error(f"{where}：history.line 不是有效的正则表达式：{problem}") from None
    separator = None
    if raw.get("separator"):
        try:
            separator = re.compile(str(raw["separator"]))
        except re.error as problem:
            raise error(f"{where}：history.separator 不是有效的正则表达式：{problem}") from None
        if separator.match(""):
            raise error(f"{where}：history.separator 不能匹配空字符串（写出分隔符本身，如 '[；;]'）")
    missing = [name for name in ("at", "action") if name not in pattern.groupindex]
    if missing:
        raise error(f"{where}：history.line 缺少命名组 {', '.join(f'(?P<{name}>…)' for name in missing)}")
    return HistoryCell(column=str(raw["column"]), line=pattern, groups=tuple(pattern.groupindex), separator=separator,
                       visit_result=visit_result, **outcome)


def step_columns(cell: HistoryCell) -> dict[str, str]:
    """Our flow fields the line pattern names → the columns of the step rows holding them."""
    return {name: cell.key(name) for name in (*STEP_FIELDS, "payload") if name in cell.groups}


# A chain of units (流转路径, 办理轨迹: 「市12345中心→区住建局→街道办→区住建局」) is read as moves of the ticket: each arrow a
# hand-over from the unit before it to the unit after it — sideways (HandedOver, 转办) unless the mapping says Forwarded
# or Dispatched —, except an arrow out of the centre (a dispatch) or back into it (a return: requested by the unit,
# approved by the centre). Which unit is the centre is said, never assumed: the mapping's `history.centre`, or the
# organisation's units of kind centre when importing into a database; a chain's first unit is the centre only then.
# A time in brackets after a unit (「市住建局(2024-03-05 10:00)→区城管局」) is when that unit passed the ticket on: the
# time of the move out of it (of the last unit: of its reply; of a chain of one unit: of the receipt). A move with no
# time written is recorded at the time of the dated move before it (else after it), and a chain with no time at all at
# the ticket's close time (else its intake time), the one known moment by which they had all happened. Every move
# carries `undated: true` — the chain records no action of any unit, so no rule measures from it (DL-IDLE,
# BP-NO-VERIFY, FF-NO-FOLLOW-UP do not judge it) — and `chain_time`: `written` (read from the brackets) or `stand-in`.
CHAIN_EVENTS = ("HandedOver", "Forwarded", "Dispatched")
CHAIN_GROUPS = ("at", "action", "actor_unit_id", "target_unit_id", "payload")
UNIT_TIME = re.compile(r"\s*[(（](?P<time>[^()（）]*)[)）]\s*$")


def chain_units(text: str) -> list[str]:
    """The units of a chain, in order, each without a time in brackets after it."""
    return [unit for unit, _ in chain_parts(text)]


def chain_parts(text: str) -> list[tuple[str, str | None]]:
    """The units of a chain, in order, each with the text in brackets after it (its time, if it is one)."""
    parts = []
    for part in re.split(ARROW, text):
        found = UNIT_TIME.search(part)
        unit = (part[:found.start()] if found else part).strip()
        if unit:
            parts.append((unit, found.group("time").strip() if found else None))
    return parts


def chain_times(parts: list[tuple[str, str | None]], mapping) -> list[Any]:
    """Each unit's bracketed time read as a time (None where it has none or it is not one)."""
    times = []
    for _unit, written in parts:
        try:
            times.append(parse_time(written, mapping.date_formats, mapping.zone()) if written else None)
        except ValueError:
            times.append(None)
    return times


def chain_steps(units: list[str], at: Any, event: str, reply: str | None = None, centre: Iterable[str] = (),
                times: list[Any] | None = None) -> list[dict[str, Any]]:
    """The chain's moves as steps, in order; the row's reply (if any) last, by the last unit. An arrow out of a
    centre unit is a dispatch, an arrow back into one a return (requested by the unit before it, approved by the
    centre) — not a hand-over to a peer, so 「中心→A→中心→B→中心→A」 is A,B,A for the ping-pong rule, never the centre
    bouncing. `times[i]`: when unit i passed the ticket on (None: not written); the moves without one take the time
    of the dated move before them (else after them), or `at` when none is dated."""
    centre = set(centre)
    times = times if times is not None and len(times) == len(units) else [None] * len(units)
    filled = _filled_times(times, at)

    def step(number: int, action: str, actor: str, when: int, target: str | None = None) -> dict[str, Any]:
        return {"at": filled[when], "action": action, "actor_unit_id": actor, "target_unit_id": target,
                "payload": {"undated": True, "chain_step": number,
                            "chain_time": "written" if times[when] is not None else "stand-in"}}

    # no move: received, and kept there; no centre known: received by the first unit, which passes it on
    steps = [step(0, "TicketReceived", units[0], 0)] if len(units) == 1 or units[0] not in centre else []
    moves = [(index, before, after) for index, (before, after) in enumerate(zip(units, units[1:])) if before != after]
    for number, (index, before, after) in enumerate(moves, start=1):
        if before in centre:
            steps.append(step(number, "Dispatched", before, index, after))
        elif after in centre:
            steps += [step(number, "ReturnRequested", before, index), step(number, "ReturnApproved", after, index, before)]
        else:
            steps.append(step(number, event, before, index, after))
    if reply:
        last = len(units) - 1
        steps.append({"at": filled[last], "action": "Replied", "actor_unit_id": units[-1],
                      "payload": {"undated": True, "reply": reply,
                                  "chain_time": "written" if times[last] is not None else "stand-in"}})
    return steps


def _filled_times(times: list[Any], at: Any) -> list[Any]:
    """Each unit's time, or the one before it (else after it) where none is written; `at` when none is."""
    filled, last = [], None
    for when in times:
        last = when if when is not None else last
        filled.append(last)
    following = next((when for when in times if when is not None), at)
    return [when if when is not None else following for when in filled]


def organisation_centre(engine, mapping):
    """The mapping with its chain's centre taken from the organisation in the database (its units of kind centre,
    by name and by id, as a chain may write either), when the mapping names none."""
    from sqlalchemy import inspect, select

    from rexian.adapters import tables as t

    if not inspect(engine).has_table(t.units.name):
        return mapping
    with engine.connect() as connection:
        found = connection.execute(select(t.units.c.unit_id, t.units.c.name).where(t.units.c.kind == "centre")).all()
    centre = tuple(dict.fromkeys(value for row in found for value in row if value))
    return replace(mapping, history=replace(mapping.history, centre=centre)) if centre else mapping


def chain_time(row: SourceRow, cell: HistoryCell, mapping, intake_first: bool = False) -> Any:
    """The time an undated chain's moves are recorded at: the ticket's close time, else its intake time (the intake
    time first for a chain of one unit, which records the receipt only); None when the row gives neither readably."""
    columns = (cell.closed_at, mapping.intake.get("received_at"))
    for column in columns[::-1] if intake_first else columns:
        if column and not is_missing(row.values.get(column), mapping.nulls):
            try:
                return parse_time(row.values[column], mapping.date_formats, mapping.zone())
            except ValueError:
                continue
    return None


@dataclass
class Steps:
    """One cell split into steps: each a dict of the pattern's groups, plus the lines that continued a step."""

    steps: list[dict[str, str]]
    continued: int = 0
    lead: str | None = None  # text before the first step (the pattern does not fit the cell)


def pieces(text: str, separator: re.Pattern | None) -> Iterator[tuple[str, str]]:
    """The cell's candidate steps, each with what joined it to the text before it: its lines, and within a line
    the parts between `separator`s (the separator kept, so a note holding one is put back together as written)."""
    for line in str(text).splitlines():
        joint, start = "\n", 0
        for found in separator.finditer(line) if separator is not None else ():
            yield joint, line[start:found.start()]
            joint, start = found.group(0), found.end()
        yield joint, line[start:]


def take_attachments(note: str) -> tuple[str, list[str]]:
    """(the note without its attachment parts, the files they list — 「无」 lists none)."""
    files: list[str] = []

    def cut(found: re.Match) -> str:
        files.extend(name for name in re.split(r"\s*[、，,；;]\s*", found.group("files")) if name not in NO_FILES)
        return ""

    rest = ATTACHMENT_PART.sub(cut, note)
    return (rest.strip(" \t\n；;，,。") if rest != note else note), files


def attachments_apart(step: dict[str, str]) -> None:
    """The step's attachment part out of its note into its `附件` part (a pattern that reads it itself keeps its own)."""
    note = step.get("note")
    if not note or not ATTACHMENT_PART.search(note):
        return
    rest, files = take_attachments(note)
    if rest:
        step["note"] = rest
    else:
        del step["note"]
    if files and not step.get(ATTACHMENTS):
        step[ATTACHMENTS] = "、".join(files)


def attachment_fields(cell: HistoryCell, action_fields: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """`action_fields` with the steps' attachments (`<cell>.附件`) as the evidence of closure requests and the
    attachments of progress notes, where the mapping names no column of its own for them."""
    out = {event: dict(fields) for event, fields in action_fields.items()}
    for event, name in ATTACHMENT_FIELDS:
        out.setdefault(event, {}).setdefault(name, cell.key(ATTACHMENTS))
    return out


def split_cell(text: str, pattern: re.Pattern, separator: re.Pattern | None = None) -> Steps:
    steps: list[dict[str, str]] = []
    continued = 0
    for joint, piece in pieces(text, separator):
        if not piece.strip():
            continue
        found = pattern.match(piece.strip())
        if found:
            steps.append({name: value.strip() for name, value in found.groupdict().items() if value is not None})
        elif steps:
            note = steps[-1].get("note")
            steps[-1]["note"] = f"{note}{joint}{piece.strip()}" if note else piece.strip()
            continued += 1
        else:
            return Steps([], continued, piece.strip())
    for step in steps:  # after the lines a step continues on: an attachment list may stand on a line of its own
        attachments_apart(step)
    return Steps(steps, continued)


def with_years(steps: list[dict[str, str]], year: int | None) -> None:
    """Steps whose time has no year (「03-05 09:14」「3月5日 9时」) take the year known before them."""
    previous_month = None
    for step in steps:
        at = step.get("at", "")
        if YEAR.match(at):
            year, previous_month = int(at.strip()[:4]), None
            continue
        parts = NO_YEAR.match(at)
        if not parts or year is None:
            continue
        month = int(parts.group(1))
        if previous_month is not None and month < previous_month:
            year += 1
        previous_month = month
        step["at"] = f"{year}年{at.strip()}" if parts.group(2) == "月" else f"{year}-{at.strip().replace('/', '-').replace('.', '-')}"


def each_ticket_once(rows: Iterable[SourceRow], mapping, rejects: RejectLog) -> Iterator[tuple[SourceRow, str | None]]:
    """The rows of a file with one row per ticket (a history cell's, a wide export's), with their ticket numbers: a
    row without one comes with None (the flow checks reject it, naming the column); a ticket's second row is
    rejected here, naming its first."""
    from rexian.importing.readers import ticket_of

    ticket_column = mapping.columns["ticket_id"]
    seen: dict[str, tuple[str, int]] = {}
    for row in rows:
        ticket = ticket_of(row.values, mapping)
        if ticket is not None and ticket in seen:
            first = seen[ticket]
            rejects.add(row.file, row.row, ticket_column, ticket, f"工单编号重复：已见于 {first[0]} 第 {first[1]} 行")
            continue
        if ticket is not None:
            seen[ticket] = (row.file, row.row)
        yield row, ticket


def step_rows(rows: Iterable[SourceRow], mapping, rejects: RejectLog, kept: list[SourceRow]) -> Iterator[SourceRow]:
    """Each ticket row's history cell as flow rows, one per step; the ticket rows themselves go to `kept` (for
    their outcome columns). Problems reject the ticket row, naming the cell."""
    cell: HistoryCell = mapping.history
    received = mapping.intake.get("received_at")
    for row, ticket in each_ticket_once(rows, mapping, rejects):
        if ticket is None:
            yield row  # the flow checks reject it (no ticket number), naming the column
            continue
        text = row.values.get(cell.column)
        if cell.column not in row.values:
            rejects.add(row.file, row.row, cell.column, None, f"文件缺少列「{cell.column}」（映射中的 history.column）", ticket)
            continue
        if is_missing(text, mapping.nulls):
            rejects.add(row.file, row.row, cell.column, None, "处理过程为空：没有可导入的流转步骤", ticket)
            continue
        if cell.chain is not None:
            parts = chain_parts(as_text(text))
            units, times = [unit for unit, _ in parts], chain_times(parts, mapping)
            at = chain_time(row, cell, mapping, intake_first=len(units) == 1)
            if any(when is not None for when in times):
                at = at or next(when for when in times if when is not None)
            if at is None or not units:
                rejects.add(row.file, row.row, cell.column, text, "流转路径没有单位" if not units else
                            "流转路径没有时间，需要本行的办结时间（history.closed_at）或受理时间（intake.received_at）"
                            "来记录这些流转（按链的顺序）", ticket)
                continue
            kept.append(row)
            base = {key: value for key, value in row.values.items() if key != cell.column}
            reply = row.values.get(cell.reply) if cell.reply else None
            reply = None if is_missing(reply, mapping.nulls) else as_text(reply)
            for number, step in enumerate(chain_steps(units, at, cell.chain, reply, cell.centre, times), start=1):
                yield SourceRow(row.file, row.row, {**base, **{cell.key(name): value for name, value in step.items()},
                                                    cell.key(LINE): number})
            continue
        split = split_cell(as_text(text), cell.line, cell.separator)
        if split.lead is not None:
            rejects.add(row.file, row.row, cell.column, split.lead, MARKED_REASON if cell.separator is None and
                        MARKED_LEAD.match(split.lead) else
                        "处理过程的第一行不符合 history.line 模式：无法拆分为流转步骤（用 rexian mapping check 核对模式）", ticket)
            continue
        year = None
        if received and not is_missing(row.values.get(received), mapping.nulls):
            try:
                year = parse_time(row.values[received], mapping.date_formats, mapping.zone()).year
            except ValueError:
                year = None
        with_years(split.steps, year)
        # Also with a separator: a cell written in a shape the separator does not cut still runs its steps on.
        if any(RUN_ON_STEP.search(step.get("note", "")) for step in split.steps):
            rejects.note(row.file, "处理过程中一步的说明里还有带时间的下一步（同一行写了几步？）：若是，在 history 中写 separator "
                                   "（各步之间的分隔符：分号、序号 1. ①、箭头 →，如 '[；;]'；rexian mapping suggest 会提出），"
                                   "否则这几步只读作一步", row.row, cell.column)
        if split.continued:
            rejects.note(row.file, f"处理过程中有 {split.continued} 行不是新的一步（不符合 history.line），已并入上一步的说明",
                         row.row, cell.column)
        kept.append(row)
        base = {key: value for key, value in row.values.items() if key != cell.column}
        for number, step in enumerate(split.steps, start=1):
            yield SourceRow(row.file, row.row, {**base, **{cell.key(name): value for name, value in step.items()},
                                                cell.key(LINE): number})


def complete_from_ticket_rows(histories: dict, kept: list[SourceRow], mapping, rejects: RejectLog) -> None:
    """The ticket rows' outcome columns (close time, status, last visit's result, deadline) complete their
    histories as a ticket sheet's do."""
    from rexian.importing.mapping import TicketSheet
    from rexian.importing.ticket_sheets import ticket_outcome

    cell: HistoryCell = mapping.history
    if not any((cell.closed_at, cell.status, cell.visit_result, cell.due_at)):
        return
    sheet = TicketSheet(ticket_id=mapping.columns["ticket_id"], closed_at=cell.closed_at, status=cell.status,
                        visit_result=cell.visit_result, due_at=cell.due_at)
    as_sheet = replace(mapping, ticket_sheet=sheet)
    for row in kept:
        ticket = as_text(row.values.get(mapping.columns["ticket_id"]))
        history = histories.get(ticket)
        if history is None or ticket in rejects.tickets:
            continue
        problem = ticket_outcome(history, row, as_sheet, rejects)
        if problem:
            rejects.add(row.file, row.row, problem[0], row.values.get(problem[0]), problem[1], ticket)
