"""Scheduled rules: the findings that appear only because time passes, found without anyone running `analyze`.

No command triggers "overdue", "idle" or "forwarded and then nothing" (analytics/realtime.py `BATCH_ONLY`),
so `rexian serve` runs those rules every `scheduled_rules_minutes` over the tickets that can still change
their answer — the open ones and those changed since the previous run — and flags supervision orders
answered late or not at all. A pass reads one stamp per ticket of that scope and the events and row only of
the tickets whose stamp moved since the previous pass (the rest kept in memory, as the real-time scope does).
Findings have stable keys (rule and subject), so a batch run, the real-time path and this schedule store one
finding, never two.

The real-time path judges only the workflow's own events: an imported history (`rexian import`) reaches no
rule as it is committed. So a pass also runs the whole rule set over the whole log — what `rexian analyze
--db` + `rexian findings load` do by hand — when the log has grown since the last such run (setting
`scheduled_batch_rules`: by imported events or call/agent records, the default; by anything; or never). The
marks of what the last batch run saw are kept in `counters` (`batch:<table>`), so a restart does not repeat it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.engine import Engine

from rexian.adapters import tables as t
from rexian.adapters.database import reading
from rexian.adapters.findings import STORED, FindingRepository
from rexian.analytics.tables import TABLE_COLUMNS
from rexian.domain.records import EVENT_BODY as EVENT_COLUMNS
from rexian.service.supervision import WORKFLOW_SOURCE  # the events the real-time path judges

TICKET_COLUMNS = tuple(TABLE_COLUMNS["tickets"])

log = logging.getLogger(__name__)

# What a batch run has seen: the newest id of each table, kept as `counters` rows named `batch:<table>`.
BATCH_MARK_TABLES = ("events", "calls", "agent_status")

# The BATCH_ONLY rules that become true by the passing of time alone.
TIME_BASED_RULES = ("FF-NO-FOLLOW-UP", "DL-OVERDUE", "DL-IDLE", "DL-LONG-OPEN")
FIRST_LOOKBACK = timedelta(days=30)  # on the first run, closed tickets changed this recently are looked at too
READ_CHUNK = 1000  # tickets whose rows are read per statement (a bound on the statement's parameters)


class RuleScheduler:
    def __init__(self, engine: Engine, config: dict[str, Any], clock: Callable[[], datetime],
                 interval_minutes: float, desk=None, after: Callable[[], Any] | None = None,
                 batch_mode: str = "imported"):
        self.engine, self.config, self.clock = engine, config, clock
        self.batch_mode = batch_mode
        self.interval = max(0.0, float(interval_minutes)) * 60
        self.desk = desk
        self.after = after  # e.g. rebuild the dashboard's snapshot once the pass is stored
        self.store = FindingRepository(engine)
        self.last_run: datetime | None = None
        # ticket id -> (its stamp: last_seq and version, which move with every event and every change of its
        # row; its event rows; its ticket row), for the tickets of the previous pass's scope
        self._kept: dict[str, tuple[tuple[int, int], list[tuple], tuple]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, engine: Engine, settings, clock: Callable[[], datetime], desk=None) -> RuleScheduler:
        from rexian.analytics.config import load_config

        return cls(engine, load_config(settings["rules_file"]), clock, settings["scheduled_rules_minutes"], desk,
                   batch_mode=settings["scheduled_batch_rules"])

    def run_once(self) -> dict[str, Any]:
        """One scheduled pass; returns what it stored (added / updated / measured / kept keys, as `upsert`;
        contradicted: marked by the batch run), how many tickets the time-based rules read and whether the whole
        rule set ran (`batch`). Overdue, idle and long-open findings grow at every pass: the growth alone is
        `measured` (nothing written, nothing pushed); the batch run's judgement as of an earlier moment than the
        stored one is `kept` (adapters/findings.py `older_view`), so the two never flip a finding between them."""
        from rexian.analytics.engine import run_rules
        from rexian.analytics.tables import from_frames

        now = self.clock()
        since = self.last_run or (now - FIRST_LOOKBACK)
        result: dict[str, Any] = {"tickets": 0, **{name: [] for name in STORED}, "contradicted": [], "batch": False}
        if self.batch_due():
            for name, keys in self.run_batch(now).items():
                result[name] += keys
            result["batch"] = True
        events, tickets = self._scope(since)
        result["tickets"] = len(tickets)
        if len(tickets):
            data = from_frames(events, tickets, as_of=now)
            findings = run_rules(data, self.config, only=TIME_BASED_RULES)
            for name, keys in self.store.upsert(findings, "scheduled", now).items():
                result[name] += keys
        if self.desk is not None:
            late = self.desk.flag_late_orders()
            for name in STORED:
                result[name] = list(result[name]) + late[name]
        self.last_run = now
        if self.after is not None:
            self.after()
        return result

    # --- the whole rule set, when the log has grown --------------------------------------------------------
    def batch_due(self) -> bool:
        """Whether the log holds something the last batch run did not see (by `batch_mode`)."""
        if self.batch_mode == "off":
            return False
        with reading(self.engine) as connection:
            seen = self._marks_stored(connection)
            # Whether a row past the mark exists: read from the mark on by the primary key (the newest events
            # only), not the greatest id over the whole log as `_marks_now` finds it.
            return any(connection.execute(select(exists().where(
                and_(t.metadata.tables[name].c.id > seen.get(name, 0), *self._counted(name))))).scalar()
                for name in BATCH_MARK_TABLES)

    def run_batch(self, now: datetime) -> dict[str, list[str]]:
        """Every rule over the whole log, as `rexian analyze --db` runs them (as of the newest event), stored
        as source `batch` in chunks; then, as `rexian findings load --reconcile` after a complete run, the stored
        findings of the rules that ran and could judge the log which this run did not find again are marked
        contradicted (kept, with their decisions; `contradicted`); then the marks move to what this run read (a
        later import runs it again). The log is read into a DuckDB file in a temporary directory, its memory
        capped (service/dashboard.py `log_data`). The rules run one at a time, each one's findings stored before
        the next runs, and only their keys kept: the run holds one rule's findings in memory, never a city's."""
        import tempfile

        from rexian.analytics.analyze import enabled_rules, idle_rules, stamp_occurred
        from rexian.analytics.engine import run_rules
        from rexian.analytics.judging import cannot_judge
        from rexian.analytics.text_port import default_text_port, remembering
        from rexian.service.dashboard import log_data

        stored: dict[str, list[str]] = {**{name: [] for name in STORED}, "contradicted": []}
        with tempfile.TemporaryDirectory(prefix="rexian-batch-") as workdir:
            read_at = self.clock()  # findings stored or changed from now on were made from events this run may not see
            with reading(self.engine) as connection:
                marks = self._marks_now(connection)
                data = log_data(connection, workdir)
            if data is not None:
                found: list[dict[str, str]] = []  # what reconciling needs of each finding: its key and rule
                try:
                    run = enabled_rules(data, self.config)[0]
                    idle = set(idle_rules(data, self.config, run))
                    run = [rule_id for rule_id in run if rule_id not in idle]
                    judged = [rule_id for rule_id in run if rule_id not in cannot_judge(data, run)]
                    as_of = data.as_of
                    text = remembering(default_text_port(), size=None)  # the text rules share their answers
                    for rule_id in run:
                        findings = run_rules(data, self.config, text, only=[rule_id])
                        stamp_occurred(data, findings)
                        for name, keys in self.store.upsert_chunked(findings, "batch", now).items():
                            stored[name] += keys
                        found += [{"finding_key": f.finding_key, "rule_id": f.rule_id} for f in findings]
                        del findings
                finally:
                    data.con.disconnect()
                # Not contradicted by this run: what was stored while it ran (the real-time path judging newer
                # events), and the time-based rules' findings of the scheduled pass, judged as of now — later than
                # this run's as-of (the log's newest event): not finding them here says nothing.
                stored["contradicted"] = self.store.reconcile(
                    found, f"定时批量分析（截至 {as_of:%Y-%m-%d %H:%M}）未再发现", now, rules=judged,
                    spare=lambda row: row.updated_at >= read_at or (
                        row.rule_id in TIME_BASED_RULES and row.source == "scheduled"))
                log.info("batch rules over the whole log: %d findings, %d new, %d contradicted", len(found),
                         len(stored["added"]), len(stored["contradicted"]))
        with self.engine.begin() as connection:
            for name, value in marks.items():
                counter = f"batch:{name}"
                if connection.execute(update(t.counters).where(t.counters.c.name == counter)
                                      .values(value=value)).rowcount == 0:
                    connection.execute(insert(t.counters).values(name=counter, value=value))
        return stored

    def _marks_now(self, connection) -> dict[str, int]:
        """The newest id of each table the batch reads: events not written by the workflow (`imported`) or
        all events (`always`), and the call and agent-status records (only imports write them)."""
        marks = {}
        for name in BATCH_MARK_TABLES:
            query = select(func.max(t.metadata.tables[name].c.id)).where(*self._counted(name))
            marks[name] = int(connection.execute(query).scalar() or 0)
        return marks

    def _counted(self, name: str) -> tuple:
        """The condition on a table's rows that count as the log having grown (`batch_mode`)."""
        if name == "events" and self.batch_mode != "always":
            return (or_(t.events.c.source.is_(None), t.events.c.source != WORKFLOW_SOURCE),)
        return ()

    @staticmethod
    def _marks_stored(connection) -> dict[str, int]:
        c = t.counters.c
        return {name.removeprefix("batch:"): int(value) for name, value in connection.execute(
            select(c.name, c.value).where(c.name.in_([f"batch:{name}" for name in BATCH_MARK_TABLES])))}

    def _scope(self, since: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The events and ticket rows of the open tickets and of those changed since `since`: read from the
        database only for the tickets whose stamp moved (or that are new to the scope), in one snapshot."""
        c, e = t.tickets.c, t.events.c
        ids = bindparam("ids", expanding=True)
        with reading(self.engine) as connection:
            stamps = {row.ticket_id: (row.last_seq, row.version) for row in connection.execute(
                select(c.ticket_id, c.last_seq, c.version).where(or_(c.closed_at.is_(None), c.updated_at >= since)))}
            changed = sorted(ticket_id for ticket_id, stamp in stamps.items()
                             if self._kept.get(ticket_id, (None,))[0] != stamp)
            fresh: dict[str, tuple[list[tuple], tuple | None]] = {ticket_id: ([], None) for ticket_id in changed}
            for start in range(0, len(changed), READ_CHUNK):
                chunk = {"ids": changed[start:start + READ_CHUNK]}
                for row in connection.execute(select(*(e[name] for name in EVENT_COLUMNS))
                                              .where(e.ticket_id.in_(ids)).order_by(e.ticket_id, e.seq), chunk):
                    fresh[row.ticket_id][0].append(tuple(row))
                for row in connection.execute(select(*(c[name] for name in TICKET_COLUMNS)).where(c.ticket_id.in_(ids)),
                                              chunk):
                    fresh[row.ticket_id] = (fresh[row.ticket_id][0], tuple(row))
        self._kept = {ticket_id: (stamp, *fresh[ticket_id]) if ticket_id in fresh else self._kept[ticket_id]
                      for ticket_id, stamp in stamps.items()
                      if ticket_id not in fresh or fresh[ticket_id][1] is not None}
        ordered = sorted(self._kept)
        events = pd.DataFrame([row for ticket_id in ordered for row in self._kept[ticket_id][1]],
                              columns=list(EVENT_COLUMNS))
        tickets = pd.DataFrame([self._kept[ticket_id][2] for ticket_id in ordered], columns=list(TICKET_COLUMNS))
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
                log.info("scheduled rules: %d tickets, %d new findings%s", result["tickets"], len(result["added"]),
                         " (whole rule set run)" if result["batch"] else "")
            except Exception:
                log.exception("scheduled rules failed")
            self._stop.wait(self.interval)
