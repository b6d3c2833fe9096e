"""Live push of finding changes: a server-sent-events feed for open dashboards and signed webhooks.

Both read the `outbox` table, which every finding change writes in its own transaction (adapters/
desk_store.py), so a change committed by any process — a workflow command, `rexian analyze`, an import, the
scheduler — reaches both, and nothing committed is lost when the server stops.

Webhooks (docs/desk.md):
- each endpoint has a cursor over the outbox; new rows become `webhook_deliveries` (one per row and
  endpoint) in one transaction with the cursor's move;
- a delivery is a POST of JSON with headers `Idempotency-Key` (the outbox key, percent-encoded where it is not
  ASCII: `header_key`; the same on every attempt),
  `X-Rexian-Event`, `X-Rexian-Timestamp` and `X-Rexian-Signature: sha256=HEX`, the HMAC-SHA256 of
  `TIMESTAMP.BODY` under the shared secret (a receiver refuses a timestamp more than five minutes off:
  `verify_signature`, so a captured request cannot be sent again later);
- a 2xx answer marks it delivered; anything else is logged (`webhook_attempts`) and retried with
  exponential back-off up to a cap, forever — at least once; a receiver de-duplicates on the key;
- an administrator reads the delivery log and replays a delivery (sent again with the same key).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from rexian.adapters.database import reading
from rexian.adapters import desk_tables as dt
from rexian.adapters.bookkeeping import cursor_digest, delivery_digest

log = logging.getLogger(__name__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


# How far a delivery's timestamp may be from the receiver's clock: a request captured on the way (or from a log) and
# sent again later carries a genuine signature, and only its age tells it from the server's own attempt (each attempt
# and each replay by the administrator is signed anew with the time it is sent).
SIGNATURE_TOLERANCE_SECONDS = 300


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None,
                     tolerance: float = SIGNATURE_TOLERANCE_SECONDS) -> bool:
    """What a receiver does with the headers (used by the tests' receiver and documented for partners): the
    signature is the server's over this timestamp and body, and the timestamp is within `tolerance` seconds of
    `now` (the receiver's clock). A header with any character but ASCII is refused, not a TypeError."""
    stamp, given = timestamp or "", signature or ""
    if not (stamp.isascii() and stamp.isdigit()) or not given.isascii():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body).encode("ascii"), given.encode("ascii"))


def header_key(key: str) -> str:
    """The outbox key as an HTTP header value: percent-encoded UTF-8 (RFC 3986) where it holds anything but
    ASCII letters, digits and `:-._~` — a repeat complaint's key names its place in Chinese, which no header
    can carry (the POST failed before it left, and every later delivery waited behind it). The same on every
    attempt and replay; keys of plain ASCII are sent unchanged. The body's `id` is the key as stored."""
    from urllib.parse import quote

    return quote(key, safe=":-._~")


def signed_only(engine: Engine, rows: list[Any]) -> list[Any]:
    """The outbox rows this server wrote (adapters/desk_store.py: outbox_problem); a row inserted or rewritten by
    SQL is logged and left out, so it reaches no dashboard and no partner (and `verify` names it)."""
    from rexian.adapters.desk_store import outbox_problem
    from rexian.adapters.keys import keyring_for

    ring = keyring_for(engine)
    kept = []
    for row in rows:
        problem = outbox_problem(ring, row)
        if problem is None:
            kept.append(row)
        else:
            log.warning("outbox row %s not pushed: %s", row.id, problem)
    return kept


def missing_before(engine: Engine, connection: Connection, ids: list[int]) -> list[tuple[int, int]]:
    """(outbox id, missing `outbox_seq`) for each signed row among `ids` whose predecessor in the outbox's own
    numbering (under its MAC: adapters/desk_store.py) is gone: a row deleted, its change never pushed. The numbers
    are taken under a counter held to commit, so the predecessor committed first: it cannot be merely late."""
    o = dt.outbox
    rows = signed_only(engine, [row for start in range(0, len(ids), 900) for row in connection.execute(
        select(o).where(o.c.id.in_(ids[start:start + 900]), o.c.outbox_seq > 1))])
    wanted = sorted({row.outbox_seq - 1 for row in rows})
    present = {number for start in range(0, len(wanted), 900) for number in connection.execute(
        select(o.c.outbox_seq).where(o.c.outbox_seq.in_(wanted[start:start + 900]))).scalars()}
    return [(row.id, row.outbox_seq - 1) for row in rows if row.outbox_seq - 1 not in present]


def outbox_message(row: Any) -> dict[str, Any]:
    return {"id": row.key, "seq": row.id, "topic": row.topic, "ref": row.ref,
            "created_at": row.created_at.isoformat(timespec="seconds"), "data": json.loads(row.payload)}


# How long an outbox id missing below a newer one is looked for again. On PostgreSQL ids come from a
# sequence when the row is inserted, so a transaction that inserted id 5 may commit after one that inserted
# id 6: a reader that moved its cursor past 6 would never see 5. SQLite takes the write lock at BEGIN
# (adapters/database.py), so its ids are visible in order and no gap waits there; a gap that never fills (a
# rolled-back insert burns a sequence number) is given up after this long.
GAP_GRACE_SECONDS = 60.0
# More ids missing at once than transactions can be open at once is no race but rows that are gone (a
# database restored or pruned): such a run is not waited for.
MAX_GAP = 1000


class OutboxCursor:
    """A position in the outbox that never skips a row committed late (see GAP_GRACE_SECONDS).

    `read` returns the rows not read before, in id order, including ids that were missing below a newer row
    and have appeared since; `safe` is the id up to which every row has been read (or given up), the
    position to store or to hand a reconnecting client."""

    def __init__(self, last_id: int, grace: float = GAP_GRACE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.last_id, self.grace, self.clock = last_id, grace, clock
        self.gaps: dict[int, float] = {}  # missing id -> when first missed

    @property
    def safe(self) -> int:
        return min([self.last_id, *(gap - 1 for gap in self.gaps)])

    def read(self, connection: Connection, limit: int = 200, columns: tuple = ()) -> list[Any]:
        o = dt.outbox
        chosen = columns or tuple(o.c)
        now = self.clock()
        self.gaps = {gap: since for gap, since in self.gaps.items() if now - since < self.grace}
        late = list(connection.execute(select(*chosen).where(o.c.id.in_(sorted(self.gaps))).order_by(o.c.id))) \
            if self.gaps else []
        rows = list(connection.execute(select(*chosen).where(o.c.id > self.last_id).order_by(o.c.id).limit(limit)))
        for row in late:
            self.gaps.pop(row.id, None)
        expected = self.last_id + 1
        for row in rows:
            if row.id - expected <= MAX_GAP:
                self.gaps.update(dict.fromkeys(range(expected, row.id), now))
            expected = row.id + 1
        if rows:
            self.last_id = rows[-1].id
        return late + rows


class OutboxFeed:
    """Reading the outbox in order: what the server-sent-events stream sends."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def last_id(self) -> int:
        with reading(self.engine) as connection:
            return connection.execute(select(func.coalesce(func.max(dt.outbox.c.id), 0))).scalar_one()

    def since(self, last_id: int, limit: int = 200, topic_prefix: str | None = None) -> list[dict[str, Any]]:
        query = select(dt.outbox).where(dt.outbox.c.id > last_id)
        if topic_prefix:
            query = query.where(dt.outbox.c.topic.startswith(topic_prefix))
        with reading(self.engine) as connection:
            rows = connection.execute(query.order_by(dt.outbox.c.id).limit(limit)).all()
        return [outbox_message(row) for row in signed_only(self.engine, rows)]

    def read(self, cursor: OutboxCursor, limit: int = 200) -> list[dict[str, Any]]:
        """The rows after `cursor` (moving it), late-committed ones included."""
        with reading(self.engine) as connection:
            return [outbox_message(row) for row in signed_only(self.engine, cursor.read(connection, limit))]


async def sse_events(feed: OutboxFeed, last_id: int | None, poll_seconds: float = 0.2,
                     heartbeat_seconds: float = 15.0, topic_prefix: str | None = "finding.",
                     stop: Callable[[], bool] = lambda: False) -> AsyncIterator[str]:
    """Server-sent events from the outbox after `last_id` (the browser's Last-Event-ID; None = from now),
    polled every `poll_seconds`, so a change committed by any process shows within about that time. Each
    message's `id:` is the cursor's safe position (its outbox id unless an older id is still missing), so a
    reconnecting browser resumes without a gap; a row may then come twice (its `seq` tells)."""
    if last_id is None:
        last_id = await asyncio.to_thread(feed.last_id)
    cursor = OutboxCursor(last_id)
    yield "retry: 2000\n\n"
    quiet = 0.0
    while not stop():
        # The cursor moves over every row read, shown or filtered out, so a long run of other topics is
        # not read again on every poll.
        rows = await asyncio.to_thread(feed.read, cursor, 200)
        for message in rows:
            if topic_prefix and not message["topic"].startswith(topic_prefix):
                continue
            data = json.dumps(message, ensure_ascii=False)
            yield f"id: {min(message['seq'], cursor.safe)}\nevent: {message['topic']}\ndata: {data}\n\n"
        if rows:
            quiet = 0.0
            continue
        await asyncio.sleep(poll_seconds)
        quiet += poll_seconds
        if quiet >= heartbeat_seconds:
            quiet = 0.0
            yield ": keep-alive\n\n"


class WebhookDispatcher:
    def __init__(self, engine: Engine, endpoints: list[str], secret: str,
                 clock: Callable[[], datetime] = datetime.now, base_backoff: float = 1.0,
                 max_backoff: float = 60.0, batch: int = 200, timeout: float = 5.0, client=None,
                 concurrency: int = 8, sweep_seconds: float = 3600.0):
        self.engine = engine
        self.endpoints = [e for e in endpoints if e]
        self.secret = secret
        self.clock = clock
        self.base_backoff, self.max_backoff = base_backoff, max_backoff
        self.batch, self.timeout = batch, timeout
        self.concurrency = max(1, concurrency)
        self._client = client
        self._executor: ThreadPoolExecutor | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._paused: dict[str, datetime] = {}  # endpoint -> not before (it just failed)
        self._cursors: dict[str, OutboxCursor] = {}  # endpoint -> its position, gaps included
        self.gaps: list[tuple[int, int]] = []  # outbox rows found deleted (`missing_before`), in the order found
        # `resend_unsigned` runs in the first round and then every `sweep_seconds` (a delivery marked delivered by SQL
        # while the server runs is sent within the hour; one pass over the outbox, ≈35 µs a row)
        self.sweep_seconds = sweep_seconds
        self._swept_at: float | None = None

    @classmethod
    def from_settings(cls, engine: Engine, settings, clock: Callable[[], datetime] = datetime.now,
                      **options: Any) -> WebhookDispatcher:
        return cls(engine, [u.strip() for u in (settings["webhook_urls"] or "").split(",") if u.strip()],
                   settings["webhook_secret"] or "", clock, max_backoff=float(settings["webhook_max_backoff_seconds"]),
                   **options)

    @property
    def client(self):
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=self.timeout, trust_env=False)
        return self._client

    # --- one round ----------------------------------------------------------------------------------------
    def run_once(self) -> dict[str, int]:
        before = len(self.gaps)
        if self._swept_at is None or time.monotonic() - self._swept_at >= self.sweep_seconds:
            self.resend_unsigned()
        queued = self.enqueue_new()
        sent, failed = self.deliver_due()
        return {"queued": queued, "delivered": sent, "failed": failed, "missing": len(self.gaps) - before}

    def enqueue_new(self) -> int:
        """New outbox rows become deliveries, per endpoint, together with the move of its cursor. The stored
        cursor is the safe position (OutboxCursor), so a row committed late is enqueued when it appears,
        and after a restart the rows between it and the newest already enqueued are not enqueued twice."""
        from rexian.adapters.keys import keyring_for

        total = 0
        now = self.clock()
        d = dt.webhook_deliveries
        ring = keyring_for(self.engine)
        for endpoint in self.endpoints:
            try:
                with self.engine.begin() as connection:
                    stored = self._stored_cursor(connection, endpoint)
                    cursor = self._cursors.get(endpoint)
                    if cursor is None or cursor.safe != stored:  # first round, or another dispatcher moved it
                        cursor = self._cursors[endpoint] = OutboxCursor(stored)
                    ids = [row.id for row in cursor.read(connection, 5000, (dt.outbox.c.id,))]
                    self._report_gaps(connection, ids)
                    if ids:
                        known = set(connection.execute(select(d.c.outbox_id).where(
                            d.c.endpoint == endpoint, d.c.outbox_id.in_(ids))).scalars())
                        fresh = [i for i in ids if i not in known]
                        if fresh:
                            keys = dict(connection.execute(select(dt.outbox.c.id, dt.outbox.c.key)
                                                           .where(dt.outbox.c.id.in_(fresh))).all())
                            connection.execute(insert(d), [
                                {"outbox_id": i, "endpoint": endpoint, "status": "pending", "attempts": 0,
                                 "next_at": now, "mac": ring.sign(delivery_digest(keys[i], endpoint, "pending", now))}
                                for i in fresh])
                        total += len(fresh)
                    if cursor.safe != stored:
                        connection.execute(update(dt.webhook_cursors).where(dt.webhook_cursors.c.endpoint == endpoint)
                                           .values(last_outbox_id=cursor.safe,
                                                   mac=ring.sign(cursor_digest(endpoint, cursor.safe))))
            except Exception:
                self._cursors.pop(endpoint, None)  # start again from the stored cursor: nothing skipped
                raise
        return total

    def _stored_cursor(self, connection: Connection, endpoint: str) -> int:
        """The endpoint's stored position; 0 for a new endpoint, and 0 for a cursor that fails its MAC (moved ahead by
        SQL to skip rows): every row is read again from the start, those already delivered are known and skipped."""
        from rexian.adapters.keys import keyring_for

        c = dt.webhook_cursors
        row = connection.execute(select(c.c.last_outbox_id, c.c.mac).where(c.c.endpoint == endpoint)).first()
        if row is None:
            connection.execute(insert(c).values(endpoint=endpoint, last_outbox_id=0,
                                                mac=keyring_for(self.engine).sign(cursor_digest(endpoint, 0))))
            return 0
        problem = keyring_for(self.engine).problem(cursor_digest(endpoint, row.last_outbox_id), row.mac)
        if problem is None:
            return row.last_outbox_id
        log.error("webhook cursor of %s (at outbox id %s) %s: reading the outbox again from its start",
                  endpoint, row.last_outbox_id, problem)
        connection.execute(update(c).where(c.c.endpoint == endpoint).values(
            last_outbox_id=0, mac=keyring_for(self.engine).sign(cursor_digest(endpoint, 0))))
        return 0

    def resend_unsigned(self) -> int:
        """In the dispatcher's first round and then every `sweep_seconds`: every genuine outbox row whose delivery to
        one of our endpoints is not signed by the server — marked delivered (or refused, or failed) by SQL, inserted,
        or missing below the cursor — is queued again, signed, and logged as an error (adapters/bookkeeping.py:
        delivery_problems). The receiver de-duplicates on the key, so a change that did arrive is not doubled. The
        number queued."""
        from rexian.adapters.bookkeeping import delivery_problems
        from rexian.adapters.keys import keyring_for

        self._swept_at = time.monotonic()
        if not self.endpoints:
            return 0
        ring = keyring_for(self.engine)
        now = self.clock()
        d = dt.webhook_deliveries
        queued = 0
        with self.engine.begin() as connection:
            _, problems = delivery_problems(connection, ring)
            for problem in problems:
                if problem.endpoint not in self.endpoints:
                    continue
                values = {"status": "pending", "next_at": now,
                          "mac": ring.sign(delivery_digest(problem.outbox_key, problem.endpoint, "pending", now))}
                if problem.delivery_id is None:
                    connection.execute(insert(d).values(outbox_id=problem.outbox_id, endpoint=problem.endpoint,
                                                        attempts=0, **values))
                else:
                    connection.execute(update(d).where(d.c.id == problem.delivery_id).values(**values))
                log.error("webhook delivery of outbox row %s to %s queued again: %s", problem.outbox_key,
                          problem.endpoint, problem.detail)
                queued += 1
        return queued

    def _report_gaps(self, connection: Connection, ids: list[int]) -> None:
        """Outbox rows deleted before the new ones (`missing_before`), each reported once: logged as an error and
        kept in `gaps` (outbox id of the row after the gap, the missing row's `outbox_seq`)."""
        for gap in missing_before(self.engine, connection, ids):
            if gap not in self.gaps:
                self.gaps.append(gap)
                log.error("outbox: row number %s, before outbox row %s, is missing (deleted: its change was never "
                          "pushed); rexian verify names it", gap[1], gap[0])

    def deliver_due(self) -> tuple[int, int]:
        now = self.clock()
        d, o = dt.webhook_deliveries, dt.outbox
        with reading(self.engine) as connection:
            due = connection.execute(
                select(d.c.id, d.c.endpoint, d.c.attempts, d.c.status, d.c.next_at, d.c.mac.label("delivery_mac"),
                       o.c.key, o.c.topic, o.c.ref, o.c.payload, o.c.created_at,
                       o.c.mac, o.c.log_seq, o.c.outbox_seq, o.c.id.label("seq"))
                .join(o, o.c.id == d.c.outbox_id)
                .where(d.c.status == "pending", d.c.next_at <= now, d.c.endpoint.in_(self.endpoints))
                .order_by(d.c.id).limit(self.batch)).all()
        due = self._refuse_forged(due, now)
        by_endpoint: dict[str, list[Any]] = {}
        for row in due:
            by_endpoint.setdefault(row.endpoint, []).append(row)
        sent = failed = 0
        for endpoint, rows in by_endpoint.items():
            # After a failure the endpoint rests for that delivery's back-off: a receiver that is down is
            # probed once per back-off, not hammered with every pending delivery. Only once the probe is
            # answered are the others sent, several at a time (a backlog after an outage drains in seconds).
            if self._paused.get(endpoint, now) > now:
                continue
            results = [(rows[0], self._post(rows[0]))]
            if results[0][1][1] is None and len(rows) > 1:
                results += list(zip(rows[1:], self._pool().map(self._post, rows[1:])))
            for delay in self._record(results):
                if delay is None:
                    sent += 1
                else:
                    failed += 1
                    self._paused[endpoint] = now + timedelta(seconds=delay)
            if all(outcome[1] is None for _, outcome in results):
                self._paused.pop(endpoint, None)
        return sent, failed

    def _refuse_forged(self, due: list[Any], now: datetime) -> list[Any]:
        """Deliveries of outbox rows this server did not write are never sent (they would go out signed with the
        webhook secret): marked `refused`, with the reason, for the delivery log. The others, to be sent."""
        from rexian.adapters.keys import keyring_for

        ring = keyring_for(self.engine)
        signed = signed_only(self.engine, due)
        forged = [row for row in due if row not in signed]
        if forged:
            d = dt.webhook_deliveries
            with self.engine.begin() as connection:
                for row in forged:
                    connection.execute(update(d).where(d.c.id == row.id).values(
                        status="refused", last_error="推送记录未通过服务器签名校验（被插入或改动），不发送",
                        mac=ring.sign(delivery_digest(row.key, row.endpoint, "refused", row.next_at))))
        # A delivery the server did not queue (inserted by SQL, or its time or endpoint changed) is not sent: it
        # could carry a genuine change to anyone. `resend_unsigned` and `verify` deal with the genuine ones.
        kept = []
        for row in signed:
            problem = ring.problem(delivery_digest(row.key, row.endpoint, row.status, row.next_at), row.delivery_mac)
            if problem is None:
                kept.append(row)
            else:
                log.error("webhook delivery %s of %s to %s not sent: %s", row.id, row.key, row.endpoint, problem)
        return kept

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="rexian-webhook")
        return self._executor

    def _post(self, row: Any) -> tuple[int | None, str | None, int]:
        """POST one delivery: (HTTP status, error or None when delivered, milliseconds)."""
        body = json.dumps(outbox_message(row), ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": header_key(row.key),
                   "X-Rexian-Event": row.topic, "X-Rexian-Timestamp": timestamp,
                   "X-Rexian-Signature": sign(self.secret, timestamp, body)}
        started = time.perf_counter()
        status, error = None, None
        try:
            response = self.client.post(row.endpoint, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}: {response.text[:200]}"
        except Exception as exc:  # noqa: BLE001 - any transport failure is a failed attempt, retried later
            error = f"{type(exc).__name__}: {exc}"[:500]
        return status, error, int((time.perf_counter() - started) * 1000)

    def _record(self, results: list[tuple[Any, tuple[int | None, str | None, int]]]) -> list[float | None]:
        """The attempts of one round in one transaction; per delivery None when delivered, else the back-off
        before its next attempt. A crash between the POST and this commit sends it again, same key."""
        from rexian.adapters.keys import keyring_for

        now = self.clock()
        delays: list[float | None] = []
        d = dt.webhook_deliveries
        ring = keyring_for(self.engine)
        with self.engine.begin() as connection:
            for row, (status, error, millis) in results:
                attempts = row.attempts + 1
                connection.execute(insert(dt.webhook_attempts).values(delivery_id=row.id, at=now, http_status=status,
                                                                      error=error, millis=millis))
                if error is None:
                    connection.execute(update(d).where(d.c.id == row.id).values(
                        status="delivered", attempts=attempts, delivered_at=now, last_error=None,
                        mac=ring.sign(delivery_digest(row.key, row.endpoint, "delivered", row.next_at))))
                    delays.append(None)
                else:
                    delay = min(self.max_backoff, self.base_backoff * 2 ** (attempts - 1))
                    next_at = now + timedelta(seconds=delay)
                    connection.execute(update(d).where(d.c.id == row.id).values(
                        attempts=attempts, next_at=next_at, last_error=error,
                        mac=ring.sign(delivery_digest(row.key, row.endpoint, row.status, next_at))))
                    delays.append(delay)
        return delays

    # --- the administrator's view -------------------------------------------------------------------------
    def deliveries(self, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        return delivery_log(self.engine, status, limit)

    def replay(self, delivery_id: int) -> None:
        replay_delivery(self.engine, delivery_id, self.clock())

    # --- running in the server ----------------------------------------------------------------------------
    def start(self, interval_seconds: float = 0.5) -> None:
        if not self.endpoints or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(interval_seconds,), name="rexian-webhooks",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _loop(self, interval_seconds: float) -> None:
        while not self._stop.is_set():
            try:
                result = self.run_once()
            except Exception:
                log.exception("webhook round failed")
                result = {"queued": 0, "delivered": 0}
            if not (result["queued"] or result["delivered"]):
                self._stop.wait(interval_seconds)


def delivery_log(engine: Engine, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The newest deliveries with their outbox key and topic, and their attempts."""
    d, o = dt.webhook_deliveries, dt.outbox
    query = (select(d, o.c.key, o.c.topic, o.c.ref).join(o, o.c.id == d.c.outbox_id)
             .order_by(d.c.id.desc()).limit(limit))
    if status:
        query = query.where(d.c.status == status)
    with reading(engine) as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
        ids = [row["id"] for row in rows]
        attempts: dict[int, list[dict[str, Any]]] = {}
        if ids:
            for a in connection.execute(select(dt.webhook_attempts).where(dt.webhook_attempts.c.delivery_id.in_(ids))
                                        .order_by(dt.webhook_attempts.c.id)):
                attempts.setdefault(a.delivery_id, []).append(dict(a._mapping))
    for row in rows:
        row["attempt_log"] = attempts.get(row["id"], [])
    return rows


def replay_delivery(engine: Engine, delivery_id: int, now: datetime) -> None:
    """Send a delivery again (same idempotency key), e.g. after a receiver lost what it had accepted."""
    from rexian.domain.errors import NotFound

    from rexian.adapters.keys import keyring_for

    d, o = dt.webhook_deliveries, dt.outbox
    with engine.begin() as connection:
        row = connection.execute(select(d.c.endpoint, o.c.key).join(o, o.c.id == d.c.outbox_id)
                                 .where(d.c.id == delivery_id)).first()
        if row is None:
            raise NotFound("webhook.unknown", f"推送记录不存在：{delivery_id}")
        connection.execute(update(d).where(d.c.id == delivery_id).values(
            status="pending", next_at=now,
            mac=keyring_for(engine).sign(delivery_digest(row.key, row.endpoint, "pending", now))))
