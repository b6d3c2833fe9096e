"""The demo city's clock, a property of its database.

A demo city lives in its own time (demo/today.py): its tickets end in March 2026 whatever day the demo is built.
Every process that serves or commands the demo database — the demo's own server, `rexian serve` restarted on it,
`rexian do`, the API — must stamp the city's time, not the wall clock's, or a command drops a December ticket into
a March city (months overdue at once, a gap in the dashboard's trend). So `rexian demo` stores the city's offset
from the wall clock once, when it is built, and `bootstrap` runs every application on that database with
`wall clock + offset` (`rexian.bootstrap.database_clock`). The city's time then runs on at the wall clock's pace,
also while no server runs: a demo restarted a day later is a day later.

The offset is a signed audit record (`action` DEMO_CLOCK, `reason` the offset in whole seconds), numbered on the
global log sequence like every audit record, so it is the server's and no caller's: no web or API request can set
it, and someone who can write the database but not read the key file cannot insert one into a real database to
make its server back-date commands (a record whose MAC does not hold is ignored and logged; `verify` names it as
any forged audit record). A database without the record — every real one — keeps the wall clock.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.audit import append_audit, audit_digest
from rexian.adapters.database import reading
from rexian.adapters.keys import keyring_for

log = logging.getLogger(__name__)

DEMO_CLOCK = "demo_clock"  # the audit action of the anchor (vocabulary.AUDIT_ACTIONS names it in Chinese)
ANCHORED_BY = "system"  # the anchor's `person_id`: written by the demo's build, not by a person


def utc_wall() -> datetime:
    """The wall clock the offset is kept against: UTC, so the `timezone` setting cannot shift a demo's city."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def anchor_demo_clock(engine: Engine, present: datetime, wall: Callable[[], datetime] = utc_wall) -> timedelta:
    """Store that the city's time is `present` now (the end of its build); the offset from the wall clock."""
    # Whole seconds, rounded up: the city's clock never reads earlier than `present`, its newest event.
    offset = timedelta(seconds=math.ceil((present - wall()).total_seconds()))
    with engine.begin() as connection:
        append_audit(connection, [{"at": present, "person_id": ANCHORED_BY, "action": DEMO_CLOCK, "ticket_id": None,
                                   "reason": str(int(offset.total_seconds()))}])
    return offset


def demo_clock_offset(engine: Engine) -> timedelta | None:
    """The database's city offset from the wall clock, or None for a database that is not a demo's (or whose
    anchor does not carry the server's signature: then the wall clock, and a warning in the log)."""
    columns = [t.audit_log.c[name] for name in ("at", "person_id", "action", "ticket_id", "reason", "log_seq", "mac")]
    with reading(engine) as connection:  # the (person_id, action, log_seq) index: one look-up at start
        row = connection.execute(select(*columns).where(t.audit_log.c.person_id == ANCHORED_BY,
                                                        t.audit_log.c.action == DEMO_CLOCK)
                                 .order_by(t.audit_log.c.log_seq.desc()).limit(1)).first()
    if row is None:
        return None
    record = dict(row._mapping)
    problem = keyring_for(engine).problem(audit_digest(record["log_seq"], record), record["mac"],
                                          log_seq=record["log_seq"])
    try:
        seconds = int(str(record["reason"]))
    except ValueError:
        problem = problem or f"偏移量{record['reason']!r}不是整数秒"
    if problem:
        log.warning("演示时钟记录（审计日志序号 %s）无效，改用服务器时间：%s", record["log_seq"], problem)
        return None
    return timedelta(seconds=seconds)
