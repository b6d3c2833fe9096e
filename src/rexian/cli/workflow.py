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

from rexian.cli.options import db_option, fail, open_app
from rexian.domain import commands as c
from rexian.domain import vocabulary as v
from rexian.domain.decide import DECISIONS


def _app(db_url: str | None, *, create: bool = False):
    """The application for a command: an ordinary command never migrates (only `init`/`upgrade` do) and
    runs on the server's clock (time belongs to the server); a missing database or key file is one line."""
    return open_app(db_url, create=create)


@click.command("init")
@db_option
def init(db_url):
    """创建或升级数据库结构，密钥文件不存在时创建（可重复运行）。"""
    from rexian.adapters.keys import key_path

    app = _app(db_url, create=True)
    click.echo(f"数据库已就绪：{app.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"密钥文件：{key_path(app.engine) or '（内存数据库，临时密钥）'}（请与数据库分开保管并备份）")


@click.command("upgrade")
@db_option
def upgrade(db_url):
    """把数据库结构升级到本版本（除 init 外唯一会迁移数据库的命令）。"""
    app = _app(db_url, create=True)
    click.echo(f"数据库已升级：{app.engine.url.render_as_string(hide_password=True)}")


@click.group("org")
def org():
    """组织机构：单位、人员、诉求分类、职责清单。"""


@org.command("load")
@db_option
@click.option("--as", "actor_id", default=None, help="操作人（管理员）；组织为空时可省略")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def org_load(db_url, actor_id, path):
    """载入组织文件（docs/organisation.md），全部写入或全不写入。"""
    from rexian.service.org_admin import apply_org_changes, read_org_file

    app = _app(db_url, create=True)
    changed = apply_org_changes(app, actor_id, read_org_file(path))
    organisation = app.organisation()
    click.echo(f"已载入：{len(organisation.units)}个单位，{len(organisation.people)}名人员，"
               f"{len(organisation.categories)}个分类，{len(organisation.catalogue)}条职责清单（本次变更{changed}项）")


@org.command("draft")
@db_option
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, help="写入此文件（不给则打印）")
def org_draft(db_url, out):
    """据导入的办理记录起草组织文件（单位、人员及建议角色），核对后用 org load 载入。"""
    from pathlib import Path

    from rexian.service.org_draft import draft_organisation, draft_yaml

    app = _app(db_url)
    draft = draft_organisation(app.engine)
    text = draft_yaml(draft)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"已写出草稿：{out}（{len(draft['units'])}个单位，{len(draft['people'])}名人员；"
                   f"请核对并补上监督员、管理员后 rexian org load）")
    else:
        click.echo(text, nl=False)


@org.command("repair")
@db_option
@click.option("--as", "actor_id", default=None, help="操作人（记入审计日志和组织机构日志）")
@click.argument("people", nargs=-1)
def org_repair(db_url, actor_id, people):
    """把组织机构表（人员、单位、分类、职责清单、工作日历）恢复为组织机构日志所记；给出人员编号则只恢复这些人员。
    被暂停的人员（其人员表记录与日志不符）恢复后即可再次登录和办理。日志本身未通过校验时拒绝（须从备份恢复）。"""
    from rexian.adapters.org_trust import repair_rows

    app = _app(db_url)
    with app.engine.begin() as connection:
        repaired = repair_rows(connection, app.clock(), actor_id, people or None)
    for line in repaired:
        click.echo(line)
    click.echo(f"已按组织机构日志恢复{len(repaired)}行，并记入审计日志" if repaired else "组织机构表与日志一致，无需恢复")


@org.command("show")
@db_option
def org_show(db_url):
    """打印单位树及各单位人员。"""
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


# Every workflow command the domain decides (merge, which acts on two tickets, is decided apart).
COMMANDS = {cls.__name__: cls for cls in (*DECISIONS, c.Merge)}


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
    try:
        values = {key: _convert(value, hints[key], cls.choices.get(key)) for key, value in fields.items()}
    except ValueError as error:  # an unknown word (vocabulary.UnknownWord) or an unreadable time or number
        raise click.UsageError(f"{name}：{error}") from error
    try:
        return cls(actor_id=actor_id, **values)
    except TypeError as error:
        missing = [f.name for f in dataclasses.fields(cls)
                   if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                   and f.name not in values and f.name != "actor_id"]
        raise click.UsageError(f"{name} 缺少字段：{', '.join(missing) or error}") from error


def _convert(text, hint, words: str | None = None):
    """A field's text as its type: a vocabulary word (电话, 满意 …) as its code, 是/否 as a bool (an
    unrecognised yes/no is an error), ISO times, numbers, comma-separated lists, evidence as JSON."""
    if not isinstance(text, str):
        return text
    if words:
        return v.parse_choice(words, text)
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    base = args[0] if args and typing.get_origin(hint) is not tuple else hint
    if base is bool:
        return v.parse_yes_no(text)
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


def _field_list(cls) -> str:
    hints = typing.get_type_hints(cls)
    parts = []
    for item in dataclasses.fields(cls):
        if item.name in ("actor_id", "idempotency_key"):
            continue
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        words = cls.choices.get(item.name)
        kind = "/".join(v.TABLES[words][0].values()) if words else _type_word(hints[item.name])
        parts.append(f"{item.name}{'*' if required else ''}({kind})" if kind else f"{item.name}{'*' if required else ''}")
    return " ".join(parts)


def _type_word(hint) -> str:
    text = str(hint)
    for word, shown in (("bool", "是/否"), ("datetime", "时间"), ("float", "数"), ("tuple", "逗号分隔")):
        if word in text:
            return shown
    return ""


def workflow_help() -> str:
    """Every workflow command, its Chinese name, who may run it and its fields (* = required)."""
    lines = ["\b", "命令（* 为必填字段）："]
    for name, cls in COMMANDS.items():
        roles = "、".join(v.ROLES[role] for role in cls.roles)
        lines += ["\b", f"  {_kebab(name)}  {cls.zh} —— {roles}（{cls.scope}）", f"      {_field_list(cls)}"]
    return "\n".join(lines)


class _WorkflowCommand(click.Command):
    """`rexian do`: its help ends with every workflow command (`workflow_help`), written only when the help
    is shown — building it reads every command's type hints, work a command that runs does not need."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = workflow_help()
        super().format_epilog(ctx, formatter)


@click.command("do", cls=_WorkflowCommand, context_settings={"ignore_unknown_options": True})
@db_option
@click.option("--as", "actor_id", default=None, help="操作人编号（person id）")
@click.option("--key", "idempotency_key", default=None, help="幂等键：同一键的请求只执行一次")
@click.option("--at", "refused_at", default=None, hidden=True, help="不可用：命令时间由服务器确定（--at 只用于模拟和导入）")
@click.argument("name")
@click.argument("fields", nargs=-1)
def do(db_url, actor_id, idempotency_key, refused_at, name, fields):
    """执行一条工作流命令，如：rexian do dispatch --as P01 ticket_id=RX… lead_unit_id=D02

    FIELDS 写成 key=value；列表用逗号分隔；佐证材料(evidence)用 JSON。取值可写中文：
    channel=电话、satisfaction=满意、resolved=是/否、approve=同意/驳回。命令时间由服务器在提交时确定（没有 --at）。
    """
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
    outcome = app.handle(command)
    click.echo(json.dumps(dataclasses.asdict(outcome), ensure_ascii=False))


@click.command("show")
@db_option
@click.argument("ticket_id")
def show(db_url, ticket_id):
    """显示工单的状态、待审批的申请（申请编号）、下派与督办，以及全部事件。"""
    from rexian.domain.errors import NotFound

    app = _app(db_url)
    ticket = app.ticket(ticket_id)
    if ticket is None:
        fail(NotFound("ticket.unknown", f"工单不存在：{ticket_id}"))
    overdue = "（已超期）" if ticket.is_overdue(app.clock()) else ""
    click.echo(f"{ticket.ticket_id} {v.label(v.TICKET_STATES, ticket.status)}{overdue} "
               f"首接单位={ticket.first_unit_id} 主办单位={ticket.lead_unit_id} 时限={ticket.due_at}")
    for line in pending_lines(ticket):
        click.echo(line)
    events = app.events(ticket_id)
    from rexian.adapters.manifests import imported_by

    with app.engine.connect() as connection:
        manifest = imported_by(connection, ticket_id)
    if manifest is not None and not manifest.signed:  # inserted or rewritten by SQL: not the server's import
        click.echo(f"注意：第{manifest.number}号导入清单签名无效（自称来源：{manifest.source}），不是本系统写入的，"
                   "可能被篡改；本工单不按导入显示。请运行 rexian verify 核查")
        manifest = None
    imported = sorted({str(event.get("source")) for event in events} - {"rexian"}
                      | ({manifest.source} if manifest else set()))
    if imported:  # an imported history is as the other platform recorded it: the workflow's checks never ran on it
        click.echo(f"导入的历史（来源：{'、'.join(imported)}），按来源系统所记，未经本系统工作流的职责分离等检查")
    for event in events:
        payload = json.dumps(event["payload"], ensure_ascii=False)
        action = f"{event['action']} {v.label(v.ACTIONS, event['action'])}"
        click.echo(f"{event['seq']:>3} {event['at']:%Y-%m-%d %H:%M} {action:<28} "
                   f"{event['actor_id'] or '-':<8} {event['target_unit_id'] or '':<6} {payload[:120]}")


def pending_lines(ticket) -> list[str]:
    """What awaits a decision on the ticket, by id: requests (for endorse/review), forwards, orders."""
    lines = []
    for request in ticket.requests.values():
        who = "单位负责人审批（endorse-request）" if request.stage == "unit" else \
            f"热线中心审核（review-{request.kind}）"
        lines.append(f"待审批：request_id={request.request_id} {v.label(v.REQUEST_KINDS, request.kind)}申请，"
                     f"待{who}，申请人 {request.requested_by or '-'}")
    for forward in ticket.open_forwards():
        lines.append(f"待反馈：forward_id={forward.forward_id} 已下派给 {forward.unit_id}（report-forward）")
    for order in ticket.orders.values():
        if not order.closed:
            step = "待办结（close-supervision）" if order.responded else "待反馈（respond-supervision）"
            lines.append(f"督办：order_id={order.order_id} 第{order.level}级 {order.unit_id or '-'} {step}")
    return lines


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
        fail(FileNotFoundError(f"目录中没有检查点文件：{checkpoints_dir}"), "invalid")
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
