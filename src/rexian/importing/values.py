"""Turning source cell values into ours: missing values, text, times."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Sequence
from zoneinfo import ZoneInfo

EXCEL_EPOCH = datetime(1899, 12, 30)

# Tried after the mapping's own formats: the ISO forms and the common Chinese export forms.
FALLBACK_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日%H时%M分",
                    "%Y年%m月%d日 %H点%M分", "%Y年%m月%d日%H点%M分", "%Y%m%d%H%M%S", "%Y-%m-%d", "%Y/%m/%d")


def unreadable_time(what: str, formats: Sequence[str]) -> str:
    """The reason for a time no format reads, naming the formats tried (the mapping's first)."""
    tried = "、".join([*formats, "ISO 8601", *FALLBACK_FORMATS])
    return f"{what}无法解析（已尝试格式：{tried}；可在映射 date_formats 中写明）"


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


def parse_time(value: Any, formats: Sequence[str], zone: ZoneInfo | None) -> datetime:
    """A naive local time, or ValueError. Times with an offset are moved into `zone` when the mapping
    names one; otherwise the offset is dropped and the wall-clock time kept as written."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 20_000 < value < 80_000:
        # An Excel date serial in a cell not formatted as date, to the nearest second: a serial written with a
        # few decimals (46086.38, 46122.423611) carries rounding noise, not milliseconds.
        parsed = EXCEL_EPOCH + timedelta(seconds=round(value * 86_400))
    elif isinstance(value, (int, float)):
        raise ValueError(value)
    else:
        parsed = _parse_text(str(value).strip(), tuple(formats))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(zone) if zone else parsed
        parsed = parsed.replace(tzinfo=None)
    return parsed


@lru_cache(maxsize=65_536)  # exports repeat the same times on many rows (intake time on every snapshot)
def _parse_text(text: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in FALLBACK_FORMATS:
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
