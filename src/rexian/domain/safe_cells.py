"""Cells safe to open (OWASP CSV injection): a text cell that a spreadsheet would read as a formula — it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return — is written with a leading apostrophe, so that citizens'
text such as `=HYPERLINK(...)` or `cmd|' /C calc'!A0` is shown, never run. The one helper every CSV and
Excel writer of reports, workbooks and rejects lists uses (docs/trust.md).

Numbers and other non-text values are left alone (a negative number is a number, not a formula). A text that
already starts with an apostrophe before such a character gets one more, so `restore` gives back exactly
what was written.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_prefix(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet cell that cannot be a formula."""
    if isinstance(value, str) and _needs_prefix(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The inverse of `neutralise`, for a reader of files this program wrote."""
    if isinstance(value, str) and value.startswith("'") and _needs_prefix(value[1:]):
        return value[1:]
    return value


def neutralise_row(values: Any) -> list[Any]:
    return [neutralise(value) for value in values]
