"""Checks shared by the workflow's decisions: who acts, in which state, with which fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import AbstractSet, Collection, Mapping, Protocol

from rexian.domain.errors import MissingField, NotAllowed, NotFound, WrongState
from rexian.domain.model import STATE_NAMES, Ticket
from rexian.domain.org import ROLES, Organisation, Person
from rexian.domain.policy import WorkflowPolicy


class Deadlines(Protocol):
    """What the workflow needs from the deadline policy (rexian.domain.deadlines.DeadlinePolicy)."""

    def sign_due(self, dispatched_at: datetime, urgency: str) -> datetime: ...

    def return_due(self, dispatched_at: datetime) -> datetime: ...

    def handle_due(self, start: datetime, urgency: str, handle_days: int | None,
                   urgent_hours: int | None) -> datetime: ...

    def redo_due(self, start: datetime) -> datetime: ...


@dataclass
class Context:
    """Everything a decision may consult besides the ticket: the organisation, deadlines, policy, time."""

    org: Organisation
    deadlines: Deadlines
    policy: WorkflowPolicy
    now: datetime


def actor(ctx: Context, actor_id: str | None, *roles: str, units: Collection[str | None] | None = None,
          rule: str = "actor") -> Person:
    """The acting person, who must hold one of `roles` and (when given) belong to one of `units`."""
    person = ctx.org.person(actor_id)
    if person is None:
        raise NotFound(f"{rule}.unknown_person", f"未知的操作人：{actor_id}")
    if not person.has_role(*roles):
        wanted = "、".join(ROLES.get(role, role) for role in roles)
        raise NotAllowed(f"{rule}.role", f"{person.name}（{person.person_id}）不是{wanted}，不能执行此操作")
    if units is not None and person.unit_id not in units:
        names = "、".join(_unit_name(ctx, unit) for unit in sorted(u for u in units if u))
        raise NotAllowed(f"{rule}.unit", f"{person.name}所在单位{_unit_name(ctx, person.unit_id)}"
                                         f"无权办理此工单（应为：{names or '无'}）")
    return person


def centre_actor(ctx: Context, actor_id: str | None, *roles: str, rule: str) -> Person:
    return actor(ctx, actor_id, *roles, units=ctx.org.centre_ids(), rule=rule)


def state(ticket: Ticket, *allowed: str, rule: str) -> None:
    if ticket.status not in allowed:
        wanted = "、".join(STATE_NAMES.get(s, s) for s in allowed)
        raise WrongState(f"{rule}.state", f"工单{ticket.ticket_id}当前状态为"
                                          f"{STATE_NAMES.get(ticket.status, ticket.status)}，此操作只能在{wanted}时进行")


def text(value: str | None, rule: str, label: str, min_length: int = 2) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) < min_length:
        raise MissingField(rule, f"必须填写{label}（至少{min_length}个字）")
    return cleaned


def one_of(value: str | None, allowed: Mapping[str, str] | set[str], rule: str, label: str) -> str:
    if value is None or value not in allowed:
        options = "、".join(allowed)
        raise MissingField(rule, f"{label}取值无效：{value!r}（可选：{options}）")
    return value


def unit_exists(ctx: Context, unit_id: str | None, rule: str) -> str:
    unit = ctx.org.unit(unit_id)
    if not unit_id or unit is None or not unit.active:
        raise NotFound(rule, f"单位不存在或已停用：{unit_id}")
    return unit_id


def _unit_name(ctx: Context, unit_id: str | None) -> str:
    unit = ctx.org.unit(unit_id)
    return unit.name if unit else str(unit_id)


def independent(ctx: Context, person: Person, involved: AbstractSet[str | None], rule: str, what: str) -> None:
    """Separation of duties (setting `separation_of_duties`, on by default): `person` must not be among
    those `involved` in what they are about to judge."""
    if ctx.policy.separation_of_duties and person.person_id in involved:
        raise NotAllowed(f"{rule}.separation", f"{person.name}（{person.person_id}）{what}（职责分离）")
