"""Regenerate src/rexian/calendar_data/YYYY.json from the `chinese-calendar` package (development only).

    pip install chinese-calendar && python tools/make_calendar_files.py

`chinese-calendar` is a data source at development time, never a run-time dependency: the product reads only
the JSON files, which an administrator can replace or extend (see docs/calendar.md). Check the output against
the State Council notices before committing it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from chinese_calendar.constants import Holiday, holidays, workdays

OUT_DIR = Path(__file__).resolve().parents[1] / "src" / "rexian" / "calendar_data"

# The notices' own names (the package abbreviates some).
NAMES = {
    Holiday.new_years_day: "元旦",
    Holiday.spring_festival: "春节",
    Holiday.tomb_sweeping_day: "清明节",
    Holiday.labour_day: "劳动节",
    Holiday.dragon_boat_festival: "端午节",
    Holiday.mid_autumn_festival: "中秋节",
    Holiday.national_day: "国庆节",
    Holiday.anti_fascist_70th_day: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# Notices beyond the yearly schedule that changed a year's dates.
EXTRA_SOURCES = {
    2015: ["国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知"],
    2020: ["国务院办公厅关于延长2020年春节假期的通知"],
}


def notice(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def name_of(day: date, label: str) -> str:
    holiday = Holiday(label)
    # New Year's days in December come from the next year's notice.
    if holiday is Holiday.new_years_day and day.month == 12:
        return f"{day.year + 1}年元旦"
    return NAMES[holiday]


def _continues(block: dict, previous: date, day: date, name: str) -> bool:
    """Next day of the run, or the same holiday resumed after a plain weekend (2015 端午节: Sat + Mon)."""
    if day - previous == timedelta(days=1):
        return True
    gap = [previous + timedelta(days=i) for i in range(1, (day - previous).days)]
    return name in block["names"] and all(d.weekday() >= 5 for d in gap)


def holiday_blocks(days: dict[date, str]) -> list[dict]:
    """Runs of consecutive holiday dates, named after every holiday in the run (e.g. 中秋节、国庆节)."""
    blocks: list[dict] = []
    previous = None
    for day in sorted(days):
        name = name_of(day, days[day])
        if previous is None or not _continues(blocks[-1], previous, day, name):
            blocks.append({"names": [], "dates": []})
        if name not in blocks[-1]["names"]:
            blocks[-1]["names"].append(name)
        blocks[-1]["dates"].append(day.isoformat())
        previous = day
    return [{"name": "、".join(block["names"]), "dates": block["dates"]} for block in blocks]


def workday_blocks(days: dict[date, str]) -> list[dict]:
    by_name: dict[str, list[str]] = defaultdict(list)
    for day in sorted(days):
        by_name[name_of(day, days[day]) + "调休"].append(day.isoformat())
    return [{"name": name, "dates": dates} for name, dates in by_name.items()]


def year_document(year: int) -> dict:
    year_holidays = {d: label for d, label in holidays.items() if d.year == year}
    year_workdays = {d: label for d, label in workdays.items() if d.year == year}
    sources = [notice(year)] + EXTRA_SOURCES.get(year, [])
    if any(d.month == 12 for d in list(year_holidays) + list(year_workdays)):
        sources.append(notice(year + 1))
    return {
        "year": year,
        "source": "；".join(sources),
        "holidays": holiday_blocks(year_holidays),
        "workdays": workday_blocks(year_workdays),
    }


def render(document: dict) -> str:
    """One block per line, so a year reads like the notice and diffs stay small."""
    def block_lines(blocks: list[dict]) -> str:
        return ",\n".join("    " + json.dumps(block, ensure_ascii=False) for block in blocks)

    return (
        "{\n"
        f'  "year": {document["year"]},\n'
        f'  "source": {json.dumps(document["source"], ensure_ascii=False)},\n'
        f'  "holidays": [\n{block_lines(document["holidays"])}\n  ],\n'
        f'  "workdays": [\n{block_lines(document["workdays"])}\n  ]\n'
        "}\n"
    )


def main() -> None:
    years = sorted({d.year for d in holidays})
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for year in years:
        (OUT_DIR / f"{year}.json").write_text(render(year_document(year)), encoding="utf-8")
    print(f"wrote {len(years)} files for {years[0]}–{years[-1]} to {OUT_DIR}")


if __name__ == "__main__":
    main()
