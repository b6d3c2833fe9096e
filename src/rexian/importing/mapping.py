"""The declarative mapping file (YAML): which source column is what, how dates read, which words mean
which action. The format is documented field by field in docs/importing.md."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from rexian.importing.json_documents import document_key, read_json_paths
from rexian.importing.action_fields import check_action_fields, evidence_words as read_evidence_words
from rexian.importing.deadlines import check_deadlines
from rexian.importing.values import EPOCH_FORMATS
from rexian.importing.vocabulary import ACTIONS, default_vocabulary

EVENT_COLUMNS = ("ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "note",
                 "payload", "source")
REQUIRED = {"flow": ("ticket_id", "at", "action"), "snapshots": ("ticket_id", "at"), "tickets": ("ticket_id", "at"),
            "table": ()}
TICKET_LIST_FIELDS = ("dispatched_at", "closed_at", "reply", "status")
UNKNOWN_ACTION_POLICIES = ("reject", "ProgressNoted")
COUNTER_MEASURES = ("reassignments", "redispatches", "reopens", "dispatches", "closures")


class MappingError(ValueError):
    """The mapping file itself is wrong: nothing is imported."""


@dataclass
class SnapshotRules:
    state: str | None = None  # source column holding the state
    unit: str | None = None  # source column holding the responsible group (a change = a re-dispatch)
    assignee: str | None = None  # source column holding the person assigned (kept in the dispatch payload)
    order_by: list[str] = field(default_factory=list)  # columns ordering a case's snapshots after `at`
    states: dict[str, str | None] = field(default_factory=dict)  # source state → action or null
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
RECORD_INHERITED = ("encoding", "delimiter", "nulls", "date_format", "date_formats", "timezone")
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


def _duration(where: str, raw: Any) -> timedelta:
    """「2d」「12h」「90m」 (or a number of hours)."""
    text = str(raw).strip().lower()
    units = {"d": "days", "h": "hours", "m": "minutes"}
    try:
        if text[-1:] in units:
            return timedelta(**{units[text[-1]]: float(text[:-1])})
        return timedelta(hours=float(text))
    except (ValueError, OverflowError):
        raise MappingError(f"{where}：match_within 应为时长，如 1d、12h、90m，而不是 {raw!r}") from None


def _event_sheets(where: str, raw: dict[str, Any], mode: str) -> list[EventSheet]:
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
                                 match_within=_duration(here, body.get("match_within", "1d"))))
    return sheets


def _record_sections(where: str, raw: dict[str, Any], mode: str) -> dict[str, RecordSection]:
    from rexian.domain.records import RECORD_TABLES

    sections = {}
    for table in RECORD_TABLES:
        body = raw.get(table)
        if body is None:
            continue
        if mode != "flow" or not isinstance(body, dict) or not (body.get("sheet") or body.get("files")) \
                or not isinstance(body.get("columns"), dict):
            raise MappingError(f"{where}：{table} 只用于 flow 模式，应为 {{files: 文件名模式 或 sheet: 工作表, "
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


@dataclass
class Mapping:
    source: str
    mode: str = "flow"  # flow: one row per action; snapshots: one row per update; table: another table
    table: str | None = None  # mode table: units, people, categories, catalogue, calls, agent_status, roster
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None  # None: guessed from the header line
    sheet: str | None = None
    nulls: frozenset[str] = frozenset({""})
    date_formats: tuple[str, ...] = ()
    timezone: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # our event field → source column
    intake: dict[str, str] = field(default_factory=dict)  # TicketReceived payload field → source column
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # intake field → {source value: ours}
    constants: dict[str, Any] = field(default_factory=dict)  # intake field → fixed value
    payload_columns: list[str] = field(default_factory=list)  # source columns kept in every payload
    actions: dict[str, str] = field(default_factory=default_vocabulary)
    unknown_action: str = "reject"
    action_match: str = "exact"  # exact | contains (a known word inside a longer phrase)
    snapshots: SnapshotRules = field(default_factory=SnapshotRules)
    ticket_list: dict[str, str] = field(default_factory=dict)  # mode tickets: dispatched_at/closed_at/reply/status
    closed_states: frozenset[str] = frozenset()  # mode tickets: status values meaning closed
    deadlines: dict[str, int] | None = None  # category → working days; set: dispatches get computed deadlines
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source word → further events of the same row
    action_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # event → {payload field: column}
    evidence_words: dict[str, str] = field(default_factory=dict)  # note wording → evidence kind (closure requests)
    ticket_sheet: TicketSheet | None = None  # flow mode: the export's ticket sheet (or file), joined by ticket number
    unit_tree: UnitTree | None = None  # flow mode: the export's units with their parents (转办 down = Forwarded)
    category_limits: CategoryLimits | None = None  # the export's categories table with time limits (deadlines)
    records: dict[str, RecordSection] = field(default_factory=dict)  # flow mode: calls / agent_status beside it
    event_sheets: list[EventSheet] = field(default_factory=list)  # flow mode: sheets of further actions (回访记录 …)
    progress_kinds: dict[str, str] = field(default_factory=dict)  # progress word → ProgressNoted.kind (现场核查 → site_visit)
    history: Any = None  # flow mode: a HistoryCell — the steps held in one cell of a one-row-per-ticket export
    joined_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # new column → source columns (date + time)
    code_table: Any = None  # flow mode: the export's code table (码表) — a CodeTable decoding coded columns
    lookups: list[Any] = field(default_factory=list)  # flow mode: columns looked up in other tables (lookups.Lookup)
    event_times: dict[str, str] = field(default_factory=dict)  # flow mode: event → the column of its own time
    json: Any = None  # JSON documents: a JsonPaths — where the records are, which nested array makes the rows
    path: Path | None = None

    def required_columns(self) -> list[tuple[str, str]]:
        """(our field, source column) pairs a file must have."""
        return [(name, self.columns[name]) for name in REQUIRED[self.mode] if name in self.columns]

    def header_columns(self) -> set[str]:
        """The columns that tell the header row (a history cell's steps are not columns of the file)."""
        if self.history is not None:
            return {self.columns["ticket_id"], self.history.column}
        return {column for _, column in self.required_columns()}

    def action_for(self, word: str) -> str | None:
        word = word.strip()
        found = self.actions.get(word) or self._folded.get(word.casefold())
        if found or self.action_match != "contains":
            return found
        # 「市级派单」「回退至区中心」: the longest known word inside the source's phrase decides.
        inside = [known for known in self._folded if len(known) >= 2 and known in word.casefold()]
        return self._folded[max(inside, key=len)] if inside else None

    def __post_init__(self) -> None:
        self._folded = {key.casefold(): value for key, value in self.actions.items()}

    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a mapping never needs them, and nested aliases (a
    "billion laughs" file of a few hundred bytes) would expand into gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise MappingError(f"映射文件不允许 YAML 别名（*{event.anchor}，第 {event.start_mark.line + 1} 行）")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        """A key given twice is refused (YAML would keep the last silently: which one did the author mean?)."""
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise MappingError(f"映射文件的键必须是文字（第 {key_node.start_mark.line + 1} 行）")
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise MappingError(f"映射文件中键 {key!r} 出现两次（第 {key_node.start_mark.line + 1} 行）")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_mapping_text(text: str, where: str = "映射") -> Any:
    """The YAML of a mapping file, bounded in size and without aliases."""
    from rexian.settings import load_settings

    limit = load_settings().mapping_max_bytes
    if len(text.encode("utf-8", "surrogatepass")) > limit:
        raise MappingError(f"{where} 超过 {limit} 字节（设置 mapping_max_bytes）：不是映射文件？")
    try:
        return _without_nul(yaml.load(text, Loader=_NoAliasLoader), where)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise MappingError(f"{where} 无法读取：{error}") from None
    except RecursionError:
        raise MappingError(f"{where} 嵌套过深") from None
    except MappingError:
        raise
    except ValueError as error:  # a number too long to read (Python's 4,300-digit limit) and the like
        raise MappingError(f"{where} 无法读取：数值过长或格式不正确（{error}）") from None


def _without_nul(parsed: Any, where: str) -> Any:
    """The parsed mapping, refused when a key or value holds a NUL (written `\\0` in a quoted YAML string): it
    would reach every event's source or a column name, and PostgreSQL cannot store it."""
    pending = [parsed]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str) and "\x00" in value:
            raise MappingError(f"{where} 含有 NUL 字符（{value[:40]!r}）：映射中不能有 NUL")
    return parsed


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    from rexian.settings import load_settings

    try:
        if path.stat().st_size > load_settings().mapping_max_bytes:
            raise MappingError(f"映射文件 {path} 超过 {load_settings().mapping_max_bytes} 字节（设置 mapping_max_bytes）")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"映射文件 {path} 无法读取：{error}") from None
    return mapping_from_dict(parse_mapping_text(text, f"映射文件 {path}") or {}, path)


SECTIONS = {"columns": dict, "intake": dict, "values": dict, "constants": dict, "actions": dict, "tickets": dict,
            "snapshots": dict, "payload_columns": list, "nulls": list, "closed_states": list,
            "action_fields": dict}


TEXT_KEYS = ("source", "mode", "table", "format", "encoding", "delimiter", "sheet", "timezone", "action_match",
             "unknown_action")  # one value each: a structure there would be read as its Python spelling
NAME_SECTIONS = ("columns", "intake")  # our field → the source's column name


def mapping_from_dict(raw: dict[str, Any], path: Path | None = None) -> Mapping:
    where = f"映射文件 {path}" if path else "映射"
    if not isinstance(raw, dict):
        raise MappingError(f"{where}：应为 YAML 对象")
    for key, kind in SECTIONS.items():
        if raw.get(key) is not None and not isinstance(raw[key], kind):
            raise MappingError(f"{where}：{key} 应为{'键值对象' if kind is dict else '列表'}")
    for key in TEXT_KEYS:
        if raw.get(key) is not None and not isinstance(raw[key], (str, int, float)):
            raise MappingError(f"{where}：{key} 应为一个文字值，而不是 {type(raw[key]).__name__}")
    for key in NAME_SECTIONS:
        for name, column in (raw.get(key) or {}).items():
            if not isinstance(column, (str, int, float)):
                raise MappingError(f"{where}：{key}.{name} 应为源文件的列名（一个文字值），而不是嵌套的结构")
    try:
        return _mapping_from_dict(raw, path, where)
    except MappingError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError) as error:  # a value of the wrong shape deeper down
        raise MappingError(f"{where}：结构不正确（{type(error).__name__}: {error}）；见 docs/importing.md") from None


def _mapping_from_dict(raw: dict[str, Any], path: Path | None, where: str) -> Mapping:
    raw = document_key(raw, where, MappingError)
    known = {"source", "mode", "table", "tickets", "closed_states", "ticket_sheet", "action_match", "format",
             "encoding", "delimiter", "sheet", "nulls", "date_format",
             "date_formats", "timezone", "columns", "intake", "values", "constants", "payload_columns",
             "actions", "unknown_action", "snapshots", "use_default_actions", "action_fields", "evidence_words",
             "deadlines", "unit_tree", "calls", "agent_status", "roster", "progress_kinds", "history",
             "event_sheets", "joined_columns", "code_table", "json", "lookups", "event_times"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise MappingError(f"{where}：未知的键 {', '.join(unknown)}")
    if not raw.get("source"):
        raise MappingError(f"{where}：必须给出 source（来源名称，写入每条事件的 source 字段）")
    mode = raw.get("mode", "flow")
    if mode not in REQUIRED:
        raise MappingError(f"{where}：mode 应为 flow、snapshots、tickets 或 table，而不是 {mode!r}")
    columns = {str(k): str(v) for k, v in (raw.get("columns") or {}).items()}
    allowed = EVENT_COLUMNS
    if mode == "table":
        from rexian.importing.side_tables import TABLES

        if raw.get("table") not in TABLES:
            raise MappingError(f"{where}：mode table 需要 table: {' / '.join(TABLES)}")
        allowed = TABLES[raw["table"]]["columns"]
    bad = sorted(set(columns) - set(allowed))
    if bad:
        raise MappingError(f"{where}：columns 中未知的字段 {', '.join(bad)}（可用：{', '.join(allowed)}）")
    history = None
    if raw.get("history") is not None:
        from rexian.importing.history_cells import read_history_cell, step_columns

        if mode != "flow":
            raise MappingError(f"{where}：history 只用于 flow 模式（每行一件工单、流转步骤在一个单元格中）")
        history = read_history_cell(raw["history"], where, MappingError)
        columns = {**step_columns(history), **columns}  # a column the mapping names wins over the line's part
    missing = [name for name in REQUIRED[mode] if name not in columns]
    if missing:
        raise MappingError(f"{where}：columns 必须给出 {', '.join(missing)}")
    actions = default_vocabulary() if raw.get("use_default_actions", True) else {}
    also: dict[str, tuple[str, ...]] = {}
    for word, action in (raw.get("actions") or {}).items():
        # A list: one row, several events in that order (「回访并办结」: [Visited, Closed]).
        events = list(action) if isinstance(action, list) else [action]
        if not events:
            raise MappingError(f"{where}：动作词 {word!r} 没有对应事件")
        for each in events:
            _check_action(where, word, each)
        actions[str(word)] = events[0]
        if len(events) > 1:
            also[str(word).strip()] = tuple(events[1:])
    action_match = raw.get("action_match", "exact")
    if action_match not in ("exact", "contains"):
        raise MappingError(f"{where}：action_match 应为 exact 或 contains")
    unknown_action = raw.get("unknown_action", "reject")
    if unknown_action not in UNKNOWN_ACTION_POLICIES:
        raise MappingError(f"{where}：unknown_action 应为 reject 或 ProgressNoted")
    formats = raw.get("date_formats") or raw.get("date_format") or ()
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    for fmt in formats:
        if fmt in EPOCH_FORMATS:
            continue
        try:
            datetime.now().strftime(fmt)
        except ValueError:
            raise MappingError(f"{where}：日期格式 {fmt!r} 无效") from None
    raw_deadlines = raw.get("deadlines")
    category_limits = read_side_table(CategoryLimits, raw_deadlines.get("categories") if isinstance(
        raw_deadlines, dict) else None, where, "deadlines.categories", "category: 分类列, days: 时限列（工作日）")
    if isinstance(raw_deadlines, dict):
        raw_deadlines = {key: value for key, value in raw_deadlines.items() if key != "categories"}
    try:
        deadlines = check_deadlines(raw_deadlines)
    except ValueError as error:
        raise MappingError(f"{where}：{error}") from None
    action_fields, problems = check_action_fields(raw.get("action_fields") or {})
    if problems:
        raise MappingError(f"{where}：{'；'.join(problems)}")
    unit_tree = read_side_table(UnitTree, raw.get("unit_tree"), where, "unit_tree", "unit: 单位列, parent: 上级单位列")
    if unit_tree and mode != "flow":
        raise MappingError(f"{where}：unit_tree 只用于 flow 模式")
    _check_values(where, raw, allowed if mode == "table" else ())
    timezone = raw.get("timezone")
    if timezone:
        try:
            ZoneInfo(timezone)
        except Exception:
            raise MappingError(f"{where}：未知时区 {timezone!r}") from None
    from rexian.importing.code_tables import read_code_table

    code_table = read_code_table(raw.get("code_table"), where, MappingError)
    json_paths = read_json_paths(raw.get("json"), where, MappingError)
    if code_table and mode != "flow":
        raise MappingError(f"{where}：code_table 只用于 flow 模式")
    from rexian.importing.lookups import read_lookups

    lookups = read_lookups(raw.get("lookups"), where, MappingError)
    if lookups and mode != "flow":
        raise MappingError(f"{where}：lookups 只用于 flow 模式")
    mapping = Mapping(
        source=str(raw["source"]), mode=mode, table=raw.get("table"), format=raw.get("format"), encoding=raw.get("encoding"),
        delimiter=raw.get("delimiter"), sheet=raw.get("sheet"),
        nulls=frozenset(str(v) for v in raw.get("nulls", [""])), date_formats=formats, timezone=timezone,
        columns=columns, intake={str(k): str(v) for k, v in (raw.get("intake") or {}).items()},
        values={str(k): dict(v) for k, v in (raw.get("values") or {}).items()},
        constants=dict(raw.get("constants") or {}),
        payload_columns=[str(c) for c in raw.get("payload_columns") or []],
        actions=actions, unknown_action=unknown_action, action_match=action_match,
        snapshots=_snapshot_rules(where, raw.get("snapshots") or {}, mode),
        ticket_list=_ticket_list(where, raw.get("tickets") or {}),
        closed_states=frozenset(str(v) for v in raw.get("closed_states") or ()), path=path,
        ticket_sheet=_ticket_sheet(where, raw.get("ticket_sheet"), mode),
        deadlines=deadlines, also=also, action_fields=action_fields, unit_tree=unit_tree,
        category_limits=category_limits, records=_record_sections(where, raw, mode),
        event_sheets=_event_sheets(where, raw, mode),
        joined_columns=_joined_columns(where, raw.get("joined_columns")),
        progress_kinds=_progress_kinds(where, raw.get("progress_kinds")),
        evidence_words=read_evidence_words(raw.get("evidence_words")), history=history, code_table=code_table,
        json=json_paths, lookups=lookups, event_times=_event_times(where, raw.get("event_times"), mode),
    )
    for section in (*(sheet.mapping for sheet in mapping.event_sheets), *(r.mapping for r in mapping.records.values())):
        # the sections read with mappings of their own (event sheets, calls …) decode and look up the same way
        section.code_table, section.lookups = mapping.code_table, mapping.lookups
    return mapping


def _event_times(where: str, raw: Any, mode: str) -> dict[str, str]:
    """`event_times: {SignedFor: CLAIM_TIME_}`: an event a row makes (alone or in a list) at a time of its own."""
    if raw is None:
        return {}
    if mode != "flow" or not isinstance(raw, dict) or not raw:
        raise MappingError(f"{where}：event_times 只用于 flow 模式，应为键值对象：事件: 时间列（如 SignedFor: 签收时间）")
    for action in raw:
        if str(action) not in ACTIONS:
            raise MappingError(f"{where}：event_times 中的 {action!r} 不是事件名称（见 docs/events.md）")
    return {str(action): str(column) for action, column in raw.items()}


def _check_values(where: str, raw: dict[str, Any], table_columns: tuple[str, ...]) -> None:
    """`values` translates the cells of a field we read: an intake field the mapping names, a table column, or a
    visit result (satisfaction / resolved / reached, whose translations must be words the visit parser reads).
    Any other key would be accepted and ignored — an error instead, naming it."""
    from rexian.domain.vocabulary import UnknownWord, parse_visit_outcome
    from rexian.importing.action_fields import VISIT_FIELDS

    sheet = raw.get("ticket_sheet") if isinstance(raw.get("ticket_sheet"), dict) else {}
    fields = {*(raw.get("intake") or {}), *(sheet.get("intake") or {}), *(raw.get("constants") or {}),
              *table_columns, *VISIT_FIELDS}
    for key, words in (raw.get("values") or {}).items():
        if str(key) not in fields:
            raise MappingError(f"{where}：values 中的 {key!r} 不是映射读取的字段（values 按字段名翻译："
                               f"intake 中的字段、{' / '.join(VISIT_FIELDS)}，而不是源列名）")
        if not isinstance(words, dict):
            raise MappingError(f"{where}：values.{key} 应为键值对象：源取值: 我们的取值")
        if key in VISIT_FIELDS:
            for word, ours in words.items():
                try:
                    parse_visit_outcome(str(ours), str(key))
                except UnknownWord:
                    raise MappingError(f"{where}：values.{key} 把 {word!r} 译为 {ours!r}，但回访结果读不懂它"
                                       f"（可用：满意、基本满意、不满意、已解决、未解决、未联系上 等）") from None


def _joined_columns(where: str, raw: Any) -> dict[str, tuple[str, ...]]:
    """`joined_columns: {受理时刻: [受理日期, 受理时间]}`: a column made of several (a date and a time of day)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(parts, list) and len(parts) >= 2 for parts in raw.values()):
        raise MappingError(f"{where}：joined_columns 应为键值对象：新列名: [源列, 源列 …]（至少两列，如 [受理日期, 受理时间]）")
    return {str(name): tuple(str(part) for part in parts) for name, parts in raw.items()}


def _progress_kinds(where: str, raw: Any) -> dict[str, str]:
    """`progress_kinds`: source word (an action word, or a cell of `action_fields.ProgressNoted.kind`) → kind
    (progress / site_visit / coordination, or their Chinese labels 办理进展 / 现场核查 / 协调)."""
    from rexian.domain.vocabulary import PROGRESS_KINDS
    from rexian.importing.vocabulary import PROGRESS_WORDS

    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MappingError(f"{where}：progress_kinds 应为键值对象：源词语: 办理记录类型")
    kinds = {}
    for word, kind in raw.items():
        ours = PROGRESS_WORDS.get(str(kind).strip())
        if ours is None:
            raise MappingError(f"{where}：progress_kinds 把 {word!r} 译为 {kind!r}，它不是办理记录类型（可用："
                               f"{'、'.join(f'{k}/{label}' for k, label in PROGRESS_KINDS.items())}）")
        kinds[str(word).strip()] = ours
    return kinds


def _check_action(where: str, word: Any, action: Any) -> None:
    if action not in ACTIONS:
        raise MappingError(f"{where}：动作词 {word!r} 映射到未知事件 {action!r}（见 docs/events.md）")


def _ticket_sheet(where: str, raw: Any, mode: str) -> TicketSheet | None:
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


def _ticket_list(where: str, raw: dict[str, Any]) -> dict[str, str]:
    bad = sorted(set(raw) - set(TICKET_LIST_FIELDS))
    if bad:
        raise MappingError(f"{where}：tickets 中未知的字段 {', '.join(bad)}（可用：{', '.join(TICKET_LIST_FIELDS)}）")
    return {str(k): str(v) for k, v in raw.items()}


def _snapshot_rules(where: str, raw: dict[str, Any], mode: str) -> SnapshotRules:
    if mode != "snapshots":
        return SnapshotRules()
    states = {str(k): v for k, v in (raw.get("states") or {}).items()}
    for state, action in states.items():
        if action is not None:
            _check_action(where, state, action)
    order_by = raw.get("order_by") or []
    counters = {str(k): str(v) for k, v in (raw.get("counters") or {}).items()}
    for column, measure in counters.items():
        if measure not in COUNTER_MEASURES:
            raise MappingError(f"{where}：snapshots.counters 中 {column} 的度量应为 {', '.join(COUNTER_MEASURES)}")
    return SnapshotRules(state=raw.get("state"), unit=raw.get("unit"), assignee=raw.get("assignee"),
                         order_by=[order_by] if isinstance(order_by, str) else list(order_by), states=states,
                         counters=counters)
