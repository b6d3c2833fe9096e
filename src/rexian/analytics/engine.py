"""Running the rules over prepared tables and turning their rows into findings.

Fixed cost: compiling a relational rule (Ibis → SQL) takes about as long as running it on a small log. The
SQL is the same whenever the rule's code, its parameters, the tables' columns, the analysis time and the
Ibis version are, so `CompiledRules` remembers it in a directory between runs (the CLI: the
`analysis_cache_dir` setting) and a warm run executes it straight away, without importing Ibis
(analytics/remembered.py).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from rexian.analytics.config import rule_params
from rexian.analytics.judging import cannot_judge, drop_unjudged
from rexian.analytics.registry import INTERMEDIATES, Finding, Rule, all_rules, remember_catalogue, rows_to_findings
from rexian.analytics.remembered import ForeignFile, RememberedSQL, read_kept, store, touch, version_set
from rexian.analytics.tables import Data, plain_compile
from rexian.analytics.text_port import TextPort, default_text_port, remembering

# An intermediate table read by a remembered rule's SQL (`Data.intermediate` names it kept_<name>).
_KEPT_TABLE = re.compile(r'"kept_(\w+)"')


def applicable(rule_def: Rule, data: Data) -> bool:
    """A rule runs only when the tables it needs are present (calls and agent_status are optional)."""
    return all(data.has(name) for name in rule_def.needs)


class CompiledRules:
    """The SQL of a run's queries, remembered in `directory`'s set for this code (`remembered.version_set`,
    which also removes the sets of other versions beyond a few): the relational rules' (one small file per
    rule and key), the other named queries' (`named`, given to the tables: `tables.from_directories(...,
    remembered=compiled.named)`) and the rules' declarations (`registry.remember_catalogue`)."""

    def __init__(self, directory: str | Path):
        self.directory = version_set(directory)
        self.named = RememberedSQL(self.directory)
        remember_catalogue(self.directory)

    def rows(self, rule_def: Rule, data: Data, params: dict[str, Any]) -> list[dict[str, Any]]:
        def keep_read_tables(sql: str) -> None:  # the intermediates the remembered SQL reads, kept first
            for name in _KEPT_TABLE.findall(sql):
                data.keep(name, INTERMEDIATES[name])

        result = self.named.execute(data.raw, rule_def.rule_id, [params, str(data.as_of), data.keep_intermediates],
                                    lambda: plain_compile(data.con)(rule_def.func(data, params)),
                                    before=keep_read_tables)
        names = [column[0] for column in result.description]
        return [dict(zip(names, row)) for row in result.fetchall()]

    def remember_queries(self, con: Any) -> None:
        """The other queries of a run (ticket facts' readers, metrics, the judging checks, the text rules'
        rows) go through Ibis' `compile` too, about 50 ms each on a small log: remember their SQL in the
        same directory, keyed by the expression itself (`expression_key`), so a warm run only executes."""
        compile_now = con.compile
        if getattr(compile_now, "remembered_in", None) == self.directory:
            return  # already remembering here (the connection was given it when made)

        def compile(expr, *args, **kwargs):
            # Ibis' `execute` passes limit="default" and params=None: the plain query.
            if args or any(value is not None and not (name == "limit" and value == "default")
                           for name, value in kwargs.items()):
                return compile_now(expr, *args, **kwargs)
            key = expression_key(expr)
            if key is None:  # a value the key cannot describe exactly: compiled, not remembered
                return compile_now(expr)
            path = self.directory / f"query-{key}.sql"
            try:
                sql = read_kept(path)
            except OSError as missing:
                if isinstance(missing, ForeignFile):
                    warnings.warn(str(missing), stacklevel=2)
                sql = compile_now(expr)
                store(path, sql)
                return sql
            touch(path)
            return sql

        compile.remembered_in = self.directory  # type: ignore[attr-defined]
        compile.plain = compile_now  # type: ignore[attr-defined]  # for the named queries (`plain_compile`)
        con.compile = compile


class _Undescribed(Exception):
    pass


def expression_key(expr: Any) -> str | None:
    """A digest of an Ibis expression's whole operation graph — every node's class and arguments, literals by
    value, tables by name and schema — plus the Ibis and sqlglot versions: equal keys compile to equal SQL.
    None when the graph holds a value with no exact text (then the SQL is not remembered)."""
    import enum
    from datetime import date, time, timedelta
    from decimal import Decimal

    import ibis
    import sqlglot
    from ibis.backends import BaseBackend
    from ibis.common.graph import Node
    from ibis.expr.datatypes import DataType
    from ibis.expr.schema import Schema

    parts: list[str] = [ibis.__version__, sqlglot.__version__]
    seen: dict[int, int] = {}
    exact = (str, bytes, bool, int, float, Decimal, date, time, timedelta, type(None))

    def construct(value: Any) -> str:  # a node or another Ibis value: its class and its named arguments
        inner = ",".join(f"{name}={describe(arg)}" for name, arg in zip(value.__argnames__, value.__args__))
        return f"{type(value).__module__}.{type(value).__qualname__}({inner})"

    def describe(value: Any) -> str:
        if isinstance(value, Node):
            if id(value) not in seen:
                text = construct(value)
                seen[id(value)] = len(parts)
                parts.append(text)
            return f"#{seen[id(value)]}"
        if isinstance(value, exact) or isinstance(value, (enum.Enum, DataType, Schema)):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, (tuple, list)):
            return "(" + ",".join(describe(item) for item in value) + ")"
        if isinstance(value, Mapping):
            return "{" + ",".join(f"{describe(k)}:{describe(v)}" for k, v in value.items()) + "}"
        if isinstance(value, (frozenset, set)):
            return "{" + ",".join(sorted(describe(item) for item in value)) + "}"
        if isinstance(value, BaseBackend):  # a table's source: the SQL names the table, not the connection
            return f"backend:{value.name}"
        if hasattr(value, "__argnames__") and hasattr(value, "__args__"):  # Ibis' other values (a Namespace)
            return construct(value)
        raise _Undescribed(type(value).__name__)

    try:
        describe(expr.op())
    except _Undescribed:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def run_rule(rule_def: Rule, data: Data, config: dict[str, Any], text: TextPort | None = None,
             detected_at: datetime | None = None, compiled: CompiledRules | None = None) -> list[Finding]:
    params = rule_params(config, rule_def.rule_id)
    if params.pop("enabled", True) is False or not applicable(rule_def, data):
        return []
    if rule_def.kind == "text":
        result = rule_def.func(data, params, text or default_text_port())  # a frame, or row dicts already
        rows = result.to_dict("records") if hasattr(result, "to_dict") else list(result or ())
    elif compiled is not None:
        rows = compiled.rows(rule_def, data, params)
    else:
        frame = rule_def.func(data, params).execute()
        rows = frame.to_dict("records") if frame is not None else []
    findings = rows_to_findings(rule_def, rows, params, detected_at or data.as_of)
    # A rule reports nothing on an imported source that lost the fields it needs (analytics/judging.py).
    return drop_unjudged(findings, data, cannot_judge(data, [rule_def.rule_id])) if rule_def.judges else findings


def run_rules(data: Data, config: dict[str, Any], text: TextPort | None = None,
              only: Iterable[str] | None = None,
              progress: Callable[[str], None] | None = None,
              compiled: CompiledRules | None = None) -> list[Finding]:
    """All enabled rules (or those in `only`), in registry order; findings deduplicated by key. With
    `compiled`, the relational rules' SQL is remembered between runs."""
    rules = all_rules()
    wanted = list(only) if only else list(rules)
    # One text port for the run, remembering its answers: the rules over words share most of their texts.
    # Unbounded: one answer per distinct text of this log, dropped with the run.
    stored = None
    if text is None and compiled is not None:
        # The default port's answers outlive the run too, beside the remembered SQL (stored_scores.py).
        from rexian.analytics.stored_scores import StoredTextAnswers

        stored = StoredTextAnswers(compiled.directory)
    text = remembering(text or default_text_port(), size=None)
    if stored is not None:
        text.stored = stored
    # The relational rules' queries go to the tables together (`Data.each`: one at a time on DuckDB, at once
    # on Spark); the text rules, which share the port and its remembered answers, then run one by one here.
    relational = [rule_id for rule_id in wanted if rules[rule_id].kind != "text"]
    found = dict(zip(relational, data.each([
        partial(run_rule, rules[rule_id], data, config, text, compiled=compiled) for rule_id in relational])))
    findings: dict[str, Finding] = {}
    for rule_id in wanted:  # merged in the order asked for, whatever order the queries finished in
        rule_findings = found[rule_id] if rule_id in found else run_rule(rules[rule_id], data, config, text,
                                                                         compiled=compiled)
        for finding in rule_findings:
            findings.setdefault(finding.finding_key, finding)
        if progress:
            progress(rule_id)
    if stored is not None:
        stored.save()
    return list(findings.values())
