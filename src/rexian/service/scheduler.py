"""Scheduled rules: the findings that appear only because time passes, found without anyone running `analyze`.

No command triggers "overdue", "idle" or "forwarded and then nothing" (analytics/realtime.py `BATCH_ONLY`),
so `rexian serve` runs those rules every `scheduled_rules_minutes` over the tickets that can still change
their answer — the open ones and those changed since the previous run — and flags supervision orders
answered late or not at all. Findings have stable keys (rule and subject), so a batch run, the real-time
path and this schedule store one finding, never two.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.findings import FindingRepository

log = logging.getLogger(__name__)

# The BATCH_ONLY rules that become true by the passing of time alone.
TIME_BASED_RULES = ("FF-NO-FOLLOW-UP", "DL-OVERDUE", "DL-IDLE", "DL-LONG-OPEN")
FIRST_LOOKBACK = timedelta(days=30)  # on the first run, closed tickets changed this recently are looked at too
EVENT_COLUMNS = ("ticket_id", "seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload",
                 "source")
TICKET_COLUMNS = ("ticket_id", "received_at", "channel", "caller_id", "category", "urgency", "kind", "area",
                  "address", "place_id", "title", "content", "status", "first_unit_id", "lead_unit_id", "due_at",
                  "closed_at")


class RuleScheduler:
    def __init__(self, engine: Engine, config: dict[str, Any], clock: Callable[[], datetime],
                 interval_minutes: float, desk=None, after: Callable[[], Any] | None = None):
        self.engine, self.config, self.clock = engine, config, clock
        self.interval = max(0.0, float(interval_minutes)) * 60
        self.desk = desk
        self.after = after  # e.g. rebuild the dashboard's snapshot once the pass is stored
        self.store = FindingRepository(engine)
        self.last_run: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, engine: Engine, settings, clock: Callable[[], datetime], desk=None) -> RuleScheduler:
        from rexian.analytics.config import load_config

        return cls(engine, load_config(settings["rules_file"]), clock, settings["scheduled_rules_minutes"], desk)

    def run_once(self) -> dict[str, Any]:
        """One scheduled pass; returns what it stored (added / updated / kept keys) and how many tickets it read."""
        from rexian.analytics.engine import run_rules
        from rexian.analytics.tables import from_frames

        now = self.clock()
        since = self.last_run or (now - FIRST_LOOKBACK)
        events, tickets = self._scope(since)
        result: dict[str, Any] = {"tickets": len(tickets), "added": [], "updated": [], "kept": []}
        if len(tickets):
            data = from_frames(events, tickets, as_of=now)
            findings = run_rules(data, self.config, only=TIME_BASED_RULES)
            result.update(self.store.upsert(findings, "scheduled", now))
        if self.desk is not None:
            late = self.desk.flag_late_orders()
            for name in ("added", "updated", "kept"):
                result[name] = list(result[name]) + late[name]
        self.last_run = now
        if self.after is not None:
            self.after()
        return result

    def _scope(self, since: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
        c = t.tickets.c
        scope = select(c.ticket_id).where(or_(c.closed_at.is_(None), c.updated_at >= since))
        with self.engine.connect() as connection:
            tickets = pd.DataFrame(connection.execute(
                select(*(c[name] for name in TICKET_COLUMNS)).where(c.ticket_id.in_(scope))).mappings().all(),
                columns=list(TICKET_COLUMNS))
            events = pd.DataFrame(connection.execute(
                select(*(t.events.c[name] for name in EVENT_COLUMNS)).where(t.events.c.ticket_id.in_(scope))
            ).mappings().all(), columns=list(EVENT_COLUMNS))
        return events, tickets

    # --- in the server ------------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.interval or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="rexian-scheduled-rules", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.run_once()
                log.info("scheduled rules: %d tickets, %d new findings", result["tickets"], len(result["added"]))
            except Exception:
                log.exception("scheduled rules failed")
            self._stop.wait(self.interval)
