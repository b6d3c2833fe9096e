"""JSON Lines, JSON documents (an API's pages: importing/json_documents.py) and XML documents (a data-exchange
package: importing/xml_documents.py); a document is parsed once per run (importing/parsed_once.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from rexian.importing.mapping import Mapping
from rexian.importing.parsed_once import parsed
from rexian.importing.read_text import decode, read_bytes
from rexian.importing.rejects import RejectLog
from rexian.importing.source_rows import SourceRow


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def read_xml(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """An XML document (a data-exchange package: importing/xml_documents.py), read through the mapping's
    `xml:` paths as a JSON document is through `json:`; an IEEE XES log saved as `.xml` is read as XES."""
    from rexian.importing.json_documents import document_rows
    from rexian.importing.xml_documents import XmlDocumentError, xml_document

    try:
        document = parsed(path, "xml", lambda: xml_document(read_bytes(path, rejects)[0]))
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


def read_jsonl(path: Path, mapping: Mapping, rejects: RejectLog) -> Iterator[SourceRow]:
    """JSON Lines, or a file holding one JSON document (an API's answer: importing/json_documents.py) — any
    `.json` file that parses whole; with `json:` in the mapping, each line of a JSON Lines file is a document."""
    from rexian.importing.json_documents import document_rows

    if mapping.cdc:  # a change log: each line a change, read as its row image (importing/readers_cdc.py)
        from rexian.importing.readers_cdc import cdc_rows

        data, _ = read_bytes(path, rejects)
        yield from cdc_rows(path, decode(data, mapping.encoding or "utf-8")[0], mapping, rejects)
        return
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if not (suffixes and suffixes[-1] in JSON_LINES_SUFFIXES):
        document = parsed(path, f"json:{mapping.encoding or 'utf-8'}", lambda: _json_document(path, mapping, rejects))
        if isinstance(document, (dict, list)):
            label = json_label(path, mapping)
            for number, values in document_rows(document, mapping.json, str(path),
                                                lambda reason: rejects.note(str(path), reason)):
                yield SourceRow(label, number, values)
            return
    data, _ = read_bytes(path, rejects)
    text, _ = decode(data, mapping.encoding or "utf-8")
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


def _json_document(path: Path, mapping: Mapping, rejects: RejectLog) -> Any:
    """The file's one JSON document, or None when it does not parse whole (JSON Lines, or a document cut short:
    then read line by line)."""
    data, _ = read_bytes(path, rejects)
    text, _ = decode(data, mapping.encoding or "utf-8")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None


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
