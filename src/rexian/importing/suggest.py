"""`rexian mapping suggest` and `rexian mapping check`: a first mapping for an unfamiliar export, proposed
from its headers and values, and a dry run of a mapping that says what the rules will lack.

Suggestion is a proposal for a person to read and correct, never applied silently: each field names the
header it was matched to, each action word its count and the event it would mean (or `?`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.mapping import Mapping, mapping_from_dict
from rexian.importing.readers import read_rows
from rexian.importing.rejects import RejectLog
from rexian.importing.suggest_sheets import calls_section, event_sheet, joined_time
from rexian.importing.values import as_text
from rexian.importing.vocabulary import default_vocabulary

# Header words Chinese hotline platforms (and a few English logs) use, per field; longest match wins.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("工单编号", "工单号", "受理编号", "受理号", "案件编号", "诉求编号", "单号", "编号", "流水号", "ticket_id",
                  "case id", "case:concept:name", "sr number", "incident", "number"),
    "at": ("操作时间", "处理时间", "流转时间", "办理时间", "发生时间", "变更时间", "时间", "日期", "timestamp",
           "time:timestamp", "change date+time", "updated_at", "date", "time"),
    "action": ("操作类型", "流转类型", "处理类型", "办理环节", "操作环节", "环节名称", "环节", "动作", "操作", "action",
               "concept:name", "activity", "status"),
    "actor_id": ("操作人", "处理人", "经办人", "办理人", "操作员", "承办人", "owner first name", "org:resource", "resource",
                 "user"),
    "actor_unit_id": ("操作部门", "处理部门", "操作单位", "经办单位", "办理单位", "所属部门", "当前部门", "所在单位", "所在部门",
                      "involved st",
                      "org:group", "org group", "department"),
    "target_unit_id": ("目标部门", "流向单位", "流向部门", "转办单位", "移交单位", "接收单位", "接收部门", "派往单位",
                       "转派单位", "转往单位", "下一环节单位", "流转至", "流转单位", "转至单位", "转至部门", "转至", "流向",
                       "去向单位", "下一处理单位", "承办单位", "主办单位"),
    "note": ("处理意见", "办理意见", "审核意见", "流转意见", "意见", "备注", "说明", "回复内容", "答复内容"),
}
INTAKE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "received_at": ("受理时间", "来电时间", "登记时间", "创建时间", "来件时间", "opened_at"),
    "content": ("诉求内容", "来电内容", "问题描述", "工单内容", "反映内容", "诉求描述", "详细内容", "内容"),
    "title": ("工单标题", "诉求标题", "标题", "主题"),
    "caller_phone": ("来电号码", "联系电话", "联系方式", "手机号码", "电话"),
    # A name, not an identity: several people are 张先生. Repeats match by the (pseudonymised) phone.
    "caller_name": ("来电人", "联系人", "诉求人", "姓名", "来电人姓名"),
    "category": ("问题分类", "诉求类型", "业务类型", "事项分类", "分类", "类别"),
    "address": ("事发地址", "发生地点", "事发位置", "详细地址", "地址", "地点", "位置"),
    "area": ("所属区县", "区县", "行政区", "区域"),
    "channel": ("来源渠道", "受理渠道", "渠道", "来源"),
}
# Columns that fill one event's payload (action_fields): "event.field" → header words.
ACTION_FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Visited.satisfaction": ("回访结果", "满意度", "回访满意度", "评价结果", "满意程度", "评价"),
    "Visited.resolved": ("是否解决", "解决情况", "办理结果"),
    "ClosureRequested.evidence": ("附件", "佐证材料", "现场照片", "附件名称", "照片", "attachment"),
    "ReturnRequested.reason": ("退回原因", "退单原因", "退回理由", "退单理由"),
    "ReturnRequested.basis": ("退回依据", "退单依据", "依据"),
    "ExtensionRequested.reason": ("延期原因", "延期理由"),
    "ExtensionRequested.requested_due_at": ("申请延期至", "延期至", "申请期限", "延期时限", "延期截止时间"),
    "Dispatched.due_at": ("办理时限", "办结时限", "截止时间", "期限", "deadline", "due"),
}
UNIT_TREE_PARENTS = ("上级部门", "上级单位", "上级机构", "父级部门", "所属上级", "parent")
# The ticket sheet of a two-part export: its outcome and deadline columns (ticket_sheet in a mapping).
TICKET_SHEET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "closed_at": ("办结时间", "结案时间", "完成时间"),
    "status": ("工单状态", "办理状态", "处理状态", "状态"),
    "visit_result": ("回访结果", "回访满意度", "满意度", "评价结果"),
    "due_at": ("办理时限", "办结时限", "截止时间", "期限"),
}
# Decision words: the request a decision answers, named by the word before the verdict (退回审核通过).
REQUEST_WORDS = (("退回", "Return"), ("退单", "Return"), ("回退", "Return"), ("延期", "Extension"),
                 ("办结", "Closure"), ("结案", "Closure"))
VERDICTS = (("不通过", "Rejected"), ("不同意", "Rejected"), ("驳回", "Rejected"), ("不予", "Rejected"),
            ("通过", "Approved"), ("同意", "Approved"), ("批准", "Approved"))
# Events whose wrong guess changes what the rules say about a person: never guessed from a word inside a phrase.
DECISIVE = frozenset({"ReturnApproved", "ReturnRejected", "ExtensionApproved", "ExtensionRejected", "ClosureApproved",
                      "ClosureRejected", "Closed", "ReturnRequested", "ExtensionRequested", "ClosureRequested",
                      "RequestEndorsed", "RequestDeclined", "DirectlyClosed", "Reopened"})
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M",
                "%Y年%m月%d日%H时%M分", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日 %H点%M分", "%Y年%m月%d日%H点%M分",
                "%Y年%m月%d日 %H时%M分%S秒", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S")
SAMPLE_ROWS = 2000


def _match(headers: list[str], synonyms: dict[str, tuple[str, ...]], taken: set[str]) -> dict[str, str]:
    """Field → header: an exact (case-folded) synonym first, else the longest synonym inside a header."""
    found: dict[str, str] = {}
    folded = {header: header.casefold().strip() for header in headers}
    for exact in (True, False):
        for name, words in synonyms.items():
            if name in found:
                continue
            for word in words:  # in order of preference
                hits = [h for h, f in folded.items() if h not in taken and (f == word if exact else word in f)]
                if hits:
                    found[name] = hits[0]
                    taken.add(hits[0])
                    break
    return found


def _date_formats(values: list[Any]) -> list[str]:
    texts = [as_text(v) for v in values if isinstance(v, str) and v.strip()][:200]
    if not texts:
        return []  # real spreadsheet dates or none: nothing to declare
    try:
        for text in texts:
            datetime.fromisoformat(text)
        return []  # ISO 8601 is read without a declared format
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            for text in texts:
                datetime.strptime(text, fmt)
            return [fmt]
        except ValueError:
            continue
    return ["?  # 时间格式未识别：请按 Python strptime 写出，如 %Y-%m-%d %H:%M"]


def sample(path: Path, sheet: str | None = None) -> tuple[list[str], list[dict[str, Any]], RejectLog]:
    mapping = mapping_from_dict({"source": "suggest", "mode": "table", "table": "units", "sheet": sheet})
    mapping.columns = {}
    rejects = RejectLog()
    rows = []
    for row in read_rows(path, mapping, rejects):
        rows.append(row.values)
        if len(rows) >= SAMPLE_ROWS:
            break
    headers = list(rows[0]) if rows else []
    return headers, rows, rejects


def _sheets(path: Path) -> list[str]:
    """The sheet names of a workbook (empty for other files)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        from rexian.importing.file_limits import check_xlsx_parts

        check_xlsx_parts(path)
        book = load_workbook(path, read_only=True)
        try:
            return list(book.sheetnames)
        finally:
            book.close()
    if suffix == ".xls":
        import xlrd

        from rexian.importing.markup_sheets import markup_kind, sheet_names

        if markup_kind(path):
            return sheet_names(path)

        return list(xlrd.open_workbook(str(path), on_demand=True).sheet_names())
    return []


@dataclass
class _Part:
    """One file or one sheet of the export, sampled."""

    path: Path
    sheet: str | None
    headers: list[str]
    rows: list[dict[str, Any]]
    ticket_column: str | None = None
    action_column: str | None = None

    def is_ticket_sheet(self) -> bool:
        """One row per ticket and no action column: a ticket sheet (工单信息), not flow records."""
        if not self.ticket_column or self.action_column or not self.rows:
            return False
        ids = [as_text(row.get(self.ticket_column)) for row in self.rows if row.get(self.ticket_column) is not None]
        return bool(ids) and len(set(ids)) == len(ids)


def _parts(paths: list[Path], sheet: str | None, notes: list[str]) -> list[_Part]:
    parts = []
    for path in paths:
        for name in (_sheets(path) or [None]):
            file_headers, file_rows, rejects = sample(path, name)
            notes += [f"{r.file}{f'[{name}]' if name else ''}: {r.reason}" for r in rejects.rejects + rejects.notes
                      if r.row is None]
            if file_headers:
                part = _Part(path, name, file_headers, file_rows)
                part.ticket_column = _match(file_headers, {"ticket_id": HEADER_SYNONYMS["ticket_id"]}, set()).get("ticket_id")
                part.action_column = _match(file_headers, {"action": HEADER_SYNONYMS["action"][:-1]}, set()).get("action")
                parts.append(part)
    if sheet:  # the flow sheet named: it is never the ticket sheet
        for part in parts:
            if part.sheet == sheet:
                part.action_column = part.action_column or "?"
    return parts


def guess_action(word: str, vocabulary: Mapping) -> str | None:
    """The event a source word means, or None when unsure. A decision (审核通过/不通过) pairs with the request
    word before it (退回审核通过 → ReturnApproved, 办结审核不通过 → ClosureRejected); a word with 申请 is a request;
    a word found only inside a longer phrase never becomes a decision, request or close — a wrong guess there
    silently changes whom the rules name, so it is left for a person."""
    exact = vocabulary.actions.get(word.strip()) or vocabulary._folded.get(word.strip().casefold())
    if exact:
        return exact
    kind = next((k for w, k in REQUEST_WORDS if w in word), None)
    verdict = next((v for w, v in VERDICTS if w in word), None)
    if kind and verdict:
        return f"{kind}{verdict}"
    if kind and "申请" in word:
        return f"{kind}Requested"
    inside = vocabulary.action_for(word)
    return None if inside in DECISIVE or verdict or "申请" in word else inside


def suggest(paths: list[Path], sheet: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """(a proposed mapping, notes for the person reading it). A ticket sheet (one row per ticket, no action
    column) beside flow records, as a second file or sheet, is proposed as `ticket_sheet`."""
    notes: list[str] = []
    parts = _parts(paths, sheet, notes)
    ticket_parts = [part for part in parts if part.is_ticket_sheet()] if len(parts) > 1 else []
    flow_parts = [part for part in parts if part not in ticket_parts]
    if sheet:
        flow_parts = [part for part in flow_parts if part.sheet in (sheet, None)] or flow_parts
    elif ticket_parts and len(flow_parts) > 1:
        flow_parts = [part for part in flow_parts if part.action_column] or flow_parts
    if len(flow_parts) == 1 and not ticket_parts and flow_parts[0].is_ticket_sheet():
        return _one_row_per_ticket(flow_parts[0], notes)
    headers: list[str] = []
    rows: list[dict[str, Any]] = []
    for part in flow_parts:
        headers += [h for h in part.headers if h not in headers]
        rows += part.rows
    taken: set[str] = set()
    columns = _match(headers, HEADER_SYNONYMS, taken)
    proposal: dict[str, Any] = {"source": "请改为来源平台的名称"}
    flow_sheets = {part.sheet for part in flow_parts if part.sheet}
    if len(flow_sheets) == 1:
        proposal["sheet"] = flow_sheets.pop()
    proposal["columns"] = columns
    ticket_sheet = _ticket_sheet(ticket_parts[0], notes, {part.path for part in flow_parts}) if ticket_parts else None
    intake_taken = set(taken)
    intake = _match([h for h in headers if ticket_sheet is None or h not in ticket_sheet["intake"].values()],
                    INTAKE_SYNONYMS, intake_taken)
    taken |= intake_taken
    if ticket_sheet:
        intake = {name: column for name, column in intake.items() if name not in ticket_sheet["intake"]}
    if intake:
        proposal["intake"] = intake
    if ticket_sheet:
        proposal["ticket_sheet"] = ticket_sheet
        joined = joined_time(ticket_parts[0], ticket_sheet["intake"].get("received_at"))
        if joined:
            proposal["joined_columns"] = {joined[0]: joined[1]}
            ticket_sheet["intake"]["received_at"] = joined[0]
            notes.append(f"「{joined[1][1]}」只有时刻、「{joined[1][0]}」只有日期：合为一列 {joined[0]}（joined_columns）"
                         "作为受理时间")
    _other_parts(parts, flow_parts, ticket_parts[:1], proposal, notes)
    action_fields: dict[str, dict[str, str]] = {}
    for key, header in _match(headers, ACTION_FIELD_SYNONYMS, taken).items():
        action, name = key.split(".")
        action_fields.setdefault(action, {})[name] = header
    if action_fields:
        proposal["action_fields"] = action_fields
        notes.append("action_fields 按列名猜出：请核对每个字段用于哪个事件（docs/importing.md「逐事件字段」）")
    if "caller_name" in intake or (ticket_sheet and "caller_name" in ticket_sheet["intake"]):
        notes.append("来电人姓名映射为 caller_name（不是 caller_id：同名者众多）；重复投诉按 caller_phone（化名后）匹配")
    formats = _date_formats([row.get(columns["at"]) for row in rows]) if "at" in columns else []
    if ticket_sheet:  # the ticket sheet's times may be written otherwise (「2026/3/5 9:14」 beside 「…9时14分」)
        part = ticket_parts[0]
        for column in [ticket_sheet["intake"].get("received_at"), ticket_sheet.get("closed_at"), ticket_sheet.get("due_at")]:
            formats += [fmt for fmt in _date_formats([row.get(column) for row in part.rows]) if column
                        and fmt not in formats]
    if formats:
        proposal["date_formats"] = formats
    for name in ("ticket_id", "at", "action"):
        if name not in columns:
            notes.append(f"未找到 {name} 对应的列：请在 columns 中写明（可用列：{', '.join(headers)}）")
    if "target_unit_id" not in columns:
        notes.append("未找到派单的目标单位列（流向部门/承办单位）：派单没有 lead_unit_id，规则无法点名单位")
    if "action" in columns:
        words = Counter(as_text(row.get(columns["action"])) for row in rows if row.get(columns["action"]) is not None)
        _propose_actions(words, proposal, notes)
        visits = [as_text(row.get(columns["note"])) for row in rows if "note" in columns and row.get(columns["action"])
                  is not None and proposal["actions"].get(as_text(row[columns["action"]])) == "Visited"
                  and row.get(columns["note"])]
        _reply_and_deadline_fields(proposal, columns.get("note"), notes, visits)
    parent = next((h for h in headers if h in UNIT_TREE_PARENTS), None)
    if parent:
        notes.append(f"有上级单位列「{parent}」：这是单位表，可写 unit_tree: {{sheet 或 files, unit: 单位列, parent: {parent}}}，"
                     "转办给下级单位的行将按下派导入（docs/importing.md「转办」）")
    unused = [h for h in headers if h not in taken]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}（可放入 payload_columns 或 intake）")
    return proposal, notes


def _other_parts(parts: list[_Part], flow_parts: list[_Part], ticket_parts: list[_Part], proposal: dict[str, Any],
                 notes: list[str]) -> None:
    """Visit and extension sheets as `event_sheets`; every other part named as not read by the proposal."""
    flow_paths = {part.path for part in flow_parts}
    sheets = []
    for part in parts:
        if part in flow_parts or part in ticket_parts:
            continue
        entry = event_sheet(part, flow_paths, notes)
        calls = None if entry or "calls" in proposal else calls_section(part, flow_paths, notes)
        if entry:
            sheets.append(entry)
        elif calls:
            proposal["calls"] = calls
        else:
            where = f"工作表「{part.sheet}」" if part.sheet else f"文件 {part.path.name}"
            notes.append(f"{where}（列：{', '.join(part.headers[:8])}{' …' if len(part.headers) > 8 else ''}）未使用："
                         "通话记录、坐席状态可写 calls / agent_status 段，单位表（有上级列）可写 unit_tree，"
                         "其余请确认不含需要的步骤（docs/importing.md）")
    if sheets:
        proposal["event_sheets"] = sheets


def _propose_actions(words: Counter, proposal: dict[str, Any], notes: list[str]) -> None:
    """`actions`: every distinct action word with its count and the event it would mean (`?` when unsure)."""
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    guesses = {word: guess_action(word, known) for word in words}
    proposal["actions"] = {word: guesses[word] or "?" for word, _ in words.most_common()}
    for word, count in words.most_common():
        guess = guesses[word]
        if guess:
            notes.append(f"动作词「{word}」出现 {count} 次 → {guess}")
        elif known.action_for(word):
            notes.append(f"动作词「{word}」出现 {count} 次 → ?（不确定：字面含「{known.action_for(word)}」的词，"
                         f"但审核、申请、办结类事件猜错会点错人，请人工指定，见 docs/events.md）")
        else:
            notes.append(f"动作词「{word}」出现 {count} 次 → ?（未知：请指定事件，见 docs/events.md）")


def _reply_and_deadline_fields(proposal: dict[str, Any], note: str | None, notes: list[str],
                               visit_notes: list[str] = ()) -> None:
    """The note column as the reply text of closure requests and replies (the reply rules read `reply`) and as
    the visit's result when most visit rows' notes read as one (「回访结果：满意；…」); the wording of stated
    evidence (evidence_words); the extension request's new deadline as the approval's (`new_due_at`: the
    overdue rule's deadline)."""
    from rexian.importing.action_fields import UNREAD_VISIT, visit_outcome

    fields = proposal.setdefault("action_fields", {})
    events = set(proposal.get("actions", {}).values())
    read = [text for text in visit_notes if text and UNREAD_VISIT not in visit_outcome(text, "satisfaction")]
    if note and "Visited" in events and visit_notes and len(read) * 2 >= len(visit_notes) \
            and "satisfaction" not in fields.get("Visited", {}):
        fields.setdefault("Visited", {})["satisfaction"] = note
        notes.append(f"回访行的「{note}」有 {len(read)}/{len(visit_notes)} 条读得出回访结果：作为回访的满意度/解决情况")
    if note and "ClosureRequested" in events and "evidence_words" not in proposal:
        proposal["evidence_words"] = ["拍照", "照片", "图片"]
        notes.append("evidence_words：办结申请的说明中写到这些词时记为「已说明未附」的佐证（较弱），请按平台用语增删")
    for event in ("ClosureRequested", "Replied"):
        if note and event in events and "reply" not in fields.get(event, {}):
            fields.setdefault(event, {})["reply"] = note
            notes.append(f"「{note}」在 {event} 行上作为答复文字（reply：敷衍答复类规则读它）；若不是答复市民的文字请删去")
    requested = fields.get("ExtensionRequested", {}).get("requested_due_at")
    if requested and "new_due_at" not in fields.get("ExtensionApproved", {}):
        fields.setdefault("ExtensionApproved", {})["new_due_at"] = requested
        notes.append(f"延期审核通过行的「{requested}」作为新的办理时限（new_due_at）；没有它，超期规则按原时限判断")
    if not fields:
        del proposal["action_fields"]


def _one_row_per_ticket(part: _Part, notes: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A file with one row per ticket and no action column: its flow history in one cell (`history`) when a
    column holds several timed lines, else a ticket list (`mode: tickets`)."""
    from rexian.importing.history_cells import step_columns
    from rexian.importing.suggest_history import history_column, line_pattern, step_lines

    proposal: dict[str, Any] = {"source": "请改为来源平台的名称"}
    if part.sheet:
        proposal["sheet"] = part.sheet
    column = history_column(part.headers, part.rows)
    taken = {part.ticket_column, column}
    # The reply column first: 答复内容 holds 内容 but is not the complaint.
    reply = _match(part.headers, {"reply": ("答复内容", "回复内容", "办理结果", "处理结果", "答复")}, taken)
    intake = _match(part.headers, INTAKE_SYNONYMS, taken)
    outcome = _match(part.headers, {k: v for k, v in TICKET_SHEET_SYNONYMS.items() if k != "visit_result"}, taken)
    visit = _match(part.headers, {"satisfaction": ACTION_FIELD_SYNONYMS["Visited.satisfaction"],
                                  "resolved": ACTION_FIELD_SYNONYMS["Visited.resolved"]}, taken)
    if column is None:
        target = _match(part.headers, {"target_unit_id": HEADER_SYNONYMS["target_unit_id"]}, taken)
        proposal.update(mode="tickets", columns={"ticket_id": part.ticket_column,
                                                 "at": intake.pop("received_at", "?  # 受理时间列"), **target})
        if intake:
            proposal["intake"] = intake
        proposal["tickets"] = {**{k: v for k, v in outcome.items() if k in ("closed_at", "status")}, **reply}
        if "status" in outcome:
            values = Counter(as_text(row.get(outcome["status"])) for row in part.rows if row.get(outcome["status"]))
            proposal["closed_states"] = [f"?  # {outcome['status']} 中表示已办结的取值，现有：{'、'.join(values)}"]
        if "due_at" in outcome:
            proposal["action_fields"] = {"Dispatched": {"due_at": outcome["due_at"]}}
        notes.append("每行一件工单，没有动作列，也没有写满流转步骤的单元格：按工单台账（mode: tickets）读取——每件工单只有"
                     "受理、派单、答复、办结，没有经办人，推诿、回访类规则无法判断（docs/importing.md「Tickets mode」）")
        if visit:
            notes.append(f"回访列 {', '.join(visit.values())} 在 tickets 模式下不产生回访事件")
        _unused(part.headers, taken, notes)
        return proposal, notes
    lines = step_lines(column, part.rows)
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    pattern, how = line_pattern(lines, lambda word: bool(guess_action(word, known) or known.action_for(word)))
    proposal["columns"] = {"ticket_id": part.ticket_column}
    if intake:
        proposal["intake"] = intake
    history: dict[str, Any] = {"column": column, "line": pattern or "?  # 每一步的正则模式，见 docs/importing.md"}
    history.update(outcome)
    if visit:
        history["visit_result"] = visit
    proposal["history"] = history
    notes.append(f"「{column}」的单元格每行一步（处理过程）：按 history 拆为流转记录；{how}")
    if pattern:
        import re

        compiled = re.compile(pattern)
        steps = [found.groupdict() for found in map(compiled.match, lines) if found]
        times = [step["at"] for step in steps if step.get("at") and re.match(r"\s*\d{4}", step["at"])]
        formats = _date_formats(times)
        if formats:
            proposal["date_formats"] = formats
        _propose_actions(Counter(step["action"].strip() for step in steps if step.get("action")), proposal, notes)
        parts = step_columns(mapping_from_dict({"source": "x", "columns": {"ticket_id": "x"},
                                                "history": {"column": column, "line": pattern}}).history)
        visits = [step.get("note") or "" for step in steps if proposal["actions"].get(
            (step.get("action") or "").strip()) == "Visited"]
        _reply_and_deadline_fields(proposal, parts.get("note"), notes, visits)
        if "target_unit_id" not in parts:
            notes.append("模式中没有派单的目标单位（target_unit_id）：派单没有 lead_unit_id，规则无法点名单位")
    _unused(part.headers, (taken - set(reply.values())) | set(intake.values()) | set(outcome.values())
            | set(visit.values()), notes)
    return proposal, notes


def _unused(headers: list[str], taken: set, notes: list[str]) -> None:
    unused = [h for h in headers if h not in taken]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}（可放入 payload_columns 或 intake）")


def _ticket_sheet(part: _Part, notes: list[str], flow_paths: set[Path]) -> dict[str, Any]:
    """The `ticket_sheet` section for a ticket file or sheet: its ticket number, intake and outcome columns —
    `sheet:` when it is a sheet of the flow records' workbook, `files:` for a file of its own."""
    taken = {part.ticket_column}
    sheet: dict[str, Any] = {"sheet": part.sheet} if part.sheet and part.path in flow_paths else {
        "files": f"*{part.path.stem}*"}
    sheet["ticket_id"] = part.ticket_column
    sheet["intake"] = _match(part.headers, INTAKE_SYNONYMS, taken)
    sheet.update(_match(part.headers, TICKET_SHEET_SYNONYMS, taken))
    visit = _match(part.headers, {"resolved": ACTION_FIELD_SYNONYMS["Visited.resolved"]}, taken)
    if sheet.get("visit_result") and visit:  # two columns: a field each (docs/importing.md, ticket_sheet)
        sheet["visit_result"] = {"satisfaction": sheet["visit_result"], **visit}
    where = f"工作表「{part.sheet}」" if part.sheet else f"文件 {part.path.name}"
    notes.append(f"{where}每行一件工单，没有动作列：作为 ticket_sheet（工单表）按工单编号并入流转记录")
    unused = [h for h in part.headers if h not in taken]
    if unused:
        notes.append(f"工单表未使用的列：{', '.join(unused)}")
    return sheet


# What the rules need from imported events, and which rules go blind without it (docs/rules.md).
NEEDS = (
    ("actor_id", "事件没有操作人", ["BP-PINGPONG", "BP-CYCLE", "BP-RETURNS", "MS-VISIT-BY-HANDLER"],
     "推诿扯皮线索无法点名到人；回访人是否为承办人无法判断"),
    ("Dispatched", "没有派单事件", ["BP-PINGPONG", "BP-CYCLE", "FF-NO-FOLLOW-UP"], "无法看出工单在单位间流转"),
    ("ReturnRequested", "没有退单申请事件", ["BP-RETURNS", "BP-NO-VERIFY", "BP-REJECTED"], "退单类规则无法触发"),
    ("ClosureRequested", "没有办结申请事件", ["FC-NO-EVIDENCE", "FC-REJECTED-CLOSURES", "FC-INSTANT"],
     "虚假办结类规则无法触发"),
    ("Visited", "没有回访事件", ["FC-UNRESOLVED", "DS-UNSATISFIED", "MS-VISIT-NO-CALL", "MS-VISIT-BY-HANDLER",
                              "MS-SATISFIED-REPEAT"], "回访与满意度类规则无法触发"),
    ("reply", "没有答复文字", ["PR-BOILERPLATE", "PR-IDENTICAL", "PR-OFF-TOPIC"], "敷衍答复类规则无法触发"),
    ("target", "派单没有接收单位", ["RC-REPEAT", "HA-HOSTILE", "GR-GRAFT", "BP-PINGPONG"],
     "工单没有承办单位（lead_unit_id），线索无法点名单位（columns: {target_unit_id: 流向部门/承办单位列}）"),
    ("content", "没有诉求内容", ["PR-OFF-TOPIC", "HA-HOSTILE", "GR-GRAFT", "IB-BANQUET", "RC-REPEAT"],
     "文本类规则与重复投诉匹配缺少依据"),
    ("place", "既没有地址也没有来电人", ["RC-REPEAT", "FC-REPEAT-AFTER-CLOSE", "MS-SATISFIED-REPEAT"],
     "重复投诉无法按地点或来电人匹配"),
    ("due", "没有办理时限", ["DL-OVERDUE"], "超期规则无法判断（可映射时限列）"),
    ("visit_satisfaction", "回访事件没有满意度", ["DS-UNSATISFIED", "MS-SATISFIED-REPEAT"],
     "满意度类规则对该来源无法判断（action_fields: {Visited: {satisfaction: 回访结果列}}，或工单表的 visit_result）"),
    ("visit_resolved", "回访事件没有解决情况", ["FC-UNRESOLVED"],
     "回访未解决规则对该来源无法判断（action_fields: {Visited: {resolved: 是否解决列}}，或 visit_result: "
     "{satisfaction: 列, resolved: 列}）"),
    ("evidence", "办结申请没有佐证材料", ["FC-NO-EVIDENCE"],
     "无法判断是否无佐证办结，该来源的办结申请不作判断（action_fields: {ClosureRequested: {evidence: 附件列}} "
     "或 evidence_words）"),
    ("reason", "退单或延期申请没有理由", ["BP-RETURNS", "BP-NO-VERIFY"],
     "退单线索中看不到退单理由（action_fields: {ReturnRequested: {reason: 列}}）"),
)


def check(paths: list[Path], mapping: Mapping) -> tuple[Any, list[str]]:
    """Dry-run the mapping: the import report and the lines to print (nothing is written)."""
    from rexian.importing.pipeline import build

    report = build(paths, mapping)
    actions: Counter = Counter()
    present: set[str] = set()
    for history in report.histories.values():
        for draft in history.drafts:
            actions[draft.action] += 1
            present.add("Dispatched" if draft.action == "HandedOver" else draft.action)  # both move a ticket
            if draft.actor_id:
                present.add("actor_id")
            if draft.action in ("Replied", "ClosureRequested", "DirectlyClosed"):
                if draft.payload.get("reply") or draft.payload.get("answer"):
                    present.add("reply")
                elif draft.payload.get("note"):
                    present.add("reply_in_note")
            if draft.action == "Dispatched" and draft.target_unit_id:
                present.add("target")
            if draft.payload.get("due_at") or draft.payload.get("new_due_at"):
                present.add("due")
            if draft.action == "Visited":
                present |= {f"visit_{name}" for name in ("satisfaction", "resolved") if name in draft.payload}
            if draft.action == "ClosureRequested" and draft.payload.get("evidence"):
                present.add("evidence")
            if draft.action in ("ReturnRequested", "ExtensionRequested") and draft.payload.get("reason"):
                present.add("reason")
        intake = {**mapping.constants, **history.intake}
        if intake.get("content"):
            present.add("content")
        if intake.get("address") or intake.get("place_id") or intake.get("caller_id") or intake.get("caller_phone"):
            present.add("place")
    events = sum(actions.values())
    due_line = _deadline_share(report, mapping)
    if due_line:
        present.discard("due")
    lines = [(f"读入 {report.rows_in} 行：可导入 {report.rows_imported} 行，拒收 {report.rows_rejected} 行；"
              f"工单 {len(report.histories)} 件，事件 {events} 条（另加每件工单的受理事件）")]
    lines += [f"  {action}: {count}" for action, count in actions.most_common()]
    unknown = Counter(str(r.value) for r in report.rejects.rejects if r.reason.startswith("未知的动作词"))
    lines += [f"未映射的动作词「{word}」：{count} 行" for word, count in unknown.most_common()]
    other = Counter(r.reason.split("：")[0] for r in report.rejects.rejects if not r.reason.startswith("未知的动作词"))
    lines += [f"拒收原因「{reason}」：{count} 条" for reason, count in other.most_common()]
    if actions["HandedOver"] and mapping.unit_tree is None:
        lines.append(f"转办/移交 {actions['HandedOver']} 条按平级转办（HandedOver）导入：映射没有 unit_tree，"
                     "无法区分其中下派给下级单位的（若导出含单位表，加 unit_tree：见 docs/importing.md「转办」）")
    elif mapping.unit_tree is not None:
        lines.append(f"单位表：{report.hand_overs_down} 条转办指向下级单位，按下派（Forwarded）导入；"
                     f"其余 {actions['HandedOver']} 条按平级转办（HandedOver）导入")
        flow_units = {unit for history in report.histories.values() for draft in history.drafts
                      for unit in (draft.actor_unit_id, draft.target_unit_id) if unit}
        if flow_units and report.tree_units and not flow_units & report.tree_units:
            lines.append(f"单位表中的 {len(report.tree_units)} 个单位与流转记录中的 {len(flow_units)} 个单位无一相同"
                         f"（如流转写「{sorted(flow_units)[0]}」，单位表写「{sorted(report.tree_units)[0]}」）：单位表没有"
                         "起作用，转办全部按平级导入——核对 unit_tree 的 unit 列是否与流转记录的单位写法一致")
    for need, lack, rules, effect in NEEDS:
        if actions["HandedOver"]:  # hand-overs are judged by BP-NO-VERIFY too
            rules = [rule for rule in rules if rule != "BP-NO-VERIFY"]
        if need == "reply" and need not in present and "reply_in_note" in present:
            lines.append("缺少：答复文字只在 note 中，不在 reply → 敷衍答复类规则读不到它（action_fields: "
                         "{ClosureRequested: {reply: 办理意见列}}、Replied 同理）（PR-BOILERPLATE, PR-IDENTICAL, PR-OFF-TOPIC）")
        elif need == "target" and "Dispatched" not in present:
            continue  # said already: no dispatch at all
        elif need == "due" and due_line:
            lines.append(due_line)
        elif need.startswith("visit_") and "Visited" not in present:
            continue  # said already: no visit at all
        elif need not in present and rules:
            lines.append(f"缺少：{lack} → {effect}（{', '.join(rules)}）")
    lines += _record_lines(report, mapping, actions)
    lines += _unused_sections(report, mapping, actions)
    lines += _absent_columns(report, mapping)
    return report, lines


def _named_columns(mapping: Mapping, used_sheets: set[str], where: str = "") -> Iterator[tuple[str, str]]:
    """(where in the mapping, source column) of every column the mapping reads (a ticket sheet's and those of the
    event sheets that made events among them)."""
    for name, column in mapping.columns.items():
        yield f"{where}columns.{name}", column
    for name, column in mapping.intake.items():
        yield f"{where}intake.{name}", column
    for event, fields in mapping.action_fields.items():
        for name, column in fields.items():
            yield f"{where}action_fields.{event}.{name}", column
    for column in mapping.payload_columns:
        yield f"{where}payload_columns", column
    sheet = mapping.ticket_sheet
    if sheet is not None:
        yield "ticket_sheet.ticket_id", sheet.ticket_id
        for name, column in sheet.intake.items():
            yield f"ticket_sheet.intake.{name}", column
        results = sheet.visit_result if isinstance(sheet.visit_result, dict) else {"": sheet.visit_result}
        for name, column in (("closed_at", sheet.closed_at), ("status", sheet.status), ("due_at", sheet.due_at),
                             *((f"visit_result{'.' + key if key else ''}", value) for key, value in results.items())):
            if column:
                yield f"ticket_sheet.{name}", column
    for position, section in enumerate(mapping.event_sheets, start=1):
        if section.name in used_sheets:
            yield from _named_columns(section.mapping, used_sheets, f"event_sheets 第 {position} 项 ")


def _absent_columns(report, mapping: Mapping) -> list[str]:
    """Columns the mapping names that no file read has: the fields they fill stay empty (a typo, or the wrong
    sheet), which the rules would otherwise take as 'not recorded'."""
    from rexian.importing.mapping import EVENT_SHEET_ACTION

    if not report.columns_seen:
        return []
    made = {mapping.history.key(group) for group in mapping.history.groups} if mapping.history is not None else set()
    used = {draft.payload.get("completed_from") or draft.payload.get("from_event_sheet")
            for history in report.histories.values() for draft in history.drafts}
    lines = [f"event_sheets 第 {position} 项（{sheet.name}）没有产生任何事件：工作表（文件）为空、名称不对，或所有行被拒收"
             for position, sheet in enumerate(mapping.event_sheets, start=1) if sheet.name not in used]
    absent = [(where, column) for where, column in _named_columns(mapping, used)
              if column not in report.columns_seen and column not in made and column != EVENT_SHEET_ACTION]
    return lines + [f"映射所指的列不存在：{where} →「{column}」不在读入的任何文件（工作表）中，该字段将为空（核对列名或工作表）"
                    for where, column in absent]


def _unused_sections(report, mapping: Mapping, actions: Counter) -> list[str]:
    """Parts of the mapping that made nothing: unread visit cells, per-action fields of events no row makes,
    history lines joined to the step above."""
    from rexian.importing.flow import UNREAD_VISIT_REMARK

    lines = []
    unread = sum(1 for note in report.rejects.notes if note.reason.endswith(UNREAD_VISIT_REMARK))
    if unread and actions["Visited"]:
        whole = unread >= actions["Visited"]
        lines.append(f"回访结果无法识别：{unread}/{actions['Visited']} 条回访" + (
            "（全部）→ 回访结果类规则对该来源无法判断（DS-UNSATISFIED, FC-UNRESOLVED, MS-SATISFIED-REPEAT）；"
            "请核对 action_fields.Visited 所指的列，或用 values 翻译其中的词" if whole else
            "，这些回访的结果记为未知（见拒收清单中的「提示」行）"))
    for event in sorted(mapping.action_fields):
        if not actions[event]:
            lines.append(f"action_fields.{event} 没有用上：本映射没有产生 {event} 事件"
                         + ("（tickets 模式只产生受理、派单、答复、办结）" if mapping.mode == "tickets" else ""))
    joined = [note for note in report.rejects.notes if "不是新的一步" in note.reason]
    if joined:
        lines.append(f"处理过程：{len(joined)} 件工单有不符合 history.line 的行，已并入上一步的说明（核对模式是否漏掉了步骤）")
    return lines


def _deadline_share(report, mapping: Mapping) -> str | None:
    """A line when deadlines reach fewer dispatched tickets than DL-OVERDUE needs to judge the source
    (its `judges_share`, analytics/judging.py): then the rule says it cannot judge rather than missing silently."""
    from rexian.analytics.registry import all_rules

    share = all_rules()["DL-OVERDUE"].judges_share
    if mapping.deadlines is not None or not share:
        return None  # computed for every dispatch (deadlines.handle_days / categories)
    dispatched = with_due = 0
    for history in report.histories.values():
        drafts = [d for d in history.drafts if d.action in ("Dispatched", "ExtensionApproved", "Reopened")]
        if drafts:
            dispatched += 1
            with_due += any(d.payload.get("due_at") or d.payload.get("new_due_at") for d in drafts)
    if not dispatched or with_due >= share * dispatched:
        return None
    return (f"缺少：只有 {with_due}/{dispatched} 件派单工单有办理时限 → 超期规则对该来源无法判断"
            f"（可映射时限列，或 deadlines.handle_days）（DL-OVERDUE）")


def _record_lines(report, mapping: Mapping, actions: Counter) -> list[str]:
    """What the call-centre rules get from the mapping's record sections."""
    lines = [f"{table} 表 {len(rows)} 行（{', '.join(sorted(mapping.records[table].mapping.columns))}）"
             for table, (rows, _origins) in report.records.items()]
    if actions["Visited"]:
        calls = report.records.get("calls")
        linked = calls and any(row.get("ticket_id") for row in calls[0])
        named = any(d.payload.get("call_id") for h in report.histories.values() for d in h.drafts
                    if d.action == "Visited")
        if calls is None:
            lines.append("缺少：没有通话记录（映射的 calls 段）→ 回访是否有通话支持无法判断（MS-VISIT-NO-CALL）")
        elif not linked and not named:
            lines.append("缺少：回访与通话记录之间没有关联（回访无 call_id，通话无关联工单号）→ 无法判断"
                         "（MS-VISIT-NO-CALL）")
        elif named:
            # A visit's call_id read from a column that is not the call's serial (a recording number …) matches
            # no call, and every such visit would be called unsupported.
            known = {str(row.get("call_id")) for row in calls[0] if row.get("call_id") is not None}
            cited = [str(d.payload["call_id"]) for h in report.histories.values() for d in h.drafts
                     if d.action == "Visited" and d.payload.get("call_id")]
            missing = sum(1 for call_id in cited if call_id not in known)
            if missing * 2 > len(cited):
                lines.append(f"回访的 call_id 有 {missing}/{len(cited)} 条在通话记录中找不到 → MS-VISIT-NO-CALL 会把这些"
                             f"回访都当作没有通话（核对 action_fields.Visited.call_id 所指的列是否为通话流水号）")
    return lines
