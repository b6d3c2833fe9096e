"""The fixed cost of an analysis paid once: rules that cannot fire on the log are not run (and nothing is
lost by it), and the text port answers each distinct text once per run, whichever rules ask."""

import json
from collections import Counter
from datetime import datetime

import pandas as pd

from rexian.analytics.analyze import analyze, idle_rules
from rexian.analytics.config import load_config, rule_params
from rexian.analytics.engine import CompiledRules, run_rules
from rexian.analytics.registry import all_rules
from rexian.analytics.realtime import TRIGGERS
from rexian.analytics.tables import from_directories, from_frames
from rexian.analytics.text_port import default_text_port, remembering
from rexian.text.replies import key_terms
from tests.analytics.builder import Log


def _log_without_returns():
    log = Log()
    log.ticket("T1", content="工作人员态度恶劣还骂人，路灯坏了没人修").dispatch("U1").sign("U1").reply(
        "U1", "您的诉求已记录，请耐心等待。")
    log.ticket("T2", content="小区门口路灯坏了好几天").dispatch("U2").handle("U2", satisfaction="unsatisfied")
    return from_frames(pd.DataFrame(log.events))


def test_rules_whose_actions_are_absent_from_the_log_are_idle_and_said_so():
    data = _log_without_returns()
    config = load_config()

    idle = idle_rules(data, config, list(TRIGGERS))

    assert set(idle) == {"BP-RETURNS", "BP-REJECTED", "DL-EXTENSIONS"}  # no return or extension asked
    assert "HA-HOSTILE" not in idle and "PR-BOILERPLATE" not in idle  # intake and replies are in the log
    assert analyze(data, config).summary["rules_idle"] == idle


def test_skipping_the_idle_rules_loses_no_finding():
    data = _log_without_returns()
    config = load_config()

    analysis = analyze(data, config)
    everything = run_rules(data, config)

    assert {f.finding_key for f in analysis.findings} == {f.finding_key for f in everything}
    assert analysis.findings  # the log does hold findings (hostile attitude, boilerplate reply)


class CountingPort:
    """The default port, counting how often it is asked about the same thing."""

    def __init__(self):
        self.port, self.calls = default_text_port(), Counter()

    def detect_misconduct(self, text):
        self.calls["detect_misconduct", text] += 1
        return self.port.detect_misconduct(text)

    def reply_scores(self, reply, complaint, other_replies_of_unit, title=None):
        self.calls["reply_scores", reply, complaint, title] += 1
        return self.port.reply_scores(reply, complaint, other_replies_of_unit, title=title)

    def same_matter(self, a, b):
        self.calls["same_matter", a, b] += 1
        return self.port.same_matter(a, b)

    def normalise(self, text):
        self.calls["normalise", text] += 1
        return self.port.normalise(text)


def test_the_rules_over_words_ask_the_port_once_per_distinct_text():
    data = _log_without_returns()
    port = CountingPort()

    run_rules(data, load_config(), text=port)

    assert port.calls and max(port.calls.values()) == 1
    asked = {key[0] for key in port.calls}
    assert {"detect_misconduct", "reply_scores", "normalise"} <= asked


def test_a_remembering_port_gives_the_ports_answers():
    port = default_text_port()
    memo = remembering(port)

    assert remembering(memo) is memo
    assert memo.detect_misconduct("工作人员索要红包") == port.detect_misconduct("工作人员索要红包")
    assert memo.reply_scores("已派人修复路灯", "路灯坏了", []) == port.reply_scores("已派人修复路灯", "路灯坏了", [])


def test_remembered_key_terms_cannot_be_changed_by_a_caller():
    terms = key_terms("小区门口路灯坏了好几天", "路灯")
    terms.clear()

    assert key_terms("小区门口路灯坏了好几天", "路灯")


def _as_compared(findings):
    """Findings as comparable text. The order of an evidence list is left aside: some rules aggregate texts
    without an order, and DuckDB's threads may then list them differently from one run to the next."""
    out = []
    for finding in findings:
        row = finding.as_dict()
        row["evidence"] = {**row["evidence"], "texts": sorted(row["evidence"]["texts"])}
        out.append(json.dumps(row, sort_keys=True, default=str))
    return sorted(out)


def test_remembered_rule_sql_gives_the_same_findings_as_compiling_every_rule(tmp_path):
    from rexian.simulate.city import Simulation
    from rexian.simulate.output import write_files

    write_files(Simulation(tickets=60, seed=4), tmp_path / "city")
    data = from_directories([tmp_path / "city"])  # calls and agent status too: every rule runs
    config = load_config()
    compiled = CompiledRules(tmp_path / "sql")

    plain = run_rules(data, config)
    cold = run_rules(data, config, compiled=compiled)
    files = sorted(path.name for path in compiled.directory.iterdir())
    warm = run_rules(data, config, compiled=compiled)

    assert len(plain) > 20
    assert _as_compared(cold) == _as_compared(plain) == _as_compared(warm)
    assert len(files) >= 20 and files == sorted(path.name for path in compiled.directory.iterdir())


def test_a_changed_parameter_or_analysis_time_is_compiled_anew(tmp_path):
    data = _log_without_returns()
    config = load_config()
    compiled = CompiledRules(tmp_path)
    rule, params = all_rules()["DL-IDLE"], rule_params(config, "DL-IDLE")
    params.pop("enabled", None)
    compiled.rows(rule, data, params)
    compiled.rows(rule, data, {**params, "idle_days": params["idle_days"] + 1})
    data.as_of = datetime(2030, 1, 1)
    late = compiled.rows(rule, data, {**params, "idle_days": params["idle_days"] + 1})

    assert len(list(tmp_path.rglob("DL-IDLE-*.sql"))) == 3
    assert "T1" in {row["ticket_id"] for row in late}  # open, and idle for years by 2030


def test_an_unwritable_cache_only_costs_a_compile(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    data = _log_without_returns()

    assert run_rules(data, load_config(), compiled=CompiledRules(blocked / "sql"))


def _log_with_replies():
    log = Log()
    log.ticket("T1", content="小区门口路灯坏了好几天，工作人员态度恶劣还骂人").dispatch("U1").sign("U1").reply(
        "U1", "您的诉求已记录，请耐心等待。")
    log.ticket("T2", content="幸福小区3号楼下水道堵塞污水外溢").dispatch("U2").sign("U2").reply(
        "U2", "经核查，您反映的公交线路调整事宜由交通运输局统一规划，新线路将于下月开通运营。")
    return from_frames(pd.DataFrame(log.events))


def test_a_warm_analysis_reads_the_text_answers_instead_of_judging_again(tmp_path, monkeypatch):
    import rexian.text.misconduct
    import rexian.text.replies

    data, config = _log_with_replies(), load_config()
    compiled = CompiledRules(tmp_path)
    cold = run_rules(data, config, compiled=compiled)
    assert {"PR-BOILERPLATE", "PR-OFF-TOPIC", "HA-HOSTILE"} <= {f.rule_id for f in cold}
    assert len(list(tmp_path.rglob("text-answers-*.json"))) == 1

    def no_judging(*args, **kwargs):
        raise AssertionError("a remembered text was judged again")

    monkeypatch.setattr(rexian.text.replies, "reply_scores", no_judging)
    monkeypatch.setattr(rexian.text.misconduct, "detect_misconduct", no_judging)
    warm = run_rules(data, config, compiled=compiled)

    assert _as_compared(warm) == _as_compared(cold)


def test_a_warm_analysis_reads_the_normalised_texts_instead_of_normalising_again(tmp_path, monkeypatch):
    import rexian.text.normalisation

    data, config = _log_with_replies(), load_config()
    compiled = CompiledRules(tmp_path)
    cold = run_rules(data, config, compiled=compiled)

    def no_normalising(*args, **kwargs):
        raise AssertionError("a remembered text was normalised again")

    # The module's own memory of this process is bypassed too: only the stored file may answer.
    monkeypatch.setattr(rexian.text.normalisation, "_normalise_remembered", no_normalising)
    warm = run_rules(data, config, compiled=compiled)

    assert _as_compared(warm) == _as_compared(cold)


def test_a_stored_normalised_text_is_read_back_as_judged_and_a_warm_run_writes_nothing(tmp_path):
    from rexian.analytics.stored_scores import StoredTextAnswers

    def no_judging():
        raise AssertionError("judged again")

    cold = StoredTextAnswers(tmp_path)
    assert cold.normalised("醫院門口 ＡＢ，路燈", lambda: "医院门口AB,路灯") == "医院门口AB,路灯"
    assert cold.normalised("路灯坏了", lambda: "路灯坏了") == "路灯坏了"
    cold.save()
    (stored_file,) = tmp_path.glob("text-answers-*.json")
    written = stored_file.stat().st_mtime_ns

    warm = StoredTextAnswers(tmp_path)
    assert warm.normalised("醫院門口 ＡＢ，路燈", no_judging) == "医院门口AB,路灯"
    assert warm.normalised("路灯坏了", no_judging) == "路灯坏了"
    warm.save()
    assert stored_file.stat().st_mtime_ns == written


def test_reply_scores_of_other_text_code_or_dictionary_are_not_read(tmp_path, monkeypatch):
    import rexian.analytics.stored_scores as stored_scores
    import rexian.text.replies

    data, config = _log_with_replies(), load_config()
    run_rules(data, config, compiled=CompiledRules(tmp_path))
    monkeypatch.setattr(stored_scores, "_text_code_hash", lambda: "changed text module")
    calls = []
    scoring = rexian.text.replies.reply_scores
    monkeypatch.setattr(rexian.text.replies, "reply_scores", lambda *a, **k: calls.append(a) or scoring(*a, **k))

    run_rules(data, config, compiled=CompiledRules(tmp_path))

    assert calls and len(list(tmp_path.rglob("text-answers-*.json"))) == 2


def test_a_port_given_by_the_caller_is_not_answered_from_the_stored_scores(tmp_path):
    data, config = _log_with_replies(), load_config()
    run_rules(data, config, compiled=CompiledRules(tmp_path))
    port = CountingPort()

    run_rules(data, config, port, compiled=CompiledRules(tmp_path))

    assert sum(count for key, count in port.calls.items() if key[0] == "reply_scores") == 2


def _counting_compiles(monkeypatch, con) -> list:
    """Every expression Ibis compiles on connections of `con`'s backend from now on."""
    compiles: list = []
    original = type(con).compile

    def counting(self, expr, *args, **kwargs):
        compiles.append(expr)
        return original(self, expr, *args, **kwargs)

    monkeypatch.setattr(type(con), "compile", counting)
    return compiles


def test_the_other_queries_of_a_warm_analysis_are_read_not_compiled(tmp_path, monkeypatch):
    """Metrics, judging checks and the text rules' rows go through Ibis' compile too: a warm run reads their
    SQL from the directory and gives the same analysis."""
    config = load_config()
    cold = analyze(_log_with_replies(), config, compiled=CompiledRules(tmp_path))
    remembered = sorted(path.name for path in tmp_path.rglob("query-*.sql"))
    data = _log_with_replies()
    compiles = _counting_compiles(monkeypatch, data.con)
    warm = analyze(data, config, compiled=CompiledRules(tmp_path))

    assert len(remembered) >= 5 and compiles == []
    assert _as_compared(warm.findings) == _as_compared(cold.findings)
    pd.testing.assert_frame_equal(warm.metrics, cold.metrics)


def test_an_expression_key_changes_with_any_literal_and_is_the_same_in_every_process(tmp_path):
    import subprocess
    import sys

    import ibis

    from rexian.analytics.engine import expression_key

    table = ibis.table({"ticket_id": "string", "ts": "int64"}, name="ev")
    late = table.filter(table.ts > 1_700_000_000).count()
    later = table.filter(table.ts > 1_700_000_001).count()
    code = ("import ibis; from rexian.analytics.engine import expression_key; "
            "t = ibis.table({'ticket_id': 'string', 'ts': 'int64'}, name='ev'); "
            "print(expression_key(t.filter(t.ts > 1_700_000_000).count()))")
    elsewhere = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()

    assert expression_key(late) == elsewhere and expression_key(late) != expression_key(later)
    assert expression_key(late) != expression_key(table.filter(table.ts >= 1_700_000_000).count())


def test_an_analysis_of_a_mapped_export_does_not_load_the_database_layer():
    # `analyze --mapping` reads files and runs the rules in memory: SQLAlchemy (~0.1 s of start-up) has no
    # part in it, so the modules on that path must not pull it in (a fresh process, as a user runs it).
    import subprocess
    import sys

    code = ("import sys; import rexian.cli.analysis, rexian.importing.pipeline, rexian.importing.histories, "
            "rexian.analytics.analyze; print('sqlalchemy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"



def test_an_analysis_of_a_log_whose_citizens_wrote_nothing_loads_no_lexicon_and_no_stored_answers(tmp_path):
    # An export without complaint texts (ServiceNow's): the misconduct rules have nothing to read, so neither the
    # lexicons nor the stored text answers are loaded (about 0.15 CPU s of a 1.7 s analysis). A fresh process.
    import subprocess
    import sys

    code = (
        "import sys, pandas as pd\n"
        "from tests.analytics.builder import Log\n"
        "from rexian.analytics.analyze import analyze\n"
        "from rexian.analytics.config import load_config\n"
        "from rexian.analytics.engine import CompiledRules\n"
        "from rexian.analytics.tables import from_frames\n"
        "log = Log()\n"
        "log.ticket('T1', content='', title='').dispatch('U1').sign('U1')\n"
        "data = from_frames(pd.DataFrame(log.events))\n"
        f"analysis = analyze(data, load_config(), compiled=CompiledRules({str(tmp_path)!r}))\n"
        "print('HA-HOSTILE' in analysis.summary['rules_run'], 'rexian.text.misconduct' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False"]  # the rule ran, and found nothing to read
    assert not list(tmp_path.rglob("text-answers-*.json"))

def _log_with_bounces():
    log = Log()
    log.ticket("T1").dispatch("A").pass_to("A", "B").pass_to("B", "A").handle("A")  # ping-pong
    log.ticket("T2").dispatch("A").pass_to("A", "B").pass_to("B", "C").pass_to("C", "A").handle("A")  # cycle
    log.ticket("T3").dispatch("A").pass_to("A", "B").pass_to("B", "C").handle("C")  # neither
    return log


def test_the_revisits_both_bounce_rules_read_are_computed_once_and_give_the_same_findings():
    config = load_config()
    shared = _log_with_bounces().data()
    apart = _log_with_bounces().data()
    apart.keep_intermediates = False  # as before: each rule computes the revisits itself

    kept = run_rules(shared, config, only=["BP-PINGPONG", "BP-CYCLE"])
    each = run_rules(apart, config, only=["BP-PINGPONG", "BP-CYCLE"])

    assert {f.finding_key for f in kept} == {"BP-PINGPONG:T1", "BP-CYCLE:T2"}
    assert _as_compared(kept) == _as_compared(each)
    assert list(shared.kept) == ["revisits"] and not apart.kept
    cycle_sql = shared.con.compile(all_rules()["BP-CYCLE"].func(shared, rule_params(config, "BP-CYCLE")))
    assert '"kept_revisits"' in cycle_sql and "HandedOver" not in cycle_sql  # reads the kept table only
    assert "kept_revisits" not in apart.con.compile(
        all_rules()["BP-CYCLE"].func(apart, rule_params(config, "BP-CYCLE")))


def test_a_warm_run_on_fresh_tables_keeps_the_intermediates_its_remembered_sql_reads(tmp_path):
    config = load_config()
    cold = run_rules(_log_with_bounces().data(), config, compiled=CompiledRules(tmp_path))

    fresh = _log_with_bounces().data()  # a new process: a new connection without the kept table
    warm = run_rules(fresh, config, compiled=CompiledRules(tmp_path))

    assert {"BP-PINGPONG:T1", "BP-CYCLE:T2"} <= {f.finding_key for f in warm}
    assert _as_compared(warm) == _as_compared(cold)
    assert list(fresh.kept) == ["revisits"]


def test_the_real_time_evaluator_inlines_the_intermediates_it_refills():
    from rexian.analytics.realtime import RealtimeEvaluator

    evaluator = RealtimeEvaluator(load_config())

    assert evaluator.data.keep_intermediates is False and not evaluator.data.kept
    assert "kept_" not in evaluator.sql["BP-CYCLE"]


def test_preparing_the_tables_of_a_warm_run_compiles_nothing_and_gives_the_same_ticket_facts(tmp_path, monkeypatch):
    import ibis

    from rexian.analytics.facts import ticket_facts

    events = pd.DataFrame(_log_with_bounces().events)
    cold = from_frames(events, on_connect=CompiledRules(tmp_path).remember_queries)
    compiles = _counting_compiles(monkeypatch, cold.con)
    warm = from_frames(events, on_connect=CompiledRules(tmp_path).remember_queries)

    assert compiles == []  # the ticket facts' SQL was read, not compiled
    expected = ticket_facts(warm.ev, None, warm.as_of_ts).schema()
    assert warm.tk.schema() == cold.tk.schema() == expected  # the expression's own column types
    by_ticket = ["ticket_id"]
    pd.testing.assert_frame_equal(warm.tk.execute().sort_values(by_ticket).reset_index(drop=True),
                                  cold.tk.execute().sort_values(by_ticket).reset_index(drop=True))
    assert warm.tk.count().execute() == 3 and isinstance(warm.tk, ibis.Table)


def test_an_analysis_on_duckdb_loads_duckdb_s_sql_compiler_and_no_other_dialect_s():
    import subprocess
    import sys

    probe = """
import sys
from rexian.analytics import tables
con = tables.connect()
con.con.execute("CREATE TABLE t AS SELECT 40 AS n")
sql = con.compile(con.table("t").mutate(n=lambda t: t.n + 2))
assert con.con.execute(sql).fetchall() == [(42,)]
loaded = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("ibis.backends.sql.compilers."))
import ibis.backends.sql.compilers as sc  # another dialect's compiler is still there when named
from ibis.backends.sql.compilers.sqlite import SQLiteCompiler
assert sc.SQLiteCompiler is SQLiteCompiler and sc.sqlite.compiler.dialect.__name__ == "SQLite"
assert "SQLiteCompiler" in sc.__all__
print(loaded)
"""
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['_compat', 'base', 'duckdb']"
