"""The outputs' JSON text is json.dumps's, byte for byte (json_text.py)."""

import json

import pytest

from rexian.analytics.json_text import dumps, indented_records

RECORDS = [
    [{"scope": "全部", "value": 0.6008, "numerator": 155, "denominator": 258, "formula": "按时签收率 = a ÷ b"},
     {"scope": "单位", "value": None, "numerator": 0, "denominator": 0, "formula": ""}],
    [{"text": "},\n  {", "quote": "\"}\n {\"", "slash": "\\", "tab": "a\tb\u2028c", "emoji": "😀"}],
    [{"big": 1e300, "small": 5e-324, "negative_zero": -0.0, "nan": float("nan"), "inf": float("-inf"),
      "true": True, "false": False, "int": 10**20}],
    [{"only": 1}],
    [],
    [{}],
    [{"a": 1}, {}],
    [{"nested": [1, 2]}, {"nested": {"x": "y"}}],
    [{"a": 1}, [1, 2]],
]


@pytest.mark.parametrize("records", RECORDS)
def test_indented_records_are_the_text_json_dumps_writes_with_indent_one(records):
    assert indented_records(records) == json.dumps(records, ensure_ascii=False, indent=1)


def test_indented_records_of_a_metrics_table_read_back_to_the_same_records():
    records = [{"period": f"2025-{month:02d}", "metric": "按时签收率", "value": month / 7, "numerator": month}
               for month in range(1, 13)]

    assert json.loads(indented_records(records)) == records


@pytest.mark.parametrize("value", [{"a": [1, "二", None]}, ["x", 1.5], "中文\n", 3, None, {"t": {"min": 2}}])
def test_dumps_is_json_dumps_without_ascii_escapes(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False)
