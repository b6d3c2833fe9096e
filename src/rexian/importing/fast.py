"""The fast path for event logs already in Rexian's vocabulary, Parquet or plain UTF-8 CSV (what `rexian
export` and `rexian simulate --out` write, or any flow export whose actions are our own event names).

It gives exactly what the general path (`build` → `flow_histories` → `seal_history` → `store_histories`)
gives — the same events, numbers, hashes, projections, counts and rejects — but works column-wise:

- the files are streamed a chunk of whole tickets at a time (setting `import_chunk_rows`), so memory does
  not grow with the file: straight from the Parquet row groups when the ticket ids already come in order
  (what `rexian export` and `rexian simulate` write), else through DuckDB's external sort (spilling to a
  temporary directory beyond the setting `import_sort_memory_mb`);
- the checks the general path makes row by row (required values present, no exact duplicate row, known
  action words, text already trimmed) are made per chunk, once per column or per distinct value; a chunk's
  rows are sorted (ticket, time, file, row) in one vectorised `sort_indices`;
- each payload is decoded once and encoded once (`payload_text`), and that one text is both hashed and
  stored; each hash is sha256 over a record body written by hand in sorted key order, as
  `simulate/seal.py` does (tests/importing check it equals the domain's `chain_hash`);
- the rows go to SQLite through the driver's executemany (`adapters.bulk_load`);
- while sealing and storing, the cyclic garbage collector is off (see `FastPlan.sealed`).

Anything the fast path does not cover makes it step aside (`fast_plan` returns None when the schema or the
first chunk shows it, before anything is written): another mode, intake fields, constants, payload
columns, notes, action words needing translation, a missing value in a required column, a duplicate row,
text columns that are not text, times with a zone, a CSV file that is not plain UTF-8 with one record per
line, or whose ticket ids do not come in order (only Parquet is sorted here)…
The general path then does the work, rejects and all. A later chunk that needs the general path, or a
payload that is not a JSON object (only found while sealing), raises `FastStop` after whole batches only,
and the general path takes over the run (the tickets already written are the same ones it would write, so
it finds them unchanged; they are counted as added once). The general path holds the whole input in memory:
a huge file that needs it is bounded by the machine, not by the setting.
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
from rexian.importing.store import DB_ROW, PAYLOAD_TEXT
from rexian.importing.vocabulary import TARGETED_ACTIONS

FIELDS = ("ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload", "source")
TEXT_FIELDS = ("ticket_id", "action", "actor_id", "actor_unit_id", "target_unit_id", "source")
REQUIRED = ("ticket_id", "at", "action")
BODY = "body"  # a sealed record's encoded body (`event_body`), kept so that `reseal` hashes it again without encoding

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


def seal_ticket(ticket_id: str, rows: list[tuple], source: str, hashed: bool = True) -> list[dict[str, Any]]:
    """Number and hash-chain one ticket's rows, as `seal_history` does for a flow history without intake
    fields. `rows`: (at, action, actor_id, actor_unit_id, target_unit_id, payload dict, source or None,
    at as `YYYY-MM-DDTHH:MM:SS.ffffff`), already in (time, file, row) order. Each record also carries its
    payload as canonical JSON and its database row as a tuple. `hashed=False`: numbered and encoded but not
    chained (`prev_hash` and `hash` None), for a store that chains them once its callers' details are apart
    (`reseal`): most tickets hold some, so hashing here too chained every event twice."""
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
        body = event_body(ticket_id, seq, iso, action, actor_id, actor_unit_id, target, text, row_source)
        digest = body_hash(prev, body) if hashed else None
        records.append({"ticket_id": ticket_id, "seq": seq, "at": at, "action": action, "actor_id": actor_id,
                        "actor_unit_id": actor_unit_id, "target_unit_id": target, "payload": payload,
                        "source": row_source, "prev_hash": prev, "hash": digest, PAYLOAD_TEXT: text, BODY: body,
                        DB_ROW: (ticket_id, seq, f"{iso[:10]} {iso[11:]}", action, actor_id, actor_unit_id, target,
                                 text, row_source, prev, digest)})
        prev = digest
    return records


def reseal(records: list[dict[str, Any]], received: dict[str, Any] | None, chained: dict[str, Any] | None
           ) -> list[dict[str, Any]]:
    """`seal_ticket`'s records sealed again once the intake's caller details are out of `received`'s payload
    (`adapters.personal.apart`): the same chain as the domain's `chain_hash` gives, but only the intake's body
    is encoded again — every other record's encoded body (which does not hold the previous hash) is reused
    and only hashed after its new predecessor — and each record keeps its database row. `received` None:
    nothing held apart, the records (of `seal_ticket(..., hashed=False)`) only chained."""
    from rexian.domain.eventlog import normalise_payload

    sealed, prev = [], GENESIS_HASH
    for record in records:
        ticket_id, seq, at_text, action, actor_id, actor_unit_id, target, text, source, _, _ = record[DB_ROW]
        payload, body = record["payload"], record[BODY]
        if record is received:
            payload, text = chained, canonical_json(normalise_payload(chained))
            body = event_body(ticket_id, seq, f"{at_text[:10]}T{at_text[11:]}", action, actor_id, actor_unit_id,
                              target, text, source)
        digest = body_hash(prev, body)
        sealed.append({**record, "payload": payload, "prev_hash": prev, "hash": digest, PAYLOAD_TEXT: text,
                       BODY: body, DB_ROW: (ticket_id, seq, at_text, action, actor_id, actor_unit_id, target, text,
                                            source, prev, digest)})
        prev = digest
    return sealed


def seal_chunk(chunk: Any, starts: list[int], nulls: Any, source: str,
               hashed: bool = True) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Sealed histories of one slice of whole tickets (`FastPlan.chunks`); `FastStop` at a payload that is not
    a JSON object, after the tickets before it. `hashed`: see `seal_ticket`."""
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
        yield ticket_id, seal_ticket(ticket_id, rows, source, hashed)


@dataclass
class FastPlan:
    """What the fast path will read: the inputs, checked as far as their schema and first chunk go.

    The rows are read a chunk at a time (`chunk_rows` rows, extended to the end of the chunk's last
    ticket), never the whole file: memory stays bounded whatever the file size. Inputs whose ticket ids
    already come in order (what `rexian export` and `rexian simulate` write) are read straight by Parquet
    row groups or CSV blocks; other Parquet files are put in order by DuckDB, which spills to disk beyond
    `sort_memory_mb`. Each chunk is checked as the whole file used to be; a later chunk that needs the
    general path stops the run with `FastStop` before any of its tickets is written."""

    source: Any  # fast_sources.ParquetSource or CsvSource, files in reading order (by name)
    mapping: Mapping
    in_order: bool  # ticket ids never decrease through the files: no sort needed
    chunk_rows: int = 200_000
    sort_memory_mb: int = 1024
    field_limit: int = 100_000  # the setting import_max_field_chars: a longer value is the general path's
    first: Any = None  # the first prepared chunk (table, starts): checked by `fast_plan`
    rest: Any = None  # the raw chunks after it, already being read (an unordered input is sorted once)

    @property
    def paths(self) -> list[Path]:
        return self.source.paths

    @property
    def rows_in(self) -> int:
        return self.source.rows

    @property
    def table(self) -> Any:
        """Every prepared row in one table (reads everything: for small files and tests)."""
        import pyarrow as pa

        return pa.concat_tables([table for table, _ in self.prepared()])

    def sealed(self, batch_rows: int = 100_000, hashed: bool = True) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Sealed ticket histories, chunk by chunk; `FastStop` at a chunk or payload the general path must take.
        `hashed=False`: not yet chained (`seal_ticket`), for `store_histories`, which chains them once.

        While it runs (and so while the store writes what it yields) the cyclic garbage collector is off:
        the millions of record dicts and tuples made here hold no cycles, yet each allocation burst set off
        collections that re-scanned them (15–26 % of the whole import, docs/importing.md). It collects the
        young generations once per Arrow slice instead, and the collector is back to its former state when
        the generator ends (or is closed half-way)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield from self._sealed(batch_rows, hashed)
        finally:
            if collecting:
                gc.enable()

    def _sealed(self, batch_rows: int, hashed: bool) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        for table, starts in self.prepared():
            for chunk, chunk_starts in slices(table, starts, batch_rows):
                yield from seal_chunk(chunk, chunk_starts, self.mapping.nulls, self.mapping.source, hashed)
                gc.collect(1)
            table = chunk = None  # noqa: F841 - let go of this chunk before the next one is read

    def prepared(self) -> Iterator[tuple[Any, list[int]]]:
        """Checked chunks of whole tickets in (ticket, time, file, row) order, with where each ticket starts."""
        import pyarrow as pa

        if self.rest is not None:  # the first pass goes on from where `fast_plan` stopped reading
            chunks, self.rest = self.rest, None
            first, self.first = self.first, None  # not held past its turn (a later pass prepares it again)
            yield first
            del first
        else:
            chunks = self.raw_chunks()
        pool = pa.default_memory_pool()
        for raw in _changes_stop(chunks):
            ready = prepare(raw, self.mapping, self.field_limit)
            del raw
            if ready is None:
                chunks.close()
                raise FastStop("a chunk needs the general path (see fast_plan's checks)")
            yield ready
            del ready  # the chunk just sealed goes before the next is read and prepared
            pool.release_unused()  # hand the allocator's cached pages back: the peak, not the sum, stays resident

    def raw_chunks(self) -> Iterator[Any]:
        """The source rows as Arrow tables of whole tickets, about `chunk_rows` rows each, with `file_index`
        and `row` (1-based) added."""
        batches = self._in_order_batches() if self.in_order else self._sorted_batches()
        return whole_tickets(batches, self.mapping.columns["ticket_id"], self.chunk_rows)

    def _in_order_batches(self) -> Iterator[Any]:
        return self.source.batches(self.chunk_rows)

    def _sorted_batches(self) -> Iterator[Any]:
        """The rows in ticket order from DuckDB (an external sort bounded by `sort_memory_mb`)."""
        import tempfile

        import duckdb
        import pyarrow as pa

        columns = self.mapping.columns
        with tempfile.TemporaryDirectory(prefix="rexian-import-") as spill:
            connection = duckdb.connect()
            try:
                connection.execute(f"SET memory_limit='{int(self.sort_memory_mb)}MB'")
                connection.execute("SET temp_directory=?", [spill])
                connection.execute("SET preserve_insertion_order=false")
                order = ", ".join(_quoted(columns[name]) for name in ("ticket_id", "at"))
                index = " ".join(f"WHEN filename = '{str(path).replace(chr(39), chr(39) * 2)}' THEN {i}"
                                 for i, path in enumerate(self.paths))
                query = connection.sql(
                    f"SELECT * EXCLUDE (filename, file_row_number), CAST(CASE {index} END AS INTEGER) AS file_index, "
                    f"file_row_number + 1 AS row FROM {self.source.duckdb_relation()} "
                    f"ORDER BY {order}, file_index, row")
                reader = query.to_arrow_reader(self.chunk_rows)
                for batch in reader:
                    yield pa.Table.from_batches([batch])
            finally:
                connection.close()

    def rows_of(self, ticket_ids: list[str]) -> dict[str, list[tuple[str, int]]]:
        """(file, row) of every source row of these tickets, in reading order (for rejecting them): one more
        pass over the ticket-id column, as the run holds no more than a chunk."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not ticket_ids:
            return {}
        wanted = pa.array(ticket_ids)
        found: dict[str, list[tuple[str, int]]] = {ticket_id: [] for ticket_id in ticket_ids}
        for batch in self.source.batches(self.chunk_rows, [self.mapping.columns["ticket_id"]]):
            ids, rows = batch.column(0), batch.column("row")
            for i in pc.indices_nonzero(pc.fill_null(pc.is_in(ids, value_set=wanted), False)).to_pylist():
                found[ids[i].as_py()].append((str(self.paths[batch.column("file_index")[i].as_py()]), rows[i].as_py()))
        return found


def _changes_stop(chunks: Iterator[Any]) -> Iterator[Any]:
    """The chunks; a source that finds something only the general path reads (SourceChanged) stops the run."""
    from rexian.importing.fast_sources import SourceChanged

    try:
        yield from chunks
    except SourceChanged as error:
        raise FastStop(str(error)) from None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def whole_tickets(batches: Iterator[Any], id_column: str, chunk_rows: int) -> Iterator[Any]:
    """Regroup tables of rows in ticket order into tables of whole tickets of at most `chunk_rows` rows (more
    only for one ticket longer than that; the last one whatever is left): the rows of a ticket cut by a batch
    wait for the next batch. A batch of nearly `chunk_rows` rows behind a short remainder gives two chunks,
    never one of twice the size (what the setting promises to bound)."""
    import bisect

    import pyarrow as pa

    waiting: list[Any] = []
    held = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        waiting.append(batch)
        held += batch.num_rows
        if held <= chunk_rows:
            continue
        table = pa.concat_tables(waiting)
        starts = ticket_starts(table.column(id_column))
        start = 0
        while table.num_rows - start > chunk_rows:
            cut = starts[bisect.bisect_right(starts, start + chunk_rows) - 1]  # the last ticket start in reach
            if cut <= start:  # one ticket longer than a chunk: whole, once its end has been read
                after = bisect.bisect_right(starts, start)
                if after == len(starts):
                    break
                cut = starts[after]
            yield table.slice(start, cut - start)
            start = cut
        waiting, held = ([table.slice(start)], table.num_rows - start) if start < table.num_rows else ([], 0)
    if waiting:
        yield pa.concat_tables(waiting)


def ticket_starts(ids: Any) -> list[int]:
    """Where each ticket after the first begins in a column of ticket ids in order (a null begins one)."""
    import pyarrow.compute as pc

    if len(ids) < 2:
        return [0]
    ids = ids.combine_chunks() if hasattr(ids, "combine_chunks") else ids
    changes = pc.fill_null(pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1)), True)
    return [0, *(pc.indices_nonzero(changes).to_numpy() + 1).tolist()]


def slices(table: Any, starts: list[int], batch_rows: int) -> Iterator[tuple[Any, list[int]]]:
    """A prepared chunk in slices of whole tickets (about `batch_rows` rows each), with where each ticket
    starts in its slice (and the slice's row count at the end)."""
    first = 0
    while first < len(starts) - 1:
        last = first + 1
        while last < len(starts) - 1 and starts[last] - starts[first] < batch_rows:
            last += 1
        begin = starts[first]
        yield table.slice(begin, starts[last] - begin), [s - begin for s in starts[first:last + 1]]
        first = last


def fast_plan(inputs: list[str | Path], mapping: Mapping, chunk_rows: int = 200_000,
              sort_memory_mb: int = 1024, field_limit: int = 100_000) -> FastPlan | None:
    """The plan, or None when the general path must do this import (judged from the schemas and the first
    chunk; a later chunk can still hand the run over, see `FastPlan`)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    from rexian.importing.fast_sources import SourceChanged, open_source

    if (mapping.mode != "flow" or mapping.intake or mapping.constants or mapping.payload_columns
            or mapping.action_fields or mapping.evidence_words or mapping.also or mapping.deadlines is not None
            or mapping.unit_tree or mapping.records or mapping.history is not None or mapping.wide is not None
            or mapping.ticket_sheet
            or mapping.event_sheets or mapping.code_table or mapping.lookups or mapping.event_times
            or mapping.moves is not None
            or set(mapping.columns) - set(FIELDS) or not inputs):
        return None
    paths = sorted((Path(p) for p in inputs), key=str)
    if len({str(path) for path in paths}) != len(paths):
        return None  # the same file twice: every row a duplicate, the general path rejects them
    source = open_source(paths, mapping)
    if source is None or not source.same_schemas() or source.rows == 0:
        return None
    schema, columns = source.schema, mapping.columns
    if (any(column not in schema.names for column in columns.values())
            or {"file_index", "row", "filename", "file_row_number"} & set(schema.names)):
        return None
    for name in TEXT_FIELDS + ("payload",):
        if name in columns and not (pa.types.is_string(schema.field(columns[name]).type)
                                    or pa.types.is_large_string(schema.field(columns[name]).type)):
            return None
    at_type = schema.field(columns["at"]).type
    if source.kind == "csv":
        if mapping.date_formats:
            return None  # a declared format could read an ISO-looking time otherwise than ISO
    elif not pa.types.is_timestamp(at_type) or at_type.tz is not None or at_type.unit == "ns":
        return None
    chunk_rows = max(1, int(chunk_rows))
    try:
        in_order = _in_order(source, columns["ticket_id"], chunk_rows)
        if not in_order and source.kind != "parquet":
            return None  # only Parquet is sorted by DuckDB here
        plan = FastPlan(source, mapping, in_order, chunk_rows, sort_memory_mb, field_limit)
        plan.rest = plan.raw_chunks()
        plan.first = prepare(next(plan.rest), mapping, field_limit)
    except (SourceChanged, StopIteration):
        return None
    except Exception:  # unreadable after all: the general path reports it
        return None
    if plan.first is None:
        plan.rest.close()
        return None
    return plan


def _in_order(source: Any, column: str, chunk_rows: int) -> bool:
    """Whether the ticket ids never decrease through the files (one pass over that one column)."""
    import pyarrow.compute as pc

    previous = None
    for batch in source.batches(chunk_rows, [column]):
        ids = batch.column(0)
        if ids.null_count:
            return False
        if len(ids) == 0:
            continue
        if len(ids) > 1 and not pc.all(pc.less_equal(ids.slice(0, len(ids) - 1), ids.slice(1))).as_py():
            return False
        if previous is not None and ids[0].as_py() < previous:
            return False
        previous = ids[len(ids) - 1].as_py()
    return True


ISO_TIME = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$"  # read alike by Arrow and fromisoformat


def prepare(raw: Any, mapping: Mapping, field_limit: int = 100_000) -> tuple[Any, list[int]] | None:
    """One chunk of whole tickets checked as the general path would take it and put in order, with where
    each ticket starts (and the row count at the end); None when the general path must take it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = mapping.columns
    source = raw.drop_columns(["file_index", "row"])
    if raw.num_rows == 0 or not _all_distinct(pa, pc, source, columns):
        return None  # duplicate rows are rejected one by one by the general path
    for column in source.columns:  # the general path rejects a row with a NUL byte or an overlong value
        if (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)) and len(column) and (
                (pc.max(pc.utf8_length(column)).as_py() or 0) > field_limit
                or pc.any(pc.match_substring(column, "\x00")).as_py()):
            return None
    out = {}
    for name in FIELDS:
        if name not in columns:
            out[name] = pa.nulls(raw.num_rows, pa.string())
            continue
        column = raw.column(columns[name])
        if name == "at":
            if column.null_count:
                return None
            if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
                return None  # numbers (epoch milliseconds, Excel serials) are read by the general path's parse_time
            if pa.types.is_string(column.type):  # CSV: ISO times only, read as the general path reads them
                if not pc.all(pc.match_substring_regex(column, ISO_TIME)).as_py():
                    return None
                column = column.cast(pa.timestamp("us"))
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
    out["file_index"], out["row"] = raw.column("file_index"), raw.column("row")
    table = pa.table(out)
    order = pc.sort_indices(table, sort_keys=[("ticket_id", "ascending"), ("at", "ascending"),
                                              ("file_index", "ascending"), ("row", "ascending")])
    table = table.take(order)
    return table, [*ticket_starts(table.column("ticket_id")), table.num_rows]


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
