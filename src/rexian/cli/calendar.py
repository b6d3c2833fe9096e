"""`rexian calendar …`: show, check and try out the working calendar."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from rexian.calendar_files import WEEKDAY_NAMES, CalendarFileError, counted_year, load_calendar, read_year_file
from rexian.cli.options import db_option
from rexian.domain.errors import InvalidInput


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日（周{WEEKDAY_NAMES[d.weekday()]}）"


def _calendar_dir() -> Path | None:
    from rexian.settings import load_settings

    return load_settings().calendar_dir


def _load_or_fail(loader):
    try:
        return loader(_calendar_dir())
    except CalendarFileError as error:
        raise InvalidInput(str(error)) from None


def _parse_start(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} 不是日期或时间，例如 2025-09-30 或 '2025-09-30 10:00'") from None


def _counted(db_url: str | None):
    """The deadline policy and the administrator's days as the database's server counts them (the year files with
    calendar_days on the ORG chain, docs/calendar.md). Without `--db`, the `db` setting's database; when that does
    not exist, the year files alone — said on stderr, so an answer without the administrator's days is never
    taken for the server's."""
    from rexian.bootstrap import bootstrap
    from rexian.domain.errors import InvalidInput

    try:
        app = bootstrap(db_url, create=False)
    except InvalidInput as error:
        if db_url is not None:
            raise
        from rexian.domain.deadlines import DeadlinePolicy
        from rexian.settings import load_settings

        click.echo(f"说明：{error}。只按日历文件计算，未计入管理员在系统管理中设定的日期（用 --db 指定数据库）。",
                   err=True)
        return DeadlinePolicy.from_settings(_load_or_fail(load_calendar), load_settings()), []
    try:
        return app.deadlines, list(app.organisation().calendar.values())
    finally:
        app.engine.dispose()


@click.group("calendar")
def calendar() -> None:
    """工作日历：节假日、调休上班日与工作日时限。"""


@calendar.command("show")
@click.argument("year", type=int)
@db_option
def show(year: int, db_url: str | None) -> None:
    """列出某年的放假安排和调休上班日：日历文件，及管理员在系统管理中设定的日期（按数据库，与派单时限同一日历）。"""
    from rexian.domain.vocabulary import CALENDAR_DAY_KINDS

    deadlines, admin_days = _counted(db_url)
    found = counted_year(year, deadlines.calendar, admin_days, _calendar_dir())
    if not found["known"]:
        raise InvalidInput(f"没有 {year} 年的日历数据（无日历文件，管理员也未设定该年的日期），按周一至周五为工作日计算；"
                           f"请在 calendar_dir 中添加 {year}.json，或由管理员在系统管理 → 工作日历中设定")
    click.echo(f"{year} 年工作日历")
    year_file = found["file"]
    if found["problem"]:
        click.echo(f"注意：{found['problem']}")
    if found["note"]:
        click.echo(found["note"])
    if year_file is not None:
        click.echo(f"日历文件：{year_file.origin}（依据：{year_file.source}）")
        for title, blocks in (("放假", year_file.holidays), ("调休上班", year_file.workdays)):
            click.echo(f"{title}：")
            for block in blocks:
                changed = f"（其中{'、'.join(_day(d) for d in block.changed)}已由管理员改设，见下）" if block.changed else ""
                click.echo(f"  {block.name}：{block.span(_day)}{changed}")
            if not blocks:
                click.echo("  （无）")
    if found["changes"]:
        click.echo("管理员设定的日期（优先于日历文件）：")
        for day in found["changes"]:
            click.echo(f"  {_day(day.day)}：{CALENDAR_DAY_KINDS.get(day.kind, day.kind)}（{day.name}）")
    click.echo(f"按现行日历：放假 {len(found['holidays'])} 天（含周末），调休上班 {len(found['workdays'])} 天。")


@calendar.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """校验一个年度日历文件（YYYY.json）；有错误时以非零状态退出。"""
    try:
        year_file = read_year_file(file)
    except CalendarFileError as error:
        click.echo(f"错误：{error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"{file}：{year_file.year} 年，放假 {len(year_file.holiday_dates())} 天，"
               f"调休上班 {len(year_file.workday_dates())} 天，格式正确。")


@calendar.command("add-days")
@click.argument("start")
@click.argument("n", type=int)
@click.option("--hours", is_flag=True, help="把 N 当作工作小时数（只计工作日的上班时间）。")
@db_option
def add_days(start: str, n: int, hours: bool, db_url: str | None) -> None:
    """从 START 起算 N 个工作日（或 --hours 工作小时）后的时限，按与派单时限相同的日历（日历文件及管理员设定的日期）。"""
    if n < 0:
        raise click.BadParameter("N 不能为负数")
    begin = _parse_start(start)
    deadlines, _ = _counted(db_url)
    work_calendar = deadlines.calendar
    if hours:
        due = work_calendar.add_working_hours(begin, n, deadlines.working_day_start, deadlines.working_day_end)
        unit = "个工作小时"
    else:
        due = work_calendar.add_working_days(begin, n)
        unit = "个工作日"
    for year in work_calendar.unknown_years(begin, due):
        click.echo(f"警告：没有 {year} 年的日历数据，按周一至周五为工作日计算。", err=True)
    click.echo(f"{begin:%Y-%m-%d %H:%M} 起 {n} {unit}：{due:%Y-%m-%d %H:%M}（周{WEEKDAY_NAMES[due.weekday()]}）")


commands = [calendar]
