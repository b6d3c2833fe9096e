"""JSON text of an analysis' outputs, the same as `json.dumps` gives, at less cost.

`json.dumps(value, ensure_ascii=False)` builds a new encoder on every call (only the default options reuse one):
written per finding, per workbook row and per stored text answer, that is tens of thousands of encoders for
a small log. And `indent=` makes `json` fall back to its pure-Python encoder, which took 0.1 s of a warm small
log's analysis for metrics.json alone (docs/speed.md, eleventh pass).
"""

from __future__ import annotations

import json
from typing import Any

# One encoder for every call: the text is exactly `json.dumps(value, ensure_ascii=False)`'s.
dumps = json.JSONEncoder(ensure_ascii=False).encode

# Objects at depth 2 of an `indent=1` document are separated by a newline and two spaces. With no `indent` the
# C encoder is used, and it puts the item separator between the items of lists and objects alike.
_ROW_ITEMS = json.JSONEncoder(ensure_ascii=False, separators=(",\n  ", ": ")).encode
_SCALARS = {str, int, float, bool, type(None)}


def indented_records(records: list[dict[str, Any]]) -> str:
    """`json.dumps(records, ensure_ascii=False, indent=1)`, byte for byte, for a list of non-empty flat objects
    (every value a string, number, boolean or null), through the C encoder; anything else goes through `json`.

    Why the text is the same: the encoder writes the whole list with ",\\n  " between items, so each object's
    members are already laid out as `indent=1` lays them out; only the list's own separators and the objects'
    braces need their newlines. JSON strings hold no raw newline (it is written `\\n`), and no value is an
    object, so "},\\n  {" occurs only between two objects of the list."""
    flat = all(type(row) is dict and row for row in records)
    if not records or not flat or not {type(value) for row in records for value in row.values()} <= _SCALARS:
        return json.dumps(records, ensure_ascii=False, indent=1)
    text = _ROW_ITEMS(records)  # '[{"a": 1,\n  "b": 2},\n  {"a": 3,\n  "b": 4}]'
    return "[\n {\n  " + text[2:-2].replace("},\n  {", "\n },\n {\n  ") + "\n }\n]"
