"""The fast path for Parquet event logs already in Rexian's vocabulary (what `rexian export` and
`rexian simulate --out` write, or any flow export whose actions are our own event names).

It gives exactly what the general path (`build` → `flow_histories` → `seal_history` → `store_histories`)
gives — the same events, numbers, hashes, projections, counts and rejects — but works column-wise:

- the files are read whole with pyarrow; the checks the general path makes row by row (required values
  present, no exact duplicate row, known action words, text already trimmed) are made once per column or
  per distinct value; the rows are sorted (ticket, time, file, row) in one vectorised `sort_indices`;
- each payload is decoded once and encoded once (`payload_text`), and that one text is both hashed and
  stored; each hash is sha256 over a record body written by hand in sorted key order, as
  `simulate/seal.py` does (tests/importing check it equals the domain's `chain_hash`);
- the rows go to SQLite through the driver's executemany (`adapters.bulk_load`);
- while sealing and storing, the cyclic garbage collector is off (see `FastPlan.sealed`).

Anything the fast path does not cover makes it step aside before it writes anything (`fast_plan` returns
None): another mode, intake fields, constants, payload columns, notes, action words needing translation, a
missing value in a required column, a duplicate row, text columns that are not text, times with a zone…
The general path then does the work, rejects and all. A payload that is not a JSON object is only found
while sealing: then `FastStop` is raised after whole batches only, and the general path takes over the run
(the tickets already written are the same ones it would write, so it finds them unchanged; they are counted
as added once).
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from rexian.domain.eventlog import GENESIS_HASH, body_hash, canonical_json, event_body
from rexian.importing.mapping import Mapping
from rexian.importing.readers import detect_format
from rexian.importing.store import DB_ROW, PAYLOAD_TEXT
from rexian.importing.vocabulary import TARGETED_ACTIONS

FIELDS = ("ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload", "source")
TEXT_FIELDS = ("ticket_id", "action", "actor_id", "actor_unit_id", "target_unit_id", "source")
REQUIRED = ("ticket_id", "at", "action")

_scan = json.JSONDecoder().scan_once
encode_payload = canonical_json  # the domain's one canonical encoder


def decode_payload(raw: str) -> Any:
    """json.loads(raw), taking the C scanner directly when the text is one JSON value and nothing else."""
    try:
        value, end = _scan(raw, 0)
    except StopIteration:
        return json.loads(raw)  # leading space, or not JSON: json.loads decides (and raises)
    return value if end == len(raw) else json.loads(raw)


class FastStop(Exception):
    """The data needs the general path after all (found while sealing)."""


def seal_ticket(ticket_id: str, rows: list[tuple], source: str) -> list[dict[str, Any]]:
    """Number and hash-chain one ticket's rows, as `seal_history` does for a flow history without intake
    fields. `rows`: (at, action, actor_id, actor_unit_id, target_unit_id, payload dict, source or None,
    at as `YYYY-MM-DDTHH:MM:SS.ffffff`), already in (time, file, row) order. Each record also carries its
    payload as canonical JSON and its database row as a tuple."""
    received = 0 if rows[0][1] == "TicketReceived" else \
        next((i for i, row in enumerate(rows) if row[1] == "TicketReceived"), None)  # usually first: no generator
    if received is None:
        ordered = [(rows[0][0], "TicketReceived", None, None, None, {"synthesized": True}, None, rows[0][7]), *rows]
    elif received:
        ordered = [rows[received], *rows[:received], *rows[received + 1:]]
    else:
        ordered = rows
    records, dispatched, prev = [], False, GENESIS_HASH
    for seq, (at, action, actor_id, actor_unit_id, target, payload, row_source, iso) in enumerate(ordered, start=1):
        if action == "Dispatched":
            payload = dict(payload)
            payload.setdefault("lead_unit_id", target)
            payload.setdefault("redispatch", dispatched)
            dispatched = True
        row_source = row_source or source
        text = encode_payload(payload)
        digest = body_hash(prev, event_body(ticket_id, seq, iso, action, actor_id, actor_unit_id, target, text,
                                            row_source))
        records.append({"ticket_id": ticket_id, "seq": seq, "at": at, "action": action, "actor_id": actor_id,
                        "actor_unit_id": actor_unit_id, "target_unit_id": target, "payload": payload,
                        "source": row_source, "prev_hash": prev, "hash": digest, PAYLOAD_TEXT: text,
                        DB_ROW: (ticket_id, seq, f"{iso[:10]} {iso[11:]}", action, actor_id, actor_unit_id, target,
                                 text, row_source, prev, digest)})
        prev = digest
    return records


def seal_chunk(chunk: Any, starts: list[int], nulls: Any, source: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Sealed histories of one slice of whole tickets (`FastPlan.chunks`); `FastStop` at a payload that is not
    a JSON object, after the tickets before it."""
    loads = decode_payload
    columns = [chunk.column(name).to_pylist() for name in FIELDS + ("at_iso",) if name != "at"]
    ids, actions, actors, actor_units, targets, payloads, sources, isos = columns
    ats = list(map(datetime.fromisoformat, isos))  # the same datetimes as Arrow's to_pylist, 10x faster
    for k in range(len(starts) - 1):
        rows = []
        for i in range(starts[k], starts[k + 1]):
            raw = payloads[i]
            if raw is None:
                payload = {}
            else:
                try:
                    payload = loads(raw)
                except ValueError:
                    if raw.strip() not in nulls:
                        raise FastStop(f"payload is not JSON: {raw[:40]!r}") from None
                    payload = {}
                if type(payload) is not dict:
                    if raw.strip() in nulls:
                        payload = {}
                    else:
                        raise FastStop(f"payload is not a JSON object: {raw[:40]!r}")
                elif raw.strip() in nulls:  # a null word that happens to be JSON, e.g. "{}"
                    payload = {}
            action = actions[i]
            rows.append((ats[i], action, actors[i], actor_units[i],
                         targets[i] if action in TARGETED_ACTIONS else None, payload, sources[i], isos[i]))
        ticket_id = ids[starts[k]]
        yield ticket_id, seal_ticket(ticket_id, rows, source)


@dataclass
class FastPlan:
    """The rows of every input, checked, in (ticket, time, file, row) order."""

    table: Any  # pyarrow.Table: columns FIELDS (missing ones null), `file_index`, `row`
    files: list[str]
    starts: list[int]  # row index where each ticket starts, and the row count at the end
    mapping: Mapping

    @property
    def rows_in(self) -> int:
        return self.table.num_rows

    @property
    def tickets(self) -> int:
        return len(self.starts) - 1

    def sealed(self, batch_rows: int = 100_000) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Sealed ticket histories in ticket order; `FastStop` at a payload that is not a JSON object.

        While it runs (and so while the store writes what it yields) the cyclic garbage collector is off:
        the millions of record dicts and tuples made here hold no cycles, yet each allocation burst set off
        collections that re-scanned them (15–26 % of the whole import, docs/importing.md). It collects the
        young generations once per Arrow slice instead, and the collector is back to its former state when
        the generator ends (or is closed half-way)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield from self._sealed(batch_rows)
        finally:
            if collecting:
                gc.enable()

    def chunks(self, batch_rows: int) -> Iterator[tuple[Any, list[int]]]:
        """The rows in slices of whole tickets (about `batch_rows` rows each), with where each ticket starts
        in its slice (and the slice's row count at the end)."""
        starts, first = self.starts, 0
        while first < len(starts) - 1:
            last = first + 1
            while last < len(starts) - 1 and starts[last] - starts[first] < batch_rows:
                last += 1
            begin = starts[first]
            yield self.table.slice(begin, starts[last] - begin), [s - begin for s in starts[first:last + 1]]
            first = last

    def _sealed(self, batch_rows: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        for chunk, starts in self.chunks(batch_rows):
            yield from seal_chunk(chunk, starts, self.mapping.nulls, self.mapping.source)
            gc.collect(1)

    def rows_of(self, ticket_ids: list[str]) -> dict[str, list[tuple[str, int]]]:
        """(file, row) of every source row of these tickets, in reading order (for rejecting them)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not ticket_ids:
            return {}
        picked = self.table.filter(pc.is_in(self.table.column("ticket_id"), value_set=pa.array(ticket_ids)))
        found: dict[str, list[tuple[int, int]]] = {ticket_id: [] for ticket_id in ticket_ids}
        for ticket_id, file_index, row in zip(*(picked.column(c).to_pylist() for c in ("ticket_id", "file_index", "row"))):
            found[ticket_id].append((file_index, row))
        return {ticket_id: [(self.files[f], r) for f, r in sorted(rows)] for ticket_id, rows in found.items()}


def fast_plan(inputs: list[str | Path], mapping: Mapping) -> FastPlan | None:
    """The checked, sorted rows, or None when the general path must do this import."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    if (mapping.mode != "flow" or mapping.intake or mapping.constants or mapping.payload_columns
            or mapping.action_fields or mapping.evidence_words or mapping.also or mapping.deadlines is not None
            or mapping.unit_tree or set(mapping.columns) - set(FIELDS) or not inputs):
        return None
    paths = [Path(p) for p in inputs]
    try:
        if any(detect_format(path, mapping) != "parquet" for path in paths):
            return None
        tables = [pq.read_table(path) for path in paths]
    except Exception:  # unreadable: the general path reports it
        return None
    schema = tables[0].schema
    if any(table.schema != schema for table in tables) or any(t.schema.metadata != schema.metadata for t in tables):
        return None
    columns = mapping.columns
    if any(column not in schema.names for column in columns.values()):
        return None
    for name in TEXT_FIELDS + ("payload",):
        if name in columns and not (pa.types.is_string(schema.field(columns[name]).type)
                                    or pa.types.is_large_string(schema.field(columns[name]).type)):
            return None
    at_type = schema.field(columns["at"]).type
    if not pa.types.is_timestamp(at_type) or at_type.tz is not None or at_type.unit == "ns":
        return None
    whole = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    if whole.num_rows == 0 or not _all_distinct(pa, pc, whole, columns):
        return None  # duplicate rows are rejected one by one by the general path
    files = [str(path) for path in paths]
    file_order = {name: rank for rank, name in enumerate(sorted(set(files)))}  # the general path's tie order
    out = {}
    for name in FIELDS:
        if name not in columns:
            out[name] = pa.nulls(whole.num_rows, pa.string())
            continue
        column = whole.column(columns[name])
        if name == "at":
            if column.null_count:
                return None
            out[name] = column = column.cast(pa.timestamp("us"))
            if pc.min(column).as_py().year < 1000:
                return None  # the textual forms below pad years to four digits from year 1000 on
            out["at_iso"] = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")  # with the microseconds
            continue
        if name == "payload":
            out[name] = column
            continue
        if name in REQUIRED and column.null_count:
            return None
        missing = []
        for value in pc.unique(column).to_pylist():
            if value is None:
                continue
            if value != value.strip():
                return None  # the general path trims text: leave such files to it
            if value in mapping.nulls:
                missing.append(value)
        if missing and name in REQUIRED:
            return None
        if missing:
            column = pc.if_else(pc.is_in(column, value_set=pa.array(missing, column.type)),
                                pa.scalar(None, column.type), column)
        out[name] = column.cast(pa.string())
    for word in pc.unique(out["action"]).to_pylist():
        if mapping.action_for(word) != word:
            return None  # translated, unknown or kept as a note: the general path's business
    out["file_index"] = pa.chunked_array([pa.array([file_order[files[i]]] * table.num_rows, pa.int32())
                                          for i, table in enumerate(tables)])
    out["row"] = pa.chunked_array([pa.array(range(1, table.num_rows + 1), pa.int64()) for table in tables])
    table = pa.table(out)
    order = pc.sort_indices(table, sort_keys=[("ticket_id", "ascending"), ("at", "ascending"),
                                              ("file_index", "ascending"), ("row", "ascending")])
    table = table.take(order)
    ids = table.column("ticket_id").combine_chunks()
    changes = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
    starts = [0, *(pc.indices_nonzero(changes).to_numpy() + 1).tolist(), table.num_rows] \
        if hasattr(pc, "indices_nonzero") else None
    if starts is None:  # pragma: no cover - older pyarrow
        values = ids.to_pylist()
        starts = [0] + [i for i in range(1, len(values)) if values[i] != values[i - 1]] + [len(values)]
    # (file, row) per source name: rows of the same file name are told apart by the row number only when
    # the same path is given twice, which makes every row a duplicate and never reaches here.
    return FastPlan(table, [name for name, _ in sorted(file_order.items(), key=lambda item: item[1])], starts, mapping)


def _all_distinct(pa, pc, table, columns: dict[str, str]) -> bool:
    """No two rows equal in every column (what the general path rejects as duplicates). A subset of
    columns that is already distinct settles it cheaply (the `hash` column of an interchange file)."""
    rows = table.num_rows
    names = table.schema.names
    candidates = []
    if "hash" in names:
        candidates.append(["hash"])
    key = [columns[name] for name in ("ticket_id", "at", "action") if name in columns]
    if "seq" in names:
        candidates.append([columns["ticket_id"], "seq"])
    candidates.append(key + [columns[n] for n in ("actor_id", "payload") if n in columns])
    for subset in candidates:
        try:
            if table.select(subset).group_by(subset).aggregate([]).num_rows == rows:
                return True
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
            continue
    plain = all(pa.types.is_string(f.type) or pa.types.is_large_string(f.type) or pa.types.is_integer(f.type)
                or pa.types.is_timestamp(f.type) or pa.types.is_boolean(f.type) or pa.types.is_date(f.type)
                for f in table.schema)
    if not plain:  # float equality (0.0 = -0.0, NaN) and nested values: let the general path compare rows
        return False
    return table.group_by(names).aggregate([]).num_rows == rows
