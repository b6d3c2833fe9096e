"""Real-time supervision: when events are appended, the rules that concern their tickets run at once.

The rules are the batch rules themselves (`registry`), run on a small DuckDB data set holding only the
affected tickets' events and ticket rows — plus, for rules about the same matter (repeat complaints,
"closed then reported again"), every ticket on the same place and category. A rule qualifies for real
time when its result for a ticket depends only on that scope and not on the analysis time; the others are
declared batch-only with the reason (`BATCH_ONLY`, derived from the declarations), and run in the batch.

Speed: the DuckDB connection is kept, the preparation statements of `tables` are recorded once and
replayed on each new scope, and each relational rule is compiled to SQL once; the relational rules an
action triggers run as one prepared statement; the text rules share their row queries within an
evaluation and ask a remembering text port (docs/realtime.md, "Speed"). A rule only runs when an appended
event has an action it reads (`TRIGGERS`); the parity test (tests/realtime) checks the result against the
batch run on the whole log.
"""

from __future__ import annotations

import itertools
import re
from collections import namedtuple
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

import pandas as pd
import pyarrow as pa

from rexian.analytics import tables
from rexian.analytics.config import rule_params
from rexian.analytics.engine import run_rule
from rexian.analytics.realtime_cache import BuiltStatements
from rexian.analytics.realtime_sql import columns_read, narrowed, select_only, union
from rexian.analytics.registry import Finding, all_rules, rows_to_findings
from rexian.analytics.text_port import TextPort, default_text_port, remembering, reply_scores_titled
from rexian.analytics.triggers import BATCH_ONLY, MATTER_RULES, TRIGGERS, realtime_rule_ids, triggers

__all__ = ["BATCH_ONLY", "MATTER_RULES", "TRIGGERS", "RealtimeEvaluator", "realtime_rule_ids", "triggers"]

# as_of stand-in compiled into the ticket facts once, replaced by the real time on each run.
_AS_OF_SENTINEL = datetime(2099, 12, 31, 23, 59, 59)
_AS_OF_SENTINEL_TS = int(pd.Timestamp(_AS_OF_SENTINEL).timestamp())

EVENT_FRAME_COLUMNS = tuple(tables.EVENT_COLUMNS)
TICKET_FRAME_COLUMNS = tuple(tables.TABLE_COLUMNS["tickets"])


class _RecordingConnection:
    """A DuckDB connection that remembers the table-building statements run through it (`statements`), and
    every statement that changes the connection's state, in order (`setup`: what a new connection replays to
    be the same, `realtime_cache`)."""

    def __init__(self, raw: Any):
        self.raw, self.statements, self.setup = raw, [], []

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("CREATE", "DROP", "ALTER", "UPDATE")):
            self.statements.append(sql)
        if not sql.lstrip().upper().startswith(_READS):
            # A statement with parameters cannot be replayed from its text alone: None marks the setup so.
            self.setup.append(None if args else sql)
        return self.raw.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


# Statements that only read: nothing to replay.
_READS = ("SELECT", "DESCRIBE", "SHOW", "WITH", "SUMMARIZE", "EXPLAIN")


class _IbisConnection:
    """The Ibis connection seen by `tables._prepare`, with its raw connection recorded."""

    def __init__(self, con: Any, recorder: _RecordingConnection):
        self._con, self.con = con, recorder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


class RealtimeEvaluator:
    """The real-time rules on one kept DuckDB connection. Not thread-safe: one evaluator per worker."""

    def __init__(self, config: dict[str, Any], text: TextPort | None = None, shortcuts: bool = True,
                 cache_dir: str | Path | None = None):
        """`shortcuts=False` keeps the earlier path (every text rule builds and runs its own row query and
        judges each text anew; all tables refilled): the benchmark's baseline, same findings. `cache_dir`
        (the setting `analysis_cache_dir`): where the compiled statements are kept between processes
        (`realtime_cache`): a process that finds them there replays them instead of compiling the rules;
        None compiles in every process."""
        self.config = config
        self.shortcuts = shortcuts
        self.text = text or default_text_port()
        if shortcuts:
            self.text = remembering(self.text)
        self.triggers = triggers(config)
        self.rules = all_rules()
        self.params: dict[str, dict[str, Any]] = {}
        for rule_id in self.triggers:
            self.params[rule_id] = params = rule_params(config, rule_id)
            params.pop("enabled", None)
        self._given: tuple[Any, Any, datetime] | None = None
        self._plan_numbers = itertools.count()
        self._setup: list[str | None] | None = None
        kept = BuiltStatements(cache_dir, config) if shortcuts and cache_dir is not None else None
        built = kept.read() if kept is not None else None
        if built is None or not self._restore(built, kept):
            self._build()
            if kept is not None and None not in self._setup:
                kept.write(self._built())
        self._setup = None  # recorded for the build only; later plans are prepared per process
        if shortcuts:
            # The text port loads its models on first use (≈0.7 s): at start-up, not on the first reply or
            # complaint judged. Sample words only; the answers are remembered like any other.
            self.text.normalise("示例")
            self.text.detect_misconduct("工作人员态度恶劣")
            reply_scores_titled(self.text, "已安排人员现场处理", "路灯不亮", [], None)

    def _open(self, raw: Any) -> None:
        """The connection's raw tables, into which each evaluation's given rows go."""
        self.raw = raw
        self._appenders: dict[str, Any] = {}
        for name, columns in (("events", EVENT_FRAME_COLUMNS), ("tickets", TICKET_FRAME_COLUMNS)):
            # Text columns, as in a CSV interchange file: the recorded preparation casts them.
            if self.shortcuts:
                # A table of the database, emptied and appended to on each evaluation: every statement reads
                # tables whose definitions never change, so DuckDB keeps each prepared plan (below).
                raw.execute(f"CREATE TABLE raw_{name} (" + ", ".join(f'"{c}" VARCHAR' for c in columns) + ")")
                self._appenders[f"raw_{name}"] = raw.appender(f"raw_{name}")
            else:
                raw.register(f"raw_{name}", _text_table([], columns))

    def _run(self, sql: str) -> list:
        """Execute a statement of the build (recorded, for `realtime_cache`) and drain it."""
        if self._setup is not None:
            self._setup.append(sql)
        return self.raw.execute(sql).fetchall()

    def _attach(self, con: Any) -> None:
        """The Ibis connection on the evaluator's DuckDB: compiles once per expression, and its `execute`
        answered by the row queries (made when the build starts, or on a restored evaluator when a query
        has to be compiled after all)."""
        _memoize_compile(con)
        self._results.execute_once = con.execute  # Ibis' own, for calls with options
        con.execute = self._results.frame

    def _build(self) -> None:
        """Compile the rules and prepare their statements on a new connection, each statement recorded."""
        from rexian.analytics.facts import ticket_facts

        con = tables.connect()
        self._open(con.con)
        raw = self.raw
        recorder = _RecordingConnection(raw)
        prepared = tables.from_ibis_connection(_IbisConnection(con, recorder), as_of=_AS_OF_SENTINEL)
        self._setup = recorder.setup
        self.data = _Tables(**{column.name: getattr(prepared, column.name) for column in fields(prepared)})
        self.data.con = con  # the plain Ibis connection from now on
        self.data.keep_intermediates = False  # the tables are refilled in place: each rule computes its own
        self._results = self.data.row_queries = _RowQueries(self._run, raw, lambda: self.data.con, self._text_query)
        self._attach(con)
        self._run("SET threads = 1")  # a few rows: threads only add coordination
        self._run("SET enable_progress_bar = false")
        if self.shortcuts:
            # Planning, not running, is the cost of a statement on a few rows. This DuckDB (2.0) plans a
            # prepared statement again on every EXECUTE while the optimiser is on; with it off, it keeps the
            # plan of a prepared statement that has no parameter and reads only tables of the database — not a
            # registered Python object, not a temporary table (measured with DuckDB's profiler: binding
            # 0.02 ms instead of 5–15 ms; docs/speed.md, "Real time: plans kept"). Hence the optimiser off
            # before anything is prepared, the given rows appended to tables, the analysis time in a table. The optimiser's rewrites
            # keep results (the parity tests).
            self._run("SET enable_optimizer = false")
        # Each recorded `CREATE TABLE x AS query` becomes a refill of x, so that the tables (and the
        # statements prepared on them) stay; tables the preparation dropped are created once and kept.
        self.refills: list[tuple[str, str]] = []  # (table, query)
        statements = _inline_dropped(recorder.statements) if self.shortcuts else recorder.statements
        for sql in statements:
            match = _CREATE_AS.match(sql)
            if match:
                name, query = match.groups()
                if self.shortcuts and "raw_tickets" in query:
                    # The typed ticket rows are read by the ticket facts alone, once: a view, bound into the
                    # facts statement, instead of a table refilled by two more statements per evaluation.
                    self._run(f"DROP TABLE IF EXISTS {name}")
                    self._run(f"CREATE VIEW {name} AS {query}")
                    continue
                if name.strip('"') not in _tables(raw):
                    self._run(sql)
                self.refills.append((name, query))
        facts = ticket_facts(con.table("ev"), con.table("tickets"), _AS_OF_SENTINEL_TS)
        if self.shortcuts:
            # The analysis time is read from a one-row table, not passed as a parameter: a statement with a
            # parameter is planned again on every EXECUTE, one without is planned once (above).
            self._run("CREATE TABLE realtime_as_of (ts BIGINT)")
            self._run("INSERT INTO realtime_as_of VALUES (0)")
        # Statements are prepared once every table and view exists: a statement prepared before a change of
        # the catalog is planned again on every EXECUTE.
        for number, (name, query) in enumerate(self.refills):
            self._run(f"PREPARE clear_{number} AS DELETE FROM {name}")
            self._run(f"PREPARE refill_{number} AS INSERT INTO {name} {query}")
        self._schema = _schema(raw) if self.shortcuts else {}
        if self.shortcuts:
            facts_sql = self._narrow(con.compile(facts).replace(str(_AS_OF_SENTINEL_TS), "(SELECT ts FROM realtime_as_of)"))
        else:
            facts_sql = con.compile(facts).replace(str(_AS_OF_SENTINEL_TS), "$1")
        self._run(f"PREPARE refill_tk AS INSERT INTO tk {facts_sql}")
        self._run("PREPARE clear_tk AS DELETE FROM tk")
        self.facts_sql = facts_sql
        # What each rule reads of the refilled tables (`ev`, `tk`), so that an evaluation fills only those
        # columns (`_plan`); the text rules' row queries are learnt as they are first run (`_text_query`).
        self._read_tables()
        self.reads: dict[str, dict[str, Any]] = {}
        self.text_reads: dict[str, Any] = {}
        self._plans: dict[frozenset[str], _Plan] = {}
        # Relational rules: compiled to SQL and prepared once (parsed, bound and planned once).
        self.compiled: dict[str, str] = {}
        self.sql: dict[str, str] = {}
        self.without_facts: set[str] = set()  # rules that never read the ticket facts (`tk`)
        for number, rule_id in enumerate(self.triggers):
            rule_def = self.rules[rule_id]
            if rule_def.kind == "relational":
                expr = rule_def.func(self.data, self.params[rule_id])
                sql = self._narrow(con.compile(expr))
                self._run(f"PREPARE rule_{number} AS {sql}")
                self.compiled[rule_id] = f"EXECUTE rule_{number}"
                self.sql[rule_id] = sql
                self.reads[rule_id] = columns_read(sql, self.read_tables)
                if not re.search(r'"tk"', sql):
                    self.without_facts.add(rule_id)
        # The relational rules one action triggers, as one statement (one per action, prepared now).
        self.combined: dict[tuple[str, ...], str] = {}
        if self.shortcuts:
            # Each text rule once on the empty tables: its row queries are prepared now and what they read
            # is known before the first evaluation.
            for rule_id in self.triggers:
                if rule_id not in self.compiled:
                    run_rule(self.rules[rule_id], self.data, self.config, self.text, detected_at=_AS_OF_SENTINEL)
            for action in sorted(set().union(*self.triggers.values())):
                self._combined(tuple(r for r in self.rules_for([action]) if r in self.compiled))
                self._plan(self.rules_for([action]))

    def _read_tables(self) -> None:
        self.refilled = tuple(name.strip('"') for name, _query in self.refills) + ("tk",)
        self.read_tables = self.refilled + ("tickets", "raw_tickets", "raw_events")

    def _built(self) -> dict[str, Any]:
        """What a new process needs to be this evaluator without compiling (`_restore`), as JSON values."""
        return {
            "statements": self._setup, "schema": self._schema, "refills": [list(pair) for pair in self.refills],
            "facts_sql": self.facts_sql, "compiled": self.compiled, "sql": self.sql,
            "without_facts": sorted(self.without_facts),
            "reads": {rule_id: _columns_json(reads) for rule_id, reads in self.reads.items()},
            "text_reads": _columns_json(self.text_reads),
            "combined": [[list(rule_ids), name] for rule_ids, name in self.combined.items()],
            "plans": [[sorted(key), [list(pair) for pair in plan.refills], plan.facts, plan.as_of, plan.ticket_rows]
                      for key, plan in self._plans.items()],
            "plan_numbers": next(self._plan_numbers),
            "prepared": self._results.prepared, "named": self._results.named,
        }

    def _restore(self, built: dict[str, Any], kept: "BuiltStatements") -> bool:
        """This evaluator from a kept build: its statements replayed on a new connection, its knowledge of
        them read back. Checked, not trusted: the replay must give the catalog the build saw and know every
        real-time relational rule; else (or if DuckDB refuses a statement) a warning and False (compiled
        anew). Ibis is not loaded: the text rules' row queries are read by name (`_Tables.records`)."""
        import duckdb

        raw = tables.connect_raw()
        try:
            self._open(raw)
            for sql in built["statements"]:
                raw.execute(sql).fetchall()
            if _schema(raw) != built["schema"]:
                raise ValueError("重放后的表结构与编译时不同")
            relational = {rule_id for rule_id in self.triggers if self.rules[rule_id].kind == "relational"}
            if set(built["compiled"]) != relational or set(built["reads"]) != relational:
                raise ValueError("缓存中的规则与当前的实时规则不同")
            self._schema = built["schema"]
            self.refills = [(name, query) for name, query in built["refills"]]
            self._read_tables()
            self.facts_sql = built["facts_sql"]
            self.compiled, self.sql = dict(built["compiled"]), dict(built["sql"])
            self.without_facts = set(built["without_facts"])
            self.reads = {rule_id: _columns_read_back(reads) for rule_id, reads in built["reads"].items()}
            self.text_reads = _columns_read_back(built["text_reads"])
            self.combined = {tuple(rule_ids): name for rule_ids, name in built["combined"]}
            self._plans = {frozenset(key): _Plan(tuple((clear, refill) for clear, refill in refills), facts,
                                                  bool(as_of), bool(ticket_rows))
                           for key, refills, facts, as_of, ticket_rows in built["plans"]}
            self._plan_numbers = itertools.count(int(built["plan_numbers"]))
            self._results = _RowQueries(self._run, raw, lambda: self.data.con, self._text_query)
            self._results.prepared = dict(built["prepared"])
            self._results.named = dict(built["named"])
        except (duckdb.Error, AttributeError, KeyError, TypeError, ValueError) as error:
            raw.close()
            kept.ignored(f"无法使用（{error}）")
            return False
        self.data = _Tables.deferred(raw, _AS_OF_SENTINEL, None, self._attach)
        self.data.keep_intermediates = False
        self.data.row_queries = self._results
        return True

    def _narrow(self, sql: str) -> str:
        """`sql` reading only the columns it uses (`realtime_sql.narrowed`), on the shortcut path."""
        return narrowed(sql, self._schema) if self.shortcuts else sql

    def rules_for(self, actions: Iterable[str]) -> list[str]:
        actions = set(actions)
        return [rule_id for rule_id, wanted in self.triggers.items() if wanted & actions]

    def evaluate(self, events: Iterable[Mapping[str, Any]], tickets: Iterable[Mapping[str, Any]] | None,
                 as_of: datetime, only: Iterable[str] | None = None) -> list[Finding]:
        """Findings of the real-time rules (or `only` those) on the given event records and ticket rows
        (mappings with the interchange columns; a payload may be a dict or JSON text)."""
        as_of = pd.Timestamp(as_of).to_pydatetime()  # also from text, as read from a file or SQLite
        wanted = [rule_id for rule_id in (only or self.triggers) if rule_id in self.triggers]
        try:
            return self._evaluate(events, tickets or (), as_of, wanted)
        finally:
            self._given = None

    def _evaluate(self, events: Iterable[Mapping[str, Any]], tickets: Iterable[Mapping[str, Any]],
                  as_of: datetime, wanted: list[str]) -> list[Finding]:
        if self.shortcuts:
            # As lists of text rows: a reload in the middle of the evaluation (`_text_query`) reads them again.
            events, tickets = _text_rows(events, EVENT_FRAME_COLUMNS), _text_rows(tickets, TICKET_FRAME_COLUMNS)
            self._given = (events, tickets, wanted)
            self._load_for(events, tickets, as_of, wanted)
        else:
            self._load(events, tickets, as_of, facts=not self.without_facts.issuperset(wanted))
        findings: dict[str, Finding] = {}
        relational = self._relational_rows(tuple(rule_id for rule_id in wanted if rule_id in self.compiled))
        for rule_id in wanted:
            rule_def = self.rules[rule_id]
            if rule_id in self.compiled:
                found = rows_to_findings(rule_def, relational[rule_id], self.params[rule_id], as_of)
            else:
                # Text rules: the rows several share (replies, citizens' words) are built once per evaluator
                # (`Data.rows`) and read once per evaluation (the memoized execute).
                found = run_rule(rule_def, self.data, self.config, self.text, detected_at=as_of)
            for finding in found:
                findings.setdefault(finding.finding_key, finding)
        return list(findings.values())

    def _relational_rows(self, rule_ids: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
        """Each relational rule's result rows: with shortcuts, several rules in one statement."""
        raw = self.raw
        if self.shortcuts and len(rule_ids) > 1:
            row = raw.execute(f"EXECUTE {self._combined(rule_ids)}").fetchone()
            return {rule_id: list(rows or ()) for rule_id, rows in zip(rule_ids, row)}
        out = {}
        for rule_id in rule_ids:
            result = raw.execute(self.compiled[rule_id])
            names = [column[0] for column in result.description]
            out[rule_id] = [dict(zip(names, row)) for row in result.fetchall()]
        return out

    def _combined(self, rule_ids: tuple[str, ...]) -> str:
        """One prepared statement returning, per rule, its rows as a list of structs (DuckDB's fixed cost
        is per statement; the rows convert to the same Python values as the rule's own statement)."""
        if len(rule_ids) > 1 and rule_ids not in self.combined:
            name = f"combined_{len(self.combined)}"
            select = ", ".join(f"(SELECT list(q) FROM ({self.sql[rule_id]}) AS q) AS r{number}"
                               for number, rule_id in enumerate(rule_ids))
            self._run(f"PREPARE {name} AS SELECT {select}")
            self.combined[rule_ids] = name
        return self.combined.get(rule_ids, "")

    def _plan(self, rule_ids: Iterable[str]) -> "_Plan":
        """How an evaluation of `rule_ids` refills the tables: each refilled table with only the columns those
        rules read (the ticket facts narrowed first, since what they read of `ev` is read too), prepared once
        per set of rules."""
        key = frozenset(rule_ids)
        if key not in self._plans:
            reads: dict[str, Any] = {}
            for rule_id in key:
                for table, columns in (self.reads[rule_id] if rule_id in self.compiled else self.text_reads).items():
                    reads[table] = union(reads.get(table, frozenset()), columns)
            number = next(self._plan_numbers)  # never reused: a plan dropped by `_text_query` keeps its name
            facts, as_of = None, False
            if "tk" in reads:
                facts_sql = self._only(f"facts_{number}", "tk", self.facts_sql, reads["tk"])
                facts, as_of = f"facts_{number}", "realtime_as_of" in facts_sql
                for table, columns in columns_read(facts_sql, self.read_tables).items():
                    reads[table] = union(reads.get(table, frozenset()), columns)
            refills = []
            for index, (name, query) in enumerate(self.refills):
                if name.strip('"') not in reads:  # nothing reads it: emptied, so no earlier scope's rows linger
                    refills.append((f"clear_{index}", None))
                elif reads[name.strip('"')] is None:
                    refills.append((f"clear_{index}", f"refill_{index}"))
                else:
                    statement = f"refill_{index}_{number}"
                    self._only(statement, name, query, reads[name.strip('"')])
                    refills.append((f"clear_{index}", statement))
            ticket_rows = facts is not None or bool({"tickets", "raw_tickets"} & set(reads))
            self._plans[key] = _Plan(tuple(refills), facts, as_of, ticket_rows)
        return self._plans[key]

    def _only(self, statement: str, table: str, query: str, columns: Any) -> str:
        """Prepare `statement` filling `table` from `query` with only `columns` (all when None or when sqlglot
        cannot narrow the query); the query prepared."""
        narrowed_query = select_only(query, set(columns) | {"ticket_id"}, self._schema) if columns is not None else None
        if narrowed_query is None:
            self._run(f"PREPARE {statement} AS INSERT INTO {table} {query}")
            return query
        names, query = narrowed_query
        listed = ", ".join(f'"{name}"' for name in names)
        self._run(f"PREPARE {statement} AS INSERT INTO {table} ({listed}) {query}")
        return query

    def _text_query(self, sql: str) -> None:
        """A text rule's row query, run for the first time: what it reads is added to what the text rules read.
        Met during an evaluation that did not fill those columns, the tables are filled again, wider."""
        if not self.shortcuts:
            return
        before = dict(self.text_reads)
        for table, columns in columns_read(self._narrow(sql), self.read_tables).items():
            self.text_reads[table] = union(self.text_reads.get(table, frozenset()), columns)
        if self.text_reads != before:
            self._plans.clear()
            if self._given is not None:
                events, tickets, wanted = self._given
                self._load_for(events, tickets, self.data.as_of, wanted)

    def _load_for(self, events: Iterable[Mapping[str, Any]], tickets: Iterable[Mapping[str, Any]],
                  as_of: datetime, wanted: list[str]) -> None:
        """The shortcut path's refill: the given rows appended, then each table filled as `_plan` says; the
        ticket rows and the facts only when a rule to run reads the facts."""
        plan = self._plan(wanted)
        raw = self.raw
        self._results.clear()
        self.data.derived.clear()
        for name, columns, rows in (("raw_events", EVENT_FRAME_COLUMNS, events),
                                    ("raw_tickets", TICKET_FRAME_COLUMNS, tickets)):
            if name == "raw_tickets" and not plan.ticket_rows:
                continue
            raw.execute(f"DELETE FROM {name}").fetchall()
            appender = self._appenders[name]
            appender.append_rows(_text_rows(rows, columns))
            appender.flush()
        for clear, refill in plan.refills:
            raw.execute(f"EXECUTE {clear}").fetchall()
            if refill:
                raw.execute(f"EXECUTE {refill}").fetchall()
        raw.execute("EXECUTE clear_tk").fetchall()
        if plan.facts:
            if plan.as_of:
                raw.execute(f"UPDATE realtime_as_of SET ts = {int(pd.Timestamp(as_of).timestamp())}").fetchall()
            raw.execute(f"EXECUTE {plan.facts}").fetchall()
        self.data.as_of = as_of

    def _load(self, events: Iterable[Mapping[str, Any]], tickets: Iterable[Mapping[str, Any]],
              as_of: datetime, facts: bool = True) -> None:
        """The earlier path's refill: the given rows registered as Arrow, every table refilled whole; the
        ticket facts only when a rule to run reads them."""
        raw = self.raw
        self._results.clear()
        self.data.derived.clear()
        raw.register("raw_events", _text_table(events, EVENT_FRAME_COLUMNS))
        raw.register("raw_tickets", _text_table(tickets, TICKET_FRAME_COLUMNS))
        for number in range(len(self.refills)):
            raw.execute(f"EXECUTE clear_{number}").fetchall()
            raw.execute(f"EXECUTE refill_{number}").fetchall()
        raw.execute("EXECUTE clear_tk").fetchall()
        if facts:
            raw.execute(f"EXECUTE refill_tk({int(pd.Timestamp(as_of).timestamp())})").fetchall()
        self.data.as_of = as_of


class _Plan(NamedTuple):
    """How one set of rules has the tables refilled (`RealtimeEvaluator._plan`): per recorded table its
    prepared clear and refill (None: left empty), the prepared facts refill (None: no rule reads `tk`),
    whether that reads the analysis time, and whether the given ticket rows are read at all."""
    refills: tuple[tuple[str, str | None], ...]
    facts: str | None
    as_of: bool
    ticket_rows: bool


def _inline_dropped(statements: list[str]) -> list[str]:
    """The recorded preparation with each intermediate table (created, read, then dropped) inlined as a
    subquery where it is read: one statement less to run per refill, same rows."""
    dropped = {m.group(1).strip('"') for sql in statements if (m := _DROP.match(sql))}
    inlined: dict[str, str] = {}
    out = []
    for sql in statements:
        for name, query in inlined.items():
            sql = re.sub(rf'\bFROM\s+"?{re.escape(name)}"?(?=[\s)]|$)', lambda _m: f"FROM ({query}) AS {name}", sql)
        match = _CREATE_AS.match(sql)
        if match and match.group(1).strip('"') in dropped:
            inlined[match.group(1).strip('"')] = match.group(2).strip()
        elif not _DROP.match(sql):
            out.append(sql)
    return out


_DROP = re.compile(r"^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\"?\w+\"?)\s*$", re.IGNORECASE)
_CREATE_AS = re.compile(r"^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TABLE\s+(\"?\w+\"?)\s+AS\s+(.*)$",
                        re.IGNORECASE | re.DOTALL)


def _schema(raw: Any) -> dict[str, dict[str, str]]:
    """Every table and view of the connection with its columns and types (what `narrowed` needs)."""
    schema: dict[str, dict[str, str]] = {}
    for table, column, kind in raw.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY table_name, "
            "ordinal_position").fetchall():
        schema.setdefault(table, {})[column] = kind
    return schema


def _tables(raw: Any) -> set[str]:
    return {row[0] for row in raw.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _options(kwargs: dict[str, Any]) -> bool:
    """Whether an Ibis call asks for anything beyond the defaults (no limit, no parameters)."""
    return any(value is not None and not (name == "limit" and value == "default") for name, value in kwargs.items())


def _memoize_compile(con: Any) -> None:
    """Ibis expressions are values: the same rule on the same tables compiles to the same SQL, so the
    text rules' queries are compiled once per connection, not on every run."""
    compile_once = con.compile
    cache: dict[Any, str] = {}

    def compile(expr, *args, **kwargs):
        if args or _options(kwargs):
            return compile_once(expr, *args, **kwargs)
        key = expr.op()  # operation trees compare and hash by structure
        if key not in cache:
            cache[key] = compile_once(expr)
        return cache[key]

    con.compile = compile


class _RowQueries:
    """The text rules' row queries on the evaluator's connection. Within one evaluation several rules ask for
    the same rows (all replies; all citizens' words): each query runs once (`clear()` whenever the tables are
    refilled), and as a statement prepared once (parsed, bound and planned once per connection). A shared
    query's statement is also known by the query's name (`named`), so that a restored evaluator reads it
    without building and compiling its expression. `prepare(sql)` runs each PREPARE (recorded during the
    build), `connection()` gives the Ibis connection (made on a restored evaluator only when a query has to be
    compiled), and `first_seen(sql)`, if given, is called with each query's SQL the first time it is run."""

    def __init__(self, prepare: Any, raw: Any, connection: Any, first_seen: Any = None):
        self.prepare, self.raw, self.connection, self.first_seen = prepare, raw, connection, first_seen
        self.execute_once: Any = None  # Ibis' own `execute`, for calls with options (`RealtimeEvaluator._attach`)
        self.prepared: dict[str, str] = {}  # SQL -> statement name
        self.named: dict[str, str] = {}  # a shared query's name (`Data.query`) -> statement name
        self.row_types: dict[str, Any] = {}  # statement name -> its named tuple
        self.frames: dict[Any, Any] = {}
        self.rows: dict[str, list] = {}  # statement name -> its rows in this evaluation

    def clear(self) -> None:
        self.frames.clear()
        self.rows.clear()

    def statement(self, expr: Any) -> str:
        sql = self.connection().compile(expr.as_table())
        if sql not in self.prepared:
            if self.first_seen is not None:
                self.first_seen(sql)
            self.prepared[sql] = f"text_query_{len(self.prepared)}"
            self.prepare(f"PREPARE {self.prepared[sql]} AS {sql}")
        return self.prepared[sql]

    def frame(self, expr: Any, *args: Any, **kwargs: Any) -> Any:
        """Ibis' `execute` (the connection's, replaced): the rows as the frame Ibis would give."""
        if args or _options(kwargs):
            return self.execute_once(expr, *args, **kwargs)
        key = expr.op()  # operation trees compare and hash by structure
        if key not in self.frames:
            statement = self.statement(expr)
            self.frames[key] = _to_pandas(self.raw.sql(f"EXECUTE {statement}").to_arrow_table(), expr)
        result = self.frames[key]
        return result.copy() if hasattr(result, "copy") else result

    def records(self, expr: Any) -> list:
        """The rows as named tuples straight from DuckDB (`Data.records`): the values of the frame's columns,
        but a missing text is None where the frame holds NaN — both missing to every reader (the rules test
        text with `isinstance`, the findings conversion treats both alike). About a tenth of the frame's cost
        on the few rows of one evaluation."""
        return self.statement_records(self.statement(expr))

    def named_records(self, name: str, expr: Any) -> list:
        """`records` of the shared query `name`, whose expression `expr()` is built only the first time."""
        if name not in self.named:
            self.named[name] = self.statement(expr())
        return self.statement_records(self.named[name])

    def statement_records(self, statement: str) -> list:
        if statement not in self.rows:
            result = self.raw.execute(f"EXECUTE {statement}")
            if statement not in self.row_types:
                self.row_types[statement] = namedtuple("Row", [column[0] for column in result.description], rename=True)
            self.rows[statement] = list(map(self.row_types[statement]._make, result.fetchall()))
        return self.rows[statement]


class _Tables(tables.Data):
    """The evaluator's tables: a rule that steps through a shared query's rows reads them from the query's
    prepared statement as tuples (`_RowQueries.named_records`), without a frame — and, on a restored
    evaluator, without building the query's expression."""

    row_queries: Any = None

    def records(self, name: str, build: Any) -> list:
        return self.row_queries.named_records(name, lambda: self.query(name, build))


def _to_pandas(table: pa.Table, expr: Any) -> Any:
    """An Arrow result as Ibis' DuckDB `execute` returns it (same conversion, so the text rules see the
    same values as in batch). The text rules' rows are text and whole numbers, for which Arrow's own
    conversion gives that frame already (tests/realtime checks it): Ibis' two conversion passes cost several
    milliseconds per query and are kept for every other column type."""
    import ibis

    if isinstance(expr, ibis.expr.types.Table) and all(_plain(column) for column in table.columns):
        return table.to_pandas()
    return _ibis_to_pandas(table, expr)


def _ibis_to_pandas(table: pa.Table, expr: Any) -> Any:
    """Ibis' own conversion of a DuckDB result (`execute`), for any column type."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    frame = pd.DataFrame({
        name: (col.to_pylist() if (pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count)
               else col.to_pandas())
        for name, col in zip(table.column_names, table.columns)
    })
    return expr.__pandas_result__(DuckDBPandasData.convert_table(frame, expr.as_table().schema()))


def _columns_json(reads: dict[str, Any]) -> dict[str, list[str] | None]:
    return {table: None if columns is None else sorted(columns) for table, columns in reads.items()}


def _columns_read_back(reads: dict[str, Any]) -> dict[str, Any]:
    return {table: None if columns is None else frozenset(columns) for table, columns in reads.items()}


class TextRows(list):
    """Rows already converted by `text_rows` (tuples of text in the frame's column order): a caller that
    keeps rows between evaluations (the per-ticket state of `service.supervision.SqlScope`) converts each
    row once, not on every evaluation."""


def text_rows(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]) -> TextRows:
    """Mappings with the interchange columns as tuples of text, in `columns` order."""
    return TextRows(tuple(_text(column, row.get(column)) for column in columns) for row in rows)


def _plain(column: pa.ChunkedArray) -> bool:
    """A column whose Arrow conversion is what Ibis makes of it: text, or whole numbers without a null."""
    import pyarrow.types as pat

    return pat.is_string(column.type) or (pat.is_int64(column.type) and column.null_count == 0)


def _text_rows(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]) -> TextRows:
    """Given rows (mappings, a DataFrame, or rows `text_rows` already converted) as text rows."""
    if isinstance(rows, TextRows):
        return rows
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    return text_rows(rows, columns)


def _text_table(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]) -> pa.Table:
    """Rows as an Arrow table of text columns, as in a CSV interchange file (the recorded preparation
    casts them to their types)."""
    rows = _text_rows(rows, columns)
    values = list(zip(*rows)) if rows else [()] * len(columns)
    return pa.table({column: pa.array(column_values, pa.string()) for column, column_values in zip(columns, values)})


def _text(column: str, value: Any) -> str | None:
    if column == "payload":
        return tables._payload_text(value)
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)

