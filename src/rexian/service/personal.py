"""Erasing callers' personal data after the retention period (setting `personal_data_retention_days`), each
erasure an audited event on the ticket's own chain (`PersonalDataErased`), every chain still verifying."""

from __future__ import annotations

from datetime import datetime, timedelta

from rexian.adapters.personal import erase, held_before
from rexian.adapters.repository import TicketRepository
from rexian.domain.model import NewEvent

FINISHED = ("closed", "merged")  # a matter still being worked keeps its caller's details


def erase_expired_personal_data(app, actor_id: str | None = None, now: datetime | None = None) -> list[str]:
    """Erase the personal data of finished tickets held longer than the retention period; the ticket ids."""
    now = now or app.clock()
    days = int(app.settings["personal_data_retention_days"])
    with app.engine.connect() as connection:
        due = held_before(connection, now - timedelta(days=days))
    erased = []
    for ticket_id in due:
        with app.engine.begin() as connection:
            repository = TicketRepository(connection)
            ticket = repository.get(ticket_id)
            if ticket is None or ticket.status not in FINISHED or not erase(connection, ticket_id, now):
                continue
            ticket.record(NewEvent("PersonalDataErased", now, actor_id, None, None,
                                   {"reason": "retention", "retention_days": days}))
            repository.save(ticket, now)
            erased.append(ticket_id)
    return erased
