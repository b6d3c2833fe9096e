"""One way in from the command line: Chinese words, request ids, the workflow listing, one-line user errors."""

import json
import socket

import click
import pytest
from click.testing import CliRunner

from rexian.cli import main
from rexian.demo.scripted import ORG_FILE
from rexian.domain.vocabulary import ROLES, refusal


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'way.db'}"
    assert run("org", "load", "--db", url, str(ORG_FILE)).exit_code == 0
    return url


def _do(db, actor, *fields):  # the command's time is the server's (no --at)
    result = run("do", "--db", db, "--as", actor, *fields)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_do_help_lists_every_workflow_command_with_its_fields_and_who_may_run_it():
    from rexian.cli.workflow import COMMANDS, _kebab

    text = run("do", "--help").output
    for name, cls in COMMANDS.items():
        assert f"{_kebab(name)}  {cls.zh}" in text
        assert all(ROLES[role] in text for role in cls.roles)
    assert "lead_unit_id*" in text and "method*(电话/上门/短信/微信)" in text  # required, with its words
    # a visit's verdict is required only when the citizen was reached (reached=否: 未联系上)
    assert "satisfaction(满意/基本满意/不满意)" in text and "reached(是/否)" in text


def test_chinese_words_are_accepted_for_channel_and_a_refused_request_shows_its_id(db):
    ticket = _do(db, "A01", "intake", "content=小区垃圾桶满了三天没人清运", "category=0101",
                 "channel=电话", "urgency=一般")["ticket_id"]
    _do(db, "P01", "dispatch", f"ticket_id={ticket}", "lead_unit_id=D06")
    handler = "H0601"
    _do(db, handler, "sign-for", f"ticket_id={ticket}")
    _do(db, handler, "request-return", f"ticket_id={ticket}", "reason=不属于本单位职责范围",
        "basis=职责清单第3条")
    shown = run("show", "--db", db, ticket)
    assert shown.exit_code == 0, shown.output
    assert "request_id=R4" in shown.output and "退单申请" in shown.output
    assert "Dispatched 派单" in shown.output


def test_an_unrecognised_yes_no_is_a_usage_error_and_writes_nothing(db):
    result = run("do", "--db", db, "--as", "V01", "visit", "ticket_id=RX1", "resolved=maybe", "satisfaction=满意")
    assert result.exit_code == 2 and "是/否" in result.output


def test_an_unknown_satisfaction_word_names_the_accepted_words(db):
    result = run("do", "--db", db, "--as", "V01", "visit", "ticket_id=RX1", "resolved=是", "satisfaction=还行")
    assert result.exit_code == 2 and "基本满意" in result.output


def test_a_missing_database_is_one_clear_line_and_is_not_created(tmp_path):
    missing = tmp_path / "nowhere.db"
    for args in (("show", "RX1"), ("verify",), ("findings", "list")):
        result = run(*args, "--db", f"sqlite:///{missing}")
        assert result.exit_code == refusal("invalid").exit_code, (args, result.output)
        assert "数据库不存在" in result.output and "Traceback" not in result.output
        assert result.output.strip().count("\n") == 0
    assert not missing.exists()


def test_the_demo_on_a_database_that_is_not_empty_is_one_clear_line(db):
    result = run("demo", "--db", db, "--tickets", "100", "--no-serve")
    assert result.exit_code == refusal("invalid").exit_code, result.output
    assert "Traceback" not in result.output and result.output.strip().count("\n") == 0


def test_a_busy_port_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("demo", "--scripted", "--db", f"sqlite:///{tmp_path / 'demo.db'}", "--port", str(port))
    assert result.exit_code == refusal("invalid").exit_code, result.output
    assert "端口" in result.output and "Traceback" not in result.output


def _commands(command, path=("rexian",)):
    # Through list_commands/get_command, as `--help` does: the group loads its modules lazily, so its
    # `commands` dict holds only those some earlier test happened to load (empty in a fresh worker).
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _commands(command.get_command(ctx, name), (*path, name))


def test_every_command_and_option_is_explained_in_chinese():
    import re

    chinese = re.compile(r"[\u4e00-\u9fff]")
    unexplained = []
    for path, command in _commands(main):
        if not chinese.search(command.help or ""):
            unexplained.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not chinese.search(param.help or ""):
                unexplained.append(f"{' '.join(path)} {param.opts[0]}")
    assert not unexplained, unexplained


def test_every_database_option_is_the_shared_one():
    from rexian.cli.options import DB_HELP

    own = [" ".join(path) for path, command in _commands(main) for param in command.params
           if "--db" in getattr(param, "opts", ()) and param.help != DB_HELP]
    # These read or write a database other than the centre's own: they must be named explicitly.
    assert set(own) == {"rexian analyze", "rexian demo", "rexian import", "rexian simulate", "rexian train-router"}
