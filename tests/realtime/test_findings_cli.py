"""`rexian findings`: batch findings loaded into the store, listed, decided by a supervisor, shown."""

import json

from click.testing import CliRunner
from realtime.lives import pingpong

from rexian.cli import main


def test_batch_findings_are_loaded_once_listed_and_decided_by_a_supervisor(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    tid = pingpong(make_app(url))
    runner = CliRunner()
    analyzed = runner.invoke(main, ["analyze", "--db", url, "--out", str(tmp_path / "out")])
    assert analyzed.exit_code == 0, analyzed.output

    jsonl = str(tmp_path / "out" / "findings.jsonl")
    first = runner.invoke(main, ["findings", "load", jsonl, "--db", url])
    again = runner.invoke(main, ["findings", "load", jsonl, "--db", url])
    assert "新增" in first.output and again.output.startswith("新增 0 条")

    listed = runner.invoke(main, ["findings", "list", "--db", url, "--rule", "BP-PINGPONG", "--json"])
    assert [json.loads(line)["finding_key"] for line in listed.output.splitlines()] == [f"BP-PINGPONG:{tid}"]

    refused = runner.invoke(main, ["findings", "confirm", f"BP-PINGPONG:{tid}", "--db", url, "--by", "H0201",
                                   "--reason", "确认"])
    assert refused.exit_code != 0 and "finding.supervisor_only" in refused.output
    confirmed = runner.invoke(main, ["findings", "confirm", f"BP-PINGPONG:{tid}", "--db", url, "--by", "J01",
                                     "--reason", "两次退单均未核实，来回推诿属实"])
    assert confirmed.exit_code == 0, confirmed.output

    shown = json.loads(runner.invoke(main, ["findings", "show", f"BP-PINGPONG:{tid}", "--db", url]).output)
    assert shown["status"] == "confirmed" and shown["decided_by"] == "J01"
    assert [e["new_status"] for e in shown["history"]] == ["new", "confirmed"]
