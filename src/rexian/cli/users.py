"""`rexian user add/disable/enable/reset-password/token`: accounts of the organisation's people."""

from __future__ import annotations

import click

from rexian.cli.options import db_option, fail


def _accounts(db_url):
    from rexian.cli.options import open_app
    from rexian.web.auth import Accounts

    app = open_app(db_url)
    return app, Accounts(app.engine, app.settings, app.clock)


def _password(given: str | None) -> str:
    return given or click.prompt("密码", hide_input=True, confirmation_prompt=True)


def _run(action) -> None:
    from rexian.domain.errors import WorkflowError

    try:
        action()
    except WorkflowError as refused:
        fail(refused)


@click.group("user")
def command():
    """工作人员账号：开通、停用、启用、重置密码、签发接口令牌。"""


@command.command("add")
@db_option
@click.argument("person_id")
@click.option("--password", help="初始密码（不给则交互输入）")
def add(db_url, person_id, password):
    """为组织中的人员开通账号。"""
    app, accounts = _accounts(db_url)
    _run(lambda: accounts.add(app.organisation(), person_id, _password(password)))
    click.echo(f"已开通账号：{person_id}")


@command.command("disable")
@db_option
@click.argument("person_id")
def disable(db_url, person_id):
    """停用账号（立即结束其所有会话并吊销接口令牌）。"""
    _app, accounts = _accounts(db_url)
    _run(lambda: accounts.set_active(person_id, False))
    click.echo(f"已停用账号：{person_id}")


@command.command("enable")
@db_option
@click.argument("person_id")
def enable(db_url, person_id):
    """重新启用账号。"""
    _app, accounts = _accounts(db_url)
    _run(lambda: accounts.set_active(person_id, True))
    click.echo(f"已启用账号：{person_id}")


@command.command("reset-password")
@db_option
@click.argument("person_id")
@click.option("--password", help="新密码（不给则交互输入）")
def reset_password(db_url, person_id, password):
    """重置密码（同时解除锁定、结束其所有会话）。"""
    _app, accounts = _accounts(db_url)
    _run(lambda: accounts.set_password(person_id, _password(password)))
    click.echo(f"已重置密码：{person_id}")


@command.command("token")
@db_option
@click.argument("person_id")
@click.option("--name", required=True, help="令牌用途（如：数据交换接口）")
def token(db_url, person_id, name):
    """为对接系统签发接口令牌（只显示这一次）。"""
    _app, accounts = _accounts(db_url)
    click.echo(accounts.issue_token(person_id, name))


commands = [command]
