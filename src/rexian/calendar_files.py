"""Working-calendar year files: read, validate, and build a `WorkCalendar`.

One JSON file per year (`YYYY.json`, format in docs/calendar.md). The packaged files in `rexian/calendar_data`
are read first, then the files in the `calendar_dir` setting, each of which replaces the packaged year of the
same number. Any fault is refused with a `CalendarFileError` naming the file and the offending value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

from rexian.domain.calendar import WorkCalendar
from rexian.domain.vocabulary import WEEKDAY_NAMES

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_FILE = re.compile(r"\d{4}\.json")
_KEYS = {"year", "source", "holidays", "workdays"}
_OPTIONAL_KEYS = {"note"}
__all__ = ["WEEKDAY_NAMES", "CalendarFileError", "DateBlock", "YearFile", "describe_dates", "parse_year_file", "read_year_file",
           "load_year_files", "build_calendar", "load_calendar", "counted_year"]


class CalendarFileError(ValueError):
    """A calendar year file that cannot be used; the message names the file and the value."""


@dataclass(frozen=True)
class DateBlock:
    name: str
    dates: tuple[date, ...]
    changed: tuple[date, ...] = ()  # the block's days the administrator set otherwise (YearFile.under): not counted

    def span(self, show: Callable[[date], str] = date.isoformat) -> str:
        """The block's dates in words: a run as 「first至last，共 n 天」, otherwise each date."""
        return describe_dates(self.dates, show)


def describe_dates(dates: Iterable[date], show: Callable[[date], str] = date.isoformat) -> str:
    dates = sorted(dates)
    if not dates:
        return "（无）"
    if len(dates) > 1 and (dates[-1] - dates[0]).days == len(dates) - 1:
        return f"{show(dates[0])}至{show(dates[-1])}，共 {len(dates)} 天"
    return "、".join(show(d) for d in dates)


@dataclass(frozen=True)
class YearFile:
    year: int
    source: str
    holidays: tuple[DateBlock, ...]
    workdays: tuple[DateBlock, ...]
    origin: str

    def holiday_dates(self) -> set[date]:
        return {d for block in self.holidays for d in block.dates}

    def workday_dates(self) -> set[date]:
        return {d for block in self.workdays for d in block.dates}

    def under(self, days: Iterable[date]) -> "YearFile":
        """The file as it counts beside the administrator's days (docs/calendar.md): each block without the days
        the administrator set (a reset day no longer listed as a file holiday), which are named in its
        `changed`; a block left without days stays, so the change is seen."""
        days = set(days)

        def kept(blocks: tuple[DateBlock, ...]) -> tuple[DateBlock, ...]:
            return tuple(DateBlock(b.name, tuple(d for d in b.dates if d not in days),
                                   tuple(d for d in b.dates if d in days)) for b in blocks)

        return replace(self, holidays=kept(self.holidays), workdays=kept(self.workdays))


def parse_year_file(text: str, origin: str) -> YearFile:
    """Validate one year file's text; `origin` names it in error messages."""
    def fail(message: str) -> CalendarFileError:
        return CalendarFileError(f"日历文件 {origin}：{message}")

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise fail(f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）") from None
    if not isinstance(document, dict):
        raise fail("顶层必须是对象 {…}")
    missing = _KEYS - document.keys()
    if missing:
        raise fail(f"缺少字段 {', '.join(sorted(missing))}")
    unknown = document.keys() - _KEYS - _OPTIONAL_KEYS
    if unknown:
        raise fail(f"未知字段 {', '.join(sorted(unknown))}")
    year = document["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise fail(f"year 必须是四位年份，而不是 {year!r}")
    source = document["source"]
    if not isinstance(source, str) or not source.strip():
        raise fail("source 必须写明依据的通知，例如“国务院办公厅关于%d年部分节假日安排的通知”" % year)

    holidays = _blocks(document["holidays"], "holidays", year, fail)
    workdays = _blocks(document["workdays"], "workdays", year, fail)
    parsed = YearFile(year, source.strip(), holidays, workdays, origin)
    both = sorted(parsed.holiday_dates() & parsed.workday_dates())
    if both:
        raise fail(f"{both[0].isoformat()} 既是放假日又是调休上班日")
    weekdays = sorted(d for d in parsed.workday_dates() if d.weekday() < 5)
    if weekdays:
        day = weekdays[0]
        raise fail(f"调休上班日 {day.isoformat()} 是星期{WEEKDAY_NAMES[day.weekday()]}，不是周末")
    return parsed


def _blocks(value: Any, field: str, year: int, fail) -> tuple[DateBlock, ...]:
    if not isinstance(value, list):
        raise fail(f"{field} 必须是列表")
    blocks = []
    for index, entry in enumerate(value, start=1):
        where = f"{field} 第 {index} 项"
        if not isinstance(entry, dict) or set(entry) != {"name", "dates"}:
            raise fail(f"{where} 必须是 {{\"name\": …, \"dates\": […]}}，而不是 {entry!r}")
        name, dates = entry["name"], entry["dates"]
        if not isinstance(name, str) or not name.strip():
            raise fail(f"{where} 的 name 不能为空")
        if not isinstance(dates, list) or not dates:
            raise fail(f"{where}（{name}）的 dates 必须是非空列表")
        blocks.append(DateBlock(name.strip(), tuple(_date(text, year, f"{where}（{name}）", fail) for text in dates)))
    return tuple(blocks)


def _date(text: Any, year: int, where: str, fail) -> date:
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise fail(f"{where} 的日期 {text!r} 不是 YYYY-MM-DD 格式")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise fail(f"{where} 的日期 {text!r} 不存在") from None
    if day.year != year:
        raise fail(f"{where} 的日期 {text} 不在 {year} 年内（跨年的日期写进它所在年份的文件）")
    return day


def read_year_file(path: Path) -> YearFile:
    """Read and validate one file; a file named YYYY.json must hold that year."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarFileError(f"日历文件 {path}：无法读取（{error}）") from None
    parsed = parse_year_file(text, str(path))
    if _YEAR_FILE.fullmatch(path.name) and path.stem != str(parsed.year):
        raise CalendarFileError(f"日历文件 {path}：文件名是 {path.name}，内容却是 {parsed.year} 年")
    return parsed


def _packaged_files() -> Iterable[tuple[str, str]]:
    folder = resources.files("rexian.calendar_data")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if _YEAR_FILE.fullmatch(entry.name):
            yield entry.name, entry.read_text(encoding="utf-8")


def load_year_files(extra_dir: Path | None = None) -> dict[int, YearFile]:
    """The packaged year files, each replaced by a file of the same year in `extra_dir`."""
    years: dict[int, YearFile] = {}
    for name, text in _packaged_files():
        parsed = parse_year_file(text, f"rexian/calendar_data/{name}")
        years[parsed.year] = parsed
    if extra_dir is not None:
        extra_dir = Path(extra_dir)
        if not extra_dir.is_dir():
            raise CalendarFileError(f"日历目录 {extra_dir} 不存在或不是目录（设置项 calendar_dir）")
        for path in sorted(extra_dir.glob("*.json")):
            if not _YEAR_FILE.fullmatch(path.name):
                raise CalendarFileError(f"日历文件 {path}：文件名必须是 YYYY.json")
            parsed = read_year_file(path)
            years[parsed.year] = parsed
    return years


def build_calendar(year_files: Iterable[YearFile]) -> WorkCalendar:
    year_files = list(year_files)
    return WorkCalendar(
        holidays=(d for year in year_files for d in year.holiday_dates()),
        workdays=(d for year in year_files for d in year.workday_dates()),
        known_years=(year.year for year in year_files),
    )


def load_calendar(extra_dir: Path | None = None) -> WorkCalendar:
    """The working calendar from the packaged files and those in `extra_dir` (setting `calendar_dir`).

    Reads a few dozen small files; load it once per process, not per ticket.
    """
    return build_calendar(load_year_files(extra_dir).values())


def counted_year(year: int, calendar: WorkCalendar, admin_days: Iterable[Any],
                 extra_dir: Path | None = None) -> dict[str, Any]:
    """One year of the working calendar as deadlines are counted (`calendar`: the files with the administrator's
    days, `DeadlinePolicy.with_days`) — the admin page's, the API's and `rexian calendar show`'s one view:
    `file` (the year file under the administrator's days, or None), `changes` (the administrator's days of the
    year: `CalendarDay`), the resulting `holidays` and `workdays`, `known`, and a `problem` or `note` in Chinese."""
    try:
        found = load_year_files(extra_dir).get(year)
    except CalendarFileError as error:
        found, problem = None, str(error)
    else:
        problem = None
    changes = sorted((d for d in admin_days if d.day.year == year), key=lambda d: d.day)
    note = None
    if problem is None and not calendar.is_known(year):
        problem = f"没有{year}年的日历文件，管理员也未录入该年的放假安排：按周一至周五为工作日计算"
    elif problem is None and found is None:
        note = f"没有{year}年的日历文件：除管理员设定的日期外，按周一至周五为工作日计算"
    return {"year": year, "file": found.under(d.day for d in changes) if found else None, "changes": changes,
            "problem": problem, "note": note, "known": calendar.is_known(year),
            "holidays": sorted(d for d in calendar.holidays - calendar.workdays if d.year == year),
            "workdays": sorted(d for d in calendar.workdays if d.year == year)}
