"""The findings repository: store findings by their stable key, and record supervisors' decisions.

- `upsert` never duplicates (the key is the primary key) and never overwrites a decision: a finding that
  was confirmed or dismissed keeps its status and its evidence as decided; a still-new finding gets the
  latest evidence (e.g. one more return on the ticket).
- `decide` is the only way to change a status; only a supervisor (role `supervisor`) may do it, a reason
  is required, and every decision is appended to `finding_events` (the first row of each history is the
  detection itself) and, as an event, to the finding's stream of the hash-chained supervision log.
- `occurred_at`, when the matter happened, is the time of the latest event the evidence cites (the
  triggering event), read from the log as the finding is stored; the detection time when it cites none
  stored (call-centre findings, findings of an export analysed without importing it).
- `mark_contradicted` marks a finding the data no longer supports; nothing is deleted.
- Every change of a finding — stored, new evidence, decided, contradicted — is a row of `finding_events` signed
  like an audit record (a number on the global log sequence, the server's MAC) that carries the digest of the
  finding's whole stored state after it (`state_digest`), so that `verify` names a finding deleted, edited,
  inserted or put back from an older copy (docs/trust.md). It is written last in the transaction (the log
  counter is the last lock).
- Every change is also written to the outbox in the same transaction (`desk_store.enqueue`), from which
  dashboards (server-sent events) and webhooks learn of it (service/push.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from rexian.adapters import desk_store
from rexian.adapters import tables as t
from rexian.adapters import findings_tables as ft
from rexian.adapters.audit import append_signed, record_digest
from rexian.adapters.database import reading
from rexian.adapters.log_reader import comparable
from rexian.adapters.repository import OrgRepository
from rexian.domain import clues
from rexian.domain.errors import NotFound
from rexian.domain.vocabulary import (
    RULES, contradicted_reason, detected_reason, reason_label, updated_reason,
)

DECISIONS = clues.FINDING_DECISIONS
CONTENT = ("rule_id", "family", "severity", "ticket_ids", "agent_id", "unit_id", "person_id", "evidence")
# A finding's stored state as a whole (every column but the row's own bookkeeping), digested in its history.
STATE = tuple(column.name for column in ft.findings.columns if column.name != "updated_at")
HISTORY = ("finding_key", "at", "actor_id", "old_status", "new_status", "reason", "digest")
HISTORY_KIND = "finding"
# What `upsert` reports: keys first seen, changed in a way worth pushing, changed only in values that grow with
# time (stored quietly), and left as they were.
STORED = ("added", "updated", "measured", "kept")
# Findings stored per transaction by `upsert_chunked`: the SQLite write lock is held briefly (the web goes on while a
# city's findings are stored) and one chunk's rows, history and outbox rows are held at a time.
STORE_CHUNK = 1000
# SQLite's page cache (MB) while a city's findings are stored (`upsert_chunked`), and SQLite's own default after it.
LOAD_CACHE_MB = 256
SQLITE_DEFAULT_CACHE = -2000
# WAL pages written before SQLite copies them into the database file and syncs it, while a load runs and by default:
# one chunk (its rows, a dozen index entries each, history, outbox) is over 1,000 pages, so by default every chunk's
# commit was also a checkpoint and a sync of the database file.
LOAD_CHECKPOINT_PAGES = 20_000
SQLITE_DEFAULT_CHECKPOINT = 1000


def state_digest(row: Any) -> str:
    """The digest of a finding's stored state (a row, or the dict about to be written), the same whether read
    typed, raw from SQLite or from PostgreSQL."""
    from rexian.domain.eventlog import canonical_json

    return hashlib.sha256(canonical_json([comparable(row.get(name)) for name in STATE]).encode("utf-8")).hexdigest()


def history_digest(log_seq: Any, row: Any) -> str:
    """What a history row's `mac` authenticates (its number, its fields and the state digest)."""
    return record_digest(HISTORY_KIND, log_seq, row, HISTORY)


def append_history(connection: Any, rows: list[dict[str, Any]]) -> None:
    """Changes of findings (dicts of HISTORY), numbered and signed, as the transaction's last writes."""
    append_signed(connection, ft.finding_events, HISTORY_KIND, HISTORY, rows)


def _change(key: str, now: datetime, actor: str | None, old: str | None, new: str, reason: str,
            state: dict[str, Any]) -> dict[str, Any]:
    return {"finding_key": key, "at": now, "actor_id": actor, "old_status": old, "new_status": new,
            "reason": reason, "digest": state_digest(state)}


def finding_row(finding: Any) -> dict[str, Any]:
    """A finding (registry `Finding` or its interchange dict) as the content columns of a row."""
    data = finding.as_dict() if hasattr(finding, "as_dict") else dict(finding)
    return {
        "finding_key": data["finding_key"], "rule_id": data["rule_id"], "family": data["family"],
        "severity": data["severity"], "ticket_ids": json.dumps(list(data.get("ticket_ids") or []), ensure_ascii=False),
        "agent_id": data.get("agent_id"), "unit_id": data.get("unit_id"), "person_id": data.get("person_id"),
        "evidence": json.dumps(data.get("evidence") or {}, ensure_ascii=False, sort_keys=True, default=str),
        "detected_at": _time(data.get("detected_at")),
        "occurred_at": _time(data["occurred_at"]) if data.get("occurred_at") else None,
    }


def occurred_times(connection: Any, rows: Iterable[dict[str, Any]]) -> dict[str, datetime]:
    """finding key → when its matter happened: the time the analysis stamped on it (`occurred_at`, written by
    batch runs since findings.jsonl carries it), else the latest stored event its evidence cites (the event
    that made the rule true), else a call-centre finding's day, else its detection time. `rows` are finding
    rows (`finding_row`); the log is read, in chunks of tickets, only for rows without a stamp (real-time
    findings, files written before)."""
    rows = list(rows)
    out = {row["finding_key"]: row["occurred_at"] for row in rows if row.get("occurred_at")}
    rows = [row for row in rows if not row.get("occurred_at")]
    wanted: dict[str, set[int]] = {}
    cited = {}
    for row in rows:
        evidence = row["evidence"] if isinstance(row["evidence"], dict) else json.loads(row["evidence"] or "{}")
        refs = {(str(ref.get("ticket_id")), int(ref["seq"])) for ref in evidence.get("events") or []
                if ref.get("ticket_id") is not None and ref.get("seq") is not None}
        cited[row["finding_key"]] = refs
        for ticket_id, seq in refs:
            wanted.setdefault(ticket_id, set()).add(seq)
    times: dict[tuple[str, int], datetime] = {}
    tickets = sorted(wanted)
    e = t.events.c
    for start in range(0, len(tickets), 500):
        chunk = tickets[start:start + 500]
        for ticket_id, seq, at in connection.execute(select(e.ticket_id, e.seq, e["at"]).where(e.ticket_id.in_(chunk))):
            if seq in wanted[ticket_id]:
                times[(ticket_id, seq)] = at
    for row in rows:
        found = [times[ref] for ref in cited[row["finding_key"]] if ref in times]
        out[row["finding_key"]] = _time(max(found) if found else _day(row) or row["detected_at"])
    return out


def _day(row: dict[str, Any]) -> datetime | None:
    """The day a finding without events is about (a call-centre finding's `day` value: an agent's day)."""
    evidence = row["evidence"] if isinstance(row["evidence"], dict) else json.loads(row["evidence"] or "{}")
    day = (evidence.get("values") or {}).get("day")
    try:
        return datetime.fromisoformat(str(day)) if day else None
    except ValueError:
        return None


def only_measured(old: Any, row: dict[str, Any]) -> bool:
    """Whether a re-run's `row` differs from the stored finding `old` only in evidence values that grow with the
    passing of time (the rule's `grows` in the vocabulary: days open, idle, late), grown further. Anything else is
    news: a new responsible unit or person, severity (and so the risk it adds), tickets, evidence events, texts,
    thresholds, or any other value."""
    return _time_only(old, row) == "grown"


def older_view(old: Any, row: dict[str, Any]) -> bool:
    """Whether `row` is the stored finding `old` seen as of an earlier moment: the same in everything but the values
    that grow with time, which are smaller, and the severity those values set. A batch run judges as of the log's
    newest event, the schedule as of now; near a threshold they disagree (idle 9.9 days, medium; 10.1, high).
    The later judgement stands: an earlier one never replaces it, so the finding does not flip between passes."""
    return _time_only(old, row, severity=True) == "older"


def _time_only(old: Any, row: dict[str, Any], severity: bool = False) -> str | None:
    """"grown" or "older" when `row` differs from `old` only in the rule's growing values (and, with `severity`,
    its severity), all larger or all smaller; None otherwise."""
    grows = RULES[row["rule_id"]].grows if row["rule_id"] in RULES else ()
    ignored = ("evidence", "severity") if severity else ("evidence",)
    if not grows or any(getattr(old, name) != row[name] for name in CONTENT if name not in ignored):
        return None
    before, after = json.loads(old.evidence or "{}"), json.loads(row["evidence"] or "{}")
    moved: set[str] = set()
    for name in grows:
        was, now = _number(before, name), _number(after, name)
        if was is None or now is None:
            if was != now:
                return None
        elif now != was:
            moved.add("grown" if now > was else "older")
    for evidence in (before, after):
        values = evidence.get("values")
        if isinstance(values, dict):
            evidence["values"] = {name: value for name, value in values.items() if name not in grows}
    if before != after or len(moved) != 1:
        return None
    return moved.pop()


def _number(evidence: dict[str, Any], name: str) -> float | None:
    value = (evidence.get("values") or {}).get(name) if isinstance(evidence.get("values"), dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def row_to_finding(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["ticket_ids"] = json.loads(data["ticket_ids"])
    data["evidence"] = json.loads(data["evidence"])
    for name in ("detected_at", "occurred_at", "updated_at", "decided_at", "contradicted_at"):
        if data.get(name) is not None:
            data[name] = data[name].isoformat(timespec="seconds")
    return data


class FindingRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def upsert(self, findings: Iterable[Any], source: str, now: datetime,
               held: Connection | None = None) -> dict[str, list[str]]:
        """Store findings; returns the keys `added` (first seen), `updated` (new, evidence changed), `measured`
        (new, only values that grow with time have grown: nothing is written — the stored finding keeps the figures
        of its last real change, its history gains no row, nothing is pushed) and `kept` (unchanged, already
        decided and therefore left alone, or judged as of an earlier moment than the stored one: `older_view`).
        One transaction, on `held` when given (a load's connection, its page cache kept between chunks)."""
        rows = {row["finding_key"]: row for row in map(finding_row, findings)}
        for attempt in range(3):
            try:
                return self._upsert(rows, source, now, held)
            except IntegrityError:  # a concurrent writer added one of the keys first: look again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def upsert_chunked(self, findings: Iterable[Any], source: str, now: datetime, chunk: int = STORE_CHUNK,
                       cache_mb: int = LOAD_CACHE_MB) -> dict[str, list[str]]:
        """`upsert` of `chunk` findings at a time, each chunk its own transaction (a batch run's or a findings
        file's, a city's worth); the keys of every chunk's result together. `findings` is a sequence of findings or
        an iterable of lists of them (`findings_files.checked_findings`: a file read as it is stored). Interrupted,
        the chunks stored stay; storing the same findings again adds none twice (the key is the finding's identity).
        All chunks go through one connection whose SQLite page cache is `cache_mb`: at a city's scale every chunk
        inserts into the findings' dozen indexes, their history and the outbox at scattered places, and with
        SQLite's default 2 MB cache each of those pages was read again from the file (memory only, no durability;
        the cache is given back when the load ends)."""
        result: dict[str, list[str]] = {name: [] for name in STORED}
        with self.engine.connect() as held:
            sqlite = held.dialect.name == "sqlite"
            if sqlite:  # on the driver's connection: through SQLAlchemy the pragma would begin a transaction
                sqlite3 = held.connection.driver_connection
                sqlite3.execute(f"PRAGMA cache_size=-{max(1, int(cache_mb)) * 1024}")
                sqlite3.execute(f"PRAGMA wal_autocheckpoint={LOAD_CHECKPOINT_PAGES}")
            try:
                for batch in _in_chunks(findings, chunk):
                    for name, keys in self.upsert(batch, source, now, held).items():
                        result[name] += keys
            finally:
                if sqlite:  # the pooled connection goes back with SQLite's default cache
                    sqlite3.execute(f"PRAGMA cache_size={SQLITE_DEFAULT_CACHE}")
                    sqlite3.execute(f"PRAGMA wal_autocheckpoint={SQLITE_DEFAULT_CHECKPOINT}")
        return result

    def _upsert(self, rows: dict[str, dict[str, Any]], source: str, now: datetime,
                held: Connection | None = None) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {name: [] for name in STORED}
        keys = list(rows)
        with _transaction(self.engine, held) as connection:
            existing = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                for row in connection.execute(select(ft.findings).where(ft.findings.c.finding_key.in_(chunk))):
                    existing[row.finding_key] = row
            added, history = [], []
            counted: Counter[tuple[str, str]] = Counter()
            occurred = occurred_times(connection, (row for key, row in rows.items()
                                                   if key not in existing or existing[key].status == "new"))
            for key, row in rows.items():
                old = existing.get(key)
                if old is None:
                    added.append({**row, "occurred_at": occurred[key], "updated_at": now, "source": source,
                                  "status": "new"})
                elif old.status != "new" or all(getattr(old, name) == row[name] for name in CONTENT) \
                        or older_view(old, row):
                    result["kept"].append(key)
                elif only_measured(old, row):
                    result["measured"].append(key)  # grown with time alone: nothing written (no history row, no push)
                else:
                    changes = {**{name: row[name] for name in CONTENT}, "occurred_at": occurred[key]}
                    connection.execute(update(ft.findings).where(ft.findings.c.finding_key == key).values(
                        **changes, updated_at=now))
                    history.append(_change(key, now, None, "new", "new", updated_reason(source),
                                           {**old._mapping, **changes}))
                    result["updated"].append(key)
                    counted.update((facet, row[facet]) for facet in ("family", "rule_id", "severity"))
                    counted.subtract((facet, getattr(old, facet)) for facet in ("family", "rule_id", "severity"))
            for row in added:
                counted.update((facet, row[facet]) for facet in ft.FACETS)
            if added:
                connection.execute(insert(ft.findings), added)
                history += [_change(row["finding_key"], now, None, None, "new", detected_reason(source), row)
                            for row in added]
                result["added"] = [row["finding_key"] for row in added]
            count_changes(connection, counted)
            desk_store.enqueue_many(connection, [(f"finding.{change}", key, _announce(rows[key], "new", source))
                                                 for change in ("added", "updated") for key in result[change]], now)
            append_history(connection, history)
        return result

    def decide(self, key: str, decision: str, actor_id: str, reason: str, now: datetime) -> dict[str, Any]:
        """Confirm or dismiss a finding. Refused (nothing written) unless the actor is an active supervisor,
        a reason is given and the status actually changes."""
        self.decide_many([key], decision, actor_id, reason, now)
        return self.get(key)

    def decide_many(self, keys: list[str], decision: str, actor_id: str, reason: str, now: datetime) -> list[str]:
        """The same decision on several findings, all or nothing: one refusal writes none of them."""
        history = []
        with self.engine.begin() as connection:
            person = OrgRepository(connection).current().person(actor_id)
            actor = clues.Actor(actor_id, person.unit_id if person else None,
                                frozenset(person.roles) if person is not None and person.active else frozenset())
            for key in keys:
                row = connection.execute(select(ft.findings).where(ft.findings.c.finding_key == key)).first()
                if row is None and actor.supervises:
                    raise NotFound("finding.unknown", f"问题线索不存在：{key}")
                event = clues.decide_finding(actor, row.status if row is not None else "new", decision, reason)
                status, reason_text = event["payload"]["new_status"], event["payload"]["reason"]
                changes = {"status": status, "decided_by": actor_id, "decided_at": now, "reason": reason_text}
                connection.execute(update(ft.findings).where(ft.findings.c.finding_key == key).values(
                    **changes, updated_at=now))
                history.append(_change(key, now, actor_id, row.status, status, reason_text, {**row._mapping, **changes}))
                count_changes(connection, Counter({("status", status): 1, ("status", row.status): -1}))
                desk_store.append(connection, finding_stream(key), "finding", [event], now, {
                    "status": status, "title": key, "unit_id": row.unit_id, "person_id": row.person_id,
                    "state": {"finding_key": key}})
                desk_store.enqueue(connection, "finding.decided", key,
                                   _announce(row._mapping, status, row.source, decided_by=actor_id), now)
            append_history(connection, history)
        return list(keys)

    def mark_contradicted(self, keys: list[str], reason: str, now: datetime) -> list[str]:
        """Mark findings the data no longer supports (e.g. a later batch run does not find them again).
        Their status and decision stay; already-marked ones are left alone. Returns the keys marked."""
        marked, history = [], []
        with self.engine.begin() as connection:
            for key in keys:
                row = connection.execute(select(ft.findings).where(ft.findings.c.finding_key == key)).first()
                if row is None or row.contradicted_at is not None:
                    continue
                changes = {"contradicted_at": now, "contradiction": reason}
                connection.execute(update(ft.findings).where(ft.findings.c.finding_key == key).values(
                    **changes, updated_at=now))
                history.append(_change(key, now, None, row.status, row.status, contradicted_reason(reason),
                                       {**row._mapping, **changes}))
                desk_store.append(connection, finding_stream(key), "finding", [clues.contradicted(reason)], now, {
                    "status": row.status, "title": key, "unit_id": row.unit_id, "person_id": row.person_id,
                    "state": {"finding_key": key, "contradicted": reason}})
                desk_store.enqueue(connection, "finding.contradicted", key,
                                   _announce(row._mapping, row.status, row.source, contradiction=reason), now)
                marked.append(key)
            append_history(connection, history)
        return marked

    def reconcile(self, found: Iterable[Any], reason: str, now: datetime, rules: Iterable[str] | None = None,
                  spare: Callable[[Any], bool] | None = None) -> list[str]:
        """After a complete batch run: stored findings of the rules that ran (`rules`; by default those that
        found something) which the run did not find again are marked contradicted (kept, with their
        decisions); dismissed ones, and those `spare(row)` says the run could not judge, are left alone.
        Returns the keys marked. Of each found finding only its `finding_key` and `rule_id` are read (a finding,
        its dict, or a dict of just those two)."""
        pairs = [(f.finding_key, f.rule_id) if hasattr(f, "finding_key") else (f["finding_key"], f["rule_id"])
                 for f in found]
        keys = {key for key, _ in pairs}
        rules = sorted(set(rules) if rules is not None else {rule_id for _, rule_id in pairs})
        if not rules:
            return []
        c = ft.findings.c
        with reading(self.engine) as connection:
            stale = [row.finding_key for row in connection.execute(select(c.finding_key, c.rule_id, c.source, c.updated_at).where(
                c.rule_id.in_(rules), c.contradicted_at.is_(None), c.status != "dismissed"))
                if row.finding_key not in keys and not (spare and spare(row))]
        return self.mark_contradicted(stale, reason, now)

    def get(self, key: str) -> dict[str, Any] | None:
        with reading(self.engine) as connection:
            row = connection.execute(select(ft.findings).where(ft.findings.c.finding_key == key)).first()
        return row_to_finding(row) if row is not None else None

    def list(self, status: str | None = None, rule_id: str | None = None, unit_id: str | None = None,
             ticket_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(ft.findings).order_by(ft.findings.c.detected_at.desc(), ft.findings.c.finding_key)
        for column, value in (("status", status), ("rule_id", rule_id), ("unit_id", unit_id)):
            if value:
                query = query.where(ft.findings.c[column] == value)
        if ticket_id:  # ticket_ids is a JSON list of strings: match the quoted id
            query = query.where(ft.findings.c.ticket_ids.contains(json.dumps(ticket_id)))
        with reading(self.engine) as connection:
            return [row_to_finding(row) for row in connection.execute(query.limit(limit))]

    def count(self) -> int:
        with reading(self.engine) as connection:
            return connection.execute(select(func.count()).select_from(ft.findings)).scalar_one()

    def history(self, key: str) -> list[dict[str, Any]]:
        with reading(self.engine) as connection:
            rows = connection.execute(select(ft.finding_events).where(ft.finding_events.c.finding_key == key)
                                      .order_by(ft.finding_events.c.id))
            return [{**dict(row._mapping), "at": row.at.isoformat(timespec="seconds"), "reason": reason_label(row.reason)}
                    for row in rows]


@contextmanager
def _transaction(engine: Engine, held: Connection | None) -> Iterator[Connection]:
    """A transaction on `held` when given, else on a connection of the engine's pool."""
    if held is None:
        with engine.begin() as connection:
            yield connection
    else:
        with held.begin():
            yield held


def _in_chunks(findings: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """`size` findings at a time from a sequence of findings, or the lists of an iterable of lists as they come
    (a file read batch by batch), cut to `size` at most."""
    if isinstance(findings, Sequence):
        for start in range(0, len(findings), size):
            yield list(findings[start:start + size])
        return
    for batch in findings:
        for start in range(0, len(batch), size):
            yield batch[start:start + size]


def count_changes(connection: Any, changes: Counter[tuple[str, str]]) -> None:
    """Move the per-filter counts (`finding_counts`) by `changes`, in the caller's transaction."""
    c = ft.finding_counts.c
    for (facet, value), delta in changes.items():
        if not delta or value is None:
            continue
        moved = connection.execute(update(ft.finding_counts).where(c.facet == facet, c.value == value)
                                   .values(n=c.n + delta))
        if moved.rowcount == 0:  # a concurrent first insert of the same value fails and upsert retries
            connection.execute(insert(ft.finding_counts).values(facet=facet, value=value, n=delta))


def counts_by(engine: Engine, facet: str) -> list[tuple[str, int]]:
    """(value, findings) of one filter, from the kept counts, values with none left out."""
    c = ft.finding_counts.c
    with reading(engine) as connection:
        return [(value, n) for value, n in connection.execute(
            select(c.value, c.n).where(c.facet == facet, c.n > 0).order_by(c.value))]


def finding_stream(key: str) -> str:
    """The supervision-log stream of a finding's decisions (keys can be longer than a stream id)."""
    return "F" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _announce(row: Any, status: str, source: str, **extra: Any) -> dict[str, Any]:
    """What the outbox says about a finding: enough for a dashboard line and a receiver's record."""
    data = dict(row)
    ticket_ids = data.get("ticket_ids")
    return {"finding_key": data["finding_key"], "rule_id": data["rule_id"], "family": data["family"],
            "severity": data["severity"], "unit_id": data.get("unit_id"), "person_id": data.get("person_id"),
            "ticket_ids": json.loads(ticket_ids) if isinstance(ticket_ids, str) else list(ticket_ids or []),
            "status": status, "source": source, **extra}


def _time(value: Any) -> datetime:
    """A time as stored: naive (a zone given in a findings file is dropped, as SQLite's column drops it), so that
    the digest of what is written is the digest of what is read back on every database."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value)) if value else datetime(1970, 1, 1)
    return value.replace(tzinfo=None)
