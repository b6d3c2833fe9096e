"""A ticket's row in the `tickets` projection table, made from the domain's ticket — apart from the repository so
that readers that only build rows (the importer's histories, `analyze --mapping`) do not load SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rexian.domain.model import Ticket


def projection_of(ticket: Ticket, now: datetime) -> dict[str, Any]:
    intake = ticket.intake
    return {
        "ticket_id": ticket.ticket_id, "status": ticket.status, "received_at": ticket.received_at,
        "channel": intake.get("channel"), "category": intake.get("category"), "urgency": intake.get("urgency"),
        "kind": intake.get("kind"), "area": intake.get("area"), "address": intake.get("address"),
        "place_id": intake.get("place_id"), "lon": intake.get("lon"), "lat": intake.get("lat"),
        "caller_id": intake.get("caller_id"), "caller_phone": intake.get("caller_phone"),
        "title": intake.get("title"), "content": intake.get("content"),
        "first_unit_id": ticket.first_unit_id, "lead_unit_id": ticket.lead_unit_id, "due_at": ticket.due_at,
        "closed_at": ticket.closed_at, "source": ticket.source, "last_seq": ticket.last_seq,
        "head_hash": ticket.head_hash, "updated_at": now,
    }
