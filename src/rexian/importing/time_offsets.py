"""Times written with offsets that differ, read without `timezone:`: said once, since the order may be wrong.

Without the mapping's `timezone` an offset is dropped and the wall-clock time kept as written (importing/values.py
`parse_time`): right for a log written in one place's time (+01:00 in winter, +02:00 in summer), wrong for one
that mixes zones — an event log whose routing system writes UTC (`…Z`) beside a case system's local time, an API
whose app writes +08:00 beside a server writing UTC. There the kept wall-clock times put events out of order, so
the first time that shows such a mix is told as a remark naming the offsets and the fix.
"""

from __future__ import annotations

import re
from typing import Any

from rexian.importing.rejects import RejectLog

_OFFSET = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def offset_minutes(value: Any) -> int | None:
    """The offset a written time carries, in minutes east of UTC (`Z` is 0), or None."""
    if not isinstance(value, str):
        return None
    found = _OFFSET.search(value.strip())
    if found is None:
        return None
    text = found.group(1).upper()
    if text == "Z":
        return 0
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return -minutes if text[0] == "-" else minutes


def mixed(offsets: set[int]) -> bool:
    """More than one place's time: three offsets or more, or two more than an hour apart (one place's summer and
    winter time differ by an hour)."""
    return len(offsets) > 2 or (len(offsets) == 2 and max(offsets) - min(offsets) > 60)


def _written(minutes: int) -> str:
    if minutes == 0:
        return "Z/+00:00"
    sign = "+" if minutes > 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class OffsetWatch:
    """The offsets seen in one run's times; the first row that makes them a mix of zones is remarked once."""

    def __init__(self) -> None:
        self.offsets: set[int] = set()
        self.told = False

    def see(self, value: Any, file: str, row: int, column: str, rejects: RejectLog) -> None:
        minutes = offset_minutes(value)
        if minutes is None or minutes in self.offsets:
            return
        self.offsets.add(minutes)
        if not self.told and mixed(self.offsets):
            self.told = True
            written = "、".join(_written(m) for m in sorted(self.offsets))
            rejects.note(file, f"时间写有不同时区的偏移（{written}），映射没有写 timezone：偏移被丢弃、只按所写的钟点"
                               f"排序，不同偏移的事件先后会颠倒；写 timezone:（来源所在地的时区，如 Europe/Amsterdam，"
                               f"或中心的 Asia/Shanghai）把它们换算到同一时区", row, column, value)
