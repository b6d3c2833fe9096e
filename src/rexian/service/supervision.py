"""Real-time supervision wired to the application.

`RealtimeSupervision` evaluates the real-time rules on the tickets of some committed event records (and the
tickets on the same matter), stores the findings and emits what is new or changed to subscribers (a web
page pushing to supervisors). It runs in ONE long-lived process, the server: building its evaluator costs
a couple of seconds, which a command-line process must not pay per command. `SupervisionLoop` is how the
server gets the events: it drains the event log past a high-water mark kept in the database (`counters`,
name `REALTIME_MARK`), so a command committed by `rexian do`, by the web application or while no server
was running is judged once the loop reaches it — nothing is lost, and a restart resumes at the mark.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd
from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Engine

from rexian.domain.model import WORKFLOW_SOURCE
from rexian.adapters import tables as t
from rexian.adapters.database import reading
from rexian.adapters.findings import FindingRepository
from rexian.analytics.tables import TABLE_COLUMNS
from rexian.domain.records import EVENT_BODY
from rexian.settings import SETTINGS

log = logging.getLogger(__name__)

Subscriber = Callable[[list[dict[str, Any]]], Any]
EVENT_COLUMNS = EVENT_BODY  # the event record without its chain: what the rules read
# The ticket columns the rules read (analytics/tables.py).
TICKET_COLUMNS = tuple(TABLE_COLUMNS["tickets"])
# How many tickets' rows are kept between evaluations unless told: the setting's default (settings.py).
KEPT_TICKETS = next(setting.default for setting in SETTINGS if setting.name == "realtime_kept_tickets")


class SqlScope:
    """The events and ticket rows a real-time evaluation needs, read from the project's database.

    Per-ticket state: each ticket's rows are kept between evaluations (as the evaluator's text rows,
    converted once) and reused while the ticket's stamp in `tickets` — `last_seq` and `version`, which move
    with every event appended to it and every change of its row — is unchanged. An evaluation then reads one
    stamp per ticket of its scope and the rows only of the tickets that changed (the ticket of the appended
    event; its neighbours on the same matter stay kept). A ticket without a `tickets` row is never kept. At
    most `keep` tickets are kept, the least recently used dropped first (0: none, every read from the
    database)."""

    def __init__(self, engine: Engine, keep: int = KEPT_TICKETS):
        self.engine, self.keep = engine, keep
        # The statements, built once (an expanding parameter for the ids): constructing a SQLAlchemy statement
        # per evaluation cost more than the indexed reads themselves.
        c, ids = t.tickets.c, bindparam("ids", expanding=True)
        self._stamps = select(c.ticket_id, c.last_seq, c.version).where(c.ticket_id.in_(ids))
        self._events = select(*(t.events.c[name] for name in EVENT_COLUMNS)).where(t.events.c.ticket_id.in_(ids))
        self._tickets = select(*(c[name] for name in TICKET_COLUMNS)).where(c.ticket_id.in_(ids))
        self._matters = select(c.place_id, c.address, c.category).where(c.ticket_id.in_(ids))
        # ticket id -> (stamp, its event rows, its ticket rows), in order of use (the last used last)
        self._kept: OrderedDict[str, tuple[tuple[int, int], list[tuple], list[tuple]]] = OrderedDict()

    def load(self, ticket_ids: Iterable[str], same_matter: bool) -> tuple[list, list]:
        from rexian.analytics.realtime import EVENT_FRAME_COLUMNS, TICKET_FRAME_COLUMNS, TextRows, text_rows

        ids = set(ticket_ids)
        # One transaction, so that the stamps and rows read agree; a reader's, so that no read waits for or
        # holds SQLite's write lock.
        with reading(self.engine) as connection:
            if same_matter:
                ids |= self._same_matter(connection, ids)
            ordered = sorted(ids)
            stamps = {row.ticket_id: (row.last_seq, row.version)
                      for row in connection.execute(self._stamps, {"ids": ordered})} if self.keep else {}
            read = [ticket_id for ticket_id in ordered if ticket_id not in stamps
                    or self._kept.get(ticket_id, (None,))[0] != stamps[ticket_id]]
            fresh: dict[str, tuple[list, list]] = {ticket_id: ([], []) for ticket_id in read}
            if read:
                events = connection.execute(self._events, {"ids": read})
                for row in text_rows((row._mapping for row in events), EVENT_FRAME_COLUMNS):
                    fresh[row[EVENT_FRAME_COLUMNS.index("ticket_id")]][0].append(row)
                tickets = connection.execute(self._tickets, {"ids": read})
                for row in text_rows((row._mapping for row in tickets), TICKET_FRAME_COLUMNS):
                    fresh[row[TICKET_FRAME_COLUMNS.index("ticket_id")]][1].append(row)
        out_events, out_tickets = TextRows(), TextRows()
        for ticket_id in ordered:
            if ticket_id in fresh:
                own_events, own_tickets = fresh[ticket_id]
                if ticket_id in stamps:
                    self._kept[ticket_id] = (stamps[ticket_id], own_events, own_tickets)
                else:
                    self._kept.pop(ticket_id, None)
            else:
                _, own_events, own_tickets = self._kept[ticket_id]
            if ticket_id in self._kept:
                self._kept.move_to_end(ticket_id)
            out_events += own_events
            out_tickets += own_tickets
        while len(self._kept) > self.keep:
            self._kept.popitem(last=False)
        return out_events, out_tickets

    def _same_matter(self, connection, ids: set[str]) -> set[str]:
        """Tickets on the same matter as any of `ids`: same category and same place (the place id, or the
        address when there is no place id), as the rules' `place_key` defines it."""
        c = t.tickets.c
        matters = connection.execute(self._matters, {"ids": sorted(ids)})
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
                 subscribers: Iterable[Subscriber] = (), keep_tickets: int = KEPT_TICKETS,
                 cache_dir: str | Path | None = None):
        self.engine, self.config, self.text = engine, config, text
        self.cache_dir = cache_dir  # where the evaluator's compiled statements are kept between processes
        self.scope = SqlScope(engine, keep_tickets)
        self.store = FindingRepository(engine) if store else None
        self.subscribers = list(subscribers)
        self._evaluator = None
        self._lock = threading.Lock()  # one DuckDB evaluator, used by one command at a time

    @classmethod
    def from_settings(cls, engine: Engine, settings, **options: Any) -> "RealtimeSupervision":
        from rexian.analytics.config import load_config
        from rexian.settings import analysis_cache_dir

        options.setdefault("cache_dir", analysis_cache_dir(settings))
        return cls(engine, load_config(settings["rules_file"]), keep_tickets=settings["realtime_kept_tickets"],
                   **options)

    @property
    def evaluator(self):
        """Built on first use (rules compiled and prepared once: seconds; about one second when a
        process before this one kept the compiled statements in `cache_dir`)."""
        if self._evaluator is None:
            if self.cache_dir is not None:
                from rexian.analytics.realtime_cache import read_rules_from

                read_rules_from(self.cache_dir)  # before the evaluator's module reads the rules
            from rexian.analytics.realtime import RealtimeEvaluator

            self._evaluator = RealtimeEvaluator(self.config, self.text, cache_dir=self.cache_dir)
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


# The `counters` row holding the id of the last event the real-time loop has judged.
REALTIME_MARK = "realtime:events"
# Events written by the workflow (`Ticket.record`, source WORKFLOW_SOURCE); imported histories are judged by the
# batch analysis.


class SupervisionLoop:
    """Drains committed workflow events past the high-water mark into a `RealtimeSupervision`.

    `drain()` judges everything new (in batches of `batch` events) and returns the emitted changes;
    `start()` runs it every `interval` seconds on a daemon thread until `stop()`; `wake()` runs it at once
    (the server calls it after a command of its own commits, so a web command does not wait for the next
    tick; another process's commit waits at most `interval`). On PostgreSQL an event id
    may become visible after a larger one (transactions commit out of order): ids missing below the
    newest one seen are re-read for `grace` seconds, and the stored mark never passes the oldest of them.
    """

    def __init__(self, supervision: RealtimeSupervision, interval: float = 0.25, batch: int = 2000,
                 grace: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.supervision, self.engine = supervision, supervision.engine
        self.interval, self.batch, self.grace, self.clock = interval, batch, grace, clock
        self._seen = self._written = self._read_mark()
        self._gaps: dict[int, float] = {}  # missing id -> when first missed
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, engine: Engine, settings, **options: Any) -> "SupervisionLoop":
        return cls(RealtimeSupervision.from_settings(engine, settings), **options)

    @property
    def mark(self) -> int:
        """The stored high-water mark: every workflow event with an id up to it has been judged."""
        return self._read_mark()

    def drain(self) -> list[dict[str, Any]]:
        emitted: list[dict[str, Any]] = []
        while True:
            rows, full = self._next_rows()
            records = [self._record(row) for row in rows if row.source == WORKFLOW_SOURCE]
            if records:
                emitted += self.supervision(records)
            self._write_mark()
            if not full:
                return emitted

    def _next_rows(self) -> tuple[list[Any], bool]:
        c = t.events.c
        columns = (c.id, c.ticket_id, c.seq, c.at, c.action, c.source)
        now = self.clock()
        self._gaps = {gap: since for gap, since in self._gaps.items() if now - since < self.grace}
        with reading(self.engine) as connection:
            rows = list(connection.execute(select(*columns).where(c.id > self._seen).order_by(c.id)
                                           .limit(self.batch)))
            late = list(connection.execute(select(*columns).where(c.id.in_(sorted(self._gaps))))) \
                if self._gaps else []
        for row in late:
            self._gaps.pop(row.id, None)
        expected = self._seen + 1
        for row in rows:
            self._gaps.update(dict.fromkeys(range(expected, row.id), now))
            expected = row.id + 1
        if rows:
            self._seen = rows[-1].id
        return late + rows, len(rows) == self.batch

    @staticmethod
    def _record(row: Any) -> dict[str, Any]:
        return {"ticket_id": row.ticket_id, "seq": row.seq, "at": row.at, "action": row.action}

    def _read_mark(self) -> int:
        with reading(self.engine) as connection:
            value = connection.execute(select(t.counters.c.value).where(t.counters.c.name == REALTIME_MARK)).scalar()
        return int(value or 0)

    def _write_mark(self) -> None:
        mark = min([self._seen, *(gap - 1 for gap in self._gaps)])
        if mark == self._written:  # an idle tick takes no write lock (SQLite: one writer at a time)
            return
        with self.engine.begin() as connection:
            done = connection.execute(update(t.counters).where(t.counters.c.name == REALTIME_MARK)
                                      .values(value=func.max(t.counters.c.value, mark)
                                              if connection.dialect.name == "sqlite"
                                              else func.greatest(t.counters.c.value, mark)))
            if done.rowcount == 0:
                connection.execute(insert(t.counters).values(name=REALTIME_MARK, value=mark))
        self._written = mark

    def run(self) -> None:
        """Drain until `stop()`; a failing drain is logged and retried at the next tick."""
        while not self._stop.is_set():
            try:
                self.drain()
            except Exception:  # noqa: BLE001 - the loop must outlive a bad batch; the mark did not move
                log.exception("real-time supervision: drain failed; retrying")
            self._wake.wait(self.interval)
            self._wake.clear()

    def wake(self, *_records: Any) -> None:
        """Drain now rather than at the next tick (a Hotline listener: called with the committed records)."""
        self._wake.set()

    def start(self) -> "SupervisionLoop":
        """Keep draining on a daemon thread, which first builds the evaluator and judges what is waiting.

        The build (seconds of CPU: the rules compiled and prepared) runs on that thread, not here: the server
        answers requests while it runs. Nothing is lost meanwhile — events committed before the evaluator is
        ready stay past the stored mark and are judged by the first drain."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._build_then_run, name="rexian-realtime", daemon=True)
        self._thread.start()
        return self

    def _build_then_run(self) -> None:
        try:
            self.supervision.evaluator  # noqa: B018 - built at server start, not on the first command
        except Exception:  # noqa: BLE001 - a failed build is retried by the first drain, and logged there too
            log.exception("real-time supervision: building the evaluator failed; retrying on the first drain")
        self.run()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
