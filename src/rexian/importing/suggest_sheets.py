"""`mapping suggest` for the other parts of a many-sheet export: sheets of further actions (回访记录, 延期申请)
proposed as `event_sheets`, a date column beside a time-of-day column proposed as one time (`joined_columns`),
and the parts no section reads named, so that none is passed over in silence."""

from __future__ import annotations

import re
from datetime import time
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from rexian.importing.header_words import match_headers, names_part
from rexian.importing.values import as_text

# What a sheet's name (or file name) says it holds: the event its rows are, and header words per column.
EVENT_SHEETS: dict[str, dict[str, Any]] = {
    "回访": {"action": "Visited",
           "at": ("回访时间", "回访日期时间", "时间", "visittime", "callbacktime"),
           "actor_id": ("回访员工号", "回访人工号", "回访员", "回访人", "回访坐席", "坐席工号", "工号", "visitor.userid",
                        "visitorid", "visitorcode", "visitor.code"),
           "note": ("回访内容", "回访意见", "回访记录", "备注", "说明", "remark"),
           "fields": {"satisfaction": ("满意度", "回访满意度", "满意程度", "回访结果", "评价结果", "评价", "satisfaction"),
                      "resolved": ("是否解决", "解决情况", "办理结果", "issolved", "solved", "resolved"),
                      "reached": ("联系情况", "是否联系上", "联系结果", "接通情况", "回访状态", "contactresult", "contact"),
                      "call_id": ("回访通话流水号", "通话流水号", "通话编号", "话单编号", "呼叫编号", "callid")}},
    "延期": {"decision": "Extension",
           "at": ("审核时间", "审批时间", "批准时间", "处理时间", "时间", "audittime"),
           "actor_id": ("审核人工号", "审批人工号", "审核人", "审批人", "批准人", "auditor.userid", "auditorid"),
           "verdict": ("审核结果", "审批结果", "审核意见", "是否同意", "结果", "auditresult", "auditstatus"),
           "note": ("审核意见", "审批意见", "备注", "auditopinion"),
           "fields": {"new_due_at": ("批准延期至", "同意延期至", "批准期限", "延期后时限", "新办理时限", "延期至", "newdeadline")}},
}
# English names of such parts (the nested arrays of an API's records: visitList, delayList).
EVENT_SHEET_NAMES = {"回访": ("visit", "callback"), "延期": ("delay", "extension", "postpone")}
VERDICT_WORDS = (("不同意", "Rejected"), ("不通过", "Rejected"), ("驳回", "Rejected"), ("不予", "Rejected"),
                 ("否", "Rejected"), ("同意", "Approved"), ("通过", "Approved"), ("批准", "Approved"), ("是", "Approved"))
TIME_OF_DAY = re.compile(r"^\d{1,2}[:：]\d{2}(?:[:：]\d{2})?$")


def part_place(part: Any, flow_paths: set[Path]) -> dict[str, Any]:
    """Where a section finds its part: `sheet:` for a sheet of the flow records' workbook, `files:` for a file of its
    own (a glob of the file's name), and for a nested array of JSON documents `files:` for every page and `json.rows`."""
    if part.json_rows:
        return {"files": part.glob, part.document_kind: {"rows": part.json_rows}}
    if part.sheet and part.path in flow_paths:
        return {"sheet": part.sheet}
    if part.glob:
        return {"files": part.glob}
    wide = f"*{part.path.stem}*"
    if any(fnmatch(path.name, wide) for path in flow_paths if path != part.path):
        return {"files": f"*{part.path.name}"}  # Detail_Incident.csv beside Detail_Incident_Activity.csv
    return {"files": wide}


def event_sheet_kind(name: str) -> dict[str, Any] | None:
    """What a sheet's (or file's) name says it holds: visits (回访记录, T_GD_HFJL), extensions (延期申请), or None."""
    return next((EVENT_SHEETS[word] for word in EVENT_SHEETS if names_part(name, word)
                 or any(english in name.casefold() for english in EVENT_SHEET_NAMES[word])), None)


def event_sheet(part: Any, flow_paths: set[Path], notes: list[str]) -> dict[str, Any] | None:
    """The `event_sheets` entry for a visit or extension sheet (a ticket column, a name saying which), or None."""
    name = part.label or part.sheet or part.path.stem
    kind = event_sheet_kind(name)
    if kind is None or not part.ticket_column:
        return None
    taken = {part.ticket_column}
    entry = part_place(part, flow_paths)
    columns: dict[str, str] = {"ticket_id": part.ticket_column}
    columns.update(match_headers(part.headers, {field: kind[field] for field in ("at", "actor_id")}, taken))
    fields = match_headers(part.headers, kind["fields"], taken)
    _unread_results(part, fields, notes)
    if "decision" in kind:  # one row per request with its verdict: the verdict column is the action
        verdict = match_headers(part.headers, {"verdict": kind["verdict"]}, taken).get("verdict")
        if verdict is None:
            return None
        columns["action"] = verdict
        words = sorted({as_text(row[verdict]) for row in part.rows if row.get(verdict) not in (None, "")})
        entry["actions"] = {word: f"{kind['decision']}{outcome}" for word in words
                            if (outcome := next((v for w, v in VERDICT_WORDS if w in word), None))}
        event = f"{kind['decision']}Approved"
    else:
        entry["action"] = event = kind["action"]
    note = match_headers(part.headers, {"note": kind["note"]}, taken).get("note")
    if note:
        columns["note"] = note
    entry["columns"] = columns
    if fields:
        entry["action_fields"] = {event: fields}
    if "at" not in columns:
        notes.append(f"「{name}」：未找到时间列，请在 event_sheets 中写明 columns.at")
    notes.append(f"「{name}」每行一次{'回访' if event == 'Visited' else '延期审核'}：作为 event_sheets 并入流转记录——"
                 f"补全流转中同一步骤（1 天内最近的一条）缺少的字段，流转中没有的则新增一步（docs/importing.md）")
    return entry


# The application kept on the same row as its ruling (申请时间 / 申请人 beside 审核时间 / 审核人; an API's delayList
# element with applyTime, applicant and auditTime, auditor): a request event of its own.
REQUEST_COLUMNS = {"at": ("申请时间", "applytime", "applicationtime"),
                   "actor_id": ("申请人工号", "申请人", "applicant.userid", "applicantid")}
REQUEST_FIELDS = {"reason": ("延期原因", "延期理由", "申请理由", "申请原因", "reason"),
                  "requested_due_at": ("申请延期至", "申请延期时限", "申请期限", "applydeadline")}


def request_sheet(part: Any, flow_paths: set[Path], ruling: dict[str, Any]) -> dict[str, Any] | None:
    """The `event_sheets` entry for the requests of a sheet of rulings (an extension sheet whose rows carry their
    application's time and applicant), or None: without it the ruling's sheet gives no request, and the rules
    counting requests (DL-EXTENSIONS) see none where the flow records do not hold them."""
    kind = event_sheet_kind(part.label or part.sheet or part.path.stem)
    if kind is None or "decision" not in kind:
        return None
    taken = {part.ticket_column, *ruling["columns"].values(), *(ruling.get("action_fields") or {}).get(
        f"{kind['decision']}Approved", {}).values()}
    columns = match_headers(part.headers, REQUEST_COLUMNS, taken)
    if "at" not in columns:
        return None
    entry = part_place(part, flow_paths)
    entry["action"] = event = f"{kind['decision']}Requested"
    entry["columns"] = {"ticket_id": part.ticket_column, **columns}
    fields = match_headers(part.headers, REQUEST_FIELDS, taken)
    if fields:
        entry["action_fields"] = {event: fields}
    return entry


def joined_time(part: Any, column: str | None) -> tuple[str, list[str]] | None:
    """A column of times of day (受理时间 「10:59:00」) beside a date column (受理日期) of the same part: the
    name and the two columns of a `joined_columns` entry, else None."""
    if not column:
        return None
    values = [row.get(column) for row in part.rows if row.get(column) not in (None, "")][:200]
    if not values or not all(isinstance(v, time) or TIME_OF_DAY.match(as_text(v)) for v in values):
        return None
    stem = column.removesuffix("时间")
    date = next((h for h in part.headers if h != column and "日期" in h and (not stem or h.startswith(stem))), None)
    date = date or next((h for h in part.headers if h != column and "日期" in h), None)
    return (f"{stem or column}时刻", [date, column]) if date else None


# A call-record file's header words per column of the calls table (docs/interchange.md).
CALL_COLUMNS: dict[str, tuple[str, ...]] = {
    "call_id": ("通话流水号", "话单编号", "通话编号", "呼叫编号", "流水号", "call_id", "callid", "callno", "id"),
    "caller_phone": ("主叫号码", "来电号码", "主叫", "callerno", "caller"),
    "agent_id": ("坐席工号", "坐席号", "话务员工号", "工号", "agentid", "agentno", "agent"),
    "ring_at": ("振铃时间", "呼入时间", "来电时间", "开始时间", "ringtime", "starttime"),
    "answer_at": ("应答时间", "接听时间", "接通时间", "answertime"),
    "end_at": ("挂机时间", "结束时间", "挂断时间", "hanguptime", "endtime"),
    "ticket_id": ("关联工单号", "关联工单", "工单编号", "工单号", "orderno", "orderid", "ticketno"),
    "direction": ("呼叫类型", "呼叫方向", "通话类型", "方向", "direction", "calltype"),
    "queue": ("技能组", "队列", "queue"),
}
DIRECTION_WORDS = {"呼入": "in", "来电": "in", "呼出": "out", "外呼": "out", "去电": "out", "回访": "out", "IN": "in",
                   "OUT": "out", "in": "in", "out": "out", "Inbound": "in", "Outbound": "out"}
# Each direction word and the word the same platform writes for the other direction: a sample holding only
# 呼出 (a day of follow-up calls) still gets 呼入, which the whole export will hold (人工呼出 → 人工呼入).
OTHER_DIRECTION = {"呼入": "呼出", "呼出": "呼入", "来电": "去电", "去电": "来电", "外呼": "呼入", "回访": "呼入",
                   "IN": "OUT", "OUT": "IN", "in": "out", "out": "in", "Inbound": "Outbound", "Outbound": "Inbound"}


def calls_section(part: Any, flow_paths: set[Path], notes: list[str]) -> dict[str, Any] | None:
    """A `calls:` section for a part that holds call records (ring, answer and hang-up times), or None."""
    taken: set[str] = set()
    columns = match_headers(part.headers, CALL_COLUMNS, taken)
    if not {"ring_at", "end_at"} <= set(columns) or not ({"caller_phone", "agent_id"} & set(columns)):
        return None
    entry = part_place(part, flow_paths)
    if getattr(part, "json_records", None):  # the calls of a JSON or XML document: where its records are
        entry[part.document_kind] = {"records": part.json_records}
    entry["columns"] = columns
    if "direction" in columns:
        words = {as_text(row[columns["direction"]]) for row in part.rows if row.get(columns["direction"])}
        translated = {word: ours for word in sorted(words) if (ours := next(
            (value for key, value in DIRECTION_WORDS.items() if key in word), None))}
        unseen = _other_directions(translated)
        if unseen:
            notes.append(f"呼叫方向列「{columns['direction']}」样本中只有 {'、'.join(translated)}：已按词表补上另一方向 "
                         f"{'、'.join(unseen)}（样本中未见，请按全部数据核对）")
            translated = {**translated, **unseen}
        if translated:
            entry["values"] = {"direction": translated}
        if len(translated) < len(words):  # codes (1 / 2): what they mean is the platform's, never guessed
            notes.append(f"呼叫方向列「{columns['direction']}」的取值 {'、'.join(sorted(words - set(translated)))} 读不出方向："
                         "请写 values: {direction: {取值: in 或 out}}")
    where = f"工作表「{part.sheet}」" if part.sheet else f"文件 {part.path.name}"
    notes.append(f"{where}是通话记录：作为 calls 段（话务类规则与 MS-VISIT-NO-CALL 读它；编码、分隔符请按文件核对）")
    return entry


def _other_directions(translated: dict[str, str]) -> dict[str, str]:
    """The words of the direction the sample did not show, formed as the sample's words are (人工呼出 → 人工呼入):
    none when both directions were seen."""
    if len(set(translated.values())) != 1:
        return {}
    unseen: dict[str, str] = {}
    for word in translated:
        key = next(key for key in DIRECTION_WORDS if key in word)
        other = word.replace(key, OTHER_DIRECTION[key])
        if other not in translated:
            unseen[other] = DIRECTION_WORDS[OTHER_DIRECTION[key]]
    return unseen


# A code table (码表) of a database dump: one row per (category, code, name).
CODE_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("代码类别", "字典类型", "代码类型", "字典类别", "类别代码", "类别", "dicttype", "codetype"),
    "code": ("代码", "代码值", "字典值", "字典代码", "编码", "dictvalue", "codevalue"),
    "name": ("代码名称", "字典名称", "代码含义", "字典值名称", "名称", "含义", "dictlabel", "codename", "codelabel"),
}
CODE_SHARE = 0.8  # a column is proposed as coded when this share of its sampled values are codes of the category


def code_table(parts: list[Any], notes: list[str]) -> tuple[Any, dict[str, Any]] | None:
    """(the code-table part, its `code_table:` section) when a part of the export is a dictionary of codes and
    other parts have columns whose values are its codes — a column named as a category (CZLX for category CZLX,
    or CZLXDM), most sampled values among that category's codes; None otherwise. The part's rows decode the
    others' sampled rows (`decode_sample`), so that the action words and visit results proposed are the names."""
    from rexian.importing.header_words import NOT_LETTERS, initials

    for table in parts:
        if table.ticket_column or len(table.headers) > 6:
            continue
        columns = match_headers(table.headers, CODE_TABLE_COLUMNS, set())
        if len(columns) < 3:
            continue
        book: dict[str, dict[str, str]] = {}
        for row in table.rows:
            category, code, name = (as_text(row.get(columns[key]) or "") for key in ("category", "code", "name"))
            if category and code and name:
                book.setdefault(category, {}).setdefault(code, name)
        # a category named as the column (CZLX), or in words whose initials are the column's name (操作类型 → CZLX)
        by_key = {key: category for category in book
                  for key in (NOT_LETTERS.sub("", category.casefold()), initials(category)) if key}
        coded: dict[str, str] = {}
        for part in parts:
            if part is table:
                continue
            for header in part.headers:
                key = NOT_LETTERS.sub("", header.casefold())
                category = by_key.get(key) or next((by_key[key[:-2]] for suffix in ("dm", "bm") if key.endswith(suffix)
                                                    and key[:-2] in by_key), None)
                values = [as_text(row[header]) for row in part.rows if row.get(header) not in (None, "")]
                if not values:
                    continue
                if category is None and len(key) >= 4:  # a prefixed category: gd_channel for channel, checked by values
                    shares = {by_key[k]: sum(v in book[by_key[k]] for v in values) for k in by_key if k.endswith(key)}
                    category = max(shares, key=lambda c: shares[c], default=None)
                if category and sum(v in book[category] for v in values) >= CODE_SHARE * len(values):
                    coded.setdefault(header, category)
        if not coded:
            continue
        section: dict[str, Any] = {"sheet": table.sheet} if table.sheet else {"files": f"*{table.path.stem}*"}
        section.update(columns)
        section["columns"] = coded
        where = f"工作表「{table.sheet}」" if table.sheet else f"文件 {table.path.name}"
        notes.append(f"{where}是码表（{columns['category']}/{columns['code']}/{columns['name']}）：{len(coded)} 列的取值是其中的代码"
                     f"（{', '.join(coded)}），作为 code_table 先译为名称，下面的动作词与回访结果即译后的名称")
        decode_sample(parts, coded, book)
        return table, section
    return None


def decode_sample(parts: list[Any], coded: dict[str, str], book: dict[str, dict[str, str]]) -> None:
    """Each part's sampled rows with the coded columns read as their names (codes the table lacks kept)."""
    for part in parts:
        for row in part.rows:
            for header in coded.keys() & row.keys():
                if row[header] not in (None, ""):
                    row[header] = book[coded[header]].get(as_text(row[header]), row[header])


def _unread_results(part: Any, fields: dict[str, str], notes: list[str]) -> None:
    """A note per visit-result column whose sampled words the parser does not read (「已回访」 in a 回访状态
    column): the user says what they mean with `values`, nothing is guessed."""
    from rexian.domain.vocabulary import UnknownWord, parse_visit_outcome

    for field, column in fields.items():
        if field not in ("satisfaction", "resolved", "reached"):
            continue
        unread = set()
        for row in part.rows:
            word = as_text(row.get(column) or "")
            try:
                if word:
                    parse_visit_outcome(word, field)
            except UnknownWord:
                unread.add(word)
        if unread:
            words = "、".join(sorted(unread))
            notes.append(f"「{column}」（{field}）的取值「{words}」读不出回访结果：请在 values 中写明其含义，如 values: "
                         f"{{{field}: {{{sorted(unread)[0]}: 已联系}}}}（否则这些回访结果未知）")


ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "person_id": ("人员代码", "人员编号", "员工编号", "工号", "用户代码", "用户编号"),
    "name": ("人员姓名", "用户姓名", "员工姓名", "姓名"),
    "unit_id": ("所属单位", "所在单位", "所属部门", "所在部门", "单位代码", "部门代码"),
}


def roster_section(part: Any) -> dict[str, Any] | None:
    """A `roster:` section for a staff table (人员代码, 姓名, 所属单位), or None."""
    columns = match_headers(part.headers, ROSTER_COLUMNS, set())
    if not {"person_id", "name"} <= set(columns):
        return None
    section: dict[str, Any] = {"sheet": part.sheet} if part.sheet else {"files": f"*{part.path.stem}*"}
    return {**section, "columns": columns}


UNIT_COLUMNS = ("单位代码", "单位编码", "部门代码", "机构代码", "单位名称", "部门名称", "机构名称", "单位", "部门")


def unit_tree_section(part: Any, parents: tuple[str, ...]) -> dict[str, Any] | None:
    """A `unit_tree:` section for a part that lists units with their parent (上级单位 / SJDWDM), or None."""
    taken: set[str] = set()
    parent = match_headers(part.headers, {"parent": parents}, taken).get("parent")
    unit = match_headers(part.headers, {"unit": UNIT_COLUMNS}, taken).get("unit") if parent else None
    if not unit:
        return None
    section: dict[str, Any] = {"sheet": part.sheet} if part.sheet else {"files": f"*{part.path.stem}*"}
    return {**section, "unit": unit, "parent": parent}
