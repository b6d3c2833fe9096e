"""The signed bookkeeping beside the log (since 0014_trust11, docs/trust.md): a webhook delivery's state, an
endpoint's cursor over the outbox, and an idempotency key's stored result each carry the server's MAC.

Without them someone with database write access but not the key could mark a change as delivered that was never
sent, move a cursor past rows so they are never sent, or rewrite the result a retried request is answered with.
A delivery's MAC covers the outbox row's key (not its id, which SQLite could hand out again), the endpoint, the
status and the time of its next attempt; a cursor's covers its endpoint and position; an idempotency row's its
key, the command's fingerprint, the ticket, the stored result and its number on the global log sequence (so that
its deletion is a gap there). The writers here sign what they write; the dispatcher, the command handler and
`verify` check (`service/push.py`, `service/hotline.py`, `service/verify_side.py: delivery_damages`).

Since 0017_trust11c the imported call-centre records (calls, agent status, roster), which the call-centre rules read,
are signed too: each row's MAC covers its declared columns, the import run that brought it and its number among its
table's rows (`record_seq`, counter `records:<table>`: 1, 2, 3 … without gaps), so a row rewritten or inserted by SQL
fails its MAC and a row deleted leaves a gap (`record_digest`, `record_problems`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from rexian.adapters.log_reader import comparable
from rexian.adapters.upgrade_seal import unverified_at
from rexian.domain import records
from rexian.domain.eventlog import canonical_json


def delivery_digest(outbox_key: Any, endpoint: Any, status: Any, next_at: Any) -> str:
    return "delivery:" + signed_text(outbox_key, endpoint, status, next_at)


def cursor_digest(endpoint: Any, last_outbox_id: Any) -> str:
    return "webhook_cursor:" + signed_text(endpoint, last_outbox_id)


def idempotency_digest(key: Any, command: Any, ticket_id: Any, result: Any, log_seq: Any) -> str:
    """An idempotency record numbered on the global log sequence (0015_trust11b), so that its deletion is a gap."""
    return "idempotency:" + signed_text(key, command, ticket_id, result, log_seq)


def request_key_digest(key: str) -> str:
    """An idempotency key as its events carry it (events.request_key, 0018_trust12): a fixed-length digest, so that a
    client's key of any length is indexed alike; the key itself stays in the idempotency record."""
    return hashlib.sha256(f"request:{key}".encode("utf-8")).hexdigest()


def unnumbered_idempotency_digest(key: Any, command: Any, ticket_id: Any, result: Any) -> str:
    """What 0014_trust11 signed, before records were numbered: only the upgrade to 0015_trust11b checks it (a record
    signed so and put back from an old copy matches no numbered digest, so it is refused and named)."""
    return "idempotency:" + signed_text(key, command, ticket_id, result)


def record_counter(table: str) -> str:
    """The counter of a record table's `record_seq` (its own, not the global log's: an import of many thousand
    call records would otherwise hold the log counter — every command's lock — for its whole transaction)."""
    return f"records:{table}"


def record_digest(table: str, row: Any) -> str:
    """What a call-centre record's MAC covers: its declared columns (domain/records.py) as stored, the import run
    that brought it and its number among its table's rows. Not the surrogate `id` (SQLite can hand one out again)."""
    values = [_as_stored(kind, row.get(name)) for name, kind in _SIGNED_COLUMNS[table]]
    return f"record:{table}:" + signed_text(*values)


# Per record table: (column, kind) of what its MAC covers, in order.
_SIGNED_COLUMNS = {table: (*records.TABLES[table], ("import_id", records.INT), ("record_seq", records.INT))
                   for table in records.RECORD_TABLES}


def sign_records(connection: Connection, table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` (about to be inserted into record table `table`, in the caller's transaction) numbered on the table's
    counter and signed. The counter row stays locked to commit, so numbers commit in order (a gap is a deletion)."""
    from rexian.adapters.keys import keyring_for
    from rexian.adapters.repository import next_counter

    if not rows:
        return rows
    first = next_counter(connection, record_counter(table), len(rows)) - len(rows) + 1
    ring = keyring_for(connection.engine)
    numbered = [{**row, "record_seq": first + offset} for offset, row in enumerate(rows)]
    return [{**row, "mac": ring.sign(record_digest(table, row))} for row in numbered]


def _as_stored(kind: str, value: Any) -> Any:
    """A value in the one form it has once stored and read back raw, on SQLite or PostgreSQL: a writer's int in a
    float column is read back a float, a date is text on SQLite and a date on PostgreSQL, a bool 0/1 on SQLite."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, datetime):
        if kind == records.DATE:
            return value.date().isoformat()  # a date column keeps the day only
        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()  # a pandas Timestamp
        return comparable(value.replace(tzinfo=None))
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, bytes):
        value = value.item()  # a numpy scalar from a DataFrame
    if isinstance(value, bool) or kind == records.BOOL and isinstance(value, int):
        return int(value)
    if kind == records.FLOAT and isinstance(value, int):
        return float(value)
    if kind == records.TEXT and isinstance(value, (int, float)):
        return str(value)  # SQLite's text column stores a number as its text
    return value


@dataclass(frozen=True)
class RecordProblem:
    """A call-centre record changed by SQL: `kind` is unsigned (rewritten or inserted), deleted or inserted (a
    number twice) or unnumbered (from before 0017_trust11c and not numbered by it)."""
    table: str
    kind: str
    where: str  # the row's key, or the numbers missing
    detail: str


def record_problems(connection: Connection, ring: Any, table: str) -> list[RecordProblem]:
    """Every row of record table `table` that this server did not write as it stands, and every number missing
    from its sequence (the newest rows deleted: the counter past the last number). One pass over the table."""
    from rexian.adapters.log_reader import counters, raw_rows

    key = records.KEYS[table]
    problems: list[RecordProblem] = []
    numbered: list[tuple[int, str]] = []
    unnumbered = 0
    for row in raw_rows(connection, table, (*records.columns(table), "import_id", "record_seq", "mac")):
        shown = "/".join(str(comparable(row.get(k)))[:40] for k in key)
        why = ring.problem(record_digest(table, row), row.get("mac"))
        if why and unverified_at(row.get("mac")):
            problems.append(RecordProblem(table, "unverified", shown, f"{why}：从源文件再导入一次，未改动的记录即签名核实"))
        elif why:
            problems.append(RecordProblem(table, "unsigned", shown, f"{why}（被改动或以SQL插入；话务规则读到的不是导入的记录）"))
        if is_number(row.get("record_seq")):
            numbered.append((row["record_seq"], shown))  # an edited row still holds its place: named once, above
        elif not why:
            unnumbered += 1
    problems += _sequence_problems(table, sorted(numbered), counters(connection).get(record_counter(table)))
    if unnumbered:
        problems.append(RecordProblem(table, "unnumbered", "", f"{unnumbered}条记录没有编号：运行 rexian upgrade"))
    return problems


def _sequence_problems(table: str, numbered: Iterable[tuple[int, str]], counter: Any) -> list[RecordProblem]:
    problems = []
    for brk in sequence_breaks(numbered, counter):
        if brk.kind == "deleted":
            problems.append(RecordProblem(table, "deleted", brk.numbers,
                                          f"第{brk.numbers}号记录缺失（被删除；位于{brk.at}之前）"))
        elif brk.kind == "inserted":
            problems.append(RecordProblem(table, "inserted", brk.at, f"第{brk.first}号记录出现不止一次（被复制插入）"))
        else:
            problems.append(RecordProblem(table, "deleted", f"{brk.first}–{brk.last}",
                                          f"计数器已到第{brk.last}号，记录只到第{brk.first - 1}号（最新的{brk.count}条被删除）"))
    return problems


@dataclass(frozen=True)
class SequenceBreak:
    """Where numbers that should run 1, 2, 3 … to their counter do not: `deleted` numbers first–last missing before
    the item `at`, `inserted` the number `first` a second time (at `at`), `newest` the counter past the last number
    (first–last the numbers of the rows deleted from the end)."""
    kind: str
    first: int
    last: int
    at: Any

    @property
    def numbers(self) -> str:
        return f"{self.first}" if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def sequence_breaks(numbered: Iterable[tuple[int, Any]], counter: Any) -> list[SequenceBreak]:
    """The breaks in a numbered table's sequence (`numbered`: (number, item) in number order) and against its
    counter: one reading for every table numbered so (the outbox, the call-centre records)."""
    breaks, expected = [], 1
    for number, item in numbered:
        if number > expected:
            breaks.append(SequenceBreak("deleted", expected, number - 1, item))
        elif number < expected:
            breaks.append(SequenceBreak("inserted", number, number, item))
        expected = max(expected, number + 1)
    if is_number(counter) and counter >= expected:
        breaks.append(SequenceBreak("newest", expected, counter, None))
    return breaks


def is_number(value: Any) -> bool:
    """A whole number as stored (a bool is not one, though Python counts it an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


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
        cursors[endpoint] = position if is_number(position) else None
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
