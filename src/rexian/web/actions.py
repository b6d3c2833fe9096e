"""The workflow commands the web application offers, declared once: URL name, command class and the roles
that may call it. Pages (forms) and the API (JSON bodies, one endpoint per command) are both built from this
table, and the request model of each command is derived from the command's own dataclass fields, so a new
field needs no second declaration here.

Callers never give a time for a command: `at` is not a field of any command, the server's clock decides.
The actor is the signed-in person, never a field either.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from rexian.domain import commands as c
from rexian.domain.errors import MissingField

@dataclass(frozen=True)
class Action:
    name: str
    command: type[c.Command]

    @property
    def roles(self) -> tuple[str, ...]:
        """Who may run it: the command's own declaration (the decisions check exactly these)."""
        return self.command.roles


ACTIONS: dict[str, Action] = {action.name: action for action in (
    Action("direct_close", c.DirectClose),
    Action("dispatch", c.Dispatch),
    Action("sign_for", c.SignFor),
    Action("forward", c.Forward),
    Action("hand_over", c.HandOver),
    Action("report_forward", c.ReportForward),
    Action("note_progress", c.NoteProgress),
    Action("record_contact", c.RecordContact),
    Action("remind", c.Remind),
    Action("reply", c.Reply),
    Action("request_return", c.RequestReturn),
    Action("request_extension", c.RequestExtension),
    Action("request_closure", c.RequestClosure),
    Action("endorse", c.EndorseRequest),
    Action("review_return", c.ReviewReturn),
    Action("review_extension", c.ReviewExtension),
    Action("review_closure", c.ReviewClosure),
    Action("visit", c.Visit),
    Action("reopen", c.Reopen),
    Action("supervise", c.IssueSupervision),
    Action("respond_supervision", c.RespondSupervision),
    Action("close_supervision", c.CloseSupervision),
    Action("merge", c.Merge),
)}
INTAKE_ROLES = c.Intake.roles
BY_COMMAND = {action.command: action for action in ACTIONS.values()}


@dataclass(frozen=True)
class Offered:
    """A command offered on a ticket page, and for the fields that pick something the options the workflow
    accepts (the ticket's pending requests, orders, forwards; the units it may go to)."""

    action: Action
    choices: dict[str, tuple[str, ...]]

    @property
    def name(self) -> str:
        return self.action.name


def _required_unit_fields(command: type[c.Command]) -> list[str]:
    return [f.name for f in dataclasses.fields(command) if f.name.endswith("unit_id")
            and f.name not in SERVER_FIELDS and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING]


def offered(hotline, ticket, actor_id: str | None) -> list[Offered]:
    """Exactly the commands the workflow would accept from this person on this ticket now (asked of the
    decisions: rexian.domain.offers), in the order of ACTIONS."""
    from rexian.domain.offers import accepted_values, offers

    ctx = hotline.context()
    found = []
    for offer in offers(ticket, ctx, actor_id, [action.command for action in ACTIONS.values()]):
        action = BY_COMMAND[offer.command]
        choices = dict(offer.choices)
        # A unit the person must pick: offer the units the decision accepts (a decision that reads another
        # field first accepts them all here, and judges the unit when posted).
        for unit_field in _required_unit_fields(offer.command):
            units = [u.unit_id for u in ctx.org.units.values() if u.active]
            choices[unit_field] = tuple(accepted_values(offer.command, ticket, ctx, actor_id, unit_field, units))
        if all(choices.values()):
            found.append(Offered(action, choices))
    return found

# Filled in by the server, never by the caller.
SERVER_FIELDS = {"actor_id", "idempotency_key", "ticket_id"}


class EvidenceIn(BaseModel):
    kind: typing.Literal["contact", "photo", "document"]
    summary: str
    ref: str | None = None


def _model(command: type[c.Command], name: str) -> type[BaseModel]:
    hints = typing.get_type_hints(command)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(command):
        if f.name in SERVER_FIELDS:
            continue
        kind = hints[f.name]
        if kind == tuple[c.Evidence, ...]:
            kind = list[EvidenceIn]
        elif typing.get_origin(kind) is tuple:
            kind = list[str]
        if f.default is not dataclasses.MISSING:
            default = list(f.default) if isinstance(f.default, tuple) else f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = list(f.default_factory())
        else:
            default = ...
        fields[f.name] = (kind, default)
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


BODIES: dict[str, type[BaseModel]] = {
    name: _model(action.command, "".join(part.title() for part in name.split("_")) + "Body")
    for name, action in ACTIONS.items()}
IntakeBody = _model(c.Intake, "IntakeBody")


def to_command(command: type[c.Command], body: BaseModel, actor_id: str | None, ticket_id: str | None = None,
               idempotency_key: str | None = None) -> c.Command:
    values: dict[str, Any] = {}
    for name in body.model_fields_set | set(type(body).model_fields):
        value = getattr(body, name)
        if isinstance(value, list):
            value = tuple(c.Evidence(**item.model_dump()) if isinstance(item, EvidenceIn) else item
                          for item in value)
        values[name] = value
    if ticket_id is not None:
        values["ticket_id"] = ticket_id
    return command(actor_id=actor_id, idempotency_key=idempotency_key, **values)


def from_form(model: type[BaseModel], form: Mapping[str, Any]) -> BaseModel:
    """A request model from a submitted form: empty fields are absent, list fields are comma-separated
    (or repeated), checkboxes are 'on', a time is read as people type it whatever the browser's locale
    (web/dates.py: yyyy-mm-dd hh:mm and its usual variants; anything else refused, naming the field)."""
    from rexian.web.dates import UnreadableDate, read_datetime
    from rexian.web.forms import FIELD_LABELS

    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        values = [v for v in (form.getlist(name) if hasattr(form, "getlist") else [form.get(name)])
                  if isinstance(v, str) and v.strip() != ""]
        if typing.get_origin(info.annotation) is list:
            if values and info.annotation != list[EvidenceIn]:
                data[name] = [part.strip() for v in values for part in v.replace("，", ",").split(",")
                              if part.strip()]
        elif values and datetime in (info.annotation, *typing.get_args(info.annotation)):
            try:
                data[name] = read_datetime(values[-1], FIELD_LABELS.get(name, name))
            except UnreadableDate as error:
                raise MissingField("web.invalid_field", f"填写内容有误：{error}") from None
        elif values:
            data[name] = values[-1].strip()
    return validated(model, data)


def validated(model: type[BaseModel], data: Mapping[str, Any]) -> BaseModel:
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        from rexian.web.forms import FIELD_LABELS

        problems = []
        for item in error.errors():
            where = ".".join(FIELD_LABELS.get(str(part), str(part)) for part in item.get("loc", ()))
            problems.append(f"{where}（{'必填' if item.get('type') == 'missing' else '格式无效'}）")
        raise MissingField("web.invalid_field", "填写内容有误：" + "、".join(problems)) from error
