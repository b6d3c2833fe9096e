"""Erasing callers' personal data after the retention period (setting `personal_data_retention_days`), each
erasure an audited event on the ticket's own chain (`PersonalDataErased`), every chain still verifying."""

from __future__ import annotations

from datetime import datetime, timedelta

from rexian.adapters.database import reading
from rexian.adapters.erasures import came_back, first_hashes, read_ledger, record_erasure
from rexian.adapters.keys import keyring_for
from rexian.adapters.personal import erase, held_before, still_held
from rexian.adapters.repository import TicketRepository
from rexian.domain.model import NewEvent

FINISHED = ("closed", "merged")  # a matter still being worked keeps its caller's details


def erase_expired_personal_data(app, actor_id: str | None = None, now: datetime | None = None) -> list[str]:
    """Erase the personal data of finished tickets held longer than the retention period, and again that of
    every ticket the erasure ledger lists whose details came back (a backup from before the erasure restored);
    the ticket ids. Each erasure is an event on the ticket's chain and a line of the ledger."""
    now = now or app.clock()
    days = int(app.settings["personal_data_retention_days"])
    ring = keyring_for(app.engine)
    ledger, _problems = read_ledger(ring)  # lines that do not verify are named by `verify`, not trusted here
    with reading(app.engine) as connection:
        due = held_before(connection, now - timedelta(days=days))
        back = came_back(connection, ledger, still_held(connection, sorted(ledger)))
        intakes = first_hashes(connection, due)
    erased = []
    for ticket_id in back:
        payload = {"reason": "erased_before_restore", "erased_at": ledger[ticket_id][1]}
        if _erase(app, ticket_id, now, actor_id, payload, finished_only=False):
            erased.append(ticket_id)
    for ticket_id in due:
        if ticket_id not in back and _erase(app, ticket_id, now, actor_id,
                                            {"reason": "retention", "retention_days": days}):
            erased.append(ticket_id)
            record_erasure(ring, ticket_id, intakes.get(ticket_id, ""), now)
    return erased


def _erase(app, ticket_id: str, now: datetime, actor_id: str | None, payload: dict, finished_only: bool = True
           ) -> bool:
    with app.engine.begin() as connection:
        repository = TicketRepository(connection)
        ticket = repository.get(ticket_id)
        if ticket is None or (finished_only and ticket.status not in FINISHED) or not erase(connection, ticket_id, now):
            return False
        ticket.record(NewEvent("PersonalDataErased", now, actor_id, None, None, payload))
        repository.save(ticket, now)
    return True
