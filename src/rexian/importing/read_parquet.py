"""Parquet files, with memory bounded whatever the file claims."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from rexian.importing.file_limits import check_parquet_parts
from rexian.importing.mapping import Mapping
from rexian.importing.rejects import RejectLog
from rexian.importing.source_rows import SourceRow, reject_long


PARQUET_BATCH_ROWS = 8_192
PARQUET_SLICE_BYTES = 64 << 20  # text decoded into Python at a time


def read_parquet(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """Parquet rows, with memory bounded whatever the file claims: each column of a row group unpacks to at
    most `import_max_unpacked_mb` (checked on the metadata first), text columns are read as dictionaries so a
    value repeated by a dictionary page (1 MB × 200,000 rows from a 260 KB file) is measured before it is
    decoded, a row with a value over `import_max_field_chars` is rejected from its length alone, and the
    others are decoded about 64 MB at a time. List, struct and map columns are not read at all (an export's
    cells are scalars; a nested column's elements can repeat one dictionary entry unmeasured, 6 GB from a few
    kilobytes): a note names them."""
    import pyarrow.parquet as pq

    from rexian.settings import load_settings

    parquet = pq.ParquetFile(path)
    check_parquet_parts(path, parquet.metadata)
    limit = load_settings().import_max_field_chars
    nested = [f.name for f in parquet.schema_arrow if is_nested(f.type)]
    if nested:
        rejects.note(str(path), f"列表或结构类型的列不读取（导入只读标量列）：{'、'.join(nested)}")
    read = [f.name for f in parquet.schema_arrow if f.name not in nested]
    texts = [f.name for f in parquet.schema_arrow if _is_text(f.type)]
    parquet = pq.ParquetFile(path, metadata=parquet.metadata, read_dictionary=texts)  # the footer read once
    number = 0
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=read):
        chars, sizes = _text_lengths(batch, texts)
        shortened: dict[str, Any] = {}  # a dictionary column's entries cut to their beginnings, once a batch
        start = 0
        while start < batch.num_rows:
            end, budget = start, 0
            while end < batch.num_rows and (end == start or budget + sizes[end] <= PARQUET_SLICE_BYTES) \
                    and not _too_long(chars, end, limit):
                budget += sizes[end]
                end += 1
            for values in batch.slice(start, end - start).to_pylist():
                number += 1
                yield SourceRow(str(path), number, values)
            if end < batch.num_rows and _too_long(chars, end, limit):
                number += 1
                values = batch.slice(end, 1).select([n for n in batch.schema.names if n not in chars]).to_pylist()[0]
                row = SourceRow(str(path), number, values)
                for name in chars:  # only the beginning of each text is decoded
                    values[name] = _beginning(batch.column(name), end, shortened, name)
                long = next(name for name, column in chars.items() if column[end] > limit)
                reject_long(rejects, row, long, int(chars[long][end]), limit, mapping)
                end += 1
            start = end


def is_nested(kind: Any) -> bool:
    """A list, struct, map or union column type (Parquet's nested columns)."""
    import pyarrow as pa

    return pa.types.is_nested(kind)


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):  # a column the writer stored as a dictionary: measured the same way
        kind = kind.value_type
    return any(test(kind) for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary,
                                       pa.types.is_large_binary))


def _text_lengths(batch: Any, texts: list[str]) -> tuple[dict[str, Any], Any]:
    """Per text column, each row's length in characters (bytes for binary), and each row's text bytes in all —
    read from a dictionary's entries through its indices, without decoding a row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    chars: dict[str, Any] = {}
    sizes = np.zeros(batch.num_rows, dtype=np.int64)
    for name in texts:
        column = batch.column(name)
        if pa.types.is_dictionary(column.type):
            entries = column.dictionary
            measure = pc.utf8_length if pa.types.is_string(entries.type) or pa.types.is_large_string(
                entries.type) else pc.binary_length
            lengths = pc.take(measure(entries), column.indices)
            size = pc.take(pc.binary_length(entries), column.indices)
        else:
            lengths = (pc.utf8_length if pa.types.is_string(column.type) or pa.types.is_large_string(
                column.type) else pc.binary_length)(column)
            size = pc.binary_length(column)
        chars[name] = lengths.fill_null(0).to_numpy(zero_copy_only=False)
        sizes += size.fill_null(0).to_numpy(zero_copy_only=False)
    return chars, sizes


def _beginning(column: Any, row: int, shortened: dict[str, Any], name: str, length: int = 200) -> Any:
    """The first characters (bytes) of one text value, without decoding the rest of it; a dictionary column's
    entries are cut once a batch (kept in `shortened` under the column's name) and the row's entry taken."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        index = column.indices[row].as_py()
        if index is None:
            return None
        if name not in shortened:
            shortened[name] = _cut(column.dictionary, length)
        return shortened[name][index].as_py()
    return _cut(column.slice(row, 1), length)[0].as_py()


def _cut(values: Any, length: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return pc.utf8_slice_codeunits(values, 0, length)
    return pc.binary_slice(values, 0, length)


def _too_long(chars: dict[str, Any], row: int, limit: int) -> bool:
    return any(column[row] > limit for column in chars.values())
