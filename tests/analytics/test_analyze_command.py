"""`rexian analyze` and `rexian evaluate` end to end on a small hand-written log."""

import json
from datetime import datetime

import pandas as pd
import pytest
from click.testing import CliRunner

from rexian.cli import main
from tests.analytics.builder import Log


@pytest.fixture(scope="module")
def interchange(tmp_path_factory):
    log = Log()
    log.ticket("T1").dispatch("U1").pass_to("U1", "U2", verify=False).pass_to("U2", "U1").handle("U1")
    log.ticket("T2").dispatch("U3").sign("U3").reply("U3", "您的诉求已记录，请耐心等待。")
    log.ticket("T3", content="工作人员索要好处费").dispatch("U3").handle("U3", satisfaction="unsatisfied")
    log.call("c1", "ag1", datetime(2026, 3, 2, 9), ticket_id="T1")
    directory = tmp_path_factory.mktemp("interchange")
    pd.DataFrame(log.events).to_csv(directory / "events.csv", index=False)
    pd.DataFrame(log.calls).to_parquet(directory / "calls.parquet")
    return directory


@pytest.fixture(scope="module")
def analysed(interchange, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["analyze", str(interchange), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_analyze_writes_findings_metrics_workbook_and_report(analysed):
    out, _output = analysed
    for name in ("findings.jsonl", "metrics.csv", "metrics.json", "analysis.xlsx", "report.html", "risk_unit.csv"):
        assert (out / name).stat().st_size > 0, name
    rules = {json.loads(line)["rule_id"] for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {"BP-PINGPONG", "BP-NO-VERIFY", "PR-BOILERPLATE", "GR-GRAFT", "DS-UNSATISFIED"} <= rules


def test_analyze_skips_rules_whose_tables_are_missing_and_says_so(analysed):
    _out, output = analysed
    assert "US-FAKE-BUSY" in output and "US-AWAY" in output


def test_the_report_is_chinese_and_needs_no_network(analysed):
    out, _output = analysed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "问题线索明细" in html and "<svg" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_each_metric_carries_its_formula(analysed):
    out, _output = analysed
    metrics = pd.read_csv(out / "metrics.csv")
    assert metrics["formula"].str.contains("=").all()
    overall = metrics[(metrics["scope"] == "全部") & (metrics["metric_id"] == "connection_rate")]
    assert overall["value"].tolist() == [1.0]


def test_rerunning_the_analysis_gives_the_same_finding_keys(interchange, analysed, tmp_path):
    out, _output = analysed
    CliRunner().invoke(main, ["analyze", str(interchange), "--out", str(tmp_path)])
    keys = lambda d: sorted(json.loads(x)["finding_key"] for x in (d / "findings.jsonl").read_text().splitlines())  # noqa: E731
    assert keys(out) == keys(tmp_path)


def test_a_user_rules_file_overrides_a_threshold(interchange, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  BP-RETURNS: {min_returns: 2}\n  PR-BOILERPLATE: {enabled: false}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", str(interchange), "--rules", str(rules), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rules_found = {json.loads(x)["rule_id"] for x in (out / "findings.jsonl").read_text().splitlines()}
    assert "BP-RETURNS" in rules_found and "PR-BOILERPLATE" not in rules_found


def test_evaluate_scores_findings_against_truth(analysed, tmp_path):
    out, _output = analysed
    truth = tmp_path / "truth.jsonl"
    items = [{"family": "buck_passing", "ticket_ids": ["T1"]}, {"family": "graft", "ticket_ids": ["T9"]}]
    truth.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    report = tmp_path / "eval.json"
    result = CliRunner().invoke(main, ["evaluate", "--truth", str(truth), "--findings", str(out / "findings.jsonl"),
                                       "--json", str(report)])
    assert result.exit_code == 0, result.output
    families = {r["family"]: r for r in json.loads(report.read_text())["families"]}
    assert families["buck_passing"]["recall"] == 1.0 and families["buck_passing"]["precision"] == 1.0
    assert families["graft"]["recall"] == 0.0 and families["graft"]["precision"] == 0.0


def test_analyze_runs_with_the_cycle_collector_held_back_and_leaves_the_thresholds_as_they_were(
        interchange, tmp_path, monkeypatch):
    import gc

    import rexian.analytics.analyze as analyze_module
    from rexian.analytics.garbage import ALLOCATIONS_PER_PASS

    seen = []
    analyze = analyze_module.analyze
    monkeypatch.setattr(analyze_module, "analyze", lambda *a, **k: seen.append(gc.get_threshold()) or analyze(*a, **k))
    before = gc.get_threshold()

    result = CliRunner().invoke(main, ["analyze", str(interchange), "--out", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert seen == [(ALLOCATIONS_PER_PASS, *before[1:])]
    assert gc.get_threshold() == before
