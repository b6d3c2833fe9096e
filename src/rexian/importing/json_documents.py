"""JSON documents as an open data API delivers them: one document per file (a page of a paged query), the
records somewhere inside an envelope (`{"code":0,"data":{"records":[…]}}`), each record an object with nested
objects (`operator: {userId, deptId}`) and nested arrays of objects (`flowList: [{operType, operTime …}]`).

The mapping says where the records are and, for a part of the export made of the elements of a nested array,
which array (`json: {records: data.records, rows: flowList}`, docs/importing.md "JSON documents"). Every row is
flat: a nested object's keys are joined to their parent's with a dot (`caller.phone`, `operator.userId`); a list
gives each of its values under its path, joined with `;` (`attachList.fileName` = 「a.jpg;b.pdf」); with `rows`, one
row per element of that array, the element's fields under the array's name (`flowList.operTime`) beside the
record's own fields. So one document serves the flow records, the ticket sheet (one row per record) and each
event sheet (`rows: visitList`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

LIST_SEPARATOR = ";"
DOCUMENT_KINDS = {"json": "JSON", "xml": "XML"}  # the mapping key of each document format → its name in remarks
OWN_VALUE = "#text"  # an object's own value beside its keys: an XML element's text beside its attributes
# (<Category code="0301">噪音扰民</Category>: `Category` = 噪音扰民, `Category.code` = 0301; xmltodict's key too)


def is_document_remark(reason: str) -> bool:
    """Whether a remark is about where a document's records are (mapping check lists them)."""
    return any(f"{name} 文档" in reason for name in DOCUMENT_KINDS.values())


def document_key(raw: dict[str, Any], where: str, error: type[Exception]) -> dict[str, Any]:
    """A mapping (or section) with its document paths under `json`: `xml:` is the same setting written for XML
    packages (one of the two)."""
    if "xml" not in raw:
        return raw
    if "json" in raw:
        raise error(f"{where}：json 与 xml 只写其一（二者都是文档中记录与行的路径）")
    return {("json" if key == "xml" else key): value for key, value in raw.items()}


@dataclass(frozen=True)
class JsonPaths:
    records: str | None = None  # dotted path to the list of records in each document; None: the document itself
    rows: str | None = None  # dotted path, inside a record, to the array whose elements are the rows


def read_json_paths(raw: Any, where: str, error: type[Exception], inherited: JsonPaths | None = None) -> JsonPaths | None:
    """`json: {records: data.records, rows: flowList}` (each optional); a section inherits the flow mapping's
    `records` unless it gives its own."""
    if raw is None:
        return inherited
    if not isinstance(raw, dict) or set(raw) - {"records", "rows"} or not all(
            isinstance(value, str) and value.strip() for value in raw.values()):
        raise error(f"{where}：json 应为（xml 同样）{{records: 记录所在的路径（如 data.records、Body.WorkOrder）, rows: "
                    f"记录内逐行展开的数组（如 flowList、Flows.Flow）}}，路径用 . 分隔")
    return JsonPaths(records=raw.get("records", inherited.records if inherited else None), rows=raw.get("rows"))


def at_path(document: Any, path: str | None) -> Any:
    """The value at a dotted path (None when a step is missing or not an object). A list of one object is that
    object on the way (an XML wrapper element that holds one child: `<Body><WorkOrder>…` with `Body` alone)."""
    if not path:
        return document
    value = document
    for step in path.split("."):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    return value


def flatten(value: Any, prefix: str = "", into: dict[str, Any] | None = None) -> dict[str, Any]:
    """A nested object as one flat row: object keys joined with dots, a list's values joined with `;` under
    the list's path (a list of objects: each key's values), true/false as the words `true`/`false`."""
    into = {} if into is None else into
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(inner, prefix if key == OWN_VALUE else f"{prefix}.{key}" if prefix else str(key), into)
    elif isinstance(value, list):
        collected: dict[str, list[str]] = {}
        for element in value:
            for key, inner in flatten(element, prefix).items():
                if inner is not None and str(inner) != "":
                    collected.setdefault(key, []).append(str(inner))
        if not collected:
            into.setdefault(prefix, None)
        for key, parts in collected.items():
            into[key] = LIST_SEPARATOR.join(parts)
    elif isinstance(value, bool):
        into[prefix] = "true" if value else "false"
    else:
        into[prefix] = value
    return into


def document_rows(document: Any, paths: JsonPaths | None, file: str, notes,
                  kind: str = "json") -> list[tuple[int, dict[str, Any]]]:
    """The rows of `_rows` with one set of columns: a key missing from a record (or element) reads as null, as an
    empty cell of a sheet — so every row of a document has the same columns, as the rows of a sheet share its
    header (`mapping check` then tells a column no record has from one that some records leave out)."""
    rows = list(_rows(document, paths, file, notes, kind))
    columns: dict[str, None] = {}
    for _, row in rows:
        columns.update(dict.fromkeys(row))
    return [(number, {**columns, **row}) for number, row in rows]


def _rows(document: Any, paths: JsonPaths | None, file: str, notes, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, flat row) of one document: each record, numbered by its position among the records (1-based),
    or, with `rows`, each element of that array in each record, the record's fields beside it, numbered 1, 2 … in
    the order they are made (record by record, element by element). `notes(reason)` is told of a document whose
    records are not where the mapping says, and of records that are not objects; `kind` is the document's format
    (json / xml), named in those remarks with its mapping key.

    An object where a list is expected is a list of one: an XML element that happens to occur once (one visit),
    as XML-to-JSON converters write it too."""
    paths = paths or JsonPaths()
    name = DOCUMENT_KINDS[kind]
    records = at_path(document, paths.records)
    if paths.records and records is None:
        notes(f"{name} 文档中没有 {paths.records}（映射的 {kind}.records）：{_shape(document)}")
        return
    if isinstance(records, dict):
        hint = records_hint(records) if not paths.records else None
        if hint:
            notes(f"文件是一个 {name} 文档，整份读作一条记录；其中 {hint[0]} 是 {hint[1]} 个对象的列表——"
                  f"若这些是记录，在映射中写 {kind}: {{records: {hint[0]}}}")
        records = [records]
    if not isinstance(records, list):
        notes(f"{name} 文档的 {paths.records or '整体'} 不是记录的列表：{_shape(records)}")
        return
    number = 0
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            notes(f"第 {position} 条记录不是 {name} 对象（元素），未读取")
            continue
        if not paths.rows:
            yield position, flatten(record)
            continue
        elements = at_path(record, paths.rows)
        if elements is None:
            continue
        if isinstance(elements, dict):
            elements = [elements]
        if not isinstance(elements, list):
            notes(f"第 {position} 条记录的 {paths.rows} 不是数组，未读取")
            continue
        own = {key: value for key, value in flatten(record).items()
               if key != paths.rows and not key.startswith(paths.rows + ".")}
        for element in elements:
            number += 1
            yield number, {**own, **flatten(element, paths.rows)}


def records_hint(document: Any, limit: int = 3) -> tuple[str, int] | None:
    """The dotted path of the longest list of objects in a document's envelope (searched `limit` objects deep,
    not inside such a list), with its length: where a paged API answer keeps its records."""
    best: tuple[str, int] | None = None
    pending = [("", document, 0)]
    while pending:
        path, value, depth = pending.pop()
        if isinstance(value, list) and value and all(isinstance(element, dict) for element in value):
            if path and (best is None or len(value) > best[1]):
                best = (path, len(value))
            continue
        if isinstance(value, dict) and depth < limit:
            pending += [(f"{path}.{key}" if path else str(key), inner, depth + 1) for key, inner in value.items()]
    return best


def arrays_of_objects(record: dict[str, Any]) -> list[str]:
    """The keys (dotted) of a record's nested arrays of objects: the candidates for `rows`."""
    found = []
    pending = [("", record)]
    while pending:
        path, value = pending.pop()
        for key, inner in value.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(inner, list) and any(isinstance(element, dict) for element in inner):
                found.append(here)
            elif isinstance(inner, dict):
                pending.append((here, inner))
    return sorted(found)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "对象，键为 " + "、".join([str(key) for key in value if key != OWN_VALUE][:8])
    if isinstance(value, list):
        return f"{len(value)} 项的列表"
    return f"值 {str(value)[:40]!r}"
