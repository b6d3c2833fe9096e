"""`rexian calendar …`: show, check and try out the working calendar."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from rexian.calendar_files import (
    WEEKDAY_NAMES, CalendarFileError, DateBlock, load_calendar, load_year_files, read_year_file,
)


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日（周{WEEKDAY_NAMES[d.weekday()]}）"


def _span(block: DateBlock) -> str:
    dates = sorted(block.dates)
    consecutive = (dates[-1] - dates[0]).days == len(dates) - 1
    if len(dates) > 1 and consecutive:
        return f"{_day(dates[0])}至{_day(dates[-1])}，共 {len(dates)} 天"
    return "、".join(_day(d) for d in dates)


def _calendar_dir() -> Path | None:
    from rexian.settings import load_settings

    return load_settings().calendar_dir


def _load_or_fail(loader):
    try:
        return loader(_calendar_dir())
    except CalendarFileError as error:
        raise click.ClickException(str(error)) from None


def _parse_start(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} 不是日期或时间，例如 2025-09-30 或 '2025-09-30 10:00'") from None


@click.group("calendar")
def calendar() -> None:
    """工作日历：节假日、调休上班日与工作日时限。"""


@calendar.command("show")
@click.argument("year", type=int)
def show(year: int) -> None:
    """列出某年的放假安排和调休上班日。"""
    year_files = _load_or_fail(load_year_files)
    if year not in year_files:
        raise click.ClickException(
            f"没有 {year} 年的日历数据，按周一至周五为工作日计算；请在 calendar_dir 中添加 {year}.json")
    year_file = year_files[year]
    click.echo(f"{year} 年工作日历（依据：{year_file.source}）")
    click.echo(f"来源文件：{year_file.origin}")
    click.echo("放假：")
    for block in year_file.holidays:
        click.echo(f"  {block.name}：{_span(block)}")
    click.echo("调休上班：")
    for block in year_file.workdays:
        click.echo(f"  {block.name}：{_span(block)}")
    if not year_file.workdays:
        click.echo("  （无）")


@calendar.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """校验一个年度日历文件（YYYY.json）；有错误时以非零状态退出。"""
    try:
        year_file = read_year_file(file)
    except CalendarFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{file}：{year_file.year} 年，放假 {len(year_file.holiday_dates())} 天，"
               f"调休上班 {len(year_file.workday_dates())} 天，格式正确。")


@calendar.command("add-days")
@click.argument("start")
@click.argument("n", type=int)
@click.option("--hours", is_flag=True, help="把 N 当作工作小时数（只计工作日的上班时间）。")
def add_days(start: str, n: int, hours: bool) -> None:
    """从 START 起算 N 个工作日（或 --hours 工作小时）后的时限。"""
    from rexian.domain.deadlines import parse_clock
    from rexian.settings import load_settings

    if n < 0:
        raise click.BadParameter("N 不能为负数")
    begin = _parse_start(start)
    work_calendar = _load_or_fail(load_calendar)
    if hours:
        settings = load_settings()
        due = work_calendar.add_working_hours(
            begin, n, parse_clock(settings.working_day_start), parse_clock(settings.working_day_end))
        unit = "个工作小时"
    else:
        due = work_calendar.add_working_days(begin, n)
        unit = "个工作日"
    for year in work_calendar.unknown_years(begin, due):
        click.echo(f"警告：没有 {year} 年的日历数据，按周一至周五为工作日计算。", err=True)
    click.echo(f"{begin:%Y-%m-%d %H:%M} 起 {n} {unit}：{due:%Y-%m-%d %H:%M}（周{WEEKDAY_NAMES[due.weekday()]}）")


commands = [calendar]
