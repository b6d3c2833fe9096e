"""A warm analysis runs every query from its remembered SQL straight on DuckDB, without building Ibis
expressions or importing Ibis; any change to what a query's SQL follows from is a miss, compiled anew; a
damaged cache file is ignored with a warning. Findings, metrics and summary are those of a run that compiles."""

import json
import subprocess
import sys
from datetime import datetime

import pandas as pd
import pytest

import rexian.analytics.remembered as remembered_module
from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.engine import CompiledRules
from rexian.analytics.tables import from_frames
from tests.analytics.builder import Log


def _log() -> Log:
    """Bounces (the kept revisits), replies and citizens' words (the text rules' rows), visits, a call and a
    seat's day (the call metrics and rules)."""
    log = Log()
    log.ticket("T1", content="小区门口路灯坏了好几天，工作人员态度恶劣还骂人").dispatch("A").pass_to("A", "B").pass_to(
        "B", "A").handle("A", satisfaction="unsatisfied")
    log.ticket("T2").dispatch("A").pass_to("A", "B").pass_to("B", "C").pass_to("C", "A").handle("A")
    log.ticket("T3", content="幸福小区3号楼下水道堵塞污水外溢").dispatch("U2").sign("U2").reply(
        "U2", "您的诉求已记录，请耐心等待。")
    log.call("c1", "ag1", datetime(2026, 3, 2, 9), ticket_id="T1")
    log.seat("ag1", "busy", datetime(2026, 3, 2, 9), 30)
    return log


def _tables(log: Log, directory, with_tickets: bool = False):
    """The tables as `rexian analyze` makes them: queries remembered in `directory`."""
    compiled = CompiledRules(directory)
    events = pd.DataFrame(log.events)
    tickets = events[events.action == "TicketReceived"][["ticket_id"]].assign(channel="phone") if with_tickets else None
    data = from_frames(events, tickets, pd.DataFrame(log.calls), pd.DataFrame(log.status),
                       on_connect=compiled.remember_queries, remembered=compiled.named)
    return data, compiled


def _compared(analysis) -> tuple:
    findings = sorted(json.dumps({**f.as_dict(), "evidence": {**f.evidence, "texts": sorted(f.evidence["texts"])}},
                                 sort_keys=True, default=str) for f in analysis.findings)
    order = ["scope", "scope_id", "period", "metric_id"]
    metrics = analysis.metrics.sort_values(order).reset_index(drop=True)
    risk = {scope: frame.drop(columns=["contributions"]).sort_values(list(frame.columns[:1])).reset_index(drop=True)
            for scope, frame in analysis.risk.items()}
    return findings, metrics, risk, {k: v for k, v in analysis.summary.items() if k != "inputs"}


def _assert_same(one, other) -> None:
    assert one[0] == other[0] and one[3] == other[3]
    pd.testing.assert_frame_equal(one[1], other[1])
    for scope in one[2]:
        pd.testing.assert_frame_equal(one[2][scope], other[2][scope])


def test_a_warm_analysis_gives_the_findings_metrics_and_summary_of_one_that_compiles(tmp_path):
    config = load_config()
    compiling = _compared(analyze(_log().data(), config))  # Ibis builds and executes every query
    data, compiled = _tables(_log(), tmp_path)
    cold = _compared(analyze(data, config, compiled=compiled))
    data, compiled = _tables(_log(), tmp_path)
    warm = _compared(analyze(data, config, compiled=compiled))

    assert "con" not in vars(data)  # the warm run never made an Ibis connection
    assert {"BP-PINGPONG", "BP-CYCLE", "PR-BOILERPLATE", "HA-HOSTILE"} <= set(warm[3]["findings_by_rule"])
    _assert_same(cold, compiling)
    _assert_same(warm, compiling)


def test_a_warm_rexian_analyze_imports_no_ibis(tmp_path):
    # A fresh process each, as a user runs it: the second finds every query remembered.
    log = _log()
    directory = tmp_path / "log"
    directory.mkdir()
    events = pd.DataFrame(log.events).assign(payload=lambda frame: frame.payload.map(
        lambda payload: json.dumps(payload, ensure_ascii=False, default=str)))
    events.to_parquet(directory / "events.parquet")
    pd.DataFrame(log.calls).to_parquet(directory / "calls.parquet")
    code = ("import runpy, sys\n"
            f"sys.argv = ['rexian', 'analyze', {str(directory)!r}, '--out', sys.argv[1]]\n"
            "try:\n    runpy.run_module('rexian', run_name='__main__')\nexcept SystemExit as end:\n"
            "    assert not end.code, end.code\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'ibis', 'sqlglot'}))\n")
    env = {**__import__("os").environ, "REXIAN_ANALYSIS_CACHE_DIR": str(tmp_path / "sql")}
    runs = [subprocess.run([sys.executable, "-c", code, str(tmp_path / out)], capture_output=True, text=True,
                           check=True, env=env) for out in ("cold", "warm")]

    assert runs[0].stdout.splitlines()[-1] == "['ibis', 'sqlglot']"  # the cold run compiled
    assert runs[1].stdout.splitlines()[-1] == "[]"
    assert ((tmp_path / "cold" / "findings.jsonl").read_text(encoding="utf-8")
            == (tmp_path / "warm" / "findings.jsonl").read_text(encoding="utf-8"))


def _files(directory, name: str) -> set:
    """The remembered files of `name` in every set of the cache `directory` (a set per version of the code)."""
    return {path.name for path in directory.rglob(f"{name}-*.sql")}


def test_a_changed_parameter_code_or_column_set_misses_the_remembered_sql_and_compiles_anew(tmp_path, monkeypatch):
    config = load_config()
    data, compiled = _tables(_log(), tmp_path)
    first = analyze(data, config, compiled=compiled)
    assert len(_files(tmp_path, "DL-IDLE")) == len(_files(tmp_path, "metrics-tickets-all")) == len(_files(tmp_path, "tk")) == 1

    config["rules"]["DL-IDLE"] = {**(config["rules"].get("DL-IDLE") or {}), "idle_days": 1}  # a rule's parameter
    config["metrics"]["response_hours"] = 1  # the metrics'
    data, compiled = _tables(_log(), tmp_path)
    analyze(data, config, compiled=compiled)
    assert len(_files(tmp_path, "DL-IDLE")) == len(_files(tmp_path, "metrics-tickets-all")) == 2
    assert len(_files(tmp_path, "BP-CYCLE")) == 1  # the other rules' SQL read again

    data, compiled = _tables(_log(), tmp_path, with_tickets=True)  # a tickets table: other columns
    with_tickets = analyze(data, load_config(), compiled=compiled)
    assert len(_files(tmp_path, "tk")) == 2 and len(_files(tmp_path, "BP-CYCLE")) == 2
    assert "con" in vars(data)  # compiled through Ibis
    assert {f.finding_key for f in with_tickets.findings} == {f.finding_key for f in first.findings}

    # Another rule definition (any change to the analytics code or the vocabulary changes the digest).
    monkeypatch.setattr(remembered_module, "code_digest", lambda: "a rule changed")
    data, compiled = _tables(_log(), tmp_path)
    changed = analyze(data, load_config(), compiled=compiled)
    assert len(_files(tmp_path, "BP-CYCLE")) == 3 and "con" in vars(data)
    assert _compared(changed)[0] == _compared(first)[0]


@pytest.mark.parametrize("damage", ["garbled", "refused"])
def test_a_damaged_remembered_file_is_ignored_with_a_warning_and_compiled_again(tmp_path, damage):
    config = load_config()
    data, compiled = _tables(_log(), tmp_path)
    cold = _compared(analyze(data, config, compiled=compiled))
    for name in ("BP-CYCLE", "rows-replies", "tk"):
        (path,) = compiled.directory.glob(f"{name}-*.sql")
        text = path.read_text(encoding="utf-8")
        if damage == "garbled":  # changed by something else: the digest no longer matches
            path.write_text(text[: len(text) // 2] + "\x00garbage", encoding="utf-8")
        else:  # a statement DuckDB refuses, with a digest of its own
            sql = "SELECT * FROM no_such_table"
            path.write_text(f"{remembered_module._HEADER}{remembered_module._digest(sql)}\n{sql}", encoding="utf-8")

    with pytest.warns(UserWarning, match="分析缓存") as warned:
        data, compiled = _tables(_log(), tmp_path)  # (the ticket facts are made here)
        warm = _compared(analyze(data, config, compiled=compiled))

    assert len([w for w in warned if "分析缓存" in str(w.message)]) == 3
    _assert_same(warm, cold)
    data, compiled = _tables(_log(), tmp_path)  # stored again whole: the next run reads it
    again = _compared(analyze(data, config, compiled=compiled))
    assert "con" not in vars(data)
    _assert_same(again, cold)


def test_the_metrics_and_risk_files_neutralise_a_unit_named_like_a_formula(tmp_path):
    # pandas 3 keeps text in `str` columns, not `object` ones: both are guarded.
    from rexian.analytics.outputs import write_all

    log = Log()
    log.ticket("T1").dispatch("=HYPERLINK(1)").pass_to("=HYPERLINK(1)", "B").pass_to("B", "=HYPERLINK(1)").handle(
        "=HYPERLINK(1)")
    write_all(analyze(log.data(), load_config()), tmp_path)

    for name in ("metrics.csv", "risk_unit.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text and not text.startswith("=")


def test_the_remembered_rule_catalogue_declares_every_rule_as_its_module_does(tmp_path):
    # Three fresh processes: one writes the catalogue, one reads it (without importing a relational rule's
    # module), one imports the modules without any catalogue. Every declared field and the function's name,
    # module and docstring are the same.
    code = ("import json, sys\n"
            "from dataclasses import fields\n"
            "from rexian.analytics.registry import Rule, all_rules, remember_catalogue\n"
            "if sys.argv[1] != '-': remember_catalogue(sys.argv[1])\n"
            "rules = all_rules()\n"
            "print(json.dumps([[{f.name: getattr(r, f.name) for f in fields(Rule) if f.name != 'func'},\n"
            "                   r.func.__module__, r.func.__name__, r.doc] for r in rules.values()], default=str))\n"
            "print('rexian.analytics.rules_closure' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", code, argument], capture_output=True, text=True, check=True).stdout
            for argument in (str(tmp_path), str(tmp_path), "-")]

    assert len(list(tmp_path.glob("rules-*.json"))) == 1
    written, read, declared = (run.splitlines() for run in runs)
    assert read[0] == written[0] == declared[0] and len(json.loads(read[0])) >= 30
    assert (written[1], read[1], declared[1]) == ("True", "False", "True")
