"""Which commands the workflow would accept from a person on a ticket now — asked of the decisions
themselves, so that no second list of states and roles can drift from what the workflow decides.

A decision checks who acts, on which ticket in which state, before it reads anything the person has yet
to fill in (a reply, a reason, a unit to send the ticket to). `accepts` runs the decision with every such
field left unfilled: a marker that stops the decision the moment it is read. A decision that gets that far
(or needs nothing filled in, like 签收) accepts the command; one that refuses earlier names why. The
decisions keep that order: everything about the actor and the ticket first, then the fields.

Fields that pick something on the ticket (a pending request, a supervision order, a forward) are not left
unfilled: each of the ticket's own is tried, and `offers` lists the ones the decision accepts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable

from rexian.domain import commands as c
from rexian.domain import reviews
from rexian.domain.decide import decide
from rexian.domain.errors import WorkflowError
from rexian.domain.guards import Context
from rexian.domain.model import Ticket

# Filled in by whoever runs the command, never by the person: not part of what they fill in.
GIVEN_BY_SYSTEM = {"actor_id", "idempotency_key", "ticket_id"}


class _Read(Exception):
    """An unfilled field was read: the decision found nothing to refuse before it."""


class _Unfilled:
    """A field the person has not filled in yet. Any use of it — truth, comparison, lookup, iteration,
    formatting, an attribute — stops the decision."""

    def _stop(self, *_: Any, **__: Any) -> Any:
        raise _Read()

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _stop
    __iter__ = __len__ = __contains__ = __getitem__ = __str__ = __format__ = __int__ = __float__ = _stop

    def __getattr__(self, name: str) -> Any:
        raise _Read()

    def __repr__(self) -> str:  # for debuggers only; never reached by a decision
        return "<unfilled>"


UNFILLED = _Unfilled()

# The fields that choose one of the ticket's own things, and where the ticket keeps them.
TICKET_CHOICES = {"request_id": "requests", "order_id": "orders", "forward_id": "forwards"}


def fillable_fields(command_type: type[c.Command]) -> list[str]:
    return [f.name for f in dataclasses.fields(command_type) if f.name not in GIVEN_BY_SYSTEM]


def accepts(command_type: type[c.Command], ticket: Ticket, ctx: Context, actor_id: str | None,
            **given: Any) -> WorkflowError | None:
    """None when the workflow would accept `command_type` from `actor_id` on `ticket` now (with the person's
    fields still to fill in, each checked when posted); otherwise the refusal it would give."""
    values = {name: given.get(name, UNFILLED) for name in fillable_fields(command_type)}
    command = command_type(actor_id=actor_id, ticket_id=ticket.ticket_id, **values)  # type: ignore[call-arg]
    try:
        if command_type is c.Merge:
            reviews.merge(command, ticket, UNFILLED, ctx)  # type: ignore[arg-type]  # the master is a field too
        else:
            decide(command, ticket, ctx)
    except _Read:
        return None
    except WorkflowError as refused:
        return refused
    return None


@dataclass(frozen=True)
class Offer:
    """A command the workflow accepts now; `choices` are the ticket's own things it accepts it for
    (field → ids), when the command picks one."""

    command: type[c.Command]
    choices: dict[str, tuple[str, ...]]


def offers(ticket: Ticket, ctx: Context, actor_id: str | None,
           command_types: Iterable[type[c.Command]]) -> list[Offer]:
    """The commands of `command_types` the workflow would accept from `actor_id` on `ticket` now."""
    found = []
    for command_type in command_types:
        if command_type is c.Intake:
            continue
        picks = [name for name in fillable_fields(command_type) if name in TICKET_CHOICES]
        if not picks:
            if accepts(command_type, ticket, ctx, actor_id) is None:
                found.append(Offer(command_type, {}))
            continue
        choices = {name: tuple(key for key in getattr(ticket, TICKET_CHOICES[name])
                               if accepts(command_type, ticket, ctx, actor_id, **{name: key}) is None)
                   for name in picks}
        if all(choices.values()):
            found.append(Offer(command_type, choices))
    return found


def accepted_values(command_type: type[c.Command], ticket: Ticket, ctx: Context, actor_id: str | None,
                    field: str, candidates: Iterable[str], **given: Any) -> list[str]:
    """The candidates for `field` the workflow accepts, judged before any other field is read (e.g. the
    units a ticket may be forwarded or handed over to)."""
    return [value for value in candidates
            if accepts(command_type, ticket, ctx, actor_id, **given, **{field: value}) is None]
