"""Real-time supervision wired to the application: a `Hotline` listener that, after each committed
command, evaluates the real-time rules on the affected tickets (and the tickets on the same matter),
stores the findings and emits what is new or changed to subscribers (a web page pushing to supervisors).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Iterable

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.findings import FindingRepository

log = logging.getLogger(__name__)

Subscriber = Callable[[list[dict[str, Any]]], Any]
EVENT_COLUMNS = ("ticket_id", "seq", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload",
                 "source")
TICKET_COLUMNS = ("ticket_id", "received_at", "channel", "caller_id", "category", "urgency", "kind", "area",
                  "address", "place_id", "title", "content", "status", "first_unit_id", "lead_unit_id", "due_at",
                  "closed_at")


class SqlScope:
    """The events and ticket rows a real-time evaluation needs, read from the project's database."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def load(self, ticket_ids: Iterable[str], same_matter: bool) -> tuple[list[dict], list[dict]]:
        ids = set(ticket_ids)
        with self.engine.connect() as connection:
            if same_matter:
                ids |= self._same_matter(connection, ids)
            ordered = sorted(ids)
            events = connection.execute(
                select(*(t.events.c[name] for name in EVENT_COLUMNS)).where(t.events.c.ticket_id.in_(ordered)))
            tickets = connection.execute(
                select(*(t.tickets.c[name] for name in TICKET_COLUMNS)).where(t.tickets.c.ticket_id.in_(ordered)))
            return [dict(row._mapping) for row in events], [dict(row._mapping) for row in tickets]

    @staticmethod
    def _same_matter(connection, ids: set[str]) -> set[str]:
        """Tickets on the same matter as any of `ids`: same category and same place (the place id, or the
        address when there is no place id), as the rules' `place_key` defines it."""
        c = t.tickets.c
        matters = connection.execute(select(c.place_id, c.address, c.category).where(c.ticket_id.in_(sorted(ids))))
        conditions = []
        for place_id, address, category in matters:
            key = place_id or address
            if key and category:
                conditions.append(and_(c.category == category, or_(
                    c.place_id == key, and_(c.place_id.is_(None), c.address == key))))
        if not conditions:
            return set()
        return {row.ticket_id for row in connection.execute(select(c.ticket_id).where(or_(*conditions)))}


class FindingFeed:
    """A subscriber that queues emitted findings for a consumer (e.g. a page pushing to supervisors)."""

    def __init__(self, maxsize: int = 10000):
        self.queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize)

    def __call__(self, changes: list[dict[str, Any]]) -> None:
        for change in changes:
            try:
                self.queue.put_nowait(change)
            except queue.Full:  # a slow consumer must not block the hotline: the store keeps everything
                log.warning("finding feed full; dropped %s", change["finding_key"])

    def drain(self) -> list[dict[str, Any]]:
        out = []
        while True:
            try:
                out.append(self.queue.get_nowait())
            except queue.Empty:
                return out


class RealtimeSupervision:
    """The listener: `supervision(records)` after a commit; returns the emitted changes."""

    def __init__(self, engine: Engine, config: dict[str, Any], text=None, store: bool = True,
                 subscribers: Iterable[Subscriber] = ()):
        self.engine, self.config, self.text = engine, config, text
        self.scope = SqlScope(engine)
        self.store = FindingRepository(engine) if store else None
        self.subscribers = list(subscribers)
        self._evaluator = None
        self._lock = threading.Lock()  # one DuckDB evaluator, used by one command at a time

    @classmethod
    def from_settings(cls, engine: Engine, settings, **options: Any) -> "RealtimeSupervision":
        from rexian.analytics.config import load_config

        return cls(engine, load_config(settings["rules_file"]), **options)

    @property
    def evaluator(self):
        """Built on first use (a couple of seconds: rules compiled and prepared once)."""
        if self._evaluator is None:
            from rexian.analytics.realtime import RealtimeEvaluator

            self._evaluator = RealtimeEvaluator(self.config, self.text)
        return self._evaluator

    def __call__(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not records:
            return []
        from rexian.analytics.realtime import MATTER_RULES

        with self._lock:
            evaluator = self.evaluator
            rules = evaluator.rules_for(record["action"] for record in records)
            if not rules:
                return []
            events, tickets = self.scope.load({r["ticket_id"] for r in records},
                                              same_matter=bool(MATTER_RULES.intersection(rules)))
            as_of = max(pd.Timestamp(record["at"]).to_pydatetime() for record in records)
            findings = evaluator.evaluate(events, tickets, as_of, only=rules)
        if self.store is not None:
            result = self.store.upsert(findings, "realtime", as_of)
            change = {**{key: "added" for key in result["added"]}, **{key: "updated" for key in result["updated"]}}
        else:
            change = {finding.finding_key: "found" for finding in findings}
        emitted = [{"change": change[f.finding_key], **f.as_dict()} for f in findings if f.finding_key in change]
        if emitted:
            for subscriber in self.subscribers:
                try:
                    subscriber(emitted)
                except Exception:  # noqa: BLE001 - a subscriber's failure is its own; the findings are stored
                    log.exception("finding subscriber %r failed", subscriber)
        return emitted
