"""Findings partitioned by month (JSONL and Parquet) and `rexian findings load` over them. No Spark needed."""

import json

import pytest
from click.testing import CliRunner

from rexian.analytics.findings_files import (
    month_of,
    read_findings_any,
    write_partitioned,
)
from rexian.cli import main


def _finding(key, tickets, day=None, rule="BP-RETURNS"):
    from rexian.domain.vocabulary import RULES

    values = {"day": day} if day else {"returns": 3}  # the family is the rule's own, as analyze writes it
    return {"finding_key": key, "rule_id": rule, "family": RULES[rule].family, "severity": "high", "ticket_ids": tickets,
            "agent_id": None, "unit_id": "U1", "person_id": "P1",
            "evidence": {"events": [{"ticket_id": t, "seq": 2} for t in tickets], "texts": ["非本单位职责"],
                         "values": values, "thresholds": {"min_returns": 2}},
            "detected_at": "2026-06-30T12:00:00", "status": "new"}


FINDINGS = [_finding("BP-RETURNS:T1", ["T1"]), _finding("BP-RETURNS:T2", ["T2"]),
            _finding("US-AWAY:A1:2026-04-03", [], day="2026-04-03", rule="US-AWAY"),
            _finding("BP-RETURNS:T9", ["T9"])]
RECEIVED = {"T1": "2026-03", "T2": "2026-05"}


def test_a_finding_is_filed_under_its_tickets_month_else_its_day_else_its_detection():
    assert [month_of(f, RECEIVED) for f in FINDINGS] == ["2026-03", "2026-05", "2026-04", "2026-06"]


def test_partitions_hold_every_finding_once_in_both_formats_and_read_back_equal(tmp_path):
    write_partitioned(FINDINGS, tmp_path, RECEIVED)
    months = sorted(p.name for p in (tmp_path / "findings").iterdir())
    assert months == ["month=2026-03", "month=2026-04", "month=2026-05", "month=2026-06"]
    by_key = {f["finding_key"]: f for f in FINDINGS}
    for directory in ("findings", "findings_parquet"):
        read = read_findings_any(tmp_path / directory)
        assert sorted(f["finding_key"] for f in read) == sorted(by_key)
        assert all(f == by_key[f["finding_key"]] for f in read), directory


def test_findings_load_stores_month_partitions_and_refuses_an_empty_directory(tmp_path):
    write_partitioned(FINDINGS, tmp_path / "out", RECEIVED)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", url]).exit_code == 0
    loaded = runner.invoke(main, ["findings", "load", str(tmp_path / "out" / "findings"), "--db", url])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.startswith("新增 4 条")
    again = runner.invoke(main, ["findings", "load", str(tmp_path / "out" / "findings_parquet"), "--db", url])
    assert again.output.startswith("新增 0 条"), again.output
    listed = runner.invoke(main, ["findings", "list", "--db", url, "--json"])
    assert sorted(json.loads(line)["finding_key"] for line in listed.output.splitlines()) == sorted(
        f["finding_key"] for f in FINDINGS)
    (tmp_path / "empty").mkdir()
    refused = runner.invoke(main, ["findings", "load", str(tmp_path / "empty"), "--db", url])
    assert refused.exit_code != 0 and "no .jsonl or .parquet" in refused.output


@pytest.mark.parametrize("bad", ["spark.executor.memory", "=1g"])
def test_a_spark_conf_without_key_and_value_is_refused_before_spark_starts(tmp_path, bad):
    tmp_path.joinpath("events.parquet").write_bytes(b"")
    result = CliRunner().invoke(main, ["analyze", str(tmp_path), "--engine", "spark", "--spark-conf", bad,
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "KEY=VALUE" in result.output
