"""The one writer and the one reader of interchange files (docs/interchange.md), CSV and Parquet.

Columns and types come from the tables' declaration (`domain/records.py`): one Arrow schema per table.
The writer is what `rexian simulate --out`, `rexian export` and the importer's `--out` use, so the same
rows give the same bytes whoever writes them: Parquet with zstd in row groups of `ROW_GROUP` rows whatever
batches the caller hands in; CSV in UTF-8 with `\\n` line ends, times as `YYYY-MM-DD HH:MM:SS[.ffffff]`,
booleans as `true`/`false`, payloads as the canonical JSON text the hash covers. Text cells are written
through `safe_cells.neutralise` (a citizen's `=HYPERLINK(...)` reaches a spreadsheet as text, never as a
formula) and read back through `restore`, so the round trip stays exact (docs/trust.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa

from rexian.domain.eventlog import canonical_json
from rexian.domain.records import BOOL, DATE, FLOAT, INT, TABLES, TIME, columns
from rexian.domain.safe_cells import neutralise, restore

ROW_GROUP = 100_000
FORMATS = ("csv", "parquet")
_ARROW = {INT: pa.int64(), FLOAT: pa.float64(), BOOL: pa.bool_(), TIME: pa.timestamp("us"), DATE: pa.date32()}


def arrow_schema(table: str) -> pa.Schema:
    """The table's one Arrow schema."""
    return pa.schema([(name, _ARROW.get(kind, pa.string())) for name, kind in TABLES[table]])


def cell(column: str, value: Any) -> Any:
    """A row's value as stored in a file: a payload that is not yet text becomes its canonical JSON."""
    if column == "payload" and value is not None and not isinstance(value, str):
        return canonical_json(value)
    return value


def text_columns(table: str) -> frozenset[str]:
    """The table's columns of free text: the ones whose CSV cells are neutralised."""
    return frozenset(name for name, kind in TABLES[table] if kind not in _ARROW)


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class EncodedRows:
    """Rows of one table made ready for its files: the CSV lines (without the header) and the Arrow table.
    Made by `encode_rows`, a pure function, so worker processes can do the work and the writing process only
    appends (`TableWriter.append`)."""

    count: int
    csv: str | None
    arrow: pa.Table | None


def encode_rows(table: str, rows: list[dict[str, Any]], formats: Iterable[str] = FORMATS) -> EncodedRows:
    """`rows` (mappings with the table's columns; missing ones are null) as CSV text and/or an Arrow table."""
    formats = tuple(formats)
    text = None
    if "csv" in formats:
        names, texts = columns(table), text_columns(table)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(
            [neutralise(csv_text(cell(name, row.get(name)))) if name in texts else csv_text(cell(name, row.get(name)))
             for name in names] for row in rows)
        text = buffer.getvalue()
    arrow = None
    if "parquet" in formats:
        schema = arrow_schema(table)
        arrays = []
        for field in schema:
            values = _column(rows, field.name)
            if field.name == "payload":
                values = [cell(field.name, value) for value in values]
            arrays.append(pa.array(values, type=field.type))
        arrow = pa.Table.from_arrays(arrays, schema=schema)
    return EncodedRows(len(rows), text, arrow)


def _column(rows: list[dict[str, Any]], name: str) -> list[Any]:
    """One column's values (null where a row lacks it); taken with `itemgetter` when every row has it, which
    is the usual case and about twice as fast as `row.get` in Python."""
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:
        return [row.get(name) for row in rows]


class TableWriter:
    """Appends rows (mappings with the table's columns; missing ones are null) to NAME.csv and/or
    NAME.parquet in `directory`; several tables may be open at once. Close it (or use `with`)."""

    def __init__(self, directory: str | Path, formats: Iterable[str] = FORMATS, row_group: int = ROW_GROUP):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.formats = tuple(formats)
        unknown = set(self.formats) - set(FORMATS)
        if unknown:
            raise ValueError(f"unknown format {', '.join(sorted(unknown))}: csv or parquet")
        self.row_group = row_group
        self._csv: dict[str, Any] = {}
        self._parquet: dict[str, Any] = {}
        self._pending: dict[str, list[pa.Table]] = {}
        self.paths: list[Path] = []

    def open(self, table: str) -> None:
        """Create the table's files (with their header) even if no row follows."""
        if "csv" in self.formats and table not in self._csv:
            path = self.directory / f"{table}.csv"
            handle = open(path, "w", encoding="utf-8", newline="")
            csv.writer(handle, lineterminator="\n").writerow(columns(table))
            self._csv[table] = handle
            self.paths.append(path)
        if "parquet" in self.formats and table not in self._parquet:
            import pyarrow.parquet as pq

            path = self.directory / f"{table}.parquet"
            self._parquet[table] = pq.ParquetWriter(path, arrow_schema(table), compression="zstd")
            self._pending[table] = []
            self.paths.append(path)

    def write(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Append `rows`; returns how many. Taken in slices of at most a row group, so that a stream of
        millions of rows (an export) is never held whole."""
        iterator, count = iter(rows), 0
        while piece := list(islice(iterator, self.row_group)):
            count += self.append(table, encode_rows(table, piece, self.formats))
        self.open(table)
        return count

    def append(self, table: str, encoded: EncodedRows) -> int:
        """Append rows already encoded (`encode_rows` with this writer's formats, here or in another process);
        returns how many. Parquet row groups are `row_group` rows whatever the callers' batches (the same rows
        give the same file)."""
        self.open(table)
        if "csv" in self.formats:
            self._csv[table].write(encoded.csv)
        if "parquet" in self.formats and encoded.count:
            pending = self._pending[table]
            pending.append(encoded.arrow)
            held = sum(part.num_rows for part in pending)
            if held >= self.row_group:
                whole = pa.concat_tables(pending)
                start = 0
                while held - start >= self.row_group:
                    self._write_group(table, whole.slice(start, self.row_group))
                    start += self.row_group
                pending[:] = [whole.slice(start)] if start < held else []
        return encoded.count

    def _write_group(self, table: str, rows: pa.Table) -> None:
        # One chunk per column, whatever the slices it was appended in: the same rows give the same bytes.
        self._parquet[table].write_table(rows.combine_chunks())

    def close(self) -> None:
        for table in list(self._parquet):
            if self._pending[table]:
                self._write_group(table, pa.concat_tables(self._pending[table]))
            self._parquet[table].close()
        for handle in self._csv.values():
            handle.close()
        self._csv, self._parquet, self._pending = {}, {}, {}

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def read_table(path: str | Path, table: str) -> pa.Table:
    """An interchange file (NAME.parquet or NAME.csv[.gz]) as an Arrow table of the table's schema: the
    declared columns in order (absent ones null), each cast to its type — so a file written by an earlier
    version (e.g. `seq` as int32) reads as today's. In CSV an empty cell is null."""
    import pyarrow.compute as pc

    path = Path(path)
    schema = arrow_schema(table)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        data = pq.read_table(path)
    else:
        import pyarrow.csv as pcsv

        header = pcsv.open_csv(path).schema.names
        data = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True))
    out = []
    for field in schema:
        if field.name not in data.column_names:
            out.append(pa.nulls(data.num_rows, field.type))
            continue
        column = data[field.name]
        if path.suffix != ".parquet" and pa.types.is_string(field.type):
            column = _restored(column)
        if column.type == field.type:
            out.append(column)
        elif field.type == pa.bool_() and pa.types.is_string(column.type):
            lowered = pc.utf8_lower(column)
            out.append(pc.if_else(pc.is_null(lowered), pa.scalar(None, pa.bool_()),
                                  pc.is_in(lowered, value_set=pa.array(["true", "1", "t", "yes"]))))
        elif pa.types.is_timestamp(field.type) and pa.types.is_string(column.type):
            out.append(_parse_times(column))
        else:
            out.append(column.cast(field.type))
    return pa.Table.from_arrays(out, schema=schema)


def _restored(column: Any) -> Any:
    """A CSV text column with the writer's formula guard undone (`safe_cells.restore`); untouched when no cell
    carries one (the usual case, checked in one vectorised pass)."""
    import pyarrow.compute as pc

    if not pc.any(pc.match_substring_regex(column, r"^'+[=+\-@\t\r]")).as_py():
        return column
    return pa.chunked_array([pa.array([restore(value) for value in column.to_pylist()], type=column.type)])


def _parse_times(column: Any) -> pa.ChunkedArray:
    """Text times as written above (with or without fractional seconds) to timestamp[us]."""
    values = [None if text is None else datetime.fromisoformat(text) for text in column.to_pylist()]
    return pa.chunked_array([pa.array(values, type=pa.timestamp("us"))])
