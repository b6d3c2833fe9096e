"""The shell commands: init, org load, do (any workflow command), show, verify, demo."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from rexian.cli import main
from rexian.demo.scripted import ORG_FILE
from rexian.domain.vocabulary import refusal
from rexian.settings import load_settings


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_init_then_a_scripted_ticket_life_from_the_shell(tmp_path):
    db = f"sqlite:///{tmp_path / 'shell.db'}"
    assert run("init", "--db", db).exit_code == 0
    assert "已载入" in run("org", "load", "--db", db, str(ORG_FILE)).output
    intake = run("do", "--db", db, "--as", "A01", "intake",
                 "content=小区垃圾桶满了三天没人清运", "category=0101", "caller_phone=13800000001")
    assert intake.exit_code == 0, intake.output
    ticket_id = json.loads(intake.output)["ticket_id"]
    # Numbered by the centre's own day (its time zone), which may differ from this machine's; a run that
    # crosses midnight there may see either day.
    now = datetime.now(ZoneInfo(load_settings()["timezone"]))
    assert ticket_id in {f"RX{day:%Y%m%d}000001" for day in (now, now - timedelta(minutes=1))}
    dispatch = run("do", "--db", db, "--as", "P01", "dispatch",
                   f"ticket_id={ticket_id}", "lead_unit_id=D06", "assisting_unit_ids=S01,S02")
    assert json.loads(dispatch.output)["status"] == "dispatched"
    shown = run("show", "--db", db, ticket_id)
    assert "Dispatched" in shown.output and "D06" in shown.output
    assert run("verify", "--db", db).exit_code == 0


def test_a_refused_command_exits_non_zero_with_the_rule_named(tmp_path):
    db = f"sqlite:///{tmp_path / 'shell.db'}"
    run("init", "--db", db)
    run("org", "load", "--db", db, str(ORG_FILE))
    intake = run("do", "--db", db, "--as", "A01", "intake", "content=路灯不亮已经一周了没人修", "category=0101")
    ticket_id = json.loads(intake.output)["ticket_id"]
    refused = run("do", "--db", db, "--as", "H0201", "dispatch", f"ticket_id={ticket_id}", "lead_unit_id=D02")
    assert refused.exit_code == refusal("not_allowed").exit_code != 0
    assert "dispatch.role" in refused.output


def test_the_database_url_may_come_from_the_environment(tmp_path):
    db = f"sqlite:///{tmp_path / 'env.db'}"
    result = run("init", env={"REXIAN_DB": db})
    assert result.exit_code == 0 and "env.db" in result.output
    assert (tmp_path / "env.db").exists()


def test_an_unknown_field_is_a_usage_error(tmp_path):
    db = f"sqlite:///{tmp_path / 'shell.db'}"
    result = run("do", "--db", db, "--as", "A01", "intake", "contents=x")
    assert result.exit_code == 2 and "contents" in result.output


def test_the_scripted_demo_builds_a_verified_database_without_serving(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    result = run("demo", "--scripted", "--db", db, "--no-serve")
    assert result.exit_code == 0, result.output
    assert "哈希链完整" in result.output
    assert run("verify", "--db", db).exit_code == 0
