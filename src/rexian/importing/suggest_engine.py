"""`mapping suggest` for the history tables of a workflow engine (Activiti / Flowable, delivered one file per table):
each table recognised by its columns — not its file name — and the draft built on `lookups` (docs/importing.md
"Lookups"): the task table as the flow records, the process instance's business key as the ticket number, each
task's candidate group as its unit, the variables pivoted by process instance, a task's name and end reason
joined as its action word and its claim time as the sign-for's own time."""

from __future__ import annotations

from collections import Counter
from copy import deepcopy  # a shared dict is written as a YAML alias, which mappings refuse
from dataclasses import dataclass, field
from typing import Any

from rexian.importing.header_words import NOT_LETTERS
from rexian.importing.values import as_text

# The columns that make a table one of the engine's, in case- and separator-folded form (ASSIGNEE_ → assignee).
TASKS = ("procinstid", "name", "assignee", "starttime", "endtime", "taskdefkey")
INSTANCES = ("id", "businesskey", "procdefid", "starttime")
LINKS = ("groupid", "type", "userid", "taskid")
VARIABLES = ("procinstid", "name", "vartype")
COMMENTS = ("time", "userid", "taskid", "procinstid", "type")  # and a message column (FULL_MSG_ / MESSAGE_)
ACTIVITIES = ("actname", "acttype", "taskid", "procinstid")
VALUE_COLUMNS = ("text", "long", "double")  # the value columns of a variable row, in the order they are read
TICKET, UNIT, STEP = "工单编号", "办理单位", "环节结果"  # the columns the lookups and the joined action add
TASK_NAME, OPINION = "环节", "环节意见"  # a comment's step name (a lookup) and its action (the name with its type)


def _folded(part: Any) -> dict[str, str]:
    """Folded column name → the header as written."""
    return {NOT_LETTERS.sub("", header.casefold()): header for header in part.headers}


def _is(part: Any, columns: tuple[str, ...]) -> bool:
    return set(columns) <= set(_folded(part))


@dataclass
class EngineTables:
    """The engine's tables found among the parts, and what the draft reads from them."""

    tasks: Any
    read: list[Any] = field(default_factory=list)  # the tables the lookups read (not flow records, not unused)
    lookups: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    joined: dict[str, list[str]] = field(default_factory=dict)
    event_times: dict[str, str] = field(default_factory=dict)
    sheets: list[dict[str, Any]] = field(default_factory=list)  # event_sheets entries (the opinions)
    words: Counter = field(default_factory=Counter)  # the action words of those entries, sampled


def engine_tables(parts: list[Any], notes: list[str]) -> EngineTables | None:
    """The engine's tables among the parts, or None when no part is a task history (ID_, PROC_INST_ID_, NAME_,
    ASSIGNEE_, START_TIME_, END_TIME_, TASK_DEF_KEY_). The task rows sampled gain the columns the lookups add, so
    that the action words, fields and formats proposed after are read as the import will read them."""
    tasks = next((part for part in parts if _is(part, TASKS) and "id" in _folded(part)), None)
    if tasks is None:
        return None
    own = _folded(tasks)
    found = EngineTables(tasks)
    name = tasks.label or tasks.sheet or tasks.path.name
    notes.append(f"{name} 是工作流引擎（Activiti / Flowable）的任务历史表（{own['taskdefkey']}、{own['assignee']}、"
                 f"{own['endtime']}）：作为流转记录，其余引擎表经 lookups 并入（docs/importing.md「Lookups」）")
    ticket = _instances(parts, tasks, found, notes) or own["procinstid"]
    _links(parts, tasks, found, notes)
    _variables(parts, tasks, found, notes)
    action = [own["name"]] + [own[c] for c in ("deletereason",) if c in own]
    found.joined = {STEP: action}
    for row in tasks.rows:
        row[STEP] = " ".join(as_text(row[c]) for c in action if row.get(c) not in (None, "")) or None
    tasks.headers.append(STEP)
    found.columns = {"ticket_id": ticket, "at": own["endtime"], "action": STEP, "actor_id": own["assignee"]}
    if any(lookup["columns"].get(UNIT) for lookup in found.lookups):
        found.columns["actor_unit_id"] = UNIT
    notes.append(f"动作词为任务名与结束原因合写（joined_columns {STEP}: {' + '.join(action)}）：退回、转办、审核结论各成一词，"
                 "请逐词指定事件；审核结论在变量中时把它的列也并入 joined_columns")
    if "claimtime" in own:
        found.event_times = {"SignedFor": own["claimtime"]}
        notes.append(f"任务的签收时间 {own['claimtime']} 作为签收（SignedFor）的时间（event_times）：把承办任务的动作词写作 "
                     "[SignedFor, …]；未结束的任务（无结束时间）只有签收")
    if "parenttaskid" in own:
        notes.append(f"{own['parenttaskid']} 是子任务的上级任务（下派给下级单位办理），不是单位的上级：没有单位树时"
                     "下派只能从子任务名或其意见读出")
    tasks.ticket_column, tasks.action_column = ticket, STEP
    _comments(parts, tasks, found, notes)
    return found


def _comments(parts: list[Any], tasks: Any, found: EngineTables, notes: list[str]) -> None:
    """The opinions (TIME_, USER_ID_, TASK_ID_, PROC_INST_ID_, TYPE_, FULL_MSG_ / MESSAGE_) as an `event_sheets`
    entry: its action word its task's name joined with its type, since one type (正常意见) is a dispatcher's note, a
    unit's reply and a reviewer's approval. The name comes from the activity table (ACT_NAME_ by TASK_ID_): a table
    a lookup reads is not read as flow records, so the task table itself cannot be the lookup."""
    table = next((part for part in parts if part is not tasks and _is(part, COMMENTS)
                  and {"fullmsg", "message"} & set(_folded(part))), None)
    if table is None:
        return
    cols = _folded(table)
    message = cols.get("fullmsg") or cols["message"]
    activities = next((part for part in parts if part not in (tasks, table) and _is(part, ACTIVITIES)), None)
    names: dict[str, Any] = {}
    action = [cols["type"]]
    if activities:
        acts = _folded(activities)
        names = {as_text(row[acts["taskid"]]): row.get(acts["actname"]) for row in activities.rows
                 if row.get(acts["taskid"]) not in (None, "")}
        found.lookups.append(_lookup(activities, acts["taskid"], cols["taskid"], {TASK_NAME: acts["actname"]}))
        found.read.append(activities)
        action = [TASK_NAME, cols["type"]]
    for row in table.rows:
        row[OPINION] = " ".join(as_text(v) for v in (names.get(as_text(row.get(cols["taskid"]))), row.get(cols["type"]))
                                if v not in (None, "")) or None
    found.words = Counter(row[OPINION] for row in table.rows if row[OPINION])
    units = [lookup for lookup in found.lookups if lookup["columns"].get(UNIT)]
    found.lookups += [{**deepcopy(lookup), "by": cols["taskid"]} for lookup in units if cols["taskid"] != lookup["by"]]
    columns = {"ticket_id": found.columns["ticket_id"] if found.columns["ticket_id"] == TICKET else cols["procinstid"],
               "at": cols["time"], "action": OPINION, "actor_id": cols["userid"],
               **({"actor_unit_id": UNIT} if units else {}), "note": message}
    found.sheets.append({"files": f"*{table.path.stem}*", "joined_columns": {OPINION: action}, "columns": columns})
    found.read.append(table)
    step = (f"所属任务的环节名（{activities.path.name} 的 ACT_NAME_，lookups 按 {cols['taskid']}）与意见类型合写"
            if activities else "意见类型（没有活动表，同一类型在派单、承办、审核中意思不同，请核对）")
    notes.append(f"{table.path.name} 是任务意见表：作为一项 event_sheets，动作词为{step}（{OPINION}）；与任务行同一时刻的意见"
                 "会补全那一步，不同步骤相隔很近时请写 match_within（如 1m）")


def _lookup(part: Any, key: str, by: str, columns: dict[str, str], **more: Any) -> dict[str, Any]:
    return {"files": f"*{part.path.stem}*", "key": key, "by": by, **more, "columns": columns}


def _instances(parts: list[Any], tasks: Any, found: EngineTables, notes: list[str]) -> str | None:
    """The process-instance table (ID_, BUSINESS_KEY_, PROC_DEF_ID_): the ticket number of each task's instance."""
    table = next((part for part in parts if part is not tasks and _is(part, INSTANCES)), None)
    if table is None:
        notes.append("没有流程实例表（BUSINESS_KEY_）：工单编号只能用流程实例号，工单表须按流程实例号并入")
        return None
    cols, own = _folded(table), _folded(tasks)
    keys = {as_text(row[cols["id"]]): row.get(cols["businesskey"]) for row in table.rows}
    for row in tasks.rows:
        row[TICKET] = keys.get(as_text(row.get(own["procinstid"])))
    tasks.headers.append(TICKET)
    found.read.append(table)
    found.lookups.append(_lookup(table, cols["id"], own["procinstid"], {TICKET: cols["businesskey"]}))
    notes.append(f"{table.path.name} 是流程实例表：{cols['businesskey']}（业务键）作为工单编号（lookups）")
    return TICKET


def _links(parts: list[Any], tasks: Any, found: EngineTables, notes: list[str]) -> None:
    """The identity links (GROUP_ID_, TYPE_, USER_ID_, TASK_ID_) whose type `candidate` names each task's group:
    the unit of the task's steps."""
    for table in (part for part in parts if part is not tasks and _is(part, LINKS)):
        cols, own = _folded(table), _folded(tasks)
        candidate = [row for row in table.rows if as_text(row.get(cols["type"]) or "") == "candidate"
                     and row.get(cols["groupid"]) not in (None, "") and row.get(cols["taskid"]) not in (None, "")]
        if not candidate:
            continue
        groups = {as_text(row[cols["taskid"]]): row[cols["groupid"]] for row in candidate}
        for row in tasks.rows:
            row[UNIT] = groups.get(as_text(row.get(own["id"])))
        tasks.headers.append(UNIT)
        found.read.append(table)
        found.lookups.append(_lookup(table, cols["taskid"], own["id"], {UNIT: cols["groupid"]},
                                     where={cols["type"]: "candidate"}))
        notes.append(f"{table.path.name} 是身份关联表：任务的候选组（{cols['groupid']}，类型 candidate）作为办理单位（lookups）；"
                     "组是单位还是角色请核对")
        return


def _variables(parts: list[Any], tasks: Any, found: EngineTables, notes: list[str]) -> None:
    """A long key/value variable table (PROC_INST_ID_, NAME_, VAR_TYPE_, TEXT_/LONG_/DOUBLE_) pivoted by process
    instance: one column per variable name. The current values (one row per instance and name, ACT_HI_VARINST)
    are preferred to an update history (ACT_HI_DETAIL), whose per-task values are offered in a note."""
    tables = [part for part in parts if part is not tasks and _is(part, VARIABLES)
              and any(c in _folded(part) for c in VALUE_COLUMNS)]
    if not tables:
        return

    def repeats(part: Any) -> int:
        cols = _folded(part)
        pairs = Counter((as_text(row.get(cols["procinstid"])), as_text(row.get(cols["name"]))) for row in part.rows)
        return sum(n - 1 for n in pairs.values())

    table = min(tables, key=repeats)
    cols, own = _folded(table), _folded(tasks)
    values = [cols[c] for c in VALUE_COLUMNS if c in cols]
    names = Counter(as_text(row[cols["name"]]) for row in table.rows if row.get(cols["name"]) not in (None, ""))
    pivoted: dict[str, dict[str, Any]] = {}
    for row in table.rows:  # the last value written counts, as in the import
        value = next((row[c] for c in values if row.get(c) not in (None, "")), None)
        if row.get(cols["name"]) not in (None, ""):
            pivoted.setdefault(as_text(row.get(cols["procinstid"])), {})[as_text(row[cols["name"]])] = value
    taken = set(tasks.headers)
    columns = {name: name for name, _ in names.most_common() if name not in taken}
    for row in tasks.rows:
        row.update({name: pivoted.get(as_text(row.get(own["procinstid"])), {}).get(name) for name in columns})
    tasks.headers += list(columns)
    found.read += tables
    found.lookups.append(_lookup(table, cols["procinstid"], own["procinstid"], columns,
                                 pivot={"name": cols["name"], "value": values}))
    notes.append(f"{table.path.name} 是流程变量表（{cols['name']} / {'、'.join(values)}，长表）：按流程实例透视为列（lookups pivot），"
                 f"{len(columns)} 个变量各成一列，按变量名匹配字段；同名变量在一件工单中多次写入时只留最后一次")
    for other in tables:
        if other is not table and "taskid" in _folded(other):
            notes.append(f"{other.path.name} 是变量的逐次更新（含 {_folded(other)['taskid']}）：要每个任务自己的取值（各次审核结论）时，"
                         f"改用它按任务透视：key: {_folded(other)['taskid']}, by: {own['id']}")
