"""IEEE XES (1849-2016) event logs: a streaming reader (.xes, .xes.gz) and a writer.

Reading yields one row per event: the event's attributes under their keys (`concept:name`,
`time:timestamp`, `org:resource` …) and the trace's attributes prefixed `case:` (as pm4py names them),
so a mapping says `ticket_id: "case:concept:name"`. A trace cut off by a truncated file is rejected whole.
"""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.etree.ElementTree import ParseError, iterparse
from xml.sax.saxutils import quoteattr
from zoneinfo import ZoneInfo

from rexian.importing.readers import SourceRow, open_text
from rexian.importing.rejects import RejectLog

ATTRIBUTE_TAGS = {"string", "date", "int", "float", "boolean", "id"}


def _tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _value(element) -> Any:
    kind, text = _tag(element), element.get("value")
    if text is None:
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "boolean":
        return text.strip().lower() == "true"
    return text  # dates stay text: the mapping's time parsing reads ISO 8601 with its offset


def read_xes(path: Path, rejects: RejectLog) -> Iterator[SourceRow]:
    number = 0
    trace_rows: list[SourceRow] = []
    root = None
    try:
        with open_text(path) as stream:
            for kind, element in iterparse(_parseable(stream), events=("start", "end")):
                tag = _tag(element)
                root = root or tag
                if kind == "start":
                    if tag == "trace":
                        trace_rows = []
                    continue
                if tag == "event":
                    number += 1
                    values = {key: val for key, val in _attributes(element)}
                    trace_rows.append(SourceRow(str(path), number, values))
                    element.clear()
                elif tag == "trace":
                    case = {f"case:{key}": val for key, val in _attributes(element)}
                    for row in trace_rows:
                        yield SourceRow(row.file, row.row, {**case, **row.values})
                    trace_rows = []
                    element.clear()
    except (ParseError, EOFError, OSError, zlib.error, ValueError) as error:
        rejects.add(str(path), None, None, None, f"XES 文件不完整或格式错误：{error}")
        for row in trace_rows:  # the trace the file broke off in: its history is incomplete
            rejects.add(row.file, row.row, None, row.values.get("concept:name"), "所在案例（trace）在文件截断处不完整")
        return
    if not number and root not in (None, "log"):  # an XML document that is not an event log: say so, not 0 rows
        rejects.add(str(path), None, None, None,
                    f"不是 XES 事件日志（根元素 <{root}>，没有 trace/event）：其他 XML 文档去掉 format: xes，"
                    f"用 xml: {{records: …, rows: …}} 读取（docs/importing.md「XML documents」）")


def _parseable(stream):
    """The stream as the XML parser can read it: a log declared in an encoding the parser does not know (GBK …)
    is decoded whole and handed on as UTF-8 (importing/xml_documents.py); any other is streamed as it is."""
    import io

    from rexian.importing.xml_documents import XmlDocumentError, declared_codec, utf8_xml

    head = stream.peek(512)[:512] if hasattr(stream, "peek") else b""
    try:
        if declared_codec(head) is None:
            return stream
    except XmlDocumentError:
        return stream  # the parser's own error names the problem
    return io.BytesIO(utf8_xml(stream.read()))


def _attributes(element) -> Iterator[tuple[str, Any]]:
    for child in element:
        if _tag(child) in ATTRIBUTE_TAGS and child.get("key") is not None:
            yield child.get("key"), _value(child)


# --- writing -------------------------------------------------------------------------------------------

def _timestamp(at: datetime, zone: ZoneInfo | None) -> str:
    if zone is not None:
        return at.replace(tzinfo=zone).isoformat(timespec="milliseconds")
    return at.isoformat(timespec="milliseconds")


def _attribute(kind: str, key: str, value: Any) -> str:
    return f'<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>'


def write_xes(path: str | Path, events: Iterable[dict[str, Any]], tickets: dict[str, dict[str, Any]],
              timezone: str | None = None) -> int:
    """Write event records (ordered by ticket, then seq) as an XES log; returns the number of traces."""
    zone = ZoneInfo(timezone) if timezone else None
    path = Path(path)
    opener = (lambda p: gzip.open(p, "wt", encoding="utf-8")) if path.suffix == ".gz" else (
        lambda p: open(p, "w", encoding="utf-8"))
    traces = 0
    current = None
    with opener(path) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016" '
                  'xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n'
                  '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
                  '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
                  '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
                  '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>\n'
                  '<global scope="trace">' + _attribute("string", "concept:name", "__INVALID__") + '</global>\n'
                  '<global scope="event">' + _attribute("string", "concept:name", "__INVALID__")
                  + _attribute("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00") + '</global>\n')
        for event in events:
            if event["ticket_id"] != current:
                if current is not None:
                    out.write("</trace>\n")
                current = event["ticket_id"]
                traces += 1
                out.write("<trace>" + _attribute("string", "concept:name", current))
                for key, value in (tickets.get(current) or {}).items():
                    if value is not None and key != "ticket_id":
                        kind = "date" if isinstance(value, datetime) else "string"
                        value = _timestamp(value, zone) if kind == "date" else value
                        out.write(_attribute(kind, f"rexian:{key}", value))
                out.write("\n")
            out.write(_event_xml(event, zone))
        if current is not None:
            out.write("</trace>\n")
        out.write("</log>\n")
    return traces


def _event_xml(event: dict[str, Any], zone: ZoneInfo | None) -> str:
    parts = [_attribute("string", "concept:name", event["action"]),
             _attribute("string", "lifecycle:transition", "complete"),
             _attribute("date", "time:timestamp", _timestamp(event["at"], zone)),
             _attribute("int", "rexian:seq", event["seq"])]
    for key, name in (("actor_id", "org:resource"), ("actor_unit_id", "org:group"),
                      ("target_unit_id", "rexian:target_unit_id"), ("source", "rexian:source"),
                      ("hash", "rexian:hash")):
        if event.get(key) is not None:
            parts.append(_attribute("string", name, event[key]))
    payload = event.get("payload")
    if payload:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, sort_keys=True)
        parts.append(_attribute("string", "rexian:payload", text))
    return "<event>" + "".join(parts) + "</event>\n"
