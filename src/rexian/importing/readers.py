"""Readers: a file in, numbered rows out (`SourceRow`), problems to the reject log.

Every format yields rows as {source column: value}. Row numbers are what a person opening the file sees:
the line where a CSV record starts, the spreadsheet row, the JSON Lines line, the Parquet record (1-based),
the XES event (1-based, in file order).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
import dataclasses
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.file_limits import FileProblem, SheetBudget, check_parquet_parts, check_xlsx_parts
from rexian.importing.lookups import add_looked_up
from rexian.importing.mapping import Mapping
from rexian.importing.rejects import RejectLog
from rexian.importing.values import joined_value

BAD_BYTES = re.compile("[\udc80-\udcff]")  # undecodable bytes kept by `surrogateescape`
FORMATS = ("csv", "xlsx", "xls", "jsonl", "parquet", "xes", "xml")


@dataclass
class SourceRow:
    file: str
    row: int
    values: dict[str, Any]


def detect_format(path: Path, mapping: Mapping) -> str:
    aliases = {"tsv": "csv", "txt": "csv", "json": "jsonl", "ndjson": "jsonl", "xlsm": "xlsx", "pq": "parquet"}
    if mapping.format:
        return aliases.get(mapping.format, mapping.format)
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1].lstrip(".") if suffixes else ""
    found = aliases.get(suffix, suffix)
    if found not in FORMATS:
        raise ValueError(f"无法从扩展名判断 {path.name} 的格式；请在映射文件中写 format: {'/'.join(FORMATS)}")
    return found


def read_rows(path: str | Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    path = Path(path)
    try:
        kind = detect_format(path, mapping)
    except ValueError as error:
        rejects.add(str(path), None, None, None, str(error))
        return
    if kind == "xes":
        from rexian.importing.xes import read_xes

        yield from read_xes(path, rejects)
        return
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "xls": _read_xls, "jsonl": _read_jsonl,
              "parquet": _read_parquet, "xml": _read_xml}[kind]
    from rexian.settings import load_settings

    limit = load_settings().import_max_field_chars
    try:
        for row in reader(path, mapping, rejects):
            if mapping.lookups:  # first: the looked-up columns are read like the row's own
                row = dataclasses.replace(row, values=add_looked_up(row.values, mapping.lookups, mapping.nulls))
            if mapping.code_table is not None and mapping.code_table.names:
                row = dataclasses.replace(row, values=mapping.code_table.decode(row.values, mapping.nulls, row.file,
                                                                                 row.row, rejects))
            if mapping.joined_columns:  # after decoding: a joined column holds the names
                row = join_columns(row, mapping)
            if is_summary_row(row.values, mapping):
                rejects.note(row.file, "合计行（汇总，不是工单），未读取", row.row)
                continue
            if screened(row, mapping, rejects, limit):
                yield row
    except FileProblem as error:  # refused by a bound (file_limits): the reason is already a sentence
        rejects.refuse_file(str(path), f"文件无法读取：{error}")
    except Exception as error:  # an unreadable file is reported, the other inputs still import
        rejects.add(str(path), None, None, None, f"文件无法读取：{type(error).__name__}: {error}")


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def is_part_file(path: Path, files: str | None) -> bool:
    """Whether `path` is a file of an export's part named by a file-name pattern (`files:` of a section)."""
    return bool(files) and fnmatch(path.name, files)


def part_rows(inputs: list[Path], mapping: Mapping, sheet: str | None, files: str | None,
              rejects: RejectLog) -> Iterator[SourceRow]:
    """The rows of one part of a several-part export (the ticket sheet, the unit tree, the categories table,
    call records …), read with `mapping`: from the input files matching `files`, or else the `sheet` of each
    workbook input — its rows named with the sheet (导出.xlsx[工单信息]), for row 2 of one sheet is not row 2
    of another."""
    for path in inputs:
        if is_part_file(path, files):
            yield from read_rows(path, mapping, rejects)
        elif not files and sheet and path.suffix.lower() in WORKBOOK_SUFFIXES:
            sheet_mapping = mapping if mapping.sheet == sheet else dataclasses.replace(mapping, sheet=sheet)
            for row in read_rows(path, sheet_mapping, rejects):
                if not row.file.endswith(f"[{sheet}]"):  # the reader names it when the book has several sheets
                    row = dataclasses.replace(row, file=f"{row.file}[{sheet}]")
                yield row


def ticket_of(values: dict[str, Any], mapping: Mapping) -> str | None:
    """The row's ticket number when it can be read (to leave the whole ticket out when the row is rejected)."""
    from rexian.importing.values import as_text, is_missing

    value = values.get(mapping.columns.get("ticket_id"))
    if is_missing(value, mapping.nulls) or isinstance(value, (dict, list)):
        return None
    text = as_text(value)
    return text if "\x00" not in text and not BAD_BYTES.search(text) else None


# 「合计」「合计：78件」「总计 78 条」「共计78单」「共 78 条记录」: a totals line, not a ticket.
SUMMARY_WORDS = re.compile(r"^\s*(?:(?:合\s*计|总\s*计|小\s*计|共\s*计)\s*[：:]?\s*共?|共)\s*(?:\d[\d,，]*\s*"
                           r"(?:件|条|个|单|笔|项|张)?\s*(?:工单|记录|数据)?)?\s*$")


def join_columns(row: SourceRow, mapping: Mapping) -> SourceRow:
    """The row with each of the mapping's `joined_columns` (name → source columns) added: a date column and
    a time-of-day column read as one time, or cells joined by a space."""
    values = dict(row.values)
    for name, parts in mapping.joined_columns.items():
        if any(part in values for part in parts):
            values[name] = joined_value([values.get(part) for part in parts], mapping.nulls)
    return dataclasses.replace(row, values=values)


def is_summary_row(values: dict[str, Any], mapping: Mapping) -> bool:
    """A totals row at the foot of an export (「合计」 in its first filled cell, no ticket number of its own):
    a summary, not a ticket's row."""
    first = next((value for value in values.values() if value is not None and str(value).strip()), None)
    if first is None or not SUMMARY_WORDS.match(str(first)):
        return False
    ticket = ticket_of(values, mapping)
    return ticket is None or bool(SUMMARY_WORDS.match(ticket))


def screened(row: SourceRow, mapping: Mapping, rejects: RejectLog, limit: int) -> bool:
    """Whether a row is fit to convert: no NUL byte (PostgreSQL refuses them in text) and no field longer
    than `import_max_field_chars`. A failing row is rejected alone; the reader goes on with the next."""
    for column, value in row.values.items():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            rejects.add(row.file, row.row, column, value.replace("\x00", "\\0"), "字段含 NUL 字节（\\0）",
                        ticket_of(row.values, mapping))
            return False
        if len(value) > limit:
            reject_long(rejects, row, column, len(value), limit, mapping)
            return False
    return True


def reject_long(rejects: RejectLog, row: SourceRow, column: str, length: int, limit: int, mapping: Mapping) -> None:
    """Reject a row for a field over `import_max_field_chars` (the row's values may hold only its beginning)."""
    rejects.add(row.file, row.row, column, str(row.values.get(column))[:200],
                f"字段长 {length} 字符，超过上限 {limit}（设置 import_max_field_chars）", ticket_of(row.values, mapping))


def read_bytes(path: Path, rejects: RejectLog) -> tuple[bytes, bool]:
    """The file's bytes (decompressed when .gz) and whether it was cut short."""
    data = path.read_bytes()
    if path.suffix.lower() != ".gz":
        return data, False
    out, truncated = [], False
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out.append(inflater.decompress(data))
        except zlib.error as error:
            rejects.add(str(path), None, None, None, f"压缩数据损坏：{error}")
            truncated = True
            break
        if not inflater.eof:
            truncated = True
            break
        data = inflater.unused_data  # a gzip file may hold several members one after another
    if truncated:
        rejects.add(str(path), None, None, None, "压缩文件不完整（被截断），最后一行不导入")
    return b"".join(out), truncated


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Text and the encoding used. Undecodable bytes survive as surrogates so their rows can be rejected
    one by one instead of failing the whole file."""
    if encoding:
        return data.decode(encoding, errors="surrogateescape"), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="surrogateescape"), "utf-8-sig"
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(BAD_BYTES.findall(text))
    non_ascii = sum(1 for byte in data[:1_000_000] if byte >= 0x80) or 1
    # A handful of bad bytes in a UTF-8 file (a cut multi-byte character) does not make it GBK.
    if bad == 0 or bad <= max(3, non_ascii // 1000):
        return text, "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"  # GB18030 is a superset of GBK and GB2312
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best else "gb18030"
    return data.decode(encoding, errors="surrogateescape"), encoding


def _read_csv(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    data, truncated = read_bytes(path, rejects)
    text, encoding = decode(data, mapping.encoding)
    damaged = BAD_BYTES.search(text) is not None  # only then look for the rows with undecodable bytes
    if truncated and text.endswith("\n"):
        truncated = False  # cut exactly at a line end: every row read is whole
    delimiter = mapping.delimiter or _guess_delimiter(text)
    if damaged and mapping.encoding:
        detected_text, detected = decode(data, None)
        if len(BAD_BYTES.findall(detected_text)) * 2 < len(BAD_BYTES.findall(text)):
            # Explains the rows rejected for undecodable bytes: listed with them, as a problem of the file.
            rejects.add(str(path), None, None, None, f"映射声明的编码 {mapping.encoding} 无法解码部分行；文件看起来是 {detected}")
    ends_cleanly = text.endswith(("\n", "\r"))
    csv.field_size_limit(2**31 - 1)  # long fields are rejected row by row (screened), not by the csv module
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered():
        start = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # one malformed record; the reader resumes at the next line
                rejects.add(str(path), start, None, None, f"CSV 记录无法解析：{error}")
                start = reader.line_num + 1
                continue
            row_number, start = start, reader.line_num + 1
            yield row_number, fields

    header, rows = split_header(numbered(), mapping, path, rejects)
    if header is None:
        rejects.add(str(path), None, None, None, "文件为空")
        return
    pending: SourceRow | None = None
    data_rows = 0
    for row_number, fields in rows:
        if not fields or fields == [""]:
            continue
        if pending:
            yield pending
            pending = None
        if fields[0].startswith("\ufeff"):  # files joined end to end: the second one's byte-order mark
            fields[0] = fields[0].lstrip("\ufeff")
            rejects.note(str(path), "行首有字节顺序标记（BOM，多个文件首尾相接？），已去掉", row_number)
        if [field.strip() for field in fields] == header:
            rejects.note(str(path), "重复的表头行（多个文件首尾相接？），不是数据，未读取", row_number)
            continue
        bad = next((i for i, value in enumerate(fields) if BAD_BYTES.search(value)), None) if damaged else None
        if bad is not None:
            column = header[bad] if bad < len(header) else None
            rejects.add(str(path), row_number, column, fields[bad].encode("utf-8", "surrogateescape")
                        .decode("latin-1"), f"按 {encoding} 无法解码", ticket_of(dict(zip(header, fields)), mapping))
            continue
        if len(fields) < len(header) and COMMENT_LINE.match(fields[0]):
            check_stated_count(delimiter.join(fields), data_rows, str(path), row_number, rejects)
            continue
        data_rows += 1
        if len(fields) != len(header):
            problem = "少于" if len(fields) < len(header) else "多于"
            rejects.add(str(path), row_number, None, delimiter.join(fields)[:200],
                        f"字段数 {len(fields)} {problem}表头的 {len(header)} 列", ticket_of(dict(zip(header, fields)), mapping))
            continue
        pending = SourceRow(str(path), row_number, dict(zip(header, fields)))
    if pending:
        if truncated:
            rejects.add(str(path), pending.row, None, None, "文件在此行被截断")
        elif not ends_cleanly and pending.row > 2:
            # A file cut at an arbitrary byte ends without a line break, and a cut last field (a date
            # missing its last digit) can still look valid. Re-importing after a fix adds only this row.
            rejects.add(str(path), pending.row, None, None,
                        "文件末尾没有换行：最后一行可能被截断。如确认完整，请在末尾加换行后重新导入")
        else:
            yield pending


# A comment line of a database dump (「#END 记录数：755」「-- 共 755 条记录」): not data. Its stated count, if any,
# is checked against the data rows above it.
COMMENT_LINE = re.compile(r"^\s*(?:#|--)")
STATED_COUNT = re.compile(r"(?:记录数|记录总数|总记录数|行数|总数|共)\s*[：:=]?\s*(\d+)\s*(?:条|行|件)?|(?:rows?|records?|count)\s*"
                          r"[：:=]?\s*(\d+)", re.IGNORECASE)


def check_stated_count(line: str, data_rows: int, file: str, row_number: int, rejects: RejectLog) -> None:
    """A comment line below the header: a remark; when it states the number of records and that number is not
    the data rows read above it, a problem of the file (rows lost in the delivery, or a file cut short)."""
    stated = STATED_COUNT.search(line)
    count = int(stated.group(1) or stated.group(2)) if stated else None
    if count is not None and count != data_rows:
        rejects.add(file, None, None, None, f"第 {row_number} 行注释声明 {count} 条记录，实际读到 {data_rows} 条数据行："
                                            "文件可能不完整")
    else:
        rejects.note(file, f"注释行（以 # 或 -- 开头）{'，记录数与数据行相符' if count is not None else ''}，不是数据，未读取",
                     row_number)


def _guess_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {candidate: header.count(candidate) for candidate in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _read_xml(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """An XML document (a data-exchange package: importing/xml_documents.py), read through the mapping's
    `xml:` paths as a JSON document is through `json:`; an IEEE XES log saved as `.xml` is read as XES."""
    from rexian.importing.json_documents import document_rows
    from rexian.importing.xml_documents import XmlDocumentError, xml_document

    data, _ = read_bytes(path, rejects)
    try:
        document = xml_document(data)
    except XmlDocumentError as error:
        rejects.add(str(path), None, None, None, str(error))
        return
    if mapping.json is None and "trace" in document and "event" not in document:
        from rexian.importing.xes import read_xes

        yield from read_xes(path, rejects)
        return
    label = json_label(path, mapping)
    for number, values in document_rows(document, mapping.json, str(path),
                                        lambda reason: rejects.note(str(path), reason), kind="xml"):
        yield SourceRow(label, number, values)


def json_label(path: Path, mapping: Mapping) -> str:
    """How rows made from a nested array are named: the file with the array (page_0001.json[flowList]), as a
    workbook's rows are named with their sheet — the records, the flow steps and the visits of one page are
    different parts of one file, each numbered from 1."""
    return f"{path}[{mapping.json.rows}]" if mapping.json is not None and mapping.json.rows else str(path)


def _read_jsonl(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """JSON Lines, or a file holding one JSON document (an API's answer: importing/json_documents.py) — any
    `.json` file that parses whole; with `json:` in the mapping, each line of a JSON Lines file is a document."""
    from rexian.importing.json_documents import document_rows

    data, _ = read_bytes(path, rejects)
    text, _ = decode(data, mapping.encoding or "utf-8")
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if not (suffixes and suffixes[-1] in JSON_LINES_SUFFIXES):
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            document = None  # JSON Lines (several documents), or a document cut short: read line by line
        if isinstance(document, (dict, list)):
            label = json_label(path, mapping)
            for number, values in document_rows(document, mapping.json, str(path),
                                                lambda reason: rejects.note(str(path), reason)):
                yield SourceRow(label, number, values)
            return
    if mapping.json is not None:
        yield from _json_lines_of_documents(path, text, mapping, rejects)
        return
    for number, line, values in _json_lines(text):
        if isinstance(values, json.JSONDecodeError):
            rejects.add(str(path), number, None, line[:200], f"JSON 无法解析：{values.msg}（行不完整或文件被截断？）")
            continue
        if not isinstance(values, dict):
            rejects.add(str(path), number, None, line[:200], "每行应为一个 JSON 对象")
            continue
        yield SourceRow(str(path), number, values)


def _json_lines(text: str) -> Iterator[tuple[int, str, Any]]:
    """(line number, line, its value — or the JSONDecodeError when it does not parse) of each non-blank line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield number, line, json.loads(line)
            except json.JSONDecodeError as error:
                yield number, line, error


def _json_lines_of_documents(path: Path, text: str, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """JSON Lines read with `json:`: each line one document (a page, or a record with nested arrays). A line may
    make several rows, so rows are numbered in the order they are made; a line that does not parse is rejected
    under the next number, naming its line."""
    from rexian.importing.json_documents import document_rows

    made, label = 0, json_label(path, mapping)
    for line_number, line, values in _json_lines(text):
        if isinstance(values, json.JSONDecodeError):
            made += 1
            rejects.add(label, made, None, line[:200],
                        f"第 {line_number} 行 JSON 无法解析：{values.msg}（行不完整或文件被截断？）")
            continue
        for _, flat in document_rows(values, mapping.json, str(path),
                                     lambda reason, n=line_number: rejects.note(str(path), f"第 {n} 行：{reason}")):
            made += 1
            yield SourceRow(label, made, flat)


PARQUET_BATCH_ROWS = 8_192
PARQUET_SLICE_BYTES = 64 << 20  # text decoded into Python at a time


def _read_parquet(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
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


def _header(cells: list[Any]) -> list[str]:
    return [("" if cell is None else str(cell)).strip().lstrip("\ufeff") for cell in cells]


HEADER_SEARCH_ROWS = 20


def _blank(cells: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def split_header(rows: Iterator[tuple[int, list[Any]]], mapping: Mapping, path: Path,
                 rejects: RejectLog) -> tuple[list[str] | None, Iterator[tuple[int, list[Any]]]]:
    """The header row and the rows after it. Exports often put a title (「12345工单明细表」) or an
    export date above the header: the header is the first row naming every required column of the
    mapping, searched in the first rows; failing that, the first non-empty row."""
    wanted = mapping.header_columns() or set(mapping.columns.values())
    if not wanted:  # no column known yet (mapping suggest): the widest of the first rows, a title has one cell
        return _widest_header(rows, path, rejects)
    seen: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if _blank(cells):
            continue
        seen.append((number, cells))
        if wanted <= set(_header(cells)):
            if len(seen) > 1:
                rejects.note(str(path), f"表头在第 {number} 行；其上 {len(seen) - 1} 行（标题等）不是数据，未读取")
            return _header(cells), rows
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        return None, iter(())
    return _header(seen[0][1]), _chain(seen[1:], rows)


def _widest_header(rows: Iterator[tuple[int, list[Any]]], path: Path,
                   rejects: RejectLog) -> tuple[list[str] | None, Iterator[tuple[int, list[Any]]]]:
    seen: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if not _blank(cells):
            seen.append((number, cells))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    if not seen:
        return None, iter(())
    filled = [sum(cell is not None and str(cell).strip() != "" for cell in cells) for _, cells in seen]
    at = filled.index(max(filled))
    if at:
        rejects.note(str(path), f"表头在第 {seen[at][0]} 行；其上 {at} 行（标题等）不是数据，未读取")
    return _header(seen[at][1]), _chain(seen[at + 1:], rows)


def _chain(buffered: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]):
    yield from buffered
    yield from rest


def sheet_name(path: Path | str, sheet: str, sheets: int) -> str:
    """How a workbook's rows are named in rejects and remarks: with the sheet (导出.xlsx[流转记录]) when the
    workbook has several, so that row 10 of one sheet is told from row 10 of another."""
    return f"{path}[{sheet}]" if sheets > 1 else str(path)


def _read_xlsx(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    check_xlsx_parts(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[mapping.sheet] if mapping.sheet else book.worksheets[0]
        name = sheet_name(path, sheet.title, len(book.worksheets))
        # The sheet's declared size (<dimension>) is not trusted: openpyxl would stop at its last row without a
        # word (rows lost) or pad every row to its width (a far cell reference as a time bomb).
        sheet.reset_dimensions()
        rows = budgeted(enumerate(sheet.iter_rows(values_only=True), start=1), SheetBudget(path))
        header, rows = split_header(rows, mapping, name, rejects)
        for number, cells in rows:
            if not _blank(cells):  # a row ends at its last cell now: padded to the header, as Excel shows it
                yield SourceRow(name, number, dict(zip(header, cells + [None] * (len(header) - len(cells)))))
    finally:
        book.close()


def budgeted(rows: Iterator[tuple[int, Any]], budget: SheetBudget) -> Iterator[tuple[int, list[Any]]]:
    """A workbook's numbered rows, each counted against the sheet's cell budget as it is read."""
    for number, cells in rows:
        budget.take(len(cells), row=number, column=len(cells))
        yield number, list(cells)


def _read_xls(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    from rexian.importing.markup_sheets import markup_kind, markup_rows

    if markup_kind(path):  # an HTML table or XML Spreadsheet named .xls, as many government systems export
        sheet, sheets, cells_of = markup_rows(path, mapping.sheet)
        if not any(cells_of):
            raise ValueError("文件中没有可读的表格行")
        marked = sheet_name(path, sheet, sheets)
        header, numbered = split_header(((i + 1, row) for i, row in enumerate(cells_of)), mapping, marked, rejects)
        for number, values in numbered:
            if not _blank(values):
                yield SourceRow(marked, number, dict(zip(header, values)))
        return
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_name(mapping.sheet) if mapping.sheet else book.sheet_by_index(0)

    def cells(index: int) -> list[Any]:
        values = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                values.append(None)
            else:
                values.append(cell.value)
        return values

    name = sheet_name(path, sheet.name, book.nsheets)
    header, rows = split_header(budgeted(((i + 1, cells(i)) for i in range(sheet.nrows)), SheetBudget(path)),
                                mapping, name, rejects)
    for number, values in rows:
        if not _blank(values):
            yield SourceRow(name, number, dict(zip(header, values)))


def open_text(path: Path):
    """A binary stream of the file, decompressed on the fly when .gz (for streaming readers)."""
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")
