"""Dates and times typed into the web's forms, whatever the browser's locale.

A native `<input type="date">` shows the date in the order of the browser's locale (mm/dd/yyyy in an English
Chromium, dd/mm/yyyy in a British one), so every date field of the application is a text field that shows and
takes yyyy-mm-dd (a time: yyyy-mm-dd hh:mm), with a button opening the browser's own picker
(static/dates.js) that writes back yyyy-mm-dd. The server reads what people type — 2026-03-05, 2026-3-5,
2026/3/5, 2026.3.5, 20260305, 2026年3月5日, a time after a space or a `T` — and refuses anything else with a
Chinese message naming the field and the expected form, never silently dropping it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

DATE_FORM = "yyyy-mm-dd"
DATETIME_FORM = "yyyy-mm-dd hh:mm"
MONTH_FORM = "yyyy-mm"
_DATE = r"(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))"
_MONTH = re.compile(r"\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*")
_DATE_ONLY = re.compile(rf"\s*{_DATE}\s*")
_DATE_TIME = re.compile(rf"\s*{_DATE}(?:\s*[T\s]\s*(\d{{1,2}})\s*[:：时]\s*(\d{{2}})(?:\s*[:：分]\s*(\d{{2}})\s*秒?)?\s*分?)?\s*")


class UnreadableDate(ValueError):
    """A date or time the field cannot read; the message (Chinese) names the field and the form expected."""


def _day(match: re.Match, label: str, text: str) -> date:
    year, month, day = int(match[1]), int(match[2] or match[4]), int(match[3] or match[5])
    try:
        return date(year, month, day)
    except ValueError:
        raise UnreadableDate(f"{label}「{text.strip()}」不是存在的日期（格式 {DATE_FORM}）") from None


def read_date(text: str | None, label: str = "日期") -> date | None:
    """The date typed into a field; None when it is empty; UnreadableDate otherwise."""
    if text is None or not str(text).strip():
        return None
    match = _DATE_ONLY.fullmatch(str(text))
    if match is None:
        raise UnreadableDate(f"{label}「{str(text).strip()}」无法识别：请按 {DATE_FORM} 填写，例如 2026-03-05")
    return _day(match, label, str(text))


def read_datetime(text: str | None, label: str = "时间") -> datetime | None:
    """The date and time typed into a field (a date alone is its midnight); None when empty; UnreadableDate
    otherwise."""
    if text is None or not str(text).strip():
        return None
    match = _DATE_TIME.fullmatch(str(text))
    if match is None:
        raise UnreadableDate(f"{label}「{str(text).strip()}」无法识别：请按 {DATETIME_FORM} 填写，例如 2026-03-05 17:30")
    day = _day(match, label, str(text))
    try:
        return datetime(day.year, day.month, day.day, int(match[6] or 0), int(match[7] or 0), int(match[8] or 0))
    except ValueError:
        raise UnreadableDate(f"{label}「{str(text).strip()}」不是存在的时刻（格式 {DATETIME_FORM}）") from None


def read_dates(values: dict, labels: dict[str, str]) -> list[str]:
    """Each of `labels`' fields of `values` read as typed and put back as yyyy-mm-dd (None when empty); a date that
    cannot be read is set to None and its Chinese message returned, so a list names it instead of applying it."""
    problems = []
    for name, label in labels.items():
        try:
            day = read_date(values.get(name), label)
        except UnreadableDate as error:
            problems.append(str(error))
            day = None
        values[name] = day.isoformat() if day else None
    return problems


def read_month(text: str | None, label: str = "月份") -> str | None:
    """The month typed into a field as yyyy-mm (2026-3, 2026/03, 2026.3, 202603, 2026年3月); None when empty;
    UnreadableDate otherwise."""
    if text is None or not str(text).strip():
        return None
    match = _MONTH.fullmatch(str(text))
    month = int(match[2] or match[3]) if match else 0
    if match is None or not 1 <= month <= 12:
        raise UnreadableDate(f"{label}「{str(text).strip()}」无法识别：请按 {MONTH_FORM} 填写，例如 2026-03")
    return f"{int(match[1]):04d}-{month:02d}"
