"""Turning source cell values into ours: missing values, text, times."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Sequence
from zoneinfo import ZoneInfo

EXCEL_EPOCH = datetime(1899, 12, 30)

# Tried after the mapping's own formats: the ISO forms and the common Chinese export forms.
FALLBACK_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日%H时%M分",
                    "%Y年%m月%d日 %H点%M分", "%Y年%m月%d日%H点%M分", "%Y%m%d%H%M%S", "%Y-%m-%d", "%Y/%m/%d")


# Epoch times, as database dumps write them: `epoch_ms` / `epoch_s` in date_formats. A 13-digit number between
# these bounds (2000-01-01 … 2100-01-01 UTC) is read as milliseconds even when no format names it: no written date
# is 13 digits long. Seconds (10 digits) must be named: 2026030509 could be a date to the hour.
EPOCH_FORMATS = {"epoch_ms": 1000, "epoch_s": 1}
EPOCH_MS_BOUNDS = (946_684_800_000, 4_102_444_800_000)


def unreadable_time(what: str, formats: Sequence[str]) -> str:
    """The reason for a time no format reads, naming the formats tried (the mapping's first)."""
    tried = "、".join([*formats, "ISO 8601", *FALLBACK_FORMATS, "13位毫秒时间戳"])
    return f"{what}无法解析（已尝试格式：{tried}；可在映射 date_formats 中写明，纪元秒写 epoch_s）"


@lru_cache(maxsize=1)
def centre_zone() -> ZoneInfo:
    """The hotline centre's zone (setting `timezone`): where an epoch time, an instant, is read as wall-clock time
    when the mapping names no `timezone`."""
    from rexian.settings import load_settings

    return ZoneInfo(load_settings()["timezone"])


def _epoch(value: Any, formats: Sequence[str], zone: ZoneInfo | None) -> datetime | None:
    """An epoch time (seconds or milliseconds since 1970-01-01 UTC) as a naive local time; None when the value
    is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    text = as_text(value) if not isinstance(value, str) else value.strip()
    if not text.isdigit():
        return None
    number = int(text)
    scales = [EPOCH_FORMATS[fmt] for fmt in formats if fmt in EPOCH_FORMATS]
    if not scales and len(text) == 13 and EPOCH_MS_BOUNDS[0] <= number < EPOCH_MS_BOUNDS[1]:
        scales = [1000]
    for scale in scales:
        if EPOCH_MS_BOUNDS[0] <= number * 1000 // scale < EPOCH_MS_BOUNDS[1]:
            instant = datetime.fromtimestamp(number / scale, timezone.utc)
            return instant.astimezone(zone or centre_zone()).replace(tzinfo=None)
    return None


def is_missing(value: Any, nulls: frozenset[str]) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from spreadsheets and Parquet
        return True
    return isinstance(value, str) and value.strip() in nulls


def as_text(value: Any) -> str:
    """A cell as text: whole floats lose their `.0` (Excel stores ticket numbers as floats)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


SERIAL_TEXT = re.compile(r"^\s*\d{5}(?:\.\d+)?\s*$")


def parse_time(value: Any, formats: Sequence[str], zone: ZoneInfo | None) -> datetime:
    """A naive local time, or ValueError. Times with an offset are moved into `zone` when the mapping
    names one; otherwise the offset is dropped and the wall-clock time kept as written."""
    epoch = _epoch(value, formats, zone)
    if epoch is not None:
        return epoch
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and SERIAL_TEXT.match(value) and 20_000 < float(value) < 80_000:
        # the same serial written as text: a CSV saved from such a sheet, or a cell stored as text (no written
        # date is five digits long)
        parsed = EXCEL_EPOCH + timedelta(seconds=round(float(value) * 86_400))
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 20_000 < value < 80_000:
        # An Excel date serial in a cell not formatted as date, to the nearest second: a serial written with a
        # few decimals (46086.38, 46122.423611) carries rounding noise, not milliseconds.
        parsed = EXCEL_EPOCH + timedelta(seconds=round(value * 86_400))
    elif isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    elif isinstance(value, (int, float)):  # a whole number: a digits-only time in a number cell (20260305091400)
        parsed = _parse_text(as_text(value), tuple(formats))
    else:
        parsed = _parse_text(str(value).strip(), tuple(formats))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(zone) if zone else parsed
        parsed = parsed.replace(tzinfo=None)
    return parsed


_DIGIT_WIDTHS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2}


@lru_cache(maxsize=256)
def _digits_width(fmt: str) -> int | None:
    """The length of a time written by `fmt` when it is digits only (%Y%m%d%H%M%S → 14), else None."""
    parts = [fmt[i:i + 2] for i in range(0, len(fmt), 2)]
    if len(fmt) % 2 or not all(part in _DIGIT_WIDTHS for part in parts):
        return None
    return sum(_DIGIT_WIDTHS[part] for part in parts)


def _short_digits(text: str, fmt: str) -> bool:
    """A digits-only text shorter or longer than a digits-only format writes: strptime would read single digits
    (1768333320, epoch seconds, as %Y%m%d%H%M%S → 1768-03-03 03:32), so the format does not apply."""
    width = _digits_width(fmt)
    return width is not None and text.isdigit() and len(text) != width


@lru_cache(maxsize=65_536)  # exports repeat the same times on many rows (intake time on every snapshot)
def _parse_text(text: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        if fmt in EPOCH_FORMATS or _short_digits(text, fmt):
            continue
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in FALLBACK_FORMATS:
        if _short_digits(text, fmt):
            continue
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise ValueError(text)


def joined_value(parts: Sequence[Any], nulls: frozenset[str]) -> Any:
    """One value from several cells (`joined_columns`): a date cell and a time-of-day cell make one time
    (「2026-01-05」 + 「10:59:00」); other cells are joined by a space. Missing cells are left out; None when
    all are missing."""
    present = [part for part in parts if not is_missing(part, nulls)]
    if not present:
        return None
    if len(present) == 2 and isinstance(present[0], date) and isinstance(present[1], time):
        day = present[0].date() if isinstance(present[0], datetime) else present[0]
        return datetime.combine(day, present[1])
    texts = [part.date().isoformat() if isinstance(part, datetime) and part.time() == time() and len(present) > 1
             else part.isoformat() if isinstance(part, (date, time)) and not isinstance(part, datetime)
             else as_text(part) for part in present]
    return " ".join(texts)
