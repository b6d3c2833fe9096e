"""Callers' personal data on screen and in the API: the one place where it is masked.

Roles that talk to the caller or go to the place (agents, follow-up callers, handlers and their leaders)
see name, phone, address and coordinates; dispatchers, reviewers, supervisors and administrators see them
masked. Phone, ID-card and bank-card numbers written inside free text are masked through the project's
masking module for the same roles. A supervisor may unmask one ticket with a stated reason; each such read
is written to the audit log by the caller of `unmasked_for`.
"""

from __future__ import annotations

from typing import Any

from rexian.text.masking import mask_personal_data
from rexian.web.auth import Principal

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
