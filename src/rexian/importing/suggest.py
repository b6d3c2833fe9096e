"""`rexian mapping suggest`: a first mapping for an unfamiliar export, proposed from its headers and values
(`rexian mapping check`, the dry run, is importing/mapping_check.py).

Suggestion is a proposal for a person to read and correct, never applied silently: each field names the
header it was matched to, each action word its count and the event it would mean (or `?`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rexian.importing.mapping import Mapping, mapping_from_dict
from rexian.importing.readers import read_rows
from rexian.importing.header_words import match_headers
from rexian.importing.rejects import RejectLog
from rexian.importing.suggest_engine import engine_tables
from rexian.importing.suggest_sheets import (calls_section, code_table, event_sheet, event_sheet_kind, joined_time,
                                             part_place, request_sheet, roster_section, unit_tree_section)
from rexian.importing.values import as_text
from rexian.importing.vocabulary import default_vocabulary

# Header words Chinese hotline platforms (and a few English logs) use, per field; longest match wins.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("工单编号", "工单号", "受理编号", "受理号", "案件编号", "诉求编号", "单号", "编号", "流水号", "ticket_id",
                  "orderno", "order_no", "orderid", "workorderno", "ticketno", "caseno", "case id", "case:concept:name",
                  "sr number", "incident", "number"),
    "at": ("操作时间", "处理时间", "流转时间", "办理时间", "发生时间", "变更时间", "时间", "日期", "timestamp",
           "time:timestamp", "change date+time", "updated_at", "opertime", "operatetime", "handletime", "processtime",
           "date", "time"),
    "action": ("操作类型", "流转类型", "处理类型", "办理环节", "操作环节", "环节名称", "环节", "动作", "操作", "action",
               "concept:name", "opertype", "operatetype", "operationtype", "actiontype", "nodename", "stepname",
               "activity", "flowtype", "steptype", "nodetype", "status"),
    "actor_id": ("操作人", "处理人", "经办人", "办理人", "操作员", "承办人", "owner first name", "org:resource", "resource",
                 "operator.userid", "operator.code", "operatorid", "operatorcode", "handlerid", "handlercode", "userid",
                 "user"),
    "actor_unit_id": ("操作部门", "处理部门", "操作单位", "经办单位", "办理单位", "所属部门", "当前部门", "所在单位", "所在部门",
                      "involved st",
                      "org:group", "org group", "operator.deptid", "operator.dept", "deptid", "deptcode", "orgid",
                      "department"),
    "target_unit_id": ("目标部门", "流向单位", "流向部门", "转办单位", "移交单位", "接收单位", "接收部门", "派往单位",
                       "转派单位", "转往单位", "下一环节单位", "流转至", "流转单位", "转至单位", "转至部门", "转至", "流向",
                       "去向单位", "下一处理单位", "承办单位", "主办单位", "targetdept.deptid", "targetdeptid",
                       "todeptid", "todept", "targetdept", "handledeptid", "handledept"),
    "note": ("处理意见", "办理意见", "审核意见", "流转意见", "意见", "备注", "说明", "回复内容", "答复内容", "opinion",
             "remark", "comment"),
}
INTAKE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "received_at": ("受理时间", "来电时间", "登记时间", "创建时间", "来件时间", "opened_at", "accepttime", "receivetime",
                    "registertime", "createtime"),
    "content": ("诉求内容", "来电内容", "问题描述", "工单内容", "反映内容", "诉求描述", "详细内容", "内容", "appealcontent",
                "content", "description"),
    "title": ("工单标题", "诉求标题", "标题", "主题", "title"),
    "caller_phone": ("来电号码", "联系电话", "联系方式", "手机号码", "电话", "caller.phone", "callerphone", "contactphone",
                     "mobile", "phone"),
    # A name, not an identity: several people are 张先生. Repeats match by the (pseudonymised) phone.
    "caller_name": ("来电人", "联系人", "诉求人", "姓名", "来电人姓名", "caller.name", "callername", "contactname"),
    "category": ("问题分类", "诉求类型", "业务类型", "事项分类", "分类", "类别", "categoryname", "category"),
    "address": ("事发地址", "发生地点", "事发位置", "详细地址", "地址", "地点", "位置", "address", "location"),
    "area": ("所属区县", "区县", "行政区", "区域", "district"),
    "channel": ("来源渠道", "受理渠道", "渠道", "来源", "channel"),
    "received_by": ("受理人工号", "受理人代码", "受理人", "受理坐席", "acceptor.userid", "acceptor.code", "acceptorid"),
}
# Columns that fill one event's payload (action_fields): "event.field" → header words.
ACTION_FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Visited.satisfaction": ("回访结果", "满意度", "回访满意度", "评价结果", "满意程度", "评价", "satisfaction"),
    "Visited.resolved": ("是否解决", "解决情况", "办理结果", "issolved", "solved", "resolved"),
    "ClosureRequested.evidence": ("附件", "佐证材料", "现场照片", "附件名称", "照片", "attachments.filename", "attachment"),
    "ReturnRequested.reason": ("退回原因", "退单原因", "退回理由", "退单理由"),
    "ReturnRequested.basis": ("退回依据", "退单依据", "依据"),
    "ExtensionRequested.reason": ("延期原因", "延期理由"),
    "ExtensionRequested.requested_due_at": ("申请延期至", "延期至", "申请期限", "延期时限", "延期截止时间", "delayto",
                                            "extendto", "applydeadline"),
    "Dispatched.due_at": ("办理时限", "办结时限", "截止时间", "期限", "deadline", "timelimit", "due"),
}
UNIT_TREE_PARENTS = ("上级部门", "上级单位", "上级机构", "父级部门", "所属上级", "上级单位代码", "上级部门代码", "parent")
# The ticket sheet of a two-part export: its outcome and deadline columns (ticket_sheet in a mapping).
TICKET_SHEET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "closed_at": ("办结时间", "结案时间", "完成时间", "finishtime", "closetime", "closedtime"),
    "status": ("工单状态", "办理状态", "处理状态", "状态", "orderstatus", "status"),
    "visit_result": ("回访结果", "回访满意度", "满意度", "评价结果"),
    "due_at": ("办理时限", "办结时限", "截止时间", "期限", "deadline", "duetime", "limittime", "timelimit"),
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
NULL_WORDS = ("NULL", "null", "\\N", "(null)", "None")  # how database dumps write an empty value
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M",
                "%Y年%m月%d日%H时%M分", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日 %H点%M分", "%Y年%m月%d日%H点%M分",
                "%Y年%m月%d日 %H时%M分%S秒", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S")
SAMPLE_ROWS = 2000


def _date_formats(values: list[Any]) -> list[str]:
    texts = [as_text(v) for v in values if (isinstance(v, str) and v.strip() and v.strip() not in NULL_WORDS) or (
        isinstance(v, int) and not isinstance(v, bool) and len(str(v)) in (10, 13))][:200]  # JSON's epoch numbers
    if not texts:
        return []  # real spreadsheet dates or none: nothing to declare
    if all(text.isdigit() and len(text) == 13 for text in texts):
        return []  # epoch milliseconds are read without a declared format
    if all(text.isdigit() and len(text) == 10 and text[0] == "1" for text in texts):
        return ["epoch_s"]  # epoch seconds (2001 … 2033) must be named: ten digits could be a date to the hour
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
    # Written in several ways (an API whose PC client and mobile app write times differently, epoch seconds
    # beside them): the formats that together read every sampled time, each named once.
    needed: list[str] = []
    for text in texts:
        fmt = _format_of(text)
        if fmt is None:
            return ["?  # 时间格式未识别：请按 Python strptime 写出，如 %Y-%m-%d %H:%M"]
        if fmt and fmt not in needed:
            needed.append(fmt)
    return needed


def _format_of(text: str) -> str | None:
    """The declared format one time needs: "" when none is (ISO 8601, epoch milliseconds), None when unknown."""
    if text.isdigit() and len(text) == 13:
        return ""
    if text.isdigit() and len(text) == 10 and text[0] == "1":
        return "epoch_s"
    try:
        datetime.fromisoformat(text)
        return ""
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(text, fmt)
            return fmt
        except ValueError:
            continue
    return None


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
    label: str | None = None  # what the part is called when not by its file or sheet (a JSON array: visitList)
    glob: str | None = None  # the file-name pattern of its files (JSON pages: page_*.json)
    json_records: str | None = None  # JSON documents: the path to the records ("" for a list document)
    json_rows: str | None = None  # … and the nested array whose elements are this part's rows
    document_kind: str = "json"  # a document's format: its mapping key (json / xml)

    def is_ticket_sheet(self) -> bool:
        """One row per ticket and no action column: a ticket sheet (工单信息), not flow records."""
        if not self.ticket_column or self.action_column or not self.rows:
            return False
        ids = [as_text(row.get(self.ticket_column)) for row in self.rows if row.get(self.ticket_column) is not None]
        return bool(ids) and len(set(ids)) == len(ids)


def _parts(paths: list[Path], sheet: str | None, notes: list[str]) -> list[_Part]:
    parts: list[_Part] = []
    json_pages: dict[str, list[Path]] = {}
    for path in paths:
        document = _json_document(path)
        if document is not None:
            json_pages.setdefault(_page_glob(path), []).append(path)
            continue
        if path.suffix.lower() == ".xml":  # an XML file that does not parse: say why, do not sample it as text
            notes.append(f"{path.name}: {_xml_problem(path)}")
            continue
        for name in (_sheets(path) or [None]):
            file_headers, file_rows, rejects = sample(path, name)
            notes += [f"{r.file}{f'[{name}]' if name else ''}: {r.reason}" for r in rejects.rejects + rejects.notes
                      if r.row is None]
            if file_headers:
                part = _Part(path, name, file_headers, file_rows)
                part.ticket_column = match_headers(file_headers, {"ticket_id": HEADER_SYNONYMS["ticket_id"]}, set()).get("ticket_id")
                part.action_column = match_headers(file_headers, {"action": HEADER_SYNONYMS["action"][:-1]}, set()).get("action")
                parts.append(part)
    for glob, pages in json_pages.items():
        parts += _json_parts(pages, glob, notes)
    for part in parts:
        if part.json_rows:  # an array of JSON records: its own fields' time and action words, not the record's
            own = [h for h in part.headers if h.startswith(part.json_rows + ".")]
            part.action_column = match_headers(own, {"action": HEADER_SYNONYMS["action"][:-1]}, set()).get("action")
    if sheet:  # the flow sheet named: it is never the ticket sheet
        for part in parts:
            if part.sheet == sheet:
                part.action_column = part.action_column or "?"
    return parts


def _json_document(path: Path) -> Any:
    """The document of a `.json` file that parses whole (an API's page) or of an `.xml` file (a data-exchange
    package, importing/xml_documents.py), else None (JSON Lines, another file, an XML file that does not parse)."""
    import json

    if path.suffix.lower() == ".xml":
        from rexian.importing.xml_documents import XmlDocumentError, xml_document

        try:
            return xml_document(path.read_bytes())
        except (OSError, XmlDocumentError):
            return None
    if path.suffix.lower() != ".json":
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return document if isinstance(document, (dict, list)) else None


def _xml_problem(path: Path) -> str:
    from rexian.importing.xml_documents import XmlDocumentError, xml_document

    try:
        xml_document(path.read_bytes())
    except (OSError, XmlDocumentError) as error:
        return str(error)
    return "XML 文档"


def _page_glob(path: Path) -> str:
    """page_0001.json → page_*.json: the pattern of the pages of one paged answer."""
    import re

    return re.sub(r"\d+", "*", path.name)


def _json_parts(pages: list[Path], glob: str, notes: list[str]) -> list[_Part]:
    """The parts of a paged API answer: its records (one row per record: a ticket sheet) and each nested array of
    objects in them (one row per element: flow records, visits, returns …), sampled from the first pages."""
    from rexian.importing.json_documents import JsonPaths, arrays_of_objects, at_path, document_rows, records_hint

    kind = "xml" if pages[0].suffix.lower() == ".xml" else "json"
    first = _json_document(pages[0])
    hint = records_hint(first) if isinstance(first, dict) else None
    records = hint[0] if hint else ""
    arrays: list[str] = []
    rows_by_part: dict[str | None, list[dict[str, Any]]] = {}
    for page in pages:
        document = first if page == pages[0] else _json_document(page)
        found = at_path(document, records or None)
        for record in found if isinstance(found, list) else []:
            if isinstance(record, dict):
                arrays += [a for a in arrays_of_objects(record) if a not in arrays]
        for rows in (None, *arrays):
            have = rows_by_part.setdefault(rows, [])
            if len(have) < SAMPLE_ROWS:
                have += [row for _, row in document_rows(document, JsonPaths(records or None, rows), page.name,
                                                         lambda reason: None, kind)][:SAMPLE_ROWS - len(have)]
    parts = []
    for rows, sampled in rows_by_part.items():
        if not sampled:
            continue
        headers = list(dict.fromkeys(header for row in sampled for header in row))  # a later page's columns too
        if rows is None:  # the records: their own fields, not their arrays'
            headers = [h for h in headers if not any(h == a or h.startswith(a + ".") for a in arrays)]
        else:  # the element's fields first: its time and person before the record's
            headers = [h for h in headers if h.startswith(rows + ".")] + [h for h in headers if not any(
                h == a or h.startswith(a + ".") for a in arrays)]
        part = _Part(pages[0], None, headers, sampled, label=rows or "records", glob=glob, json_records=records,
                     json_rows=rows, document_kind=kind)
        part.ticket_column = match_headers([h for h in headers if not rows or not h.startswith(rows + ".")],
                                           {"ticket_id": HEADER_SYNONYMS["ticket_id"]}, set()).get("ticket_id")
        parts.append(part)
    what = ("XML 文档（数据交换包）", "XML documents") if kind == "xml" else ("JSON 文档（接口分页返回）", "JSON documents")
    notes.append(f"{glob}（{len(pages)} 个文件）是 {what[0]}：记录在 {records or '文档本身'}，"
                 f"其中的数组 {'、'.join(arrays) or '（无）'} 每个元素可作一行（{kind}.rows，docs/importing.md「{what[1]}」）")
    return parts


# English action words of API exports (operType DISPATCH, APPLY_FINISH, FINISH_AUDIT_PASS): a word alone, or a
# request kind with an application or a verdict — the same pairing as the Chinese words, never a guess from one
# word inside a longer phrase.
ENGLISH_ACTIONS = {"accept": "TicketReceived", "register": "TicketReceived", "dispatch": "Dispatched",
                   "assign": "Dispatched", "sign": "SignedFor", "transfer": "HandedOver", "forward": "Forwarded",
                   "contact": "CitizenContacted", "reply": "Replied", "answer": "Replied", "visit": "Visited",
                   "callback": "Visited", "finish": "Closed", "close": "Closed", "reopen": "Reopened", "redo": "Reopened",
                   "urge": "ReminderSent", "remind": "ReminderSent", "supervise": "SupervisionIssued",
                   "process": "ProgressNoted", "handle": "ProgressNoted", "progress": "ProgressNoted"}
ENGLISH_REQUESTS = {"return": "Return", "back": "Return", "rollback": "Return", "delay": "Extension",
                    "extend": "Extension", "extension": "Extension", "postpone": "Extension", "finish": "Closure",
                    "close": "Closure", "closure": "Closure", "complete": "Closure"}
ENGLISH_VERDICTS = {"reject": "Rejected", "rejected": "Rejected", "deny": "Rejected", "refuse": "Rejected",
                    "fail": "Rejected", "nopass": "Rejected", "pass": "Approved", "approve": "Approved",
                    "approved": "Approved", "agree": "Approved"}


def _guess_english(word: str) -> str | None:
    import re

    tokens = [t.casefold() for t in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", word)]
    if len(tokens) == 1:
        return ENGLISH_ACTIONS.get(tokens[0])
    kind = next((ENGLISH_REQUESTS[t] for t in tokens if t in ENGLISH_REQUESTS), None)
    verdict = next((ENGLISH_VERDICTS[t] for t in tokens if t in ENGLISH_VERDICTS), None)
    if "not" in tokens and verdict == "Approved":
        verdict = "Rejected"
    if kind and verdict:
        return f"{kind}{verdict}"
    if kind and {"apply", "application", "request"} & set(tokens):
        return f"{kind}Requested"
    return None


def guess_action(word: str, vocabulary: Mapping) -> str | None:
    """The event a source word means, or None when unsure. A decision (审核通过/不通过) pairs with the request
    word before it (退回审核通过 → ReturnApproved, 办结审核不通过 → ClosureRejected); a word with 申请 is a request;
    a word found only inside a longer phrase never becomes a decision, request or close — a wrong guess there
    silently changes whom the rules name, so it is left for a person."""
    exact = vocabulary.actions.get(word.strip()) or vocabulary._folded.get(word.strip().casefold())
    if exact:
        return exact
    if word.isascii():
        return _guess_english(word)
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
    codes = code_table(parts, notes) if len(parts) > 1 else None
    if codes:
        parts.remove(codes[0])
    engine = engine_tables(parts, notes) if len(parts) > 1 else None
    if engine:  # the tables its lookups read are neither flow records nor a ticket sheet
        parts = [part for part in parts if part not in engine.read]
    # A ticket sheet: one row per ticket, not a sheet of visits or extensions; the one with most intake columns.
    ticket_parts = sorted((part for part in parts if part.is_ticket_sheet() and not event_sheet_kind(
        part.sheet or part.path.stem)), key=lambda part: -len(match_headers(part.headers, INTAKE_SYNONYMS, set()))
    ) if len(parts) > 1 else []
    flow_parts = [part for part in parts if part not in ticket_parts]
    arrays = sorted((part for part in parts if part.json_rows and part.action_column), key=lambda part: -len(part.rows))
    if arrays:  # an API's records: the array with action words is the flow, the records themselves the ticket sheet
        flow_parts = arrays[:1]
        ticket_parts = [part for part in parts if part.json_records is not None and part.json_rows is None
                        and part.is_ticket_sheet()] + [part for part in ticket_parts if not part.json_rows]
    elif sheet:
        flow_parts = [part for part in flow_parts if part.sheet in (sheet, None)] or flow_parts
    elif ticket_parts and len(flow_parts) > 1:
        flow_parts = [part for part in flow_parts if part.action_column] or flow_parts
    if engine:
        flow_parts = [engine.tasks]
    if len(flow_parts) == 1 and not ticket_parts and flow_parts[0].is_ticket_sheet():
        return _one_row_per_ticket(flow_parts[0], notes)
    history = _history_part(parts) if len(parts) > 1 else None
    if history is not None:  # the flow in one cell of a ticket sheet, beside call records or other tables
        proposal, notes = _one_row_per_ticket(history, notes)
        sheet_formats: list[str] = []
        _other_parts(parts, [history], [], proposal, notes, sheet_formats)
        formats = proposal.get("date_formats", [])
        proposal["date_formats"] = formats + [fmt for fmt in sheet_formats if fmt not in formats]
        if not proposal["date_formats"]:
            del proposal["date_formats"]
        return proposal, notes
    headers: list[str] = []
    rows: list[dict[str, Any]] = []
    for part in flow_parts:
        headers += [h for h in part.headers if h not in headers]
        rows += part.rows
    taken: set[str] = set()
    if arrays:  # the element's own fields first (its operType, not the record's status), then the record's
        own = [h for h in headers if h.startswith(arrays[0].json_rows + ".")]
        columns = match_headers(own, HEADER_SYNONYMS, taken)
        columns.update(match_headers([h for h in headers if h not in own],
                                     {k: v for k, v in HEADER_SYNONYMS.items() if k not in columns}, taken))
        columns = {name: columns[name] for name in HEADER_SYNONYMS if name in columns}
    else:
        preset = engine.columns if engine else {}
        taken |= set(preset.values())
        columns = {**preset, **match_headers(headers, {k: v for k, v in HEADER_SYNONYMS.items() if k not in preset},
                                             taken)}
        columns = {name: columns[name] for name in HEADER_SYNONYMS if name in columns}
    proposal: dict[str, Any] = {"source": "请改为来源平台的名称"}
    nulls = sorted({value for part in parts for row in part.rows for value in row.values() if value in NULL_WORDS})
    if nulls:
        proposal["nulls"] = ["", *nulls]
        notes.append(f"空值写作 {'、'.join(nulls)}（数据库导出的写法）：列入 nulls，读作缺失")
    if codes:
        proposal["code_table"] = codes[1]
    flow_sheets = {part.sheet for part in flow_parts if part.sheet}
    if len(flow_sheets) == 1:
        proposal["sheet"] = flow_sheets.pop()
    if engine:
        proposal["lookups"] = engine.lookups
        proposal["joined_columns"] = engine.joined
        if engine.event_times:
            proposal["event_times"] = engine.event_times
    if arrays:
        proposal[arrays[0].document_kind] = {
            **({"records": arrays[0].json_records} if arrays[0].json_records else {}), "rows": arrays[0].json_rows}
    proposal["columns"] = columns
    ticket_sheet = _ticket_sheet(ticket_parts[0], notes, {part.path for part in flow_parts}) if ticket_parts else None
    intake_taken = set(taken)
    intake = match_headers([h for h in headers if ticket_sheet is None or h not in ticket_sheet["intake"].values()],
                    INTAKE_SYNONYMS, intake_taken)
    if ticket_sheet is None and (kind := kind_column(headers, rows, intake_taken)):
        intake["kind"] = kind
    taken |= intake_taken
    kinds = ticket_sheet["intake"].get("kind") if ticket_sheet else intake.get("kind")
    if kinds:
        words = kind_values(kinds, ticket_parts[0].rows if ticket_sheet else rows)
        if words:
            proposal.setdefault("values", {})["kind"] = words
            notes.append(f"「{kinds}」是诉求类型（{'、'.join(words)}）：作为受理的 kind；咨询、建议、表扬不算投诉，"
                         "重复投诉类规则不计")
    if ticket_sheet:
        intake = {name: column for name, column in intake.items() if name not in ticket_sheet["intake"]}
    if intake:
        proposal["intake"] = intake
    if ticket_sheet:
        proposal["ticket_sheet"] = ticket_sheet
        joined = joined_time(ticket_parts[0], ticket_sheet["intake"].get("received_at"))
        if joined:
            proposal.setdefault("joined_columns", {})[joined[0]] = joined[1]
            ticket_sheet["intake"]["received_at"] = joined[0]
            notes.append(f"「{joined[1][1]}」只有时刻、「{joined[1][0]}」只有日期：合为一列 {joined[0]}（joined_columns）"
                         "作为受理时间")
    sheet_formats: list[str] = []
    _other_parts(parts, flow_parts, ticket_parts[:1], proposal, notes, sheet_formats)
    if engine and engine.sheets:
        proposal["event_sheets"] = proposal.get("event_sheets", []) + engine.sheets
    action_fields: dict[str, dict[str, str]] = {}
    for key, header in match_headers(headers, ACTION_FIELD_SYNONYMS, taken).items():
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
    formats += [fmt for fmt in sheet_formats if fmt not in formats]
    if formats:
        proposal["date_formats"] = formats
    for name in ("ticket_id", "at", "action"):
        if name not in columns:
            notes.append(f"未找到 {name} 对应的列：请在 columns 中写明（可用列：{', '.join(headers)}）")
    if "target_unit_id" not in columns:
        notes.append("未找到派单的目标单位列（流向部门/承办单位）：派单没有 lead_unit_id，规则无法点名单位")
    if "action" in columns:
        words = Counter(as_text(row.get(columns["action"])) for row in rows if row.get(columns["action"]) is not None)
        _propose_actions(words + (engine.words if engine else Counter()), proposal, notes)
        visits = [as_text(row.get(columns["note"])) for row in rows if "note" in columns and row.get(columns["action"])
                  is not None and proposal["actions"].get(as_text(row[columns["action"]])) == "Visited"
                  and row.get(columns["note"])]
        _reply_and_deadline_fields(proposal, columns.get("note"), notes, visits)
    parent = match_headers(headers, {"parent": UNIT_TREE_PARENTS}, set()).get("parent")
    if parent and "unit_tree" not in proposal and not engine:  # an engine's PARENT_TASK_ID_ is a task's parent
        notes.append(f"有上级单位列「{parent}」：这是单位表，可写 unit_tree: {{sheet 或 files, unit: 单位列, parent: {parent}}}，"
                     "转办给下级单位的行将按下派导入（docs/importing.md「转办」）")
    unused = [h for h in headers if h not in taken]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}（可放入 payload_columns 或 intake）")
    return proposal, notes


def _other_parts(parts: list[_Part], flow_parts: list[_Part], ticket_parts: list[_Part], proposal: dict[str, Any],
                 notes: list[str], formats: list[str]) -> None:
    """Visit and extension sheets as `event_sheets` (the formats their times need added to `formats`: an event sheet
    reads times with the mapping's); every other part named as not read by the proposal."""
    flow_paths = {part.path for part in flow_parts}
    sheets = []
    for part in parts:
        if part in flow_parts or part in ticket_parts:
            continue
        entry = event_sheet(part, flow_paths, notes)
        calls = None if entry or "calls" in proposal else calls_section(part, flow_paths, notes)
        tree = None if entry or calls or "unit_tree" in proposal else unit_tree_section(part, UNIT_TREE_PARENTS)
        staff = None if entry or calls or tree or "roster" in proposal else roster_section(part)
        if entry:
            request = request_sheet(part, flow_paths, entry)
            if request:  # the application first, then its ruling
                sheets.append(request)
                notes.append(f"「{part.label or part.sheet or part.path.name}」每行另有申请时间「{request['columns']['at']}」："
                             f"申请也作为一项 event_sheets（{request['action']}），流转中已有的同一申请由它补全而不重复")
            sheets.append(entry)
            at = entry["columns"].get("at")
            formats += [fmt for fmt in _date_formats([row.get(at) for row in part.rows]) if at and fmt not in formats]
        elif calls:
            proposal["calls"] = calls
        elif staff:
            proposal["roster"] = staff
            notes.append(f"{staff.get('sheet') or part.path.name} 是人员表：作为 roster 段（人员代码、姓名、所属单位），"
                         "与流转记录中的操作人代码对应")
        elif tree:
            proposal["unit_tree"] = tree
            notes.append(f"{tree.get('sheet') or part.path.name} 是单位表（{tree['unit']} 的上级为 {tree['parent']}）：作为 unit_tree，"
                         "转办给下级单位的行按下派导入；unit 列须与流转记录中单位的写法一致（代码对代码）")
        elif part.json_rows:
            notes.append(f"数组 {part.json_rows}（{part.glob}，{len(part.rows)} 行，列：{', '.join(part.headers[:6])} …）未使用："
                         f"其元素若是步骤（退单申请与审核、督办 …），各写一项 event_sheets: {{files: {part.glob}, "
                         f"{part.document_kind}: {{rows: {part.json_rows}}}, columns …}}（docs/importing.md「JSON documents」）")
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


# Events whose reason a platform writes in the step's note column (退回申请「非我单位职责」, 办结审核不通过「答复不具体」).
REASON_EVENTS = ("ReturnRequested", "ExtensionRequested", "HandedOver", "ReturnRejected", "ExtensionRejected",
                 "ClosureRejected")


def _reply_and_deadline_fields(proposal: dict[str, Any], note: str | None, notes: list[str],
                               visit_notes: list[str] = ()) -> None:
    """The note column as the reply text of closure requests and replies (the reply rules read `reply`), as the
    reason of requests and refusals that have no reason column of their own, and as
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
    reasons = [event for event in REASON_EVENTS if note and event in events and "reason" not in fields.get(event, {})]
    for event in reasons:  # the words a unit gives for its request, or the centre for its refusal
        fields.setdefault(event, {})["reason"] = note
    if reasons:
        notes.append(f"「{note}」在 {'、'.join(reasons)} 行上作为理由（reason：退单、延期的理由与驳回意见，线索中可见）")
    requested = fields.get("ExtensionRequested", {}).get("requested_due_at")
    if requested and "new_due_at" not in fields.get("ExtensionApproved", {}):
        fields.setdefault("ExtensionApproved", {})["new_due_at"] = requested
        notes.append(f"延期审核通过行的「{requested}」作为新的办理时限（new_due_at）；没有它，超期规则按原时限判断")
    if not fields:
        del proposal["action_fields"]


def _history_part(parts: list[_Part]) -> _Part | None:
    """Of a several-part export with no flow records (no part has an action column), the ticket sheet whose flow
    history is held in one cell (处理过程), if any."""
    from rexian.importing.suggest_history import history_column

    if any(part.action_column for part in parts):
        return None
    return next((part for part in parts if part.is_ticket_sheet() and history_column(part.headers, part.rows)), None)


def _one_row_per_ticket(part: _Part, notes: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A file with one row per ticket and no action column: its flow history in one cell (`history`) when a
    column holds several timed lines, else a ticket list (`mode: tickets`)."""
    from rexian.importing.history_cells import step_columns
    from rexian.importing.suggest_history import history_column, history_separator, line_pattern, step_lines

    proposal: dict[str, Any] = {"source": "请改为来源平台的名称"}
    if part.sheet:
        proposal["sheet"] = part.sheet
    column = history_column(part.headers, part.rows)
    taken = {part.ticket_column, column}
    # The reply column first: 答复内容 holds 内容 but is not the complaint.
    reply = match_headers(part.headers, {"reply": ("答复内容", "回复内容", "办理结果", "处理结果", "答复")}, taken)
    intake = match_headers(part.headers, INTAKE_SYNONYMS, taken)
    outcome = match_headers(part.headers, {k: v for k, v in TICKET_SHEET_SYNONYMS.items() if k != "visit_result"}, taken)
    visit = match_headers(part.headers, {"satisfaction": ACTION_FIELD_SYNONYMS["Visited.satisfaction"],
                                  "resolved": ACTION_FIELD_SYNONYMS["Visited.resolved"]}, taken)
    if column is None:
        target = match_headers(part.headers, {"target_unit_id": HEADER_SYNONYMS["target_unit_id"]}, taken)
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
    separator = history_separator(column, part.rows)
    lines = step_lines(column, part.rows, separator)
    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    pattern, how = line_pattern(lines, lambda word: bool(guess_action(word, known) or known.action_for(word)))
    proposal["columns"] = {"ticket_id": part.ticket_column}
    kind = kind_column(part.headers, part.rows, taken | set(intake.values()) | set(outcome.values()))
    if kind:
        words = kind_values(kind, part.rows)
        if words:
            intake["kind"] = kind
            proposal["values"] = {"kind": words}
            notes.append(f"「{kind}」是诉求类型（{'、'.join(words)}）：作为受理的 kind；咨询、建议、表扬不算投诉，重复投诉类规则不计")
    if intake:
        proposal["intake"] = intake
    history: dict[str, Any] = {"column": column, "line": pattern or "?  # 每一步的正则模式，见 docs/importing.md"}
    if separator:
        history["separator"] = separator
        notes.append(f"「{column}」的单元格在同一行内写了几步（分号后接时间）：separator 按分号拆分，"
                     "说明中的分号（其后不是时间）不拆")
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
        _labelled_fields(proposal, column, compiled, notes)
        if "target_unit_id" not in parts:
            notes.append("模式中没有派单的目标单位（target_unit_id）：派单没有 lead_unit_id，规则无法点名单位")
    _unused(part.headers, (taken - set(reply.values())) | set(intake.values()) | set(outcome.values())
            | set(visit.values()), notes)
    return proposal, notes


def _labelled_fields(proposal: dict[str, Any], column: str, pattern, notes: list[str]) -> None:
    """The labelled parts the line pattern reads (附件, 延期至, 通话编号) as the per-action fields they are."""
    from rexian.importing.suggest_history import LABELLED_FIELDS

    events = set(proposal.get("actions", {}).values())
    fields = proposal.setdefault("action_fields", {})
    for group, uses in LABELLED_FIELDS.items():
        if group not in pattern.groupindex:
            continue
        used = [f"{event}.{name}" for event, name in uses if event in events]
        for event, name in uses:
            if event in events:
                fields.setdefault(event, {})[name] = f"{column}.{group}"
        if used:
            notes.append(f"步骤中的「{group}：」单独读作 {column}.{group}，用作 {', '.join(used)}")
    if not fields:
        del proposal["action_fields"]


def _unused(headers: list[str], taken: set, notes: list[str]) -> None:
    unused = [h for h in headers if h not in taken]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}（可放入 payload_columns 或 intake）")


def kind_column(headers: list[str], rows: list[dict[str, Any]], taken: set[str]) -> str | None:
    """A column whose words are kinds of request (诉求类型: 投诉/咨询/求助/建议 …, docs/events.md `kind`): the
    intake's `kind`, by its values whatever its header — consultations and praise are not complaints for the
    repeat rules. Marks it taken."""
    from rexian.domain.vocabulary import TICKET_KINDS

    labels = set(TICKET_KINDS.values()) | set(TICKET_KINDS)
    for header in headers:
        values = [as_text(row.get(header)).strip() for row in rows if row.get(header) not in (None, "")]
        if header not in taken and values and sum(value in labels for value in values) >= 0.9 * len(values):
            taken.add(header)
            return header
    return None


def kind_values(column: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The `values` translation of a kind column's Chinese words (投诉 → complaint)."""
    from rexian.domain.vocabulary import TICKET_KINDS

    codes = {label: kind for kind, label in TICKET_KINDS.items()}
    seen = {as_text(row.get(column)).strip() for row in rows if row.get(column) not in (None, "")}
    return {word: codes[word] for word in sorted(seen) if word in codes}


def _ticket_sheet(part: _Part, notes: list[str], flow_paths: set[Path]) -> dict[str, Any]:
    """The `ticket_sheet` section for a ticket file or sheet: its ticket number, intake and outcome columns —
    `sheet:` when it is a sheet of the flow records' workbook, `files:` for a file of its own."""
    taken = {part.ticket_column}
    sheet: dict[str, Any] = part_place(part, flow_paths)
    sheet["ticket_id"] = part.ticket_column
    sheet["intake"] = match_headers(part.headers, INTAKE_SYNONYMS, taken)
    kind = kind_column(part.headers, part.rows, taken)
    if kind:
        sheet["intake"]["kind"] = kind
    sheet.update(match_headers(part.headers, TICKET_SHEET_SYNONYMS, taken))
    visit = match_headers(part.headers, {"resolved": ACTION_FIELD_SYNONYMS["Visited.resolved"]}, taken)
    if sheet.get("visit_result") and visit:  # two columns: a field each (docs/importing.md, ticket_sheet)
        sheet["visit_result"] = {"satisfaction": sheet["visit_result"], **visit}
    where = f"工作表「{part.sheet}」" if part.sheet else f"文件 {part.path.name}"
    notes.append(f"{where}每行一件工单，没有动作列：作为 ticket_sheet（工单表）按工单编号并入流转记录")
    unused = [h for h in part.headers if h not in taken]
    if unused:
        notes.append(f"工单表未使用的列：{', '.join(unused)}")
    return sheet
