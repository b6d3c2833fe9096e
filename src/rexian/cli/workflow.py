"""Shell commands for the foundation: init, organisation, workflow commands, ticket views, verify."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import typing
from datetime import datetime
from pathlib import Path

import click

from rexian.domain import commands as c

db_option = click.option("--db", "db_url", envvar="REXIAN_DB", default=None,
                         help="数据库URL（默认：工作目录下的 SQLite 文件 rexian.db；也可用环境变量 REXIAN_DB）")


def _app(db_url: str | None, at: str | None = None):
    from rexian.bootstrap import bootstrap

    clock = (lambda: datetime.fromisoformat(at)) if at else None
    return bootstrap(db_url, clock=clock)


def _fail(error: Exception, code: int = 2) -> None:
    click.echo(f"拒绝：{error}", err=True)
    sys.exit(code)


@click.command("init")
@db_option
def init(db_url):
    """Create or upgrade the database schema (idempotent)."""
    app = _app(db_url)
    click.echo(f"数据库已就绪：{app.engine.url.render_as_string(hide_password=True)}")


@click.group("org")
def org():
    """Organisation: units, people, categories, responsibility catalogue."""


@org.command("load")
@db_option
@click.option("--as", "actor_id", default=None, help="操作人（管理员）；组织为空时可省略")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def org_load(db_url, actor_id, path):
    """Load an organisation file (docs/organisation.md); all or nothing."""
    from rexian.domain.errors import WorkflowError
    from rexian.domain.org_changes import OrgProblems
    from rexian.service.org_admin import apply_org_changes, read_org_file

    app = _app(db_url)
    try:
        changed = apply_org_changes(app, actor_id, read_org_file(path))
    except (OrgProblems, WorkflowError) as error:
        _fail(error)
    organisation = app.organisation()
    click.echo(f"已载入：{len(organisation.units)}个单位，{len(organisation.people)}名人员，"
               f"{len(organisation.categories)}个分类，{len(organisation.catalogue)}条职责清单（本次变更{changed}项）")


@org.command("show")
@db_option
def org_show(db_url):
    """Print the unit tree with its people."""
    app = _app(db_url)
    organisation = app.organisation()
    children: dict[str | None, list] = {}
    for unit in organisation.units.values():
        children.setdefault(unit.parent_id if unit.parent_id in organisation.units else None, []).append(unit)

    def walk(parent, depth):
        for unit in sorted(children.get(parent, []), key=lambda u: u.unit_id):
            people = [p for p in organisation.people.values() if p.unit_id == unit.unit_id]
            staff = "，".join(f"{p.name}({p.person_id}:{'/'.join(sorted(p.roles))})" for p in people)
            click.echo(f"{'  ' * depth}{unit.unit_id} {unit.name} [{unit.kind}] {staff}")
            walk(unit.unit_id, depth + 1)

    walk(None, 0)


COMMANDS = {cls.__name__: cls for cls in (
    c.Intake, c.DirectClose, c.Dispatch, c.SignFor, c.Forward, c.ReportForward, c.NoteProgress,
    c.RecordContact, c.Remind, c.Reply, c.RequestReturn, c.RequestExtension, c.RequestClosure,
    c.EndorseRequest, c.ReviewReturn, c.ReviewExtension, c.ReviewClosure, c.Visit, c.Reopen,
    c.IssueSupervision, c.RespondSupervision, c.CloseSupervision, c.Merge)}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def command_from_fields(name: str, actor_id: str | None, fields: dict[str, str]) -> c.Command:
    """Build a workflow command from text fields (`key=value`), converting each by the field's type."""
    by_name = {**COMMANDS, **{_kebab(key): cls for key, cls in COMMANDS.items()}}
    cls = by_name.get(name) or by_name.get(name.lower())
    if cls is None:
        raise click.UsageError(f"未知命令 {name}；可用：{', '.join(_kebab(k) for k in COMMANDS)}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(fields) - known
    if unknown:
        raise click.UsageError(f"{name} 没有字段 {', '.join(sorted(unknown))}；可用：{', '.join(sorted(known))}")
    values = {key: _convert(value, hints[key]) for key, value in fields.items()}
    try:
        return cls(actor_id=actor_id, **values)
    except TypeError as error:
        missing = [f.name for f in dataclasses.fields(cls)
                   if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                   and f.name not in values and f.name != "actor_id"]
        raise click.UsageError(f"{name} 缺少字段：{', '.join(missing) or error}") from error


def _convert(text, hint):
    if not isinstance(text, str):
        return text
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    base = args[0] if args and typing.get_origin(hint) is not tuple else hint
    if base is bool:
        return text.strip().lower() in {"1", "true", "yes", "y", "是"}
    if base is datetime:
        return datetime.fromisoformat(text)
    if base is float:
        return float(text)
    if typing.get_origin(hint) is tuple or typing.get_origin(base) is tuple:
        item_type = typing.get_args(hint if typing.get_origin(hint) is tuple else base)[0]
        if item_type is c.Evidence:
            return tuple(c.Evidence(**item) for item in json.loads(text))
        return tuple(part for part in text.split(",") if part)
    return text


@click.command("do", context_settings={"ignore_unknown_options": True})
@db_option
@click.option("--as", "actor_id", default=None, help="操作人编号（person id）")
@click.option("--at", default=None, help="操作时间（ISO格式；默认当前时间），用于脚本和补录")
@click.option("--key", "idempotency_key", default=None, help="幂等键：同一键的请求只执行一次")
@click.argument("name")
@click.argument("fields", nargs=-1)
def do(db_url, actor_id, at, idempotency_key, name, fields):
    """Run a workflow command: rexian do dispatch --as P01 ticket_id=RX… lead_unit_id=D02

    FIELDS are key=value pairs; lists are comma-separated; evidence is JSON.
    """
    from rexian.domain.errors import WorkflowError

    pairs = {}
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep:
            raise click.UsageError(f"字段应写成 key=value：{field}")
        pairs[key] = value
    if idempotency_key:
        pairs["idempotency_key"] = idempotency_key
    command = command_from_fields(name, actor_id, pairs)
    app = _app(db_url, at)
    try:
        outcome = app.handle(command)
    except WorkflowError as error:
        _fail(error)
    click.echo(json.dumps(dataclasses.asdict(outcome), ensure_ascii=False))


@click.command("show")
@db_option
@click.argument("ticket_id")
def show(db_url, ticket_id):
    """Show a ticket's state and its event log."""
    from rexian.domain.model import STATE_NAMES

    app = _app(db_url)
    ticket = app.ticket(ticket_id)
    if ticket is None:
        _fail(LookupError(f"工单不存在：{ticket_id}"))
    overdue = "（已超期）" if ticket.is_overdue(app.clock()) else ""
    click.echo(f"{ticket.ticket_id} {STATE_NAMES.get(ticket.status, ticket.status)}{overdue} "
               f"首接单位={ticket.first_unit_id} 主办单位={ticket.lead_unit_id} 时限={ticket.due_at}")
    for event in app.events(ticket_id):
        payload = json.dumps(event["payload"], ensure_ascii=False)
        click.echo(f"{event['seq']:>3} {event['at']:%Y-%m-%d %H:%M} {event['action']:<22} "
                   f"{event['actor_id'] or '-':<8} {event['target_unit_id'] or '':<6} {payload[:120]}")


@click.command("verify")
@db_option
def verify(db_url):
    """Check every hash chain; exit 0 when intact, 1 when any ticket's log was tampered with."""
    from rexian.adapters.database import make_engine
    from rexian.service.verify import verify_database
    from rexian.settings import load_settings

    engine = make_engine(db_url or load_settings()["db"])
    report = verify_database(engine)
    for damage in report.damages:
        click.echo(damage.describe())
    if report.intact:
        click.echo(f"完整：{report.streams}条事件链，{report.events}条事件，未发现篡改")
        return
    click.echo(f"发现问题：{len(report.damaged_streams())}条事件链受损（{', '.join(report.damaged_streams())}）", err=True)
    sys.exit(1)


commands = [init, org, do, show, verify]
