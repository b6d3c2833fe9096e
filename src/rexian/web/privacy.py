"""Callers' personal data on screen and in the API: the one place where it is masked.

Roles that talk to the caller or go to the place (agents, follow-up callers, handlers and their leaders)
see name, phone, address and coordinates; dispatchers, reviewers, supervisors and administrators see them
masked. Phone, ID-card and bank-card numbers written inside free text are masked through the project's
masking module for the same roles. A supervisor may unmask one ticket with a stated reason (audited as
`unmask`).

`disclose` is the one way callers' details reach a reader — ticket lists, the ticket page, the Excel export,
the API, the intake page's caller history, the supervisor's desk: it masks each ticket's data for the reader
and, for every ticket whose details the reader does see unmasked (by duty, or after a supervisor's stated
reason), writes an audit record `disclose`: who, which ticket, why (where, and on what ground), when.
Administrators read the audit log on the admin page and through `GET /api/audit`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.text.masking import mask_personal_data
from rexian.web.auth import Principal
from rexian.web.labels import role_names

NEEDS_PERSONAL_DATA = frozenset({"agent", "visitor", "handler", "unit_leader"})
FREE_TEXT_FIELDS = ("content", "title", "reply", "answer", "summary", "note", "reason", "result", "response")
PERSONAL_FIELDS = ("caller_name", "caller_phone", "address", "lon", "lat", "caller_id")


def sees_personal_data(principal: Principal | None, unmasked: bool = False) -> bool:
    return unmasked or (principal is not None and bool(principal.roles & NEEDS_PERSONAL_DATA))


def mask_name(name: str | None) -> str | None:
    return (name[0] + "*" * max(1, len(name) - 1)) if name else name


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    masked = mask_personal_data(phone, kinds=("phone",))
    if masked != phone:
        return masked
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def mask_address(address: str | None) -> str | None:
    """The district and street stay (where the matter is); the house number and rest are hidden."""
    if not address:
        return address
    keep = min(len(address), max(4, len(address) // 3))
    return address[:keep] + "****"


def mask_fields(data: dict[str, Any], principal: Principal | None, unmasked: bool = False) -> dict[str, Any]:
    """A copy of a ticket row or event payload with the personal fields masked for this reader."""
    if sees_personal_data(principal, unmasked):
        return dict(data)
    masked = dict(data)
    for key in FREE_TEXT_FIELDS:
        if isinstance(masked.get(key), str):
            masked[key] = mask_personal_data(masked[key])
    if "caller_name" in masked:
        masked["caller_name"] = mask_name(masked["caller_name"])
    if "caller_phone" in masked:
        masked["caller_phone"] = mask_phone(masked["caller_phone"])
    if "caller_id" in masked and masked["caller_id"]:
        masked["caller_id"] = "****"
    if "address" in masked:
        masked["address"] = mask_address(masked["address"])
    for key in ("lon", "lat"):
        if masked.get(key) is not None:
            masked[key] = None
    return masked


DISCLOSE = "disclose"  # the audit log's action for callers' details shown unmasked


def disclose(engine: Engine, principal: Principal | None, items: Iterable[tuple[str, dict[str, Any]]],
             place: str | None, now: datetime, unmasked: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Each (ticket id, data) masked for this reader, in order. `place` names where the data is shown; None
    means it is shown to no one (counts, internal use): then everything is masked and nothing audited. Every
    ticket whose data the reader sees differently from the fully masked view is audited once, before the data
    is returned: no audit record, no disclosure. `unmasked`: the tickets a supervisor opened with a reason."""
    opened = set(unmasked)
    shown, revealed = [], {}
    for ticket_id, data in items:
        lifted = place is not None and ticket_id in opened
        out = mask_fields(data, principal if place is not None else None, lifted)
        if place is not None and sees_personal_data(principal, lifted) and out != mask_fields(data, None):
            revealed.setdefault(ticket_id, lifted)
        shown.append(out)
    if revealed and principal is not None:
        duty = f"岗位职责（{role_names(sorted(principal.roles & NEEDS_PERSONAL_DATA))}）"
        with engine.begin() as connection:
            connection.execute(insert(t.audit_log), [
                {"at": now, "person_id": principal.person_id, "action": DISCLOSE, "ticket_id": ticket_id,
                 "reason": f"{place}：{'督查说明理由后查看（见同一工单的 unmask 记录）' if lifted else duty}"}
                for ticket_id, lifted in revealed.items()])
    return shown
