"""The sections of a mapping beyond its columns — snapshots, ticket_sheet, unit_tree, deadlines.categories,
calls / agent_status / roster, event_sheets, tickets — as dataclasses, each read from its YAML and checked,
with `MappingError` naming what is wrong (importing/mapping.py reads the whole file)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rexian.importing.json_documents import document_key
from rexian.importing.vocabulary import ACTIONS, default_vocabulary

if TYPE_CHECKING:
    from rexian.importing.mapping import Mapping

TICKET_LIST_FIELDS = ("dispatched_at", "closed_at", "reply", "status")
COUNTER_MEASURES = ("reassignments", "redispatches", "reopens", "dispatches", "closures")


class MappingError(ValueError):
    """The mapping file itself is wrong: nothing is imported."""


@dataclass
class SnapshotRules:
    state: str | None = None  # source column holding the state
    unit: str | None = None  # source column holding the responsible group (a change = a re-dispatch)
    assignee: str | None = None  # source column holding the person assigned (kept in the dispatch payload)
    order_by: list[str] = field(default_factory=list)  # columns ordering a case's snapshots after `at`
    states: dict[str, Any] = field(default_factory=dict)  # source state → action, list of actions, or null
    transitions: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (from, to) → actions
    changes: dict[str, Any] = field(default_factory=dict)  # column → the event its new value means, or {word: …}
    counters: dict[str, str] = field(default_factory=dict)  # source counter column → measure to check


@dataclass
class TicketSheet:
    """The ticket sheet of a two-part export: one row per ticket (intake text, caller, category, address …)
    joined to the flow records by ticket number. In the same workbook (`sheet`) or in separate files whose
    names match `files` (a glob such as "*工单*")."""

    ticket_id: str
    intake: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    files: str | None = None
    closed_at: str | None = None  # column of the close time (办结时间): a Closed event when the flows have none
    status: str | None = None  # column of the status (工单状态): one of closed_states closes the ticket
    visit_result: Any = None  # the last visit's result: a column (回访结果) or {satisfaction: 列, resolved: 列}
    due_at: str | None = None  # column of the ticket's deadline (办理时限): the due_at of dispatches without one


@dataclass
class UnitTree:
    """Where the tree is (`sheet` of each workbook input, or files matching `files`) and its two columns."""

    unit: str
    parent: str
    sheet: str | None = None
    files: str | None = None


@dataclass
class CategoryLimits:
    """The export's categories table (`deadlines.categories`): each category's time limit in working days,
    from a sheet of each workbook input or from files matching `files`."""

    category: str
    days: str
    sheet: str | None = None
    files: str | None = None


@dataclass
class RecordSection:
    """Call records or agent status (or the roster) beside the flow records, in the same mapping and run
    (`calls:` / `agent_status:` / `roster:` sections): from a sheet of each workbook input or from the files
    matching `files`, read by `mapping`, a `mode: table` mapping of that table built from the section."""

    mapping: "Mapping"
    sheet: str | None = None
    files: str | None = None


# Settings of the flow mapping a record section inherits unless it gives its own.
RECORD_INHERITED = ("encoding", "delimiter", "nulls", "date_format", "date_formats", "timezone", "cdc")
# (`joined_columns` is not inherited: a section's own columns are named in the section.)
# … and an event sheet, which reads actions as the flow records do, inherits these as well.
EVENT_SHEET_INHERITED = (*RECORD_INHERITED, "values", "use_default_actions", "unknown_action", "action_match",
                         "evidence_words", "progress_kinds")
EVENT_SHEET_ACTION = "〈固定动作〉"  # the column a fixed `action:` is read from (named so in a rejection)
EVENT_SHEET_KEYS = {"sheet", "files", "action", "match_within", "columns", "actions", "action_fields", "values",
                    "joined_columns",
                    "payload_columns", "nulls", "date_format", "date_formats", "encoding", "delimiter", "format",
                    "json"}


@dataclass
class EventSheet:
    """A sheet (or files) of further actions joined to the flow records by ticket number (`event_sheets:`,
    importing/event_sheets.py): read by `mapping`, a flow mapping built from the section; `action` is the
    fixed action of every row when the sheet has no action column; an event completes the flow's event of
    the same kind nearest in time within `match_within`, or is added."""

    mapping: "Mapping"
    name: str
    sheet: str | None = None
    files: str | None = None
    action: str | None = None
    match_within: timedelta = timedelta(days=1)


def duration(where: str, raw: Any) -> timedelta:
    """「2d」「12h」「90m」 (or a number of hours)."""
    text = str(raw).strip().lower()
    units = {"d": "days", "h": "hours", "m": "minutes"}
    try:
        if text[-1:] in units:
            return timedelta(**{units[text[-1]]: float(text[:-1])})
        return timedelta(hours=float(text))
    except (ValueError, OverflowError):
        raise MappingError(f"{where}：match_within 应为时长，如 1d、12h、90m，而不是 {raw!r}") from None


def event_sheets_of(where: str, raw: dict[str, Any], mode: str) -> list[EventSheet]:
    from rexian.importing.mapping import mapping_from_dict  # a section is read as a mapping of its own
    sections = raw.get("event_sheets")
    if sections is None:
        return []
    if mode != "flow" or not isinstance(sections, list):
        raise MappingError(f"{where}：event_sheets 只用于 flow 模式，应为列表：每项 {{sheet 或 files, columns, action 或 "
                           f"columns.action, action_fields …}}")
    sheets = []
    for position, body in enumerate(sections, start=1):
        here = f"{where}：event_sheets 第 {position} 项"
        if not isinstance(body, dict) or not (body.get("sheet") or body.get("files")):
            raise MappingError(f"{here} 需要 sheet（工作表）或 files（文件名模式）")
        body = document_key(body, here, MappingError)
        unknown = sorted(set(body) - EVENT_SHEET_KEYS)
        if unknown:
            raise MappingError(f"{here}：未知的键 {', '.join(unknown)}（可用：{', '.join(sorted(EVENT_SHEET_KEYS))}）")
        columns = dict(body.get("columns") or {}) if isinstance(body.get("columns"), dict) else None
        if columns is None or not columns.get("ticket_id") or not columns.get("at"):
            raise MappingError(f"{here}：columns 必须给出 ticket_id 和 at")
        action = body.get("action")
        if (action is None) == (not columns.get("action")):
            raise MappingError(f"{here}：给出 action（每行相同的动作）或 columns.action（动作列），二者取一")
        if action is not None:
            columns["action"] = EVENT_SHEET_ACTION
        inherited = {key: raw[key] for key in EVENT_SHEET_INHERITED if key in raw and not (
            key.startswith("date_format") and ("date_format" in body or "date_formats" in body))}
        if isinstance(inherited.get("values"), dict):  # the main mapping's intake translations are not read here
            from rexian.importing.action_fields import VISIT_FIELDS

            inherited["values"] = {key: words for key, words in inherited["values"].items() if key in VISIT_FIELDS}
        inner = {key: value for key, value in body.items() if key not in ("sheet", "files", "action", "match_within")}
        if isinstance(raw.get("json"), dict) and raw["json"].get("records") is not None:
            # JSON documents: the section reads the flow mapping's records, its own array (`rows`) or the records
            inner["json"] = {"records": raw["json"]["records"], **(body.get("json") or {})}
        actions = {**(raw.get("actions") or {}), **(body.get("actions") or {})}
        if action is not None and str(action) in ACTIONS:  # an event name is always known, built-in words or not
            actions.setdefault(str(action), str(action))
        try:
            sub = mapping_from_dict({"source": raw["source"], **inherited, **inner, "columns": columns,
                                     "actions": actions, "mode": "flow"})
        except MappingError as error:
            raise MappingError(f"{here}：{str(error).removeprefix('映射：')}") from None
        if action is not None and sub.action_for(str(action)) is None:
            raise MappingError(f"{here}：action {action!r} 不是已知的事件或动作词（见 docs/events.md）")
        sheets.append(EventSheet(mapping=sub, name=str(body.get("sheet") or body.get("files")),
                                 sheet=body.get("sheet") and str(body["sheet"]),
                                 files=body.get("files") and str(body["files"]),
                                 action=None if action is None else str(action),
                                 match_within=duration(here, body.get("match_within", "1d"))))
    return sheets


def record_sections_of(where: str, raw: dict[str, Any], mode: str) -> dict[str, RecordSection]:
    from rexian.importing.mapping import mapping_from_dict  # a section is read as a mapping of its own
    from rexian.domain.records import RECORD_TABLES

    sections = {}
    for table in RECORD_TABLES:
        body = raw.get(table)
        if body is None:
            continue
        if mode not in ("flow", "snapshots") or not isinstance(body, dict) \
                or not (body.get("sheet") or body.get("files")) or not isinstance(body.get("columns"), dict):
            raise MappingError(f"{where}：{table} 只用于 flow 或 snapshots 模式，应为 {{files: 文件名模式 或 sheet: 工作表, "
                               f"columns: {{…}}, values/constants 可选}}（与 mode: table 的映射相同）")
        inner = {key: value for key, value in body.items() if key not in ("sheet", "files")}
        for key in ("mode", "table", "source"):
            if key in inner:
                raise MappingError(f"{where}：{table} 中不需要 {key}（由所在映射决定）")
        inherited = {key: raw[key] for key in RECORD_INHERITED if key in raw and not (
            key.startswith("date_format") and ("date_format" in inner or "date_formats" in inner))}
        try:
            sub = mapping_from_dict({"source": raw["source"], **inherited, **inner, "mode": "table", "table": table})
        except MappingError as error:
            raise MappingError(f"{where}：{table} 段：{str(error).removeprefix('映射：')}") from None
        sections[table] = RecordSection(mapping=sub, sheet=body.get("sheet") and str(body["sheet"]),
                                        files=body.get("files") and str(body["files"]))
    return sections


def read_side_table(kind: type, raw: Any, where: str, section: str, columns_help: str) -> Any:
    """A section naming a table beside the flow records (`unit_tree`, `deadlines.categories`) as `kind`, or None:
    each of its column keys, and `sheet` or `files`; anything missing or unknown is a MappingError."""


    if raw is None:
        return None
    keys = {item.name for item in fields(kind)}
    if (not isinstance(raw, dict) or set(raw) - keys or not all(raw.get(key) for key in keys - {"sheet", "files"})
            or not (raw.get("sheet") or raw.get("files"))):
        raise MappingError(f"{where}：{section} 应为 {{{columns_help}, sheet: 工作表 或 files: 文件名模式}}")
    return kind(**{key: str(raw[key]) for key in keys if raw.get(key)})


def check_action(where: str, word: Any, action: Any) -> None:
    if action not in ACTIONS:
        raise MappingError(f"{where}：动作词 {word!r} 映射到未知事件 {action!r}（见 docs/events.md）")


def ticket_sheet_of(where: str, raw: Any, mode: str) -> TicketSheet | None:
    if raw is None:
        return None
    if mode != "flow" or not isinstance(raw, dict):
        raise MappingError(f"{where}：ticket_sheet 只用于 flow 模式，应为键值对象（sheet 或 files、ticket_id、intake）")
    unknown = sorted(set(raw) - {"sheet", "files", "ticket_id", "intake", "closed_at", "status", "visit_result",
                                 "due_at"})
    if unknown:
        raise MappingError(f"{where}：ticket_sheet 中未知的键 {', '.join(unknown)}")
    if not raw.get("ticket_id") or not (raw.get("sheet") or raw.get("files")):
        raise MappingError(f"{where}：ticket_sheet 需要 ticket_id（工单编号列）和 sheet（工作表）或 files（文件名模式）")
    intake = raw.get("intake") or {}
    if not isinstance(intake, dict):
        raise MappingError(f"{where}：ticket_sheet.intake 应为键值对象")
    return TicketSheet(ticket_id=str(raw["ticket_id"]), intake={str(k): str(v) for k, v in intake.items()},
                       sheet=raw.get("sheet") and str(raw["sheet"]), files=raw.get("files") and str(raw["files"]),
                       visit_result=check_visit_result(raw.get("visit_result"), f"{where}：ticket_sheet"),
                       **{key: str(raw[key]) for key in ("closed_at", "status", "due_at") if raw.get(key)})


def check_visit_result(raw: Any, where: str) -> Any:
    """`visit_result`: one column, or {satisfaction/resolved/reached: column}."""
    from rexian.importing.action_fields import VISIT_FIELDS

    if raw is None or raw == "":
        return None
    if isinstance(raw, dict):
        bad = sorted(str(name) for name in raw if str(name) not in VISIT_FIELDS)
        if bad or not raw:
            raise MappingError(f"{where}.visit_result 的键应为 {' / '.join(VISIT_FIELDS)}（列名为值），而不是 {', '.join(bad)}")
        return {str(name): str(column) for name, column in raw.items()}
    return str(raw)


def ticket_list_of(where: str, raw: dict[str, Any]) -> dict[str, str]:
    bad = sorted(set(raw) - set(TICKET_LIST_FIELDS))
    if bad:
        raise MappingError(f"{where}：tickets 中未知的字段 {', '.join(bad)}（可用：{', '.join(TICKET_LIST_FIELDS)}）")
    return {str(k): str(v) for k, v in raw.items()}


def snapshot_rules_of(where: str, raw: dict[str, Any], mode: str) -> SnapshotRules:
    if mode != "snapshots":
        return SnapshotRules()
    states = {str(k): v for k, v in (raw.get("states") or {}).items()}
    for state, action in states.items():
        for each in (action if isinstance(action, list) else [action]):
            if each is not None:
                check_action(where, state, each)
    transitions = {}
    for pair, action in (raw.get("transitions") or {}).items():
        # 「40>10」: the state going from 40 to 10 (退单审核中 → 待派单) is this event, whatever 10 means alone
        parts = [part.strip() for part in str(pair).split(">")]
        actions = action if isinstance(action, list) else [action]
        if len(parts) != 2 or not all(parts) or not actions:
            raise MappingError(f"{where}：snapshots.transitions 的键应为「原状态>新状态」（如 \"40>10\"），而不是 {pair!r}")
        for each in actions:
            check_action(where, str(pair), each)
        transitions[(parts[0], parts[1])] = tuple(str(each) for each in actions)
    changes: dict[str, Any] = {}
    for column, spec in (raw.get("changes") or {}).items():
        # an event, or words found inside the new value → the action word (or event) they mean, "*" any other value
        if isinstance(spec, dict):
            spec = {str(word): str(target) for word, target in spec.items()}
            for word, target in spec.items():
                if target not in ACTIONS and not default_vocabulary().get(target):
                    raise MappingError(f"{where}：snapshots.changes.{column} 中 {word!r} 的 {target!r} 既不是事件"
                                       f"也不是已知的动作词（见 docs/events.md）")
        else:
            check_action(where, column, spec)
        changes[str(column)] = spec
    order_by = raw.get("order_by") or []
    counters = {str(k): str(v) for k, v in (raw.get("counters") or {}).items()}
    for column, measure in counters.items():
        if measure not in COUNTER_MEASURES:
            raise MappingError(f"{where}：snapshots.counters 中 {column} 的度量应为 {', '.join(COUNTER_MEASURES)}")
    return SnapshotRules(state=raw.get("state"), unit=raw.get("unit"), assignee=raw.get("assignee"),
                         order_by=[order_by] if isinstance(order_by, str) else list(order_by), states=states,
                         transitions=transitions, changes=changes, counters=counters)
