"""Text files: the bytes of a file (decompressed when .gz, cut short or not), their encoding, and CSV rows."""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from pathlib import Path
from typing import Iterator

from rexian.importing.header_rows import split_header
from rexian.importing.mapping import Mapping
from rexian.importing.rejects import RejectLog
from rexian.importing.source_rows import BAD_BYTES, SourceRow, ticket_of


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


def read_csv(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    data, truncated = read_bytes(path, rejects)
    text, encoding = decode(data, mapping.encoding)
    damaged = BAD_BYTES.search(text) is not None  # only then look for the rows with undecodable bytes
    if truncated and text.endswith("\n"):
        truncated = False  # cut exactly at a line end: every row read is whole
    delimiter = mapping.delimiter or guess_delimiter(text)
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


def guess_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {candidate: header.count(candidate) for candidate in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def open_text(path: Path):
    """A binary stream of the file, decompressed on the fly when .gz (for streaming readers)."""
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")
