"""Loading the event log (and its companion tables) into an Ibis connection, ready for the rules.

This module is the backend adapter: it reads interchange files or DataFrames into DuckDB and flattens the
JSON `payload` of each event into typed columns once, with DuckDB SQL. Everything after it (the rules,
`ticket_facts`, the metrics) is portable Ibis over the tables `ev`, `tk`, `calls`, `agent_status`; a Spark
adapter only has to produce the same tables (e.g. with `from_json`).
"""

from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from rexian.domain import records

# Column types from the one declaration of the interchange tables (domain/records.py).
_SQL = {records.TEXT: "VARCHAR", records.INT: "BIGINT", records.FLOAT: "DOUBLE", records.BOOL: "BOOLEAN",
        records.TIME: "TIMESTAMP", records.DATE: "DATE"}


def _sql_types(table: str, names: tuple[str, ...]) -> dict[str, str]:
    kinds = records.kinds(table)
    return {name: _SQL[kinds[name]] for name in names}


EVENT_COLUMNS = _sql_types("events", records.EVENT_BODY)
# Payload keys flattened into columns of `ev` (docs/events.md); absent keys are null.
PAYLOAD_TEXT = (
    "channel", "caller_id", "area", "address", "place_id", "title", "content", "category", "urgency",
    "kind", "call_id", "answer", "lead_unit_id", "note", "forward_id", "result", "method", "summary",
    "request_id", "reason", "basis", "suggested_unit_id", "request_kind", "new_lead_unit_id", "reply",
    "satisfaction", "trigger", "order_id", "batch", "response", "outcome", "master_ticket_id", "rating",
)
PAYLOAD_TIME = ("sign_due_at", "due_at", "requested_due_at", "new_due_at")
# `undated`: an imported move whose time the source does not give (a chain of units, importing/history_cells.py):
# ordered, but its time is a stand-in that rules measuring from an event's time must not read.
PAYLOAD_BOOL = ("resolved", "redispatch", "citizen_notified", "reached", "undated")
PAYLOAD_LIST_LENGTH = ("evidence", "contact_seqs", "attachments")

# The tables the rules read besides the events. Tickets: every interchange column but the caller's phone
# and the coordinates, which no rule needs (personal data stays out of the analysis).
TABLE_COLUMNS = {
    "tickets": _sql_types("tickets", tuple(c for c in records.columns("tickets")
                                           if c not in ("caller_phone", "lon", "lat"))),
    "calls": _sql_types("calls", records.columns("calls")),
    "agent_status": _sql_types("agent_status", records.columns("agent_status")),
}


@dataclass
class Data:
    """The prepared tables of one analysis run."""

    con: Any
    ev: Any
    tk: Any
    calls: Any | None
    agent_status: Any | None
    as_of: datetime
    # Row queries several rules share (name -> Ibis expression), built once per run: see `rows`.
    queries: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # Intermediate tables several rules read (`registry.intermediate`): computed once and kept as the table
    # `kept_<name>` when on (a batch run over fixed tables); inlined in each rule's query when off (the real-
    # time evaluator refills its tables in place; Spark). See `intermediate`.
    keep_intermediates: bool = True
    kept: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # What several rules derive alike from the same rows (e.g. the misconduct reports in the citizens' words):
    # see `shared`. Emptied whenever the tables are refilled (the real-time evaluator).
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    # With remembered SQL (`remembered.RememberedSQL`, a batch run on DuckDB): the named queries (`fetch`,
    # `rows`, the kept intermediates) run from their remembered SQL, and the Ibis connection and tables are
    # made only when a query has to be compiled (`deferred`).
    remembered: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def deferred(cls, raw: Any, as_of: datetime, remembered: Any, on_connect: Callable[[Any], None] | None) -> "Data":
        """Tables prepared on the DuckDB connection `raw` whose Ibis connection (`con`) and tables (`ev`,
        `tk`, `calls`, `agent_status`) are made when first asked for: a run whose every query is
        remembered never imports Ibis."""
        data = cls(con=None, ev=None, tk=None, calls=None, agent_status=None, as_of=as_of, remembered=remembered)
        for name in _IBIS_FIELDS:
            delattr(data, name)
        data.__dict__["_deferred"] = (raw, _tables(raw), on_connect)
        return data

    def __getattr__(self, name: str) -> Any:  # only for attributes not set: a deferred Data's Ibis side
        deferred = self.__dict__.get("_deferred")
        if name not in _IBIS_FIELDS or deferred is None:
            raise AttributeError(name)
        raw, tables, on_connect = deferred
        con = _ibis_connection(raw, on_connect)
        self.con = con
        for table in _IBIS_FIELDS[1:]:
            setattr(self, table, con.table(table) if table in tables else None)
        return getattr(self, name)

    @property
    def raw(self) -> Any:
        """The DuckDB connection holding the tables."""
        deferred = self.__dict__.get("_deferred")
        return deferred[0] if deferred is not None else self.con.con

    def fetch(self, name: str, build: Callable[[], Any], *parts: Any) -> pd.DataFrame:
        """The rows of the query `build()` as a DataFrame. With remembered SQL, `name` and `parts` (the
        values the expression is built from besides the tables) name it, and a warm run executes its SQL
        without building it; else Ibis executes the expression."""
        if self.remembered is None:
            return self.con.execute(build())
        rows = self.remembered.execute(self.raw, name, [str(self.as_of), *parts],
                                       lambda: plain_compile(self.con)(build()),
                                       run=lambda sql: self.raw.sql(sql).to_arrow_table())
        return arrow_frame(rows)

    def rows(self, name: str, build: Callable[["Data"], Any]) -> pd.DataFrame:
        """The rows of the shared query `name` (built by `build(self)` the first time). The expression
        depends on the tables alone, so it is built once; executing it again reads the tables as they are
        then (the real-time evaluator refills them in place and answers a repeated execute from its cache)."""
        if self.remembered is not None:
            return self.fetch(f"rows-{name}", lambda: build(self))
        # On the connection that holds the tables, which `expr.execute()` would find by walking the whole
        # expression (≈1.5 ms per call, several calls per real-time evaluation).
        return self.con.execute(self.query(name, build))

    def query(self, name: str, build: Callable[["Data"], Any]) -> Any:
        """The expression of the shared query `name`, built by `build(self)` the first time only."""
        if name not in self.queries:
            self.queries[name] = build(self)
        return self.queries[name]

    def records(self, name: str, build: Callable[["Data"], Any]) -> list:
        """The rows of the shared query `name` (`rows`) as named tuples with the values of the frame's columns
        (`frame_records`), for rules that step through them one by one. The real-time evaluator reads them
        straight from its prepared statement instead, without a frame (`realtime._Tables`)."""
        return frame_records(self.rows(name, build))

    def shared(self, key: Any, build: Callable[[], Any]) -> Any:
        """`build()`, computed once for these tables whichever rule asks first (`key` names what is built
        and from what), so that rules reading the same rows read and judge them once per run."""
        if key not in self.derived:
            self.derived[key] = build()
        return self.derived[key]

    def intermediate(self, name: str, build: Callable[["Data"], Any]) -> Any:
        """The table `build(self)`, which several rules read (e.g. each stay of a ticket at a unit, for the
        ping-pong and the cycle rules). Kept: computed the first time, with the SQL Ibis compiles for it (a
        run that remembers queries remembers this one too), into the temporary table `kept_<name>`; each
        rule's query then reads that table. Not kept: the expression itself, so each rule computes it."""
        if not self.keep_intermediates:
            return build(self)
        self.keep(name, build)
        if self.kept[name] is None:
            self.kept[name] = self.con.table(f"kept_{name}")
        return self.kept[name]

    def keep(self, name: str, build: Callable[["Data"], Any], *parts: Any) -> None:
        """The temporary table `kept_<name>` of `build(self)`'s rows made, once per run (see `intermediate`);
        with remembered SQL from its remembered statement (`parts`: what the expression is built from
        besides the tables, as for `fetch`), without building the expression."""
        if name in self.kept:
            return
        if self.remembered is not None:
            self.remembered.execute(self.raw, f"kept_{name}", [str(self.as_of), *parts],
                                    lambda: _create_sql(self.con, f"kept_{name}", build(self), temp=True,
                                                        compile=plain_compile(self.con))).fetchall()
        else:
            _create(self.con, f"kept_{name}", build(self), temp=True)
        self.kept[name] = None  # its Ibis table made when a rule's expression asks for it

    def given(self, name: str, frame: pd.DataFrame) -> Any:
        """`frame`'s rows as the table `given_<name>` of this run (replaced when given again). Not an Ibis
        memtable: a query over a named table is the same SQL whatever the rows, so a run that remembers its
        queries reads it instead of compiling it again."""
        self.register(name, frame)
        return self.con.table(f"given_{name}")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """`frame`'s rows as the table `given_<name>` of the DuckDB connection (see `given`)."""
        self.raw.register(f"given_{name}", frame)

    def each(self, calls: list[Callable[[], Any]]) -> list[Any]:
        """The results of `calls` (each runs queries on these tables), in order. Here one after the other:
        DuckDB spreads one query over every core itself. An engine whose queries each cost a fixed round of
        planning and scheduling (Spark: `SparkData.each`) runs them at once, so those rounds overlap."""
        return [call() for call in calls]

    @property
    def as_of_ts(self) -> int:
        return int(pd.Timestamp(self.as_of).timestamp())

    def has(self, name: str) -> bool:
        deferred = self.__dict__.get("_deferred")
        if deferred is not None and name in _IBIS_FIELDS[1:]:
            return name in deferred[1]
        return getattr(self, name) is not None


# A deferred Data's attributes made when first asked for: the Ibis connection, then the tables it reads.
_IBIS_FIELDS = ("con", "ev", "tk", "calls", "agent_status")


def arrow_frame(table: Any) -> pd.DataFrame:
    """An Arrow result as the DataFrame Ibis' DuckDB `execute` makes of it: a column with nulls, nested or
    dictionary values as Python objects, text as `object` (Ibis' pandas type for strings), the rest as Arrow
    converts it."""
    import pyarrow.types as pat

    columns = {}
    for name, column in zip(table.column_names, table.columns):
        if pat.is_nested(column.type) or pat.is_dictionary(column.type) or column.null_count:
            columns[name] = pd.Series(column.to_pylist(), dtype=object)
        else:
            values = column.to_pandas()
            text = pat.is_string(column.type) or pat.is_large_string(column.type) or pat.is_string_view(column.type)
            columns[name] = values.astype(object) if text else values
    return pd.DataFrame(columns)


def connect(on_connect: Callable[[Any], None] | None = None, workdir: str | Path | None = None) -> Any:
    """A fresh DuckDB behind Ibis: in memory, or with `workdir` a database file there (its tables on disk,
    only a bounded buffer in memory; spills go to the same directory). Row order is never relied on, so DuckDB
    may reorder. `on_connect(con)` runs before anything is compiled on it (e.g.
    `CompiledRules.remember_queries`, so that the preparation's own queries — the ticket facts — are
    remembered between runs too)."""
    return _ibis_connection(connect_raw(workdir), on_connect)


def connect_raw(workdir: str | Path | None = None) -> Any:
    """The DuckDB connection of `connect`, set as Ibis sets its own (time zone UTC, no Python variables read
    as tables), without Ibis."""
    import duckdb

    raw = duckdb.connect() if workdir is None else duckdb.connect(str(Path(workdir) / "log.duckdb"))
    if workdir is not None:
        _run(raw, f"SET temp_directory = '{_quote(Path(workdir) / 'spill')}'")
    _run(raw, "SET TimeZone = 'UTC'")
    _run(raw, "SET python_enable_replacements = false")
    _run(raw, "SET preserve_insertion_order = false")
    return raw


def _ibis_connection(raw: Any, on_connect: Callable[[Any], None] | None) -> Any:
    import ibis

    from rexian.analytics.ibis_compilers import lazy_compilers

    lazy_compilers()  # DuckDB's SQL compiler only, not all of Ibis' dialects'
    con = ibis.duckdb.from_connection(raw)
    if on_connect is not None:
        on_connect(con)
    return con


def from_frames(events: pd.DataFrame, tickets: pd.DataFrame | None = None, calls: pd.DataFrame | None = None,
                agent_status: pd.DataFrame | None = None, as_of: datetime | None = None,
                on_connect: Callable[[Any], None] | None = None, remembered: Any = None) -> Data:
    """Tables given as DataFrames (tests, the simulator, the benchmark); the callers' frames are not changed."""
    given = {"events": events, "tickets": tickets, "calls": calls, "agent_status": agent_status}
    return from_batches({name: [frame.copy()] for name, frame in given.items() if frame is not None}, as_of,
                        on_connect=on_connect, remembered=remembered)


def from_batches(batches: dict[str, Any], as_of: datetime | None = None, memory_limit: str | None = None,
                 on_connect: Callable[[Any], None] | None = None, workdir: str | Path | None = None,
                 remembered: Any = None) -> Data:
    """Tables given as iterables of DataFrames or Arrow tables (`name → chunks`), appended into DuckDB one
    chunk at a time: a reader of a large database (the desk's dashboard) never holds a whole table at once;
    with `workdir` (see `connect`) and `memory_limit` not the DuckDB copy either. With `remembered` (a
    `remembered.RememberedSQL`) the queries run from remembered SQL and Ibis is loaded only to compile."""
    con = connect_raw(workdir) if remembered is not None else connect(on_connect, workdir)
    raw = con if remembered is not None else con.con
    if memory_limit:
        _run(raw, f"SET memory_limit = '{memory_limit}'")
    for name, chunks in batches.items():
        created = False
        for frame in chunks:
            if isinstance(frame, pd.DataFrame) and "payload" in frame.columns:
                frame["payload"] = frame["payload"].map(_payload_text)
            raw.register(f"{name}_frame", frame)
            _run(raw, (f'INSERT INTO "raw_{name}" SELECT * FROM "{name}_frame"' if created
                       else f'CREATE TABLE "raw_{name}" AS SELECT * FROM "{name}_frame"'))
            raw.unregister(f"{name}_frame")
            created = True
    _threads_for(raw)
    return _prepare(con, as_of, remembered, on_connect)


def from_directories(directories: list[str | Path], as_of: datetime | None = None,
                     on_connect: Callable[[Any], None] | None = None, remembered: Any = None) -> Data:
    """Interchange directories (docs/interchange.md): NAME.parquet or NAME.csv per table. `remembered`: as
    for `from_batches`."""
    con = connect_raw() if remembered is not None else connect(on_connect)
    raw = con if remembered is not None else con.con
    # Rexian's CSV writer guards text cells against spreadsheet formulas (safe_cells.neutralise); undone here
    # exactly as safe_cells.restore does, so CSV and Parquet directories give the same tables.
    _run(raw, "CREATE OR REPLACE MACRO rexian_restore(x) AS CASE WHEN regexp_matches(x, '^''+[=+\\-@\\t\\r]') "
              "THEN substr(x, 2) ELSE x END")
    for name in ("events", "tickets", "calls", "agent_status"):
        selects = []
        for directory in directories:
            path = interchange_file(directory, name)
            if path is None:
                continue
            if path.suffix == ".parquet":
                selects.append(f"SELECT * FROM read_parquet('{_quote(path)}')")
            else:
                selects.append(f"SELECT rexian_restore(COLUMNS(*)) FROM read_csv('{_quote(path)}', header=true, "
                               "all_varchar=true)")
        if selects:
            _run(raw, f'CREATE TABLE "raw_{name}" AS ' + " UNION ALL BY NAME ".join(selects))
    if "raw_events" not in _tables(raw):
        raise FileNotFoundError("目录中没有 events.parquet 或 events.csv（交换格式，docs/interchange.md）："
                                + "、".join(map(str, directories)))
    _threads_for(raw)
    return _prepare(con, as_of, remembered, on_connect)


def interchange_file(directory: str | Path, name: str) -> Path | None:
    """The interchange table NAME's file in DIRECTORY — NAME.parquet, else NAME.csv, else NAME.csv.gz — or None."""
    return next((path for path in (Path(directory) / f"{name}{suffix}" for suffix in (".parquet", ".csv", ".csv.gz"))
                 if path.exists()), None)


# Below this many events an analysis runs DuckDB on one thread. Its statements are then many and small (the
# preparation, ~50 rule and output queries of a few milliseconds each), and a second thread adds mostly its
# coordination: on a 65k-event log one thread took 0.6 of 3.2 CPU s less and, on a shared machine, half the
# wall clock (docs/speed.md, fourteenth pass). Larger logs keep DuckDB's default, one thread per core.
SMALL_LOG_EVENTS = 200_000


def _threads_for(raw: Any) -> None:
    """One DuckDB thread for a small log (`SMALL_LOG_EVENTS`), DuckDB's default otherwise."""
    if "raw_events" in _tables(raw) and _run(raw, "SELECT count(*) FROM raw_events")[0][0] < SMALL_LOG_EVENTS:
        _run(raw, "SET threads = 1")


def _run(raw: Any, sql: str) -> list[tuple]:
    """Execute and drain: DuckDB needs each result consumed before the connection is used again."""
    return raw.execute(sql).fetchall()


def frame_records(frame: pd.DataFrame) -> list:
    """The frame's rows as named tuples, the values those of `itertuples` (no index). Built from whole columns:
    `itertuples` steps through Arrow-backed text columns one value at a time (a tenth of a small log's
    analysis, the text rules reading the same rows again and again)."""
    row = namedtuple("Row", frame.columns, rename=True)
    return [row._make(values) for values in zip(*(frame[column].tolist() for column in frame.columns))]


def from_ibis_connection(con: Any, as_of: datetime | None = None) -> Data:
    """An Ibis DuckDB connection that already holds `raw_events` (and optionally `raw_tickets`,
    `raw_calls`, `raw_agent_status`) in the interchange format, e.g. generated in SQL by the benchmark."""
    return _prepare(con, as_of)


def _create(con: Any, name: str, expr: Any, temp: bool = False) -> None:
    """A table of the expression's rows with the expression's column types, as Ibis' `create_table` makes it,
    but filled by the SQL of `con.compile`, which a run that remembers its queries does not compile again
    (compiling the ticket facts was about a tenth of a small log's analysis)."""
    _run(con.con, _create_sql(con, name, expr, temp))


def _create_sql(con: Any, name: str, expr: Any, temp: bool = False, compile: Callable[[Any], str] | None = None) -> str:
    """The statements of `_create` (one text: a remembered run executes it without Ibis)."""
    types = con.compiler.type_mapper
    columns = ", ".join(f'"{column}" {types.from_ibis(dtype).sql("duckdb")}' for column, dtype in expr.schema().items())
    return (f'CREATE OR REPLACE {"TEMP " if temp else ""}TABLE "{name}" ({columns}); '
            f'INSERT INTO "{name}" {(compile or con.compile)(expr)}')


def plain_compile(con: Any) -> Callable[[Any], str]:
    """`con`'s compile for a named query (`remembered.RememberedSQL`), whose SQL is remembered under its name:
    past the remembering of other queries by their expression's digest (`engine.CompiledRules.
    remember_queries`), which would keep a second file that no run reads (the name's file is read first)."""
    return getattr(con.compile, "plain", con.compile)


def _payload_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _tables(raw: Any) -> set[str]:
    return {row[0] for row in _run(raw, "SELECT table_name FROM information_schema.tables")}


def _columns(raw: Any, table: str) -> set[str]:
    return {row[0] for row in _run(raw, f'DESCRIBE "{table}"')}


def _typed(raw: Any, table: str, columns: dict[str, str]) -> list[str]:
    present = _columns(raw, table)
    out = []
    for name, sql_type in columns.items():
        if name not in present:
            out.append(f'CAST(NULL AS {sql_type}) AS "{name}"')
        elif sql_type == "BOOLEAN":
            out.append(f"TRY_CAST(lower(CAST(\"{name}\" AS VARCHAR)) IN ('true', '1', 't', 'yes') AS BOOLEAN) "
                       f'AS "{name}"')
        else:
            out.append(f'TRY_CAST("{name}" AS {sql_type}) AS "{name}"')
    return out


def event_fields(raw: Any) -> tuple[list[str], str]:
    """The SELECT list of `ev` over `raw_events` parsed into a struct `p`, and that struct's type: one JSON
    parse per event (json_transform into a struct), then typed columns from the struct."""
    structure = {key: "VARCHAR" for key in PAYLOAD_TEXT + PAYLOAD_TIME + PAYLOAD_BOOL + ("level",)}
    structure.update({key: "JSON" for key in PAYLOAD_LIST_LENGTH})
    structure_sql = json.dumps(structure).replace("'", "''")
    fields = _typed(raw, "raw_events", EVENT_COLUMNS)
    fields.append('CAST(epoch(TRY_CAST("at" AS TIMESTAMP)) AS BIGINT) AS ts')
    fields += [f"p.{key} AS {key}" for key in PAYLOAD_TEXT]
    fields += [f"TRY_CAST(p.{key} AS TIMESTAMP) AS {key}" for key in PAYLOAD_TIME]
    fields += [f"TRY_CAST(p.{key} AS BOOLEAN) AS {key}" for key in PAYLOAD_BOOL]
    fields += [f"coalesce(json_array_length(p.{key}), 0) AS {key}_n" for key in PAYLOAD_LIST_LENGTH]
    fields.append("TRY_CAST(p.level AS BIGINT) AS level")
    return fields, structure_sql


def _prepare(con: Any, as_of: datetime | None, remembered: Any = None,
             on_connect: Callable[[Any], None] | None = None) -> Data:
    """The rules' tables from the raw ones: `ev`, the typed record tables and the ticket facts `tk`. `con`
    is the Ibis connection, or with `remembered` the DuckDB connection (see `from_batches`)."""
    raw = con if remembered is not None else con.con
    as_of = _prepare_events(raw, as_of)
    if remembered is None:
        _create(con, "tk", _ticket_facts(con, as_of))
        tables = _tables(raw)
        return Data(
            con=con, ev=con.table("ev"), tk=con.table("tk"),
            calls=con.table("calls") if "calls" in tables else None,
            agent_status=con.table("agent_status") if "agent_status" in tables else None,
            as_of=as_of,
        )
    data = Data.deferred(raw, as_of, remembered, on_connect)
    remembered.execute(raw, "tk", [str(as_of)],
                       lambda: _create_sql(data.con, "tk", _ticket_facts(data.con, as_of),
                                           compile=plain_compile(data.con))).fetchall()
    remembered.tables_changed()
    if "con" in data.__dict__:  # Ibis was loaded to compile the ticket facts
        data.tk = data.con.table("tk")
    else:
        data.__dict__["_deferred"] = (raw, _tables(raw), on_connect)
    return data


def _ticket_facts(con: Any, as_of: datetime) -> Any:
    from rexian.analytics.facts import ticket_facts

    tickets_file = con.table("tickets") if "tickets" in _tables(con.con) else None
    return ticket_facts(con.table("ev"), tickets_file, int(pd.Timestamp(as_of).timestamp()))


def _prepare_events(raw: Any, as_of: datetime | None) -> datetime:
    """`ev` and the typed record tables made on the DuckDB connection; the analysis time (given, or the
    newest event's)."""
    fields, structure_sql = event_fields(raw)
    # One statement: the narrow raw rows sorted first, then parsed and typed in that order (insertion order
    # kept for this statement only). Sorting the 50-column result instead, or materialising the parsed
    # structs in a temporary table, cost 2.3x the CPU and a third more memory (docs/speed.md, fifth pass).
    kept = _run(raw, "SELECT current_setting('preserve_insertion_order')")[0][0]
    _run(raw, "SET preserve_insertion_order = true")
    _run(raw, "CREATE TABLE ev AS SELECT " + ", ".join(fields) + " FROM (SELECT *, json_transform(CAST(payload AS "
              f"VARCHAR), '{structure_sql}') AS p FROM (SELECT * FROM raw_events ORDER BY ticket_id, seq))")
    _run(raw, f"SET preserve_insertion_order = {'true' if kept else 'false'}")
    present = _tables(raw)
    for name, columns in TABLE_COLUMNS.items():
        if f"raw_{name}" in present:
            _run(raw, f'CREATE TABLE "{name}" AS SELECT ' + ", ".join(_typed(raw, f"raw_{name}", columns))
                        + f' FROM "raw_{name}"')
    for name in ("calls", "agent_status"):
        if name in _tables(raw):
            _run(raw, f'ALTER TABLE "{name}" ADD COLUMN ts BIGINT')
            first = "ring_at" if name == "calls" else "start_at"
            _run(raw, f'UPDATE "{name}" SET ts = CAST(epoch("{first}") AS BIGINT)')
    if as_of is None:
        newest = _run(raw, 'SELECT max("at") FROM ev')[0][0]
        as_of = newest or datetime(1970, 1, 1)
    return as_of
