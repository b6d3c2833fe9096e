"""Where the fast path's rows come from, a bounded batch at a time: Parquet row groups, or CSV blocks.

Both give Arrow tables with the file's own columns plus `file_index` (the file's rank by name, the general
path's tie order) and `row` (the row number the general path reports: the Parquet record, 1-based; the CSV
line). A source that cannot promise the general path's reading of a file says so (`None` from `open_source`,
or `SourceChanged` while reading) and the general path does the import.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.mapping import Mapping
from rexian.importing.readers import _guess_delimiter, detect_format


class SourceChanged(Exception):
    """Reading found something only the general path reads faithfully (a blank line, a bad byte…)."""


class ParquetSource:
    kind = "parquet"

    def __init__(self, paths: list[Path]):
        import pyarrow.parquet as pq

        from rexian.importing.file_limits import check_parquet_parts
        from rexian.importing.readers import is_nested

        self.paths = paths
        self.files = [pq.ParquetFile(path) for path in paths]
        for path, each in zip(paths, self.files):
            check_parquet_parts(path, each.metadata)  # refused: the general path reports it
        self.schema = self.files[0].schema_arrow
        if any(is_nested(field.type) for each in self.files for field in each.schema_arrow):
            raise SourceChanged("nested columns: the general path leaves them unread")
        self.rows = sum(f.metadata.num_rows for f in self.files)
        self._measured: set[int] = set()  # the chunk sizes whose batches' text is measured within budget

    def same_schemas(self) -> bool:
        return all(f.schema_arrow == self.schema and f.schema_arrow.metadata == self.schema.metadata
                   for f in self.files)

    def batches(self, chunk_rows: int, columns: list[str] | None = None) -> Iterator[Any]:
        """The rows `chunk_rows` at a time, text decoded as plain strings. Not read as dictionaries: Arrow
        builds a text column's dictionary for a whole row group, so every distinct value of the group stayed
        in memory (1.4 GB of Arrow memory for a file written as one 1.28M-row group, against 0.3 GB read
        plainly; docs/speed.md, "Eleventh pass"). What the dictionaries guarded against, a value repeated by a
        dictionary page that decodes past memory, is measured beforehand without decoding (`_text_bytes`)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if chunk_rows not in self._measured:
            if self._text_bytes(chunk_rows) > FAST_BATCH_TEXT_BYTES:
                raise SourceChanged("text that decodes past the batch budget")
            self._measured.add(chunk_rows)
        for index, path in enumerate(self.paths):
            row = 1
            # The footer read in __init__ is given again: opening the file does not parse it a second time.
            reader = pq.ParquetFile(path, metadata=self.files[index].metadata, pre_buffer=False,
                                    buffer_size=READ_BUFFER_BYTES)
            for batch in reader.iter_batches(batch_size=chunk_rows, columns=columns):
                yield _numbered(pa.Table.from_batches([batch]), index, row)
                row += batch.num_rows

    def _text_bytes(self, chunk_rows: int) -> int:
        """The most bytes of text that any `chunk_rows` rows in a row (two windows of that many rows from the
        start of a file: every batch lies within two) decode to, counted by DuckDB on the encoded pages (a
        dictionary entry repeated in every row is not copied to be counted: a file of a few hundred
        kilobytes that decodes to 150 GB is measured in a few hundredths of a second)."""
        import duckdb

        most = 0
        connection = duckdb.connect()
        try:
            connection.execute("SET memory_limit='256MB'")
            for path in self.paths:
                kinds = connection.execute(f"DESCRIBE SELECT * FROM read_parquet({_literal(str(path))})").fetchall()
                lengths = {"VARCHAR": "strlen", "BLOB": "octet_length"}  # bytes, dictionary-typed columns too
                size = " + ".join(f"coalesce({lengths[kind]}({_quoted(name)}), 0)"
                                  for name, kind, *_ in kinds if kind in lengths) or "0"
                found = connection.execute(
                    f"SELECT max(pair) FROM (SELECT s + coalesce(lead(s) OVER (ORDER BY k), 0) AS pair FROM ("
                    f"SELECT file_row_number // {int(chunk_rows)} AS k, sum({size}) AS s "
                    f"FROM read_parquet({_literal(str(path))}, file_row_number=true) GROUP BY k))").fetchone()[0]
                most = max(most, int(found or 0))
        except duckdb.Error as error:  # a file DuckDB reads otherwise than Arrow: the general path reads it
            raise SourceChanged(f"not measured: {error}") from None
        finally:
            connection.close()
        return most

    def duckdb_relation(self) -> str:
        files = ", ".join(_literal(str(path)) for path in self.paths)
        return f"read_parquet([{files}], filename=true, file_row_number=true)"


class CsvSource:
    """UTF-8 CSV without a byte-order mark, header on the first line, one record per line, ending with a
    line break: what `rexian export --format csv` and `rexian simulate` write. Every value is read as text,
    as the general path's reader reads it."""

    kind = "csv"

    def __init__(self, paths: list[Path], mapping: Mapping):
        import pyarrow as pa

        self.paths = paths
        headers, self.rows = [], 0
        for path in paths:
            if path.suffix.lower() == ".gz" or (mapping.encoding or "utf-8").lower().replace("_", "-") \
                    not in ("utf-8", "utf8"):
                raise SourceChanged("compressed or not UTF-8")
            with open(path, "rb") as handle:
                first = handle.readline()
                if first.startswith(b"\xef\xbb\xbf") or not first.endswith(b"\n"):
                    raise SourceChanged("byte-order mark, or no line after the header")
                lines, last = 0, b""
                for block in iter(lambda: handle.read(1 << 24), b""):
                    lines += block.count(b"\n")
                    last = block[-1:]
                if last not in (b"", b"\n"):
                    raise SourceChanged("no line break at the end: the general path rejects the cut last row")
            line = first.decode("utf-8").rstrip("\r\n")
            delimiter = mapping.delimiter or _guess_delimiter(line)
            header = next(csv.reader([line], delimiter=delimiter))
            if any(cell != cell.strip() or not cell for cell in header) or len(set(header)) != len(header):
                raise SourceChanged("a header the general path would read otherwise")
            headers.append((tuple(header), delimiter))
            self.rows += lines
        if len(set(headers)) != 1:
            raise SourceChanged("the files differ in their header")
        header, self.delimiter = headers[0]
        self.header = list(header)
        self.schema = pa.schema([(name, pa.string()) for name in header])

    def same_schemas(self) -> bool:
        return True  # checked when opened

    def batches(self, chunk_rows: int, columns: list[str] | None = None) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv

        block = max(1 << 20, min(chunk_rows * 200, 1 << 28))  # about chunk_rows rows of a few hundred bytes
        for index, path in enumerate(self.paths):
            row = 2  # the line of the first record
            reader = pcsv.open_csv(
                path, read_options=pcsv.ReadOptions(block_size=block, use_threads=False),
                parse_options=pcsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=False,
                                                ignore_empty_lines=False),
                convert_options=pcsv.ConvertOptions(column_types=self.schema, strings_can_be_null=False,
                                                    quoted_strings_can_be_null=False, include_columns=columns))
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, pa.ArrowTypeError) as error:  # a blank line, a cut record, a bad byte
                    raise SourceChanged(str(error)) from None
                table = pa.Table.from_batches([batch])
                if any(pc.any(pc.match_substring_regex(table.column(name), "[\r\n]")).as_py()
                       for name in table.schema.names):
                    raise SourceChanged("a line break inside a value: line numbers would differ")
                yield _numbered(table, index, row)
                row += table.num_rows


FAST_BATCH_TEXT_BYTES = 1 << 30  # a batch whose text decodes past this goes to the general path, which measures
# and rejects such rows one by one (a value repeated by a dictionary page)
READ_BUFFER_BYTES = 8 << 20  # Parquet pages read through a buffer of this size, not a row group's columns at once


def open_source(paths: list[Path], mapping: Mapping) -> ParquetSource | CsvSource | None:
    """The source of these inputs for the fast path, or None (the general path reads them)."""
    try:
        kinds = {detect_format(path, mapping) for path in paths}
        if kinds == {"parquet"}:
            return ParquetSource(paths)
        if kinds == {"csv"}:
            return CsvSource(paths, mapping)
    except Exception:  # unreadable, or not as the fast path reads: the general path reports or reads it
        return None
    return None


def _numbered(table: Any, index: int, first_row: int) -> Any:
    import pyarrow as pa

    return table.append_column("file_index", pa.array([index] * table.num_rows, pa.int32())) \
        .append_column("row", pa.array(range(first_row, first_row + table.num_rows), pa.int64()))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
