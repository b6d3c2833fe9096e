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


def _app(db_url: str | None, migrate: bool = False):
    """The application for an ordinary command: no migration (only `init`/`upgrade` migrate), the server's
    clock (time belongs to the server), a missing database or key file is one clear line."""
    from rexian.adapters.database import SchemaNotReady
    from rexian.adapters.keys import KeyFileError
    from rexian.bootstrap import bootstrap

    try:
        return bootstrap(db_url, migrate=migrate, require_schema=not migrate)
    except (SchemaNotReady, KeyFileError) as error:
        _fail(error)


def _fail(error: Exception, code: int = 2) -> None:
    click.echo(f"拒绝：{error}", err=True)
    sys.exit(code)


@click.command("init")
@db_option
def init(db_url):
    """创建或升级数据库结构，密钥文件不存在时创建（可重复运行）。"""
    from rexian.adapters.keys import key_path

    app = _app(db_url, migrate=True)
    click.echo(f"数据库已就绪：{app.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"密钥文件：{key_path(app.engine) or '（内存数据库，临时密钥）'}（请与数据库分开保管并备份）")


@click.command("upgrade")
@db_option
def upgrade(db_url):
    """把数据库结构升级到本版本（除 init 外唯一会迁移数据库的命令）。"""
    app = _app(db_url, migrate=True)
    click.echo(f"数据库已升级：{app.engine.url.render_as_string(hide_password=True)}")


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
@click.option("--key", "idempotency_key", default=None, help="幂等键：同一键的请求只执行一次")
@click.option("--at", "refused_at", default=None, hidden=True)
@click.argument("name")
@click.argument("fields", nargs=-1)
def do(db_url, actor_id, idempotency_key, refused_at, name, fields):
    """Run a workflow command: rexian do dispatch --as P01 ticket_id=RX… lead_unit_id=D02

    FIELDS are key=value pairs; lists are comma-separated; evidence is JSON. The command's time is the
    server's, taken when it is committed (there is no --at: back-dating is refused by design).
    """
    from rexian.domain.errors import WorkflowError

    if refused_at is not None:
        raise click.UsageError("--at 只用于模拟和导入；工作流命令的时间由服务器在提交时确定，不能补填或倒签")
    pairs = {}
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep:
            raise click.UsageError(f"字段应写成 key=value：{field}")
        pairs[key] = value
    if idempotency_key:
        pairs["idempotency_key"] = idempotency_key
    command = command_from_fields(name, actor_id, pairs)
    app = _app(db_url)
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
@click.option("--checkpoints", "checkpoints_dir", type=click.Path(file_okay=False), default=None,
              help="存档的检查点文件目录（rexian checkpoint --out 写出的 checkpoint-*.json），与数据库核对")
def verify(db_url, checkpoints_dir):
    """核验整个日志：哈希链、服务器签名、工单记录、编号、检查点（docs/trust.md）。
    完整时退出码0，发现篡改时1，无法核验时2。"""
    from rexian.service.verify import verify_database

    app = _app(db_url)
    filed = sorted(Path(checkpoints_dir).glob("checkpoint-*.json")) if checkpoints_dir else []
    if checkpoints_dir and not filed:
        _fail(FileNotFoundError(f"目录中没有检查点文件：{checkpoints_dir}"))
    report = verify_database(app.engine, filed_checkpoints=filed)
    for line in report.lines():
        click.echo(line)
    summary = (f"{report.streams}条事件链，{report.events}条事件，{report.tickets}张工单，"
               f"{report.checkpoints}个检查点")
    if report.intact:
        click.echo(f"完整：{summary}，未发现篡改")
        return
    damaged = report.damaged_streams()
    click.echo(f"发现问题：{summary}；{len(damaged)}条事件链受损（{', '.join(damaged[:50])}"
               f"{'…' if len(damaged) > 50 else ''}），检查点问题{len(report.checkpoint_problems)}处", err=True)
    sys.exit(1)


commands = [init, upgrade, org, do, show, verify]
