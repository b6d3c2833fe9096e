"""`mapping suggest` over a change-data-capture log (Debezium JSON lines, importing/readers_cdc.py): the captured
tables told apart by the change events' `source.table`, the work-order table proposed as a snapshot log
(`mode: snapshots`, `cdc: debezium`) — its change time and changer, its status and unit columns, every status value
with its count, the status changes that leave one value for several others (what `transitions` is for), and the
columns that change on their own (what `changes` is for) —, a call table as the `calls` section, a staff table beside
them as the lookup that gives the changer's unit."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from rexian.importing.header_words import match_headers
from rexian.importing.readers_cdc import META, changes_of, image_values, is_canal, is_change
from rexian.importing.rejects import RejectLog
from rexian.importing.suggest_fields import kind_column, kind_values
from rexian.importing.suggest_parts import SAMPLE_ROWS, Part, sample
from rexian.importing.suggest_sheets import ROSTER_COLUMNS, calls_section
from rexian.importing.suggest_words import (ACTION_FIELD_SYNONYMS, HEADER_SYNONYMS, INTAKE_SYNONYMS, date_formats)
from rexian.importing.values import as_text

# The columns a table updated in place keeps of its last change (RuoYi's update_by / update_time, gmt_modified …).
CHANGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "at": ("update_time", "modify_time", "modified_time", "gmt_modified", "last_update_time", "updated_at",
           "更新时间", "修改时间", "最后修改时间", "最后更新时间"),
    "actor_id": ("update_by", "modify_by", "modified_by", "updater", "update_user", "last_update_by", "updated_by",
                 "修改人", "更新人", "最后修改人"),
}
SNAPSHOT_COLUMNS: dict[str, tuple[str, ...]] = {
    "state": ("工单状态", "状态", "当前环节", "环节", "status", "state", "node_name", "order_status"),
    "unit": ("承办单位", "当前承办单位", "当前处理部门", "办理单位", "处理部门", "handle_dept_id", "handle_dept", "cur_dept_id",
             "cur_dept", "dept_id", "deal_dept", "dept"),
    "assignee": ("承办人", "当前承办人", "处理人", "handle_user", "cur_handler", "handler", "assignee"),
}
# A column that changes on its own (no status or unit change with it) and what its header suggests it records.
CHANGE_EVENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CitizenContacted", ("contact_time", "联系时间", "联系市民")),
    ("ReminderSent", ("urge", "remind", "催办")),
    ("ProgressNoted", ("opinion", "progress", "意见", "进展", "办理情况")),
)


# A ticket table's own English column names for the per-action fields (the flow-record words are suggest_words').
TABLE_ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "ReturnRequested.reason": ("back_reason", "return_reason", "reject_reason"),
    "ExtensionRequested.reason": ("delay_reason", "extend_reason", "postpone_reason"),
    "ExtensionRequested.requested_due_at": ("delay_apply_to", "delay_to", "extend_to", "apply_deadline"),
    "ClosureRequested.reply": ("reply_content", "reply", "answer_content", "handle_result"),
    "ClosureRequested.evidence": ("attach_files", "attachments", "attach_file", "file_names"),
    "Visited.satisfaction": ("visit_satisfaction", "satisfaction"),
    "Visited.resolved": ("visit_solved", "is_solved", "solved", "resolved"),
    "Visited.reached": ("visit_contact", "contact_status", "is_contacted"),
    "Visited.call_id": ("visit_call_id", "callback_call_id"),
}


def cdc_paths(paths: list[Path]) -> list[Path]:
    """The inputs whose first line is a change event (Debezium JSON lines)."""
    found = []
    for path in paths:
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as handle:
                first = next((line for line in handle if line.strip()), "")
            value = json.loads(first) if first.strip().startswith("{") else None
        except (OSError, ValueError):
            continue
        if is_change(value) or is_canal(value) or (isinstance(value, dict) and is_change(value.get("payload"))):
            found.append(path)
    return found


def cdc_suggest(paths: list[Path], cdc: list[Path], notes: list[str]) -> tuple[dict[str, Any], list[str]]:
    tables = _tables(cdc, notes)
    calls = next(((name, part) for name, part in tables.items() if calls_section(part, set(), []) is not None), None)
    main = max((part for name, part in tables.items() if calls is None or name != calls[0]),
               key=lambda part: (part.ticket_column is not None, len(part.rows)), default=None)
    canal = any(str(part.rows[0].get("cdc.position", "")).startswith("canal:") for part in tables.values() if part.rows)
    proposal: dict[str, Any] = {"source": "请改为来源平台的名称", "mode": "snapshots",
                                "cdc": "canal" if canal else "debezium", "timezone": "Asia/Shanghai"}
    notes.append("变更日志（Debezium）：每行一条变更，按其行映像读取（列名即表的列名）；DATETIME 的毫秒数按墙上时间读，"
                 "TIMESTAMP 的 ISO 时间（…Z）按 timezone 换算（docs/importing.md「A change-data-capture log」）")
    if main is None:
        return proposal, notes
    taken: set[str] = set(META)
    columns = match_headers(main.headers, CHANGE_COLUMNS, taken)
    columns.update(match_headers(main.headers, {name: HEADER_SYNONYMS[name] for name in ("ticket_id", "note")}, taken))
    snapshot = match_headers(main.headers, SNAPSHOT_COLUMNS, taken)
    intake = match_headers(main.headers, INTAKE_SYNONYMS, taken)
    if kind := kind_column(main.headers, main.rows, taken):
        intake["kind"] = kind
        if words := kind_values(kind, main.rows):
            proposal["values"] = {"kind": words}
    staff = _staff_lookup(paths, columns.get("actor_id"), notes)
    if staff:
        proposal["lookups"] = [staff]
        columns["actor_unit_id"] = "changer_dept"
    proposal["columns"] = {name: columns[name] for name in ("ticket_id", "at", "actor_id", "actor_unit_id", "note")
                           if name in columns}
    if intake:
        proposal["intake"] = intake
    rules: dict[str, Any] = {"order_by": ["cdc.position"], **snapshot}
    if "state" in snapshot:
        rules["states"], moves = _states(main, columns.get("ticket_id"), snapshot["state"], notes)
        if moves:
            rules["transitions"] = moves
    changed = _changed_columns(main, columns, snapshot, taken)
    if changed:
        rules["changes"] = changed
    proposal["snapshots"] = rules
    action_fields: dict[str, dict[str, str]] = {}
    words = {key: (*ACTION_FIELD_SYNONYMS.get(key, ()), *TABLE_ACTION_FIELDS.get(key, ()))
             for key in (*ACTION_FIELD_SYNONYMS, *TABLE_ACTION_FIELDS)}
    for key, header in match_headers(main.headers, words, set(taken)).items():
        action, name = key.split(".")
        action_fields.setdefault(action, {})[name] = header
    if "due_at" in action_fields.get("Dispatched", {}) and "state" in snapshot:
        # a table updated in place moves its one deadline column when an extension is approved
        action_fields["ExtensionApproved"] = {"new_due_at": action_fields["Dispatched"]["due_at"]}
    if action_fields:
        proposal["action_fields"] = action_fields
        notes.append("action_fields 按列名猜出：请核对每个字段用于哪个事件；编码的回访结果（1/2/3）请在 values 中写明含义")
    formats = [fmt for fmt in date_formats([row.get(columns["at"]) for row in main.rows]) if "at" in columns]
    if formats:
        proposal["date_formats"] = formats
    if calls is not None:
        section = calls_section(calls[1], set(), notes)
        if section is not None:
            section["files"] = calls[1].glob
            proposal["calls"] = section
    for name in ("ticket_id", "at"):
        if name not in columns:
            notes.append(f"未找到 {name} 对应的列：请在 columns 中写明（可用列：{', '.join(main.headers)}）")
    for name in ("state", "unit"):
        if name not in snapshot:
            notes.append(f"未找到 snapshots.{name} 对应的列（状态 / 当前承办单位）：请写明")
    unused = [h for h in main.headers if h not in taken and h not in changed]
    if unused:
        notes.append(f"未使用的列：{', '.join(unused)}")
    return proposal, notes


def _tables(cdc: list[Path], notes: list[str]) -> dict[str, Part]:
    """The captured tables, each a Part of its files' row images (a sample), named by `source.table`."""
    tables: dict[str, Part] = {}
    for path in cdc:
        rejects = RejectLog()
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        changes = changes_of(path, text, rejects)
        name = next((str(change["source"].get("table")) for _, change in changes
                     if isinstance(change.get("source"), dict) and change["source"].get("table")), path.stem)
        part = tables.get(name)
        if part is None:
            part = tables[name] = Part(path, None, [], [], glob=f"*{name}*" if name in path.name else path.name)
        elif name not in path.name:
            part.glob = "*.json"
            notes.append(f"表 {name} 的文件名不含表名：files 请按实际文件名写")
        for number, change in changes:
            image = change.get("after") if isinstance(change.get("after"), dict) else change.get("before")
            if isinstance(image, dict) and len(part.rows) < SAMPLE_ROWS:
                values = image_values(image, change, number)
                part.rows.append(values)
                part.headers += [h for h in values if h not in part.headers and h not in META]
    for part in tables.values():
        part.ticket_column = match_headers(part.headers, {"ticket_id": HEADER_SYNONYMS["ticket_id"]}, set()
                                           ).get("ticket_id")
    return tables


def _states(part: Part, ticket: str | None, state: str, notes: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Every status value as `?` (what a platform's codes mean is its own, never guessed), and the changes out of a
    value that leads to several others (退单审核中 → 待派单 or 办理中), as transitions to say."""
    counts = Counter(as_text(row[state]) for row in part.rows if row.get(state) is not None)
    moves: Counter = Counter()
    last: dict[str, str] = {}
    for row in sorted(part.rows, key=lambda row: as_text(row.get("cdc.position") or "")):
        key, value = as_text(row.get(ticket)) if ticket else "", row.get(state)
        if value is None:
            continue
        value = as_text(value)
        if key in last and last[key] != value:
            moves[(last[key], value)] += 1
        last[key] = value
    sources = Counter(before for before, _ in moves)
    forks = {f"{before}>{after}": "?" for (before, after) in sorted(moves) if sources[before] > 1}
    notes.append(f"状态列「{state}」的取值：{'、'.join(f'{v}（{n} 行）' for v, n in sorted(counts.items()))}——"
                 "每个值写出进入它时的事件（或 null、或事件列表）")
    if forks:
        notes.append("同一状态转向不同状态（" + "、".join(f"{b}>{a} {n} 次" for (b, a), n in sorted(moves.items())
                                               if sources[b] > 1) +
                     "）：在 snapshots.transitions 中写出每种变化的事件（退单同意/驳回、办结驳回、转办 …），"
                     "不需要的删去")
    return {value: "?" for value in sorted(counts)}, forks


def _changed_columns(part: Part, columns: dict[str, str], snapshot: dict[str, str], taken: set[str]) -> dict[str, str]:
    """Columns whose value changes on snapshots where neither the status nor the unit does, with the event their
    header suggests (else `?`), most frequent first."""
    ticket = columns.get("ticket_id")
    skip = {*(columns.get(name) for name in ("ticket_id", "at", "actor_id")), *snapshot.values(), *META}
    counts: Counter = Counter()
    previous: dict[str, dict[str, Any]] = {}
    for row in sorted(part.rows, key=lambda row: as_text(row.get("cdc.position") or "")):
        key = as_text(row.get(ticket)) if ticket else ""
        before = previous.get(key)
        previous[key] = row
        if before is None or any(before.get(c) != row.get(c) for c in snapshot.values() if c):
            continue
        changed = [h for h in part.headers if h not in skip and row.get(h) is not None and row.get(h) != before.get(h)]
        counts.update(changed)
    proposal = {}
    for header, _ in counts.most_common():
        event = next((event for event, words in CHANGE_EVENTS if any(w in header.lower() for w in words)), None)
        if event and event not in proposal.values():
            proposal[header] = event
    if "note" in columns and columns["note"] in counts and columns["note"] not in proposal:
        proposal[columns["note"]] = "ProgressNoted"
    # The first changed column listed decides: a contact time or a reminder count before a free-text note that
    # changes with them (a reminder writes its words in the note too).
    order = [event for event, _ in CHANGE_EVENTS]
    taken |= set(proposal)
    return dict(sorted(proposal.items(), key=lambda item: order.index(item[1])))


def _staff_lookup(paths: list[Path], actor: str | None, notes: list[str]) -> dict[str, Any] | None:
    """A staff table among the other inputs (工号 / user_code beside its unit): the lookup giving the changer's unit."""
    if actor is None:
        return None
    for path in paths:
        if path.suffix.lower() not in (".csv", ".txt", ".xlsx", ".xls"):
            continue
        headers, _, _ = sample(path)
        words = {**ROSTER_COLUMNS, "person_id": (*ROSTER_COLUMNS["person_id"], "user_code", "user_id", "emp_no"),
                 "unit_id": (*ROSTER_COLUMNS["unit_id"], "dept_id", "dept_code", "org_id")}
        found = match_headers(headers, {k: words[k] for k in ("person_id", "unit_id")}, set())
        if {"person_id", "unit_id"} <= set(found):
            notes.append(f"{path.name} 是人员表：按 {actor} 查出修改人所在单位（lookups），作为 actor_unit_id")
            return {"files": f"{path.stem}*", "key": found["person_id"], "by": actor,
                    "columns": {"changer_dept": found["unit_id"]}}
    return None
