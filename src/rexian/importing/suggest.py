"""`rexian mapping suggest`: a first mapping for an unfamiliar export, proposed from its headers and values
(`rexian mapping check`, the dry run, is importing/mapping_check.py).

Suggestion is a proposal for a person to read and correct, never applied silently: each field names the
header it was matched to, each action word its count and the event it would mean (or `?`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rexian.importing.header_words import match_headers
from rexian.importing.suggest_cdc import cdc_paths, cdc_suggest
from rexian.importing.suggest_engine import engine_tables
from rexian.importing.suggest_event_logs import better_action_column, event_log_columns
from rexian.importing.suggest_fields import kind_column, kind_values, reply_and_deadline_fields
from rexian.importing.suggest_one_row import history_part, one_row_per_ticket
from rexian.importing.suggest_report import is_call_records, split_reports
from rexian.importing.suggest_parts import Part, sampled_parts
from rexian.importing.suggest_sheets import (calls_section, code_table, event_sheet, event_sheet_kind, joined_time,
                                             part_place, request_sheet, roster_section, unit_tree_section)
from rexian.importing.suggest_wide import wide_part, wide_proposal
from rexian.importing.suggest_words import (ACTION_FIELD_SYNONYMS, HEADER_SYNONYMS, INTAKE_SYNONYMS, NULL_WORDS,
                                            TICKET_SHEET_SYNONYMS, UNIT_TREE_PARENTS, date_formats, guess_action,
                                            propose_actions)
from rexian.importing.values import as_text

# Names the tests and other callers take from here (the tables and helpers live in the suggest_* modules).
__all__ = ["HEADER_SYNONYMS", "suggest", "guess_action", "_date_formats"]
_date_formats = date_formats


def suggest(paths: list[Path], sheet: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """(a proposed mapping, notes for the person reading it). A ticket sheet (one row per ticket, no action
    column) beside flow records, as a second file or sheet, is proposed as `ticket_sheet`."""
    notes: list[str] = []
    cdc = cdc_paths(paths)
    if cdc:  # a change-data-capture log: the captured tables' row images (importing/suggest_cdc.py)
        return cdc_suggest(paths, cdc, notes)
    parts = split_reports(sampled_parts(paths, sheet, notes), notes)
    codes = code_table(parts, notes) if len(parts) > 1 else None
    if codes:
        parts.remove(codes[0])
    engine = engine_tables(parts, notes) if len(parts) > 1 else None
    if engine:  # the tables its lookups read are neither flow records nor a ticket sheet
        parts = [part for part in parts if part not in engine.read]
    # A ticket sheet: one row per ticket, not a sheet of visits or extensions; the one with most intake columns.
    ticket_parts = sorted((part for part in parts if part.is_ticket_sheet() and not is_call_records(part)
                           and not event_sheet_kind(part.sheet or part.path.stem)),
                          key=lambda part: -len(match_headers(part.headers, INTAKE_SYNONYMS, set()))) if len(parts) > 1 else []
    flow_parts = [part for part in parts if part not in ticket_parts
                  and not (len(parts) > 1 and is_call_records(part))]  # call records: the calls section
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
    wide = wide_part(parts) if not engine else None
    if wide is not None:  # one row per ticket, the steps as numbered column groups (派单时间1 … 派单时间2 …)
        proposal = wide_proposal(wide, notes)
        _with_other_parts(parts, wide, proposal, notes)
        return proposal, notes
    if len(flow_parts) == 1 and not ticket_parts and flow_parts[0].is_ticket_sheet():
        return one_row_per_ticket(flow_parts[0], notes)
    history = history_part(parts) if len(parts) > 1 else None
    if history is not None:  # the flow in one cell of a ticket sheet, beside call records or other tables
        proposal, notes = one_row_per_ticket(history, notes)
        _with_other_parts(parts, history, proposal, notes)
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
    person_code(columns, headers, rows, taken, notes)
    better_action_column(columns, headers, rows, taken, notes)  # an event's serial number is not its action
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
    event_log_columns(proposal, columns, headers, rows, taken, notes)  # XES / process-mining logs (suggest_event_logs)
    ticket_sheet = _ticket_sheet(ticket_parts[0], notes, {part.path for part in flow_parts}) if ticket_parts else None
    intake_taken = set(taken)
    kind = kind_column(headers, rows, intake_taken) if ticket_sheet is None else None  # before 诉求类型 is a category
    intake = match_headers([h for h in headers if ticket_sheet is None or h not in ticket_sheet["intake"].values()],
                    INTAKE_SYNONYMS, intake_taken)
    if kind:
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
        closed = closed_words(ticket_sheet.get("status"), ticket_parts[0].rows)
        if closed:
            proposal["closed_states"] = closed
            notes.append(f"工单状态「{ticket_sheet['status']}」中 {'、'.join(closed)} 表示已办结（closed_states）："
                         "流转中没有办结行的工单按它办结；其他状态请核对")
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
    formats = date_formats([row.get(columns["at"]) for row in rows]) if "at" in columns else []
    if ticket_sheet:  # the ticket sheet's times may be written otherwise (「2026/3/5 9:14」 beside 「…9时14分」)
        part = ticket_parts[0]
        for column in [ticket_sheet["intake"].get("received_at"), ticket_sheet.get("closed_at"), ticket_sheet.get("due_at")]:
            formats += [fmt for fmt in date_formats([row.get(column) for row in part.rows]) if column
                        and fmt not in formats]
    formats += [fmt for fmt in sheet_formats if fmt not in formats]
    if formats:
        proposal["date_formats"] = formats
    for name in ("ticket_id", "at", "action"):
        if name not in columns:
            notes.append(f"未找到 {name} 对应的列：请在 columns 中写明（可用列：{', '.join(headers)}）")
    if "target_unit_id" not in columns and "moves" not in proposal:
        notes.append("未找到派单的目标单位列（流向部门/承办单位）：派单没有 lead_unit_id，规则无法点名单位")
    if "action" in columns:
        words = Counter(as_text(row.get(columns["action"])) for row in rows if row.get(columns["action"]) is not None)
        propose_actions(words + (engine.words if engine else Counter()), proposal, notes)
        visits = [as_text(row.get(columns["note"])) for row in rows if "note" in columns and row.get(columns["action"])
                  is not None and proposal["actions"].get(as_text(row[columns["action"]])) == "Visited"
                  and row.get(columns["note"])]
        steps: dict[str, list[str]] = {}
        for row in rows:  # the notes of extension rows, for a new deadline written in them
            event = proposal["actions"].get(as_text(row.get(columns["action"]))) if row.get(columns["action"]) else None
            if event in ("ExtensionRequested", "ExtensionApproved") and "note" in columns and row.get(columns["note"]):
                steps.setdefault(event, []).append(as_text(row[columns["note"]]))
        reply_and_deadline_fields(proposal, columns.get("note"), notes, visits, steps)
    parent = match_headers(headers, {"parent": UNIT_TREE_PARENTS}, set()).get("parent")
    if parent and "unit_tree" not in proposal and not engine:  # an engine's PARENT_TASK_ID_ is a task's parent
        notes.append(f"有上级单位列「{parent}」：这是单位表，可写 unit_tree: {{sheet 或 files, unit: 单位列, parent: {parent}}}，"
                     "转办给下级单位的行将按下派导入（docs/importing.md「转办」）")
    unused = [h for h in headers if h not in taken]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}（可放入 payload_columns 或 intake）")
    return proposal, notes


# Status words that say a ticket is finished (工单状态 of a ticket sheet): 已回访 and 已评价 come after the close.
CLOSED_WORDS = ("已办结", "办结", "已结案", "结案", "已归档", "归档", "已完结", "已回访", "已评价", "已关闭")


def closed_words(status: str | None, rows: list[dict[str, Any]]) -> list[str]:
    """The values of the ticket sheet's status column that say the ticket is finished, for `closed_states`."""
    seen = {as_text(row.get(status)).strip() for row in rows if status and row.get(status) not in (None, "")}
    return [word for word in CLOSED_WORDS if word in seen]


# A person's code beside the name column (办理人 + 工号): the code is the person, the name only shows them.
PERSON_CODE_HEADERS = ("工号", "人员代码", "人员编号", "用户代码", "员工编号")


def person_code(columns: dict[str, str], headers: list[str], rows: list[dict[str, Any]], taken: set[str],
                notes: list[str]) -> None:
    """`actor_id` from a code column (工号, 办理人工号 …) beside the name column matched first, the name kept as
    `actor_name`: several clerks share a name, and the organisation's people are keyed by their number."""
    name = columns.get("actor_id")
    if not name or any(name.endswith(word) for word in PERSON_CODE_HEADERS):
        return
    code = next((header for header in headers if header not in taken and any(
        header == word or header == name + word or header.endswith(word) and header[:-len(word)] in name
        for word in PERSON_CODE_HEADERS)), None)
    if code is None or not any(row.get(code) not in (None, "") for row in rows):
        return
    columns["actor_id"], columns["actor_name"] = code, name
    taken.add(code)
    notes.append(f"操作人按工号「{code}」认人（actor_id），姓名「{name}」作为 actor_name 只用于显示：同名者众多")


def _with_other_parts(parts: list[Part], main: Part, proposal: dict[str, Any], notes: list[str]) -> None:
    """The parts beside a one-row-per-ticket export (call records, visit sheets …), their time formats added."""
    sheet_formats: list[str] = []
    _other_parts(parts, [main], [], proposal, notes, sheet_formats)
    formats = proposal.get("date_formats", [])
    proposal["date_formats"] = formats + [fmt for fmt in sheet_formats if fmt not in formats]
    if not proposal["date_formats"]:
        del proposal["date_formats"]


def _other_parts(parts: list[Part], flow_parts: list[Part], ticket_parts: list[Part], proposal: dict[str, Any],
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
            formats += [fmt for fmt in date_formats([row.get(at) for row in part.rows]) if at and fmt not in formats]
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


def _ticket_sheet(part: Part, notes: list[str], flow_paths: set[Path]) -> dict[str, Any]:
    """The `ticket_sheet` section for a ticket file or sheet: its ticket number, intake and outcome columns —
    `sheet:` when it is a sheet of the flow records' workbook, `files:` for a file of its own."""
    taken = {part.ticket_column}
    sheet: dict[str, Any] = part_place(part, flow_paths)
    sheet["ticket_id"] = part.ticket_column
    kind = kind_column(part.headers, part.rows, taken)  # by its values, before 诉求类型 is taken as the category
    sheet["intake"] = match_headers(part.headers, INTAKE_SYNONYMS, taken)
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
