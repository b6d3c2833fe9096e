"""The application: runs workflow commands in one transaction each.

A command loads its ticket (rebuilt from its events), the domain decides the new events, and the events
and the ticket's projection are written in the same transaction; a refusal writes nothing. A command with
an idempotency key that was already handled returns the stored outcome instead of acting again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Callable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from rexian.adapters.database import reading
from rexian.adapters import tables as t
from rexian.adapters.bookkeeping import idempotency_digest, request_key_digest
from rexian.adapters.keys import event_digest, keyring_for, take_log_seqs
from rexian.adapters.repository import OrgRepository, TicketRepository, next_counter
from rexian.adapters.upgrade_seal import UNVERIFIED, unverified_at
from rexian.domain import commands as c
from rexian.domain.deadlines import DeadlinePolicy
from rexian.domain.decide import decide
from rexian.domain.errors import Conflict, NotFound
from rexian.domain.eventlog import canonical_json
from rexian.domain.guards import Context
from rexian.domain.model import Ticket
from rexian.domain.org import Organisation
from rexian.domain.policy import WorkflowPolicy
from rexian.domain.reviews import merge

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    ticket_id: str
    status: str
    events: list[dict[str, Any]] = field(default_factory=list)  # action and seq of each new event
    replayed: bool = False  # True when an idempotency key answered from a previous run


class Hotline:
    def __init__(self, engine: Engine, settings, deadlines, clock: Callable[[], datetime],
                 listeners: Sequence[Callable[[list[dict[str, Any]]], Any]] = ()):
        self.engine = engine
        self.settings = settings
        self.policy = WorkflowPolicy.from_settings(settings)
        self.base_deadlines = deadlines  # the settings' policy on the calendar files, before the admin's days
        self.clock = clock
        # (ORG chain length, organisation, deadline policy on the calendar with the admin's days)
        self._org: tuple[Organisation, Any] | None = None
        # Called after each committed command with its new event records (e.g. real-time supervision).
        self.listeners = list(listeners)

    # --- commands ---------------------------------------------------------------------------------------
    BUSY_RETRIES = 3  # a busy SQLite (another writer past the 30 s busy timeout) is tried this many times more

    def handle(self, command: c.Command, at: datetime | None = None,
               along: Callable[[Any, datetime], None] | None = None) -> Outcome:
        """Run one command in one transaction. Its time is the server's clock read inside the transaction
        (time belongs to the server); `at` is for simulations and tests that replay a scripted history.
        `along(connection, now)` runs in the same transaction once the workflow accepted the command (e.g.
        storing the evidence files its event cites): a refused command writes nothing of either."""
        for attempt in range(self.BUSY_RETRIES + 1):
            try:
                return self._handle_once(command, at, along)
            except OperationalError as error:
                if not _busy(error):
                    raise
                if attempt == self.BUSY_RETRIES:
                    raise Conflict("database.busy", "数据库正忙（另一项长时间写入尚未结束），请稍后重试") from error
                log.warning("database busy, retrying %s (%d)", type(command).__name__, attempt + 1)
                time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    def _handle_once(self, command: c.Command, at: datetime | None,
                     along: Callable[[Any, datetime], None] | None = None) -> Outcome:
        fingerprint = command_fingerprint(command)
        request = (request_key_digest(command.idempotency_key), fingerprint) if command.idempotency_key else None
        try:
            with self.engine.begin() as connection:
                now = at or self.clock()
                if command.idempotency_key:
                    previous = _stored_outcome(connection, command.idempotency_key, fingerprint)
                    if previous is not None:
                        return previous
                outcome, records = self._run(connection, command, now, request)
                if along is not None:
                    along(connection, now)
                if command.idempotency_key:
                    _remember(connection, command.idempotency_key, fingerprint, outcome, now)
        except (IntegrityError, Conflict) as error:
            # Someone else changed the ticket, or used the same ticket number or idempotency key, first. If it
            # was this very request sent twice, answer with what the first one did.
            if command.idempotency_key and not (isinstance(error, Conflict) and error.rule in ("idempotency.reused",
                                                                                           "idempotency.untrusted")):
                with reading(self.engine) as connection:
                    previous = _stored_outcome(connection, command.idempotency_key, fingerprint)
                if previous is not None:
                    return previous
            if isinstance(error, Conflict):
                raise
            raise Conflict("concurrency.duplicate", "工单已被他人同时修改，请刷新后重试") from error
        except OperationalError as error:
            if "could not serialize" in str(error) or "deadlock" in str(error):
                raise Conflict("concurrency.serialization", "工单已被他人同时修改，请刷新后重试") from error
            raise
        self._notify(records)
        return outcome

    def _notify(self, records: list[dict[str, Any]]) -> None:
        """The command is committed: a failing listener is logged, never undoes or fails the command."""
        for listener in self.listeners:
            try:
                listener(records)
            except Exception:  # noqa: BLE001 - whatever a listener does wrong, the command stands
                log.exception("listener %r failed on %d committed events", listener, len(records))

    def _run(self, connection, command: c.Command, now: datetime,
             request: tuple[str, str] | None = None) -> tuple[Outcome, list[dict[str, Any]]]:
        org, deadlines = self._current(connection)
        ctx = Context(org=org, deadlines=deadlines, policy=self.policy, now=now)
        repository = TicketRepository(connection)
        if isinstance(command, c.Intake):
            ticket_id = command.ticket_id or self._new_ticket_number(connection, now)
            ticket = repository.get(ticket_id) or repository.new(ticket_id)
            tickets = [ticket]
            records = [ticket.record(self._hold_personal(connection, ticket_id, event, now))
                       for event in decide(command, ticket, ctx)]
        elif isinstance(command, c.Merge):
            duplicate = _require(repository, command.ticket_id)
            master = _require(repository, command.master_ticket_id)
            on_duplicate, on_master = merge(command, duplicate, master, ctx)
            records = [duplicate.record(e) for e in on_duplicate] + [master.record(e) for e in on_master]
            ticket, tickets = duplicate, [duplicate, master]
        else:
            ticket = _require(repository, command.ticket_id)
            tickets = [ticket]
            records = [ticket.record(event) for event in decide(command, ticket, ctx)]
        repository.save_all(tickets, now, request)
        return Outcome(ticket.ticket_id, ticket.status,
                       [{"ticket_id": r["ticket_id"], "seq": r["seq"], "action": r["action"]} for r in records]), records

    def _hold_personal(self, connection, ticket_id: str, event, now: datetime):
        """A TicketReceived event's personal fields go to the personal-data store, in the same transaction;
        the chain keeps a pseudonym and a salted digest (domain/personal.py)."""
        if event.action != "TicketReceived":
            return event
        from rexian.adapters.keys import keyring_for
        from rexian.adapters.personal import hold
        from rexian.domain.personal import separate

        salt = secrets.token_hex(16)
        event.payload, held = separate(event.payload, salt, keyring_for(self.engine).pseudonym)
        if held:
            hold(connection, ticket_id, salt, held, now)
        return event

    def caller(self, ticket_id: str) -> dict[str, Any] | None:
        """The one access function for a ticket's caller details (None once erased). Callers that show them
        to people mask them by role and audit supervisors' reads (web layer)."""
        from rexian.adapters.personal import caller_details

        with reading(self.engine) as connection:
            return caller_details(connection, ticket_id)

    def _new_ticket_number(self, connection, now: datetime) -> str:
        day = now.strftime("%Y%m%d")
        return ticket_number(day, next_counter(connection, TICKET_COUNTER + day))

    # --- reads ------------------------------------------------------------------------------------------
    def organisation(self, connection=None) -> Organisation:
        """The organisation, cached until an organisation change is logged."""
        return self._current(connection)[0]

    @property
    def deadlines(self) -> DeadlinePolicy:
        """The deadline policy now: the settings' on the calendar files with the administrator's calendar days
        (docs/calendar.md), read again, like the organisation, whenever an organisation change is logged — by
        this process or any other — so a change counts for the next deadline without a restart."""
        return self._current()[1]

    def _current(self, connection=None) -> tuple[Organisation, DeadlinePolicy]:
        if connection is None:
            with reading(self.engine) as own:
                return self._current(own)
        org = OrgRepository(connection).current()
        cached = self._org
        if cached is None or cached[0] is not org:  # the organisation was read again: its calendar may differ
            self._org = cached = (org, self.base_deadlines.with_days(org.calendar.values()))
        return cached[0], cached[1]

    def offers(self, ticket: Ticket, actor_id: str | None, command_types) -> list:
        """The commands of `command_types` the workflow would accept from `actor_id` on `ticket` now
        (asked of the decisions themselves: rexian.domain.offers)."""
        from rexian.domain.offers import offers

        return offers(ticket, self.context(), actor_id, command_types)

    def context(self) -> Context:
        """What a decision consults besides the ticket, at the server's time now (for questions, not commands:
        a command reads the clock inside its own transaction)."""
        org, deadlines = self._current()
        return Context(org=org, deadlines=deadlines, policy=self.policy, now=self.clock())

    def ticket(self, ticket_id: str) -> Ticket | None:
        with reading(self.engine) as connection:
            return TicketRepository(connection).get(ticket_id)

    def events(self, ticket_id: str) -> list[dict[str, Any]]:
        with reading(self.engine) as connection:
            return TicketRepository(connection).events(ticket_id)


TICKET_COUNTER = "ticket:"  # + YYYYMMDD: the day's counter, moved in the intake's own transaction (no gaps)


def ticket_number(day: str, number: int) -> str:
    """The workflow's ticket number: RX, the day (YYYYMMDD) and the day's counter."""
    return f"RX{day}{number:06d}"


def is_workflow_number(ticket_id: Any) -> bool:
    """Whether a ticket number has the workflow's form (`ticket_number`): only the day's counter hands these out."""
    return isinstance(ticket_id, str) and len(ticket_id) == 16 and ticket_id.startswith("RX") and ticket_id[2:].isdigit()


def _require(repository: TicketRepository, ticket_id: str) -> Ticket:
    ticket = repository.get(ticket_id)
    if ticket is None:
        raise NotFound("ticket.unknown", f"工单不存在：{ticket_id}")
    return ticket


def command_fingerprint(command: c.Command) -> str:
    """What an idempotency key is bound to: the command's kind and a digest of all its fields (actor included)."""
    fields = {name: value for name, value in asdict(command).items() if name != "idempotency_key"}
    digest = hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()[:40]
    return f"{type(command).__name__}:{digest}"[-64:]


def _remember(connection, key: str, fingerprint: str, outcome: Outcome, now: datetime) -> None:
    """The key's record, numbered on the global log sequence after the command's events (the counter is already this
    transaction's last lock) and signed over that number: deleted by SQL, its retry would act a second time, and the
    gap it leaves in the log sequence is what `verify` names (0015_trust11b)."""
    result = json.dumps(asdict(outcome), default=str)
    number = take_log_seqs(connection, 1)
    ring = keyring_for(connection.engine)  # after the number: a rotation holds the counter (rotate_keys)
    connection.execute(insert(t.idempotency).values(
        key=key, command=fingerprint, ticket_id=outcome.ticket_id, result=result, created_at=now, log_seq=number,
        mac=ring.sign(idempotency_digest(key, fingerprint, outcome.ticket_id, result, number))))


def _stored_outcome(connection, key: str, fingerprint: str) -> Outcome | None:
    """What the first request with this key did, to answer its retry with; None when the key is new. A stored row
    without the server's MAC over key, command, ticket and result (adapters/bookkeeping.py: rewritten or written
    ahead by SQL) is refused, never replayed: the retry would be told a forged outcome, or "done" for nothing done."""
    i = t.idempotency.c
    row = connection.execute(select(i.result, i.command, i.ticket_id, i.log_seq, i.mac).where(i.key == key)).first()
    if row is None:
        return _outcome_from_log(connection, key, fingerprint)
    problem = keyring_for(connection.engine).problem(
        idempotency_digest(key, row.command, row.ticket_id, row.result, row.log_seq), row.mac)
    if problem is not None:
        log.error("idempotency record %s %s: refused", key, problem)
        raise _untrusted(key, "的既有记录" + (UNVERIFIED if unverified_at(row.mac) else "未通过服务器签名校验（可能被篡改）"))
    if row.command != fingerprint:
        raise _reused(key, row.command)
    return Outcome(**{**json.loads(row.result), "replayed": True})


def _outcome_from_log(connection, key: str, fingerprint: str) -> Outcome | None:
    """What a request did, read from the events it appended (each carries its key's digest and the command's
    fingerprint under its MAC, 0018_trust12) when its idempotency record is gone: deleted by SQL, the retry is still
    answered, not run a second time (verify names the deletion: a gap in the log sequence). None when no event
    carries the key: the key is new — or the command appended nothing, so running it again doubles nothing."""
    e = t.events.c
    digest = request_key_digest(key)
    rows = connection.execute(select(e.ticket_id, e.seq, e.action, e.hash, e.log_seq, e.at, e.mac, e.request_command)
                              .where(e.request_key == digest).order_by(e.log_seq)).all()
    if not rows:
        return None
    ring = keyring_for(connection.engine)
    for row in rows:
        problem = ring.problem(event_digest(row.log_seq, row.hash, digest, row.request_command),
                               row.mac, row.at, row.log_seq)
        if problem is not None:
            log.error("idempotency key %s: event %s #%s %s: refused", key, row.ticket_id, row.seq, problem)
            raise _untrusted(key, "在日志中的记录未通过服务器签名校验（可能被篡改）")
    if rows[0].request_command != fingerprint:
        raise _reused(key, str(rows[0].request_command))
    log.error("idempotency record %s missing (deleted?): answered from the %d events its command appended", key, len(rows))
    ticket_id = rows[0].ticket_id
    last = max(row.seq for row in rows if row.ticket_id == ticket_id)
    history = [record for record in TicketRepository(connection).events(ticket_id) if record["seq"] <= last]
    return Outcome(ticket_id, Ticket.replay(ticket_id, history).status,
                   [{"ticket_id": row.ticket_id, "seq": row.seq, "action": row.action} for row in rows], replayed=True)


def _untrusted(key: str, why: str) -> Conflict:
    return Conflict("idempotency.untrusted", f"幂等键{key}{why}，不予重放；请联系管理员核查后换用新的幂等键")


def _reused(key: str, command: str) -> Conflict:
    return Conflict("idempotency.reused", f"幂等键{key}已用于另一条命令（{command.split(':')[0]}），同一键不能用于不同的命令")


def _busy(error: OperationalError) -> bool:
    text = str(error.orig) if error.orig is not None else str(error)
    return "database is locked" in text or "database is busy" in text
