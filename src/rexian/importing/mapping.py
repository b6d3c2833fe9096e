"""The declarative mapping file (YAML): which source column is what, how dates read, which words mean
which action. The format is documented field by field in docs/importing.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rexian.importing.json_documents import document_key, read_json_paths
from rexian.importing.mapping_sections import (EVENT_SHEET_ACTION, CategoryLimits, EventSheet, MappingError,
                                               RecordSection, SnapshotRules, TicketSheet, UnitTree, check_action,
                                               check_visit_result, event_sheets_of, read_side_table, record_sections_of,
                                               snapshot_rules_of, ticket_list_of, ticket_sheet_of)
from rexian.importing.mapping_yaml import parse_mapping_text
from rexian.importing.action_fields import check_action_fields, evidence_words as read_evidence_words
from rexian.importing.deadlines import check_deadlines
from rexian.importing.values import EPOCH_FORMATS
from rexian.importing.vocabulary import ACTIONS, default_vocabulary

# Names other modules take from here (the sections are read in mapping_sections, the YAML in mapping_yaml).
__all__ = ["EVENT_SHEET_ACTION", "EventSheet", "Mapping", "MappingError", "TicketSheet", "check_visit_result",
           "load_mapping", "mapping_from_dict", "parse_mapping_text"]

EVENT_COLUMNS = ("ticket_id", "at", "action", "actor_id", "actor_name", "actor_unit_id", "target_unit_id", "note",
                 "payload", "source")
REQUIRED = {"flow": ("ticket_id", "at", "action"), "snapshots": ("ticket_id", "at"), "tickets": ("ticket_id", "at"),
            "table": ()}

UNKNOWN_ACTION_POLICIES = ("reject", "ProgressNoted")


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
    wide: Any = None  # flow mode: WideGroups — the steps as numbered column groups of a one-row-per-ticket export
    joined_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # new column → source columns (date + time)
    code_table: Any = None  # flow mode: the export's code table (码表) — a CodeTable decoding coded columns
    lookups: list[Any] = field(default_factory=list)  # flow mode: columns looked up in other tables (lookups.Lookup)
    event_times: dict[str, str] = field(default_factory=dict)  # flow mode: event → the column of its own time
    json: Any = None  # JSON documents: a JsonPaths — where the records are, which nested array makes the rows
    moves: Any = None  # flow mode: UnitMoves — the column naming, on every event, the unit holding the case
    cdc: str | None = None  # a change-data-capture log (debezium): each change read as its row image (readers_cdc)
    path: Path | None = None

    def required_columns(self) -> list[tuple[str, str]]:
        """(our field, source column) pairs a file must have."""
        return [(name, self.columns[name]) for name in REQUIRED[self.mode] if name in self.columns]

    def header_columns(self) -> set[str]:
        """The columns that tell the header row (a history cell's steps are not columns of the file)."""
        if self.history is not None:
            return {self.columns["ticket_id"], self.history.column}
        if self.wide is not None:
            return {self.columns["ticket_id"]}
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
             "unknown_action", "cdc")  # one value each: a structure there would be read as its Python spelling
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
             "wide", "event_sheets", "joined_columns", "code_table", "json", "lookups", "event_times", "cdc",
             "moves"}
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
    wide = None
    if raw.get("wide") is not None:
        from rexian.importing.wide_groups import read_wide, step_columns as group_columns

        if mode != "flow" or history is not None:
            raise MappingError(f"{where}：wide 只用于 flow 模式（每行一件工单、流转步骤为带序号的列组），且不能与 history 同用")
        wide = read_wide(raw["wide"], where, MappingError)
        columns = {**group_columns(wide), **columns}  # a column the mapping names wins over the groups'
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
            check_action(where, word, each)
        actions[str(word)] = events[0]
        if len(events) > 1:
            also[str(word).strip()] = tuple(events[1:])
    if history is not None and history.chain is not None:  # a chain's moves are named by their events
        for event in ("TicketReceived", "Dispatched", "ReturnRequested", "ReturnApproved", "Replied", history.chain):
            actions.setdefault(event, event)
    if wide is not None:  # a group's own words name events, which hold even with use_default_actions: false
        for group in wide.groups:
            for event in (*group.actions.values(), group.action):
                if event in ACTIONS:
                    actions.setdefault(event, event)
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
    if history is not None:
        from rexian.importing.history_cells import attachment_fields

        action_fields = attachment_fields(history, action_fields)
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
    if lookups and mode not in ("flow", "snapshots"):  # a snapshot's changer → their unit, as a step's
        raise MappingError(f"{where}：lookups 只用于 flow 或 snapshots 模式")
    from rexian.importing.readers_cdc import CDC_FORMATS
    from rexian.importing.unit_moves import read_unit_moves

    if raw.get("cdc") is not None and (raw["cdc"] not in CDC_FORMATS or raw.get("json") is not None):
        raise MappingError(f"{where}：cdc 应为 {' / '.join(CDC_FORMATS)}（变更日志每行一条变更，按其行映像读取，"
                           f"列名即表的列名），且不与 json 同用")
    mapping = Mapping(
        source=str(raw["source"]), mode=mode, table=raw.get("table"), format=raw.get("format"), encoding=raw.get("encoding"),
        delimiter=raw.get("delimiter"), sheet=raw.get("sheet"),
        nulls=frozenset(str(v) for v in raw.get("nulls", [""])), date_formats=formats, timezone=timezone,
        columns=columns, intake={str(k): str(v) for k, v in (raw.get("intake") or {}).items()},
        values={str(k): dict(v) for k, v in (raw.get("values") or {}).items()},
        constants=dict(raw.get("constants") or {}),
        payload_columns=[str(c) for c in raw.get("payload_columns") or []],
        actions=actions, unknown_action=unknown_action, action_match=action_match,
        snapshots=snapshot_rules_of(where, raw.get("snapshots") or {}, mode),
        ticket_list=ticket_list_of(where, raw.get("tickets") or {}),
        closed_states=frozenset(str(v) for v in raw.get("closed_states") or ()), path=path,
        ticket_sheet=ticket_sheet_of(where, raw.get("ticket_sheet"), mode),
        deadlines=deadlines, also=also, action_fields=action_fields, unit_tree=unit_tree,
        category_limits=category_limits, records=record_sections_of(where, raw, mode),
        event_sheets=event_sheets_of(where, raw, mode),
        joined_columns=_joined_columns(where, raw.get("joined_columns")),
        progress_kinds=_progress_kinds(where, raw.get("progress_kinds")),
        evidence_words=read_evidence_words(raw.get("evidence_words")), history=history, wide=wide, code_table=code_table,
        json=json_paths, lookups=lookups, event_times=_event_times(where, raw.get("event_times"), mode),
        cdc=raw.get("cdc"), moves=read_unit_moves(raw.get("moves"), where, mode, MappingError),
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
