"""The signed bookkeeping beside the log (since 0014_trust11, docs/trust.md): a webhook delivery's state, an
endpoint's cursor over the outbox, and an idempotency key's stored result each carry the server's MAC.

Without them someone with database write access but not the key could mark a change as delivered that was never
sent, move a cursor past rows so they are never sent, or rewrite the result a retried request is answered with.
A delivery's MAC covers the outbox row's key (not its id, which SQLite could hand out again), the endpoint, the
status and the time of its next attempt; a cursor's covers its endpoint and position; an idempotency row's its
key, the command's fingerprint, the ticket, the stored result and its number on the global log sequence (so that
its deletion is a gap there). The writers here sign what they write; the dispatcher, the command handler and
`verify` check (`service/push.py`, `service/hotline.py`, `service/verify_side.py: delivery_damages`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from rexian.adapters.log_reader import comparable
from rexian.domain.eventlog import canonical_json


def delivery_digest(outbox_key: Any, endpoint: Any, status: Any, next_at: Any) -> str:
    return "delivery:" + signed_text(outbox_key, endpoint, status, next_at)


def cursor_digest(endpoint: Any, last_outbox_id: Any) -> str:
    return "webhook_cursor:" + signed_text(endpoint, last_outbox_id)


def idempotency_digest(key: Any, command: Any, ticket_id: Any, result: Any, log_seq: Any) -> str:
    """An idempotency record numbered on the global log sequence (0015_trust11b), so that its deletion is a gap."""
    return "idempotency:" + signed_text(key, command, ticket_id, result, log_seq)


def unnumbered_idempotency_digest(key: Any, command: Any, ticket_id: Any, result: Any) -> str:
    """What 0014_trust11 signed, before records were numbered: only the upgrade to 0015_trust11b checks it (a record
    signed so and put back from an old copy matches no numbered digest, so it is refused and named)."""
    return "idempotency:" + signed_text(key, command, ticket_id, result)


def signed_text(*values: Any) -> str:
    """Stored values as the one text a MAC covers. A value no writer of ours stores (bytes put in a text column by
    SQL on SQLite, say) gets a text of its own that matches no MAC, so `verify` names the row instead of stopping."""
    plain = []
    for value in values:
        value = comparable(value)
        if not (value is None or isinstance(value, (str, int, float))):
            value = f"\x00{type(value).__name__}:{value!r}"
        plain.append(value)
    return canonical_json(plain)


@dataclass(frozen=True)
class DeliveryProblem:
    """A genuine outbox row an endpoint will not be sent although the bookkeeping says otherwise."""
    endpoint: str
    outbox_id: Any
    outbox_seq: Any
    outbox_key: str
    delivery_id: Any  # None when there is no delivery at all (the cursor moved past the row)
    detail: str


def cursor_rows(connection: Connection) -> Iterator[tuple[Any, Any, Any]]:
    """(endpoint, last_outbox_id, mac) of every cursor, as stored."""
    yield from connection.exec_driver_sql("SELECT endpoint, last_outbox_id, mac FROM webhook_cursors ORDER BY endpoint")


def delivery_problems(connection: Connection, ring: Any) -> tuple[list[tuple[Any, str]], list[DeliveryProblem]]:
    """(cursors that fail their MAC: (endpoint, why)), and every genuine outbox row whose delivery to an endpoint
    is forged (status, endpoint or outbox row changed, inserted: no valid MAC) or missing below the endpoint's cursor
    (the cursor moved past it, the delivery deleted, or a reused outbox id answered by an older row's delivery).
    Outbox rows that are themselves forged are left to `outbox_damages` (they are refused, never sent). One pass
    over the outbox and one over the deliveries."""
    from rexian.adapters.desk_store import outbox_problem
    from rexian.adapters.log_reader import raw_rows

    bad_cursors, cursors = [], {}
    for endpoint, position, mac in cursor_rows(connection):
        problem = ring.problem(cursor_digest(endpoint, position), mac)
        if problem:
            bad_cursors.append((endpoint, problem))
        cursors[endpoint] = position if isinstance(position, int) and not isinstance(position, bool) else None
    genuine = {}
    for row in raw_rows(connection, "outbox", ("id", "key", "topic", "ref", "payload", "created_at", "mac", "log_seq",
                                               "outbox_seq")):
        if outbox_problem(ring, row) is None:
            genuine[row["id"]] = row
    problems: list[DeliveryProblem] = []
    covered: set[tuple[Any, Any]] = set()  # (endpoint, outbox id) with a genuine delivery, or one named already
    for d in raw_rows(connection, "webhook_deliveries", ("id", "outbox_id", "endpoint", "status", "next_at", "mac")):
        row = genuine.get(d["outbox_id"])
        if row is None:
            continue  # a forged or deleted outbox row: named by outbox_damages
        why = ring.problem(delivery_digest(row["key"], d["endpoint"], d["status"], d["next_at"]), d["mac"])
        if why:
            problems.append(DeliveryProblem(str(d["endpoint"]), row["id"], row["outbox_seq"], str(row["key"]), d["id"],
                                            f"投递状态（{str(d['status'])[:20]}）{why}"))
        covered.add((d["endpoint"], row["id"]))
    for endpoint, position in cursors.items():
        if position is None:
            continue
        for row_id, row in genuine.items():
            if isinstance(row_id, int) and row_id <= position and (endpoint, row_id) not in covered:
                problems.append(DeliveryProblem(str(endpoint), row_id, row["outbox_seq"], str(row["key"]), None,
                                                f"推送游标已到{position}，此记录没有投递（跳过，从未发送）"))
    return bad_cursors, problems
