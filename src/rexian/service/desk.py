"""The supervisor's desk as an application: triage, clues and cases, supervision orders.

Each command runs in one transaction: the current object is rebuilt from its stream, `domain/clues.py`
decides, the events are sealed onto the supervision log with the projection (adapters/desk_store.py), and
a refusal writes nothing. Reads return plain dicts for pages, the API and the command line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from rexian.adapters.database import reading
from rexian.adapters import desk_store
from rexian.adapters import desk_tables as dt
from rexian.adapters import findings_tables as ft
from rexian.adapters.findings import STORED, FindingRepository, counts_by, finding_stream, row_to_finding
from rexian.adapters.repository import OrgRepository, TicketRepository, next_counter
from rexian.domain import clues
from rexian.domain.errors import NotFound

LATE_ORDER_RULE = "SV-ORDER-LATE"


COUNT_CAP = 10_000  # the findings list counts up to this many matches


@dataclass
class FindingFilter:
    """The triage filters; empty means any."""

    family: str | None = None
    rule_id: str | None = None
    severity: str | None = None
    unit_id: str | None = None
    person_id: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    date_by: str | None = None  # the dates are when the matter happened (default) or, `detected`, when found
    ticket_id: str | None = None
    contradicted: bool | None = None

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> FindingFilter:
        known = {name: (values.get(name) or None) for name in cls.__dataclass_fields__}
        for name in ("date_from", "date_to"):
            if isinstance(known[name], str):
                known[name] = date.fromisoformat(known[name])
        if isinstance(known["contradicted"], str):
            known["contradicted"] = known["contradicted"] in ("1", "true", "yes", "是")
        return cls(**known)

    def conditions(self) -> list[Any]:
        c = ft.findings.c
        out = [c[name] == getattr(self, name) for name in ("family", "rule_id", "severity", "unit_id", "person_id",
                                                           "status") if getattr(self, name)]
        when = c.detected_at if self.date_by == "detected" else c.occurred_at
        if self.date_from:
            out.append(when >= datetime.combine(self.date_from, time.min))
        if self.date_to:
            out.append(when <= datetime.combine(self.date_to, time.max))
        if self.ticket_id:
            out.append(c.ticket_ids.contains(json.dumps(self.ticket_id)))
        if self.contradicted is not None:
            out.append(c.contradicted_at.isnot(None) if self.contradicted else c.contradicted_at.is_(None))
        return out

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items() if v not in (None, "")}


@dataclass
class DeskServices:
    """What the web application and the server use of the desk (bootstrap.desk_services)."""

    app: Any
    desk: Desk
    dashboard: Any
    feed: Any
    scheduler: Any
    dispatcher: Any


class Desk:
    def __init__(self, engine: Engine, clock: Callable[[], datetime], bulletin_issuer: str | None = None,
                 bulletin_number_prefix: str | None = None):
        from rexian.settings import SETTINGS

        defaults = {setting.name: setting.default for setting in SETTINGS}
        self.engine = engine
        self.clock = clock
        self.bulletin_issuer = bulletin_issuer or defaults["bulletin_issuer"]
        self.bulletin_number_prefix = bulletin_number_prefix or defaults["bulletin_number_prefix"]
        self.findings_store = FindingRepository(engine)

    # --- findings triage ----------------------------------------------------------------------------------
    def findings(self, filters: FindingFilter | None = None, limit: int = 50, offset: int = 0,
                 with_total: bool = True) -> dict[str, Any]:
        """One page of findings, newest first, and how many match in all. Newest by occurrence — when the matter
        happened — read off the filter's own index in that order (0019_scale13); by detection only when the dates
        asked for are the detection's. Before, a list without dates was in detection-then-key order, and a batch run
        stamps all its findings with one detection time, so its first pages were one rule's findings by key."""
        filters = filters or FindingFilter()
        c = ft.findings.c
        conditions = filters.conditions()
        by_detection = filters.date_by == "detected" and bool(filters.date_from or filters.date_to)
        with reading(self.engine) as connection:
            # Counted up to COUNT_CAP matches ("10000+"): an exact count of a city's findings costs more than
            # the page itself.
            total = connection.execute(select(func.count()).select_from(
                select(ft.findings.c.finding_key).where(*conditions).limit(COUNT_CAP + 1).subquery())
            ).scalar_one() if with_total else None
            # The page off the filter's own index in the list's order (filter columns, occurred_at DESC, key): a
            # date range of that filter is one range of it. Before 0019_scale13 those indexes were in detection
            # order, and a dated list with many matches was forced off them onto the dates' index (columns wrapped
            # in coalesce) — which, with them in occurrence order, would read a whole month to find one family's.
            query = select(ft.findings).where(*conditions).order_by(
                (c.detected_at if by_detection else c.occurred_at).desc(), c.finding_key)
            rows = [row_to_finding(row) for row in connection.execute(query.limit(limit).offset(offset))]
        capped = total is not None and total > COUNT_CAP
        return {"items": rows, "total": min(total, COUNT_CAP) if capped else total, "capped": capped,
                "limit": limit, "offset": offset}

    def finding(self, key: str) -> dict[str, Any]:
        """A finding with its decision history and the timeline of each ticket it names, the events that
        triggered the rule marked `trigger`."""
        finding = self.findings_store.get(key)
        if finding is None:
            raise NotFound("finding.unknown", f"问题线索不存在：{key}")
        triggers = {(e.get("ticket_id"), e.get("seq")) for e in finding["evidence"].get("events", [])}
        with reading(self.engine) as connection:
            repository = TicketRepository(connection)
            timelines = {}
            for ticket_id in finding["ticket_ids"][:20]:
                timelines[ticket_id] = [{**_plain(event), "trigger": (ticket_id, event["seq"]) in triggers}
                                        for event in repository.events(ticket_id)]
            chain = desk_store.stream_events(connection, finding_stream(key))
        return {**finding, "history": self.findings_store.history(key), "timelines": timelines,
                "chain": [_plain(e) for e in chain]}

    def findings_of(self, keys: list[str]) -> list[dict[str, Any]]:
        """The stored findings of `keys`, in the keys' order (an unknown key is left out): what a form shows
        of the findings it acts on."""
        if not keys:
            return []
        with reading(self.engine) as connection:
            found = {row.finding_key: row_to_finding(row) for row in connection.execute(
                select(ft.findings).where(ft.findings.c.finding_key.in_(list(dict.fromkeys(keys)))))}
        return [found[key] for key in dict.fromkeys(keys) if key in found]

    def decide(self, keys: list[str], decision: str, actor_id: str, reason: str) -> list[str]:
        return self.findings_store.decide_many(list(keys), decision, actor_id, reason, self.clock())

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """The values each filter can take, with counts (for the filter form): read from the counts kept in
        step with the findings (adapters/findings.py `count_changes`), not counted over a city's findings."""
        return {name: counts_by(self.engine, name) for name in ("family", "rule_id", "severity", "status")}

    # --- clues and cases ----------------------------------------------------------------------------------
    def open_clue(self, actor_id: str, finding_keys: list[str], title: str, officer_id: str | None = None,
                  unit_id: str | None = None, person_id: str | None = None) -> str:
        now = self.clock()
        with self.engine.begin() as connection:
            actor = _actor(connection, actor_id)
            rows = {row.finding_key: row for row in connection.execute(
                select(ft.findings).where(ft.findings.c.finding_key.in_(list(finding_keys))))}
            missing = sorted(set(finding_keys) - set(rows))
            if missing:
                raise NotFound("finding.unknown", "问题线索不存在：" + "、".join(missing))
            # Unit and person default to what the findings agree on.
            unknown = _unknown_subjects(connection, unit_id, person_id, list(rows))
            unit_id = unit_id or _agreed(row.unit_id for row in rows.values())
            person_id = person_id or _agreed(row.person_id for row in rows.values())
            officer = _actor(connection, officer_id) if officer_id else None
            events = clues.open_clue(actor, title, {k: r.status for k, r in rows.items()}, officer, unit_id, person_id,
                                     unknown)
            clue_id = f"XS{now:%Y}{next_counter(connection, f'clue:{now:%Y}'):05d}"
            self._save_clue(connection, clue_id, events, now)
        return clue_id

    def note_verification(self, clue_id: str, actor_id: str, text: str, files: list[str] | None = None) -> None:
        self._on_clue(clue_id, actor_id,
                      lambda actor, clue, _connection: clues.note_verification(actor, clue, text, files))

    def file_case(self, clue_id: str, actor_id: str, reason: str) -> None:
        self._on_clue(clue_id, actor_id, lambda actor, clue, _connection: clues.file_case(actor, clue, reason))

    def close_clue(self, clue_id: str, actor_id: str, reason: str) -> None:
        self._on_clue(clue_id, actor_id, lambda actor, clue, _connection: clues.close_clue(actor, clue, reason))

    def record_outcome(self, clue_id: str, actor_id: str, outcome: str, person_id: str | None = None,
                       unit_id: str | None = None, note: str = "") -> None:
        self._on_clue(clue_id, actor_id, lambda actor, clue, connection: clues.record_outcome(
            actor, clue, outcome, person_id or clue.person_id, unit_id or clue.unit_id, note,
            _unknown_subjects(connection, unit_id, person_id, clue.finding_keys, clue)))

    def _on_clue(self, clue_id: str, actor_id: str,
                 decide: Callable[[clues.Actor, clues.Clue, Connection], list]) -> None:
        now = self.clock()
        with self.engine.begin() as connection:
            actor = _actor(connection, actor_id)
            clue = clues.Clue.replay(clue_id, desk_store.stream_events(connection, clue_id))
            self._save_clue(connection, clue_id, decide(actor, clue, connection), now, clue)

    def _save_clue(self, connection: Connection, clue_id: str, events: list[dict[str, Any]], now: datetime,
                   clue: clues.Clue | None = None) -> None:
        clue = clue or clues.Clue(clue_id)
        for event in events:
            clue.apply({**event, "at": now})
        desk_store.append(connection, clue_id, "clue", events, now, clue_projection(clue))
        desk_store.enqueue_many(connection, [("clue." + event["action"], clue_id, {
            "clue_id": clue_id, "action": event["action"], "status": clue.state}) for event in events], now)

    def clue(self, clue_id: str) -> dict[str, Any]:
        with reading(self.engine) as connection:
            events = desk_store.stream_events(connection, clue_id)
            if not events:
                raise NotFound("clue.unknown", f"线索不存在：{clue_id}")
            clue = clues.Clue.replay(clue_id, events)
            findings = [row_to_finding(row) for row in connection.execute(
                select(ft.findings).where(ft.findings.c.finding_key.in_(clue.finding_keys)))]
            orders = self._records(connection, "order", state_contains=clue_id)
        return {**asdict(clue), "events": [_plain(e) for e in events], "findings": findings, "orders": orders}

    def clues(self, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        with reading(self.engine) as connection:
            return self._records(connection, "clue", status=status, limit=limit)

    # --- supervision orders -------------------------------------------------------------------------------
    def issue_orders(self, actor_id: str, unit_ids: list[str], due_at: datetime, demand: str,
                     finding_keys: list[str] | None = None, clue_id: str | None = None) -> tuple[str, list[str]]:
        """One numbered batch (期次) of orders, one per unit, all or nothing. Returns (batch, order ids)."""
        now = self.clock()
        with self.engine.begin() as connection:
            actor = _actor(connection, actor_id)
            org = OrgRepository(connection).current()
            if clue_id and not desk_store.stream_events(connection, clue_id):
                raise NotFound("clue.unknown", f"线索不存在：{clue_id}")
            batch = f"{now:%Y}-{next_counter(connection, f'order-batch:{now:%Y}'):02d}"
            ids = []
            for n, unit_id in enumerate(dict.fromkeys(unit_ids), 1):
                unit = org.units.get(unit_id)
                events = clues.issue_order(actor, batch, unit_id, due_at, demand, now, finding_keys, clue_id,
                                           unit_known=unit is not None, unit_active=unit is not None and unit.active)
                order_id = f"DB{batch.replace('-', '')}{n:03d}"
                order = clues.Order.replay(order_id, [{**e, "at": now} for e in events])
                self._save_order(connection, order, events, now)
                ids.append(order_id)
            if not ids:
                raise NotFound("order.unit", "督办单至少发给一个单位")
        return batch, ids

    def answer_order(self, order_id: str, actor_id: str, answer: str) -> dict[str, Any]:
        now = self.clock()
        with self.engine.begin() as connection:
            actor = _actor(connection, actor_id)
            order = clues.Order.replay(order_id, desk_store.stream_events(connection, order_id))
            events = clues.answer_order(actor, order, answer, now)
            order = clues.Order.replay(order_id, desk_store.stream_events(connection, order_id)
                                       + [{**e, "at": now} for e in events])
            self._save_order(connection, order, events, now)
        return self.order(order_id)

    def _save_order(self, connection, order: clues.Order, events: list[dict[str, Any]], now: datetime) -> None:
        desk_store.append(connection, order.order_id, "order", events, now, order_projection(order))
        for event in events:
            desk_store.enqueue(connection, "order." + event["action"], order.order_id,
                               {"order_id": order.order_id, "unit_id": order.unit_id, "status": order.state}, now)

    def order(self, order_id: str) -> dict[str, Any]:
        with reading(self.engine) as connection:
            events = desk_store.stream_events(connection, order_id)
        if not events:
            raise NotFound("order.unknown", f"督办单不存在：{order_id}")
        order = clues.Order.replay(order_id, events)
        return {**_order_state(order), "lateness": clues.order_lateness(order, self.clock()),
                "events": [_plain(e) for e in events]}

    def orders(self, unit_id: str | None = None, batch: str | None = None, status: str | None = None,
               limit: int = 500, with_tickets: bool = False) -> list[dict[str, Any]]:
        """`with_tickets`: each order also lists the tickets of its findings (`ticket_ids`), which the unit
        answering it must be able to find (the finding keys are not shown: one can hold a caller's address)."""
        now = self.clock()
        with reading(self.engine) as connection:
            rows = self._records(connection, "order", status=status, unit_id=unit_id, batch=batch, limit=limit)
            for row in rows:
                order = _order_from_state(row["state"])
                row["lateness"] = clues.order_lateness(order, now)
                if with_tickets:
                    row["ticket_ids"] = _tickets_of(connection, order.finding_keys)
        return rows

    def flag_late_orders(self) -> dict[str, list[str]]:
        """Orders answered late or not answered by their due date become findings themselves (stable key per
        order, so running this again never duplicates)."""
        now = self.clock()
        findings = []
        with reading(self.engine) as connection:
            rows = connection.execute(select(dt.supervision_records).where(
                dt.supervision_records.c.kind == "order", dt.supervision_records.c.due_at < now)).all()
            for row in rows:
                order = _order_from_state(json.loads(row.state))
                lateness = clues.order_lateness(order, now)
                if lateness is None:
                    continue
                ticket_ids = _tickets_of(connection, order.finding_keys)
                findings.append({
                    "finding_key": f"{LATE_ORDER_RULE}:{order.order_id}", "rule_id": LATE_ORDER_RULE,
                    "family": "delay", "severity": "high" if lateness == "overdue_unanswered" else "medium",
                    "ticket_ids": ticket_ids, "agent_id": None, "unit_id": order.unit_id, "person_id": None,
                    "evidence": {"events": [], "texts": [order.demand], "thresholds": {},
                                 "values": {"order_id": order.order_id, "batch": order.batch, "lateness": lateness,
                                            "due_at": order.due_at.isoformat(timespec="minutes"),
                                            "answered_at": order.answered_at.isoformat(timespec="minutes")
                                            if order.answered_at else None}},
                    "detected_at": now})
        if not findings:
            return {name: [] for name in STORED}
        return self.findings_store.upsert(findings, "scheduled", now)

    # --- bulletins ---------------------------------------------------------------------------------------
    def draft_bulletin(self, actor_id: str, period: str) -> str:
        """A draft of the month's bulletin, its numbers counted from the findings store now."""
        from rexian.service.bulletin import bulletin_content

        month_bounds_check(period)
        now = self.clock()
        content = bulletin_content(self.engine, period, self.bulletin_issuer, self.bulletin_number_prefix, now.date())
        with self.engine.begin() as connection:
            events = clues.draft_bulletin(_actor(connection, actor_id), period, content)
            bulletin_id = f"TB{period.replace('-', '')}{next_counter(connection, f'bulletin:{period}'):02d}"
            self._save_bulletin(connection, clues.Bulletin(bulletin_id), events, now)
        return bulletin_id

    def edit_bulletin(self, bulletin_id: str, actor_id: str, changes: dict[str, Any]) -> None:
        self._on_bulletin(bulletin_id, actor_id, lambda actor, b: clues.edit_bulletin(actor, b, changes))

    def issue_bulletin(self, bulletin_id: str, actor_id: str) -> None:
        self._on_bulletin(bulletin_id, actor_id, lambda actor, b: clues.issue_bulletin(actor, b))

    def _on_bulletin(self, bulletin_id: str, actor_id: str, decide) -> None:
        now = self.clock()
        with self.engine.begin() as connection:
            actor = _actor(connection, actor_id)
            bulletin = clues.Bulletin.replay(bulletin_id, desk_store.stream_events(connection, bulletin_id))
            if not bulletin.state:
                raise NotFound("bulletin.unknown", f"通报不存在：{bulletin_id}")
            self._save_bulletin(connection, bulletin, decide(actor, bulletin), now)

    def _save_bulletin(self, connection, bulletin: clues.Bulletin, events: list[dict[str, Any]], now: datetime) -> None:
        stored = desk_store.stream_events(connection, bulletin.bulletin_id)
        bulletin = clues.Bulletin.replay(bulletin.bulletin_id, stored + [{**e, "at": now} for e in events])
        desk_store.append(connection, bulletin.bulletin_id, "bulletin", events, now, bulletin_projection(bulletin))

    def bulletin(self, bulletin_id: str) -> dict[str, Any]:
        with reading(self.engine) as connection:
            events = desk_store.stream_events(connection, bulletin_id)
        if not events:
            raise NotFound("bulletin.unknown", f"通报不存在：{bulletin_id}")
        bulletin = clues.Bulletin.replay(bulletin_id, events)
        return {**asdict(bulletin), "events": [_plain(e) for e in events]}

    def bulletins(self, limit: int = 100) -> list[dict[str, Any]]:
        with reading(self.engine) as connection:
            return self._records(connection, "bulletin", limit=limit)

    # --- shared reads -------------------------------------------------------------------------------------
    def _records(self, connection, kind: str, status: str | None = None, unit_id: str | None = None,
                 batch: str | None = None, state_contains: str | None = None, limit: int = 500) -> list[dict]:
        c = dt.supervision_records.c
        query = select(dt.supervision_records).where(c.kind == kind)
        for column, value in (("status", status), ("unit_id", unit_id), ("batch", batch)):
            if value:
                query = query.where(c[column] == value)
        if state_contains:
            query = query.where(c.state.contains(json.dumps(state_contains)))
        rows = connection.execute(query.order_by(c.created_at.desc(), c.stream_id.desc()).limit(limit))
        return [{**dict(row._mapping), "state": json.loads(row.state)} for row in rows]

    def supervision_events(self, stream_id: str) -> list[dict[str, Any]]:
        with reading(self.engine) as connection:
            return [_plain(e) for e in desk_store.stream_events(connection, stream_id)]


# --- the projection row of each kind of desk stream: what `append` stores, and what `verify` replays -------
def clue_projection(clue: clues.Clue) -> dict[str, Any]:
    return {"status": clue.state, "title": clue.title, "unit_id": clue.unit_id, "person_id": clue.person_id,
            "officer_id": clue.officer_id, "state": asdict(clue)}


def order_projection(order: clues.Order) -> dict[str, Any]:
    return {"status": order.state, "title": order.demand[:80], "unit_id": order.unit_id, "batch": order.batch,
            "due_at": order.due_at, "state": _order_state(order)}


def bulletin_projection(bulletin: clues.Bulletin) -> dict[str, Any]:
    return {"status": bulletin.state, "title": bulletin.content.get("title"), "batch": bulletin.period,
            "state": {"period": bulletin.period, "content": bulletin.content,
                      "issued_at": bulletin.issued_at.isoformat(timespec="minutes") if bulletin.issued_at else None}}


def replayed_projection(kind: Any, stream_id: str, events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The projection a clue, order or bulletin stream's events replay to (None for other kinds: a finding's
    decision stream is checked against the findings store, service/verify_side.py)."""
    if kind == "clue":
        return clue_projection(clues.Clue.replay(stream_id, events))
    if kind == "order":
        return order_projection(clues.Order.replay(stream_id, events))
    if kind == "bulletin":
        return bulletin_projection(clues.Bulletin.replay(stream_id, events))
    return None


def month_bounds_check(period: str) -> None:
    from rexian.domain.errors import MissingField

    try:
        year, month = (int(x) for x in period.split("-"))
        date(year, month, 1)
    except (ValueError, TypeError):
        raise MissingField("bulletin.period", f"通报期间应为“年-月”，如 2026-03：{period}") from None


def _actor(connection: Connection, person_id: str | None) -> clues.Actor:
    person = OrgRepository(connection).current().person(person_id) if person_id else None
    if person is None or not person.active:
        return clues.Actor(person_id or "", person.unit_id if person else None, frozenset())
    return clues.Actor(person.person_id, person.unit_id, frozenset(person.roles))


def _unknown_subjects(connection: Connection, unit_id: str | None, person_id: str | None, finding_keys: list[str],
                      clue: clues.Clue | None = None) -> tuple[str, ...]:
    """The unit and person written in by hand (not defaulted) that neither the organisation (the chain's, with its
    former staff and retired units) nor the clue and its findings name: a mistyped number, not a subject. People an
    imported log names outside the organisation stay allowed through the findings that name them."""
    if not unit_id and not person_id:
        return ()
    org = OrgRepository(connection).current()
    named_units: set[str | None] = {clue.unit_id} if clue else set()
    named_people: set[str | None] = {clue.person_id} if clue else set()
    for row in connection.execute(select(ft.findings.c.unit_id, ft.findings.c.person_id)
                                  .where(ft.findings.c.finding_key.in_(list(finding_keys)))):
        named_units.add(row.unit_id)
        named_people.add(row.person_id)
    unknown = []
    if unit_id and unit_id not in org.units and unit_id not in named_units:
        unknown.append(f"单位{unit_id}")
    if person_id and person_id not in org.people and person_id not in named_people:
        unknown.append(f"人员{person_id}")
    return tuple(unknown)


def _agreed(values) -> str | None:
    distinct = {value for value in values if value}
    return distinct.pop() if len(distinct) == 1 else None


def _tickets_of(connection, finding_keys: list[str]) -> list[str]:
    if not finding_keys:
        return []
    ids: set[str] = set()
    for (ticket_ids,) in connection.execute(select(ft.findings.c.ticket_ids)
                                            .where(ft.findings.c.finding_key.in_(finding_keys))):
        ids.update(json.loads(ticket_ids))
    return sorted(ids)


def _order_state(order: clues.Order) -> dict[str, Any]:
    state = asdict(order)
    for name in ("due_at", "issued_at", "answered_at"):
        state[name] = state[name].isoformat(timespec="minutes") if state[name] else None
    return state


def _order_from_state(state: dict[str, Any]) -> clues.Order:
    values = dict(state)
    for name in ("due_at", "issued_at", "answered_at"):
        values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
    return clues.Order(**values)


def _plain(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in event.items() if k not in ("id",)}
    if isinstance(out.get("at"), datetime):
        out["at"] = out["at"].isoformat(timespec="seconds")
    return out

