"""XML documents as platforms exchange them: one package per file (a month's work orders sent up to the province's
12345 exchange platform, a data-sharing platform's delivery), the records inside an envelope
(`<Package><Head>…</Head><Body><WorkOrder>…</WorkOrder>…</Body></Package>`), each record an element with nested
elements and attributes and repeated children (`<Flows><Flow>…</Flow>…</Flows>`).

Such a document is read as the same nested objects a JSON document is (importing/json_documents.py), so the
mapping says where the records and rows are in the same way (`xml: {records: Body.WorkOrder, rows: Flows.Flow}`,
docs/importing.md "XML documents"):
- paths start below the root element and use the elements' local names (namespaces dropped);
- an element's attributes are its keys (`Caller.phone`), beside its child elements; an element with text and
  attributes gives its text under its own path (`Category` = 噪音扰民, `Category.code` = 0301); an empty element
  is null;
- a child element that occurs more than once under its parent, or that is the only kind of child of a wrapper
  (`<Flows>`, `<Visits>`, `<Attachments>`), is a list — so a ticket with one visit still has a list of visits.

The declared encoding is honoured whatever it is: Python's XML parser reads UTF-8, UTF-16 and the single-byte
encodings only, so a package declared GBK / GB2312 / GB18030 (what Chinese government XML usually declares) is
decoded here (as GB18030, their superset) and handed on as UTF-8. Undeclared, not valid UTF-8: GB18030, as for CSV.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring

from rexian.importing.json_documents import OWN_VALUE

DECLARATION = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)([\"'])")
EXPAT_ENCODINGS = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii", "latin-1", "iso8859-1"}
CHINESE_ENCODINGS = {"gbk", "gb2312", "gb18030", "hz"}


class XmlDocumentError(ValueError):
    """A file that is not a readable XML document; the message is a sentence for the rejects file."""


def declared_codec(head: bytes) -> str | None:
    """The codec a document must be decoded with before the XML parser can read it, from its first bytes (its
    byte-order mark and declaration): None when the parser reads it as it is (UTF-8, UTF-16 with its byte-order
    mark, a single-byte encoding, no declaration); GB18030 for the Chinese declarations."""
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    declared = DECLARATION.match(head)
    if not declared:
        return None
    name = declared.group(2).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise XmlDocumentError(f"XML 声明的编码 {name} 无法识别") from None
    if codec in CHINESE_ENCODINGS or codec == "cp936":
        return "gb18030"
    if codec in EXPAT_ENCODINGS or (codec.startswith(("iso8859", "cp")) and codec != "cp950"):
        return None
    return codec


def utf8_xml(data: bytes) -> bytes:
    """The document's bytes in an encoding the XML parser reads: as they are when they already are, else decoded
    by its declaration and re-encoded as UTF-8 with the declaration saying so; undeclared and not valid UTF-8,
    read as GB18030 (as a CSV file is)."""
    codec = declared_codec(data[:512])
    if codec is None:
        if DECLARATION.match(data[:512]) or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            codec = "gb18030"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise XmlDocumentError(f"XML 按 {codec} 解码失败：第 {error.start + 1} 个字节起无法解码（编码声明与内容不符？）"
                               ) from None
    return DECLARATION.sub(lambda m: m.group(1) + b"UTF-8" + m.group(3), text.encode("utf-8"), count=1)


def xml_document(data: bytes) -> Any:
    """The document below its root element as nested objects and lists (see the module)."""
    try:
        root = fromstring(utf8_xml(data))
    except ParseError as error:
        line, column = error.position
        raise XmlDocumentError(f"XML 无法解析：第 {line} 行第 {column + 1} 列：{_reason(error)}（文件不完整或不是 XML？）"
                               ) from None
    value = element_value(root)
    return value if isinstance(value, dict) else {OWN_VALUE: value}


def root_name(data: bytes) -> str | None:
    """The root element's local name, or None when the bytes are not an XML document."""
    try:
        return _local(fromstring(utf8_xml(data)).tag)
    except (ParseError, XmlDocumentError):
        return None


def element_value(element: Element) -> Any:
    """An element as a value: its text when it has neither attributes nor children (None when empty), else an
    object of its attributes and children, its text under OWN_VALUE."""
    children = list(element)
    attributes = {_local(key): value for key, value in element.attrib.items()}
    text = (element.text or "").strip()
    if not children and not attributes:
        return text or None
    value: dict[str, Any] = dict(attributes)
    tags = Counter(_local(child.tag) for child in children)
    wrapper = len(tags) == 1 and not text  # <Flows><Flow/>…</Flows>: the one kind of child is a list
    for child in children:
        tag = _local(child.tag)
        inner = element_value(child)
        if wrapper or tags[tag] > 1:
            listed = value.get(tag)
            value[tag] = [*listed, inner] if isinstance(listed, list) else [inner]
        else:
            value[tag] = inner
    if text:
        value[OWN_VALUE] = text
    return value


def _local(name: str) -> str:
    """A tag or attribute name without its namespace ({http://…}Flow → Flow)."""
    return name.rsplit("}", 1)[-1]


def _reason(error: ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(error))
