"""A change-data-capture log (`cdc: debezium` or `cdc: canal`): a database table captured change by change
(Debezium, Flink CDC, Alibaba Canal, a data lake's ODS layer), one JSON object a line — Debezium's `{"before": {…},
"after": {…}, "op": "c|u|d|r", "ts_ms": …, "source": {"file", "pos", …}}`, or Canal's `{"data": [{…}], "old": [{…}],
"type": "INSERT|UPDATE|DELETE", "table", "id", "es", "ts"}` (read as one Debezium change per row of `data`).

Each change is read as the row image it leaves — `after` — with the table's own column names (`order_no`, not
`after.order_no`), beside three columns of the change itself: `cdc.op`, `cdc.ts_ms` and `cdc.position` (the binlog
file and position, the commit order within one millisecond: `snapshots.order_by`). So a work-order table updated in
place at every step is a snapshot log (mode snapshots) as it is, and a table of records (calls) is its rows.

- **Times as Debezium writes them.** A DATETIME column arrives as epoch milliseconds (or microseconds) of its
  wall-clock value taken as UTC (io.debezium.time.Timestamp): it is given back as that wall-clock time, not moved
  by a time zone — read as an instant in Asia/Shanghai it would be eight hours late. A TIMESTAMP column arrives as
  an ISO string in UTC (`…Z`) and is left to the mapping's `timezone`, as any time with an offset is.
- **Deletes.** A change with `op` d (`after` null) removes its row: in a table of records (mode table, or a `calls`
  section) the record is not read; otherwise the ticket it names (its `before` image) is left out of this file
  whole — every change of it — with a remark, not a reject: a duplicate removed at the source is not a ticket.
- **One record, several changes.** In a table of records each key (`call_id` …) is read once, from its last image
  (a call inserted when it rings and updated when answered and hung up is one call), with a remark counting the
  changes folded; as a snapshot log every image is a row.
- Not read: a line that is no change event (a schema message, a tombstone `null`) is a remark; a line that does not
  parse is rejected naming its line.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.mapping import Mapping
from rexian.importing.rejects import RejectLog
from rexian.importing.source_rows import SourceRow, ticket_of
from rexian.importing.values import EPOCH_MS_BOUNDS

CDC_FORMATS = ("debezium", "canal")  # either is recognised line by line, whichever the mapping names
CANAL_OPS = {"INSERT": "c", "UPDATE": "u", "DELETE": "d"}
META = ("cdc.op", "cdc.ts_ms", "cdc.position")
EPOCH = datetime(1970, 1, 1)
# Epoch milliseconds (13 digits) and microseconds (16 digits) between 2000 and 2100 (the bounds `values` reads
# epoch times within): Debezium's DATETIME.
RANGES = ((*EPOCH_MS_BOUNDS, 1_000), (EPOCH_MS_BOUNDS[0] * 1_000, EPOCH_MS_BOUNDS[1] * 1_000, 1))


def wall_time(value: Any) -> Any:
    """A Debezium DATETIME number as the wall-clock time it stands for (`2026-01-12 18:00:00`); anything else
    as it is (a count, a code, an ISO string)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    for low, high, to_micro in RANGES:
        if low <= value < high:
            moment = EPOCH + timedelta(microseconds=value * to_micro)
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f" if moment.microsecond else "%Y-%m-%d %H:%M:%S")
    return value


def image_values(image: dict[str, Any], change: dict[str, Any], number: int) -> dict[str, Any]:
    """A row image flattened (a nested object's keys joined with a dot), times given back, with the change's own
    columns beside it."""
    values: dict[str, Any] = {}

    def put(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                put(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            values[prefix] = wall_time(value)

    put("", image)
    source = change.get("source") if isinstance(change.get("source"), dict) else {}
    position = f"{source.get('file') or ''}:{int(source.get('pos') or 0):015d}:{int(source.get('row') or 0):04d}"
    values.update({"cdc.op": change.get("op"), "cdc.ts_ms": change.get("ts_ms"),
                   "cdc.position": position if source else f"{number:015d}"})
    return values


def is_change(value: Any) -> bool:
    return isinstance(value, dict) and "op" in value and ("after" in value or "before" in value)


def is_canal(value: Any) -> bool:
    """A Canal (Alibaba) message: `{"data": [rows], "old": [changed columns' old values], "type": "UPDATE",
    "table", "id", "es", "ts", "isDdl"}` — what Chinese data lakes land as often as Debezium's."""
    return isinstance(value, dict) and value.get("type") in CANAL_OPS and isinstance(value.get("data"), list)


def canal_changes(message: dict[str, Any]) -> list[dict[str, Any]]:
    """A Canal message as Debezium-shaped changes, one per row: `before` is the row with `old`'s values put back,
    the position the message id and the row's place in it. Canal writes every value as text, times as the server's
    wall clock (「2026-01-07 16:49:00」), so nothing is converted."""
    op = CANAL_OPS[message["type"]]
    olds = message.get("old") if isinstance(message.get("old"), list) else []
    changes = []
    for index, row in enumerate(message["data"]):
        if not isinstance(row, dict):
            continue
        old = olds[index] if index < len(olds) and isinstance(olds[index], dict) else {}
        before = None if op == "c" else {**row, **old}
        changes.append({"op": op, "before": before, "after": None if op == "d" else row, "ts_ms": message.get("ts"),
                        "source": {"table": message.get("table"), "db": message.get("database"),
                                   "file": f"canal:{message.get('es') or 0:015d}", "pos": message.get("id") or 0,
                                   "row": index}})
    return changes


def cdc_rows(path: Path, text: str, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """The rows of one file of a Debezium change log (see the module's docstring)."""
    changes = changes_of(path, text, rejects)
    if mapping.mode == "table":
        yield from _last_images(path, changes, mapping, rejects)
        return
    yield from _row_images(path, changes, mapping, rejects)


def changes_of(path: Path, text: str, rejects: RejectLog) -> list[tuple[int, dict[str, Any]]]:
    """(line number, change event) of each change in the file; what is not one is remarked or rejected."""
    changes: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            rejects.add(str(path), number, None, line[:200], f"JSON 无法解析：{error.msg}（行不完整或文件被截断？）")
            continue
        if value is None:  # a Kafka tombstone after a delete
            continue
        if "payload" in value and is_change(value.get("payload")):  # the converter wrote its schema beside it
            value = value["payload"]
        if is_canal(value):
            if value.get("isDdl"):
                continue
            changes += [(number, change) for change in canal_changes(value)]
            continue
        if not is_change(value):
            rejects.note(str(path), f"第 {number} 行不是变更记录（没有 op/before/after，也不是 Canal 的 data/type），未读取",
                         number)
            continue
        changes.append((number, value))
    return changes


def _row_images(path: Path, changes: list[tuple[int, dict[str, Any]]], mapping: Mapping,
                rejects: RejectLog) -> Iterator[SourceRow]:
    """Every change as the row image it leaves; a deleted ticket's changes left out with a remark."""
    deleted: dict[str, int] = {}
    for number, change in changes:
        if change.get("op") == "d" and isinstance(change.get("before"), dict):
            ticket = ticket_of(image_values(change["before"], change, number), mapping)
            if ticket is not None:
                deleted.setdefault(ticket, number)
    left_out: dict[str, int] = {}
    for number, change in changes:
        image = change.get("after")
        if change.get("op") == "d" or not isinstance(image, dict):
            continue
        values = image_values(image, change, number)
        ticket = ticket_of(values, mapping)
        if ticket is not None and ticket in deleted:
            left_out[ticket] = left_out.get(ticket, 0) + 1
            continue
        yield SourceRow(str(path), number, values)
    for ticket, line in deleted.items():
        rejects.note(str(path), f"工单 {ticket} 在源库中已删除（第 {line} 行 op=d）：本文件中它的 "
                                f"{left_out.get(ticket, 0)} 条变更未导入", line)


def _last_images(path: Path, changes: list[tuple[int, dict[str, Any]]], mapping: Mapping,
                 rejects: RejectLog) -> Iterator[SourceRow]:
    """A table of records: each key once, from its last image (a delete removes it)."""
    from rexian.domain.records import KEYS

    key_columns = [mapping.columns.get(name, name) for name in KEYS.get(mapping.table or "", ())]
    last: dict[tuple, tuple[int, dict[str, Any] | None]] = {}
    folded = 0
    for number, change in changes:
        image = change.get("before") if change.get("op") == "d" else change.get("after")
        if not isinstance(image, dict):
            continue
        values = image_values(image, change, number)
        key = tuple(str(values.get(column)) for column in key_columns) or (str(number),)
        if key in last:
            folded += 1
        last[key] = (number, None if change.get("op") == "d" else values)
    for number, values in sorted(last.values(), key=lambda item: item[0]):
        if values is not None:
            yield SourceRow(str(path), number, values)
    if folded:
        rejects.note(str(path), f"变更日志：{len(last)} 条记录的 {folded} 次后续变更已合并，每条记录按其最后的行读取")
