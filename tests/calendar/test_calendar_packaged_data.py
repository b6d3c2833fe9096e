"""The packaged year files against the State Council notices (facts checked by hand) and their data source."""

from datetime import date, timedelta

import pytest

from rexian.calendar_files import load_year_files


def days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def test_every_year_from_2018_to_2026_is_known(calendar):
    assert all(calendar.is_known(year) for year in range(2018, 2027))


def test_2024_spring_festival_is_feb_10_to_17_with_make_up_sundays_feb_4_and_18(calendar):
    assert days(date(2024, 2, 10), date(2024, 2, 17)) <= calendar.holidays
    assert {date(2024, 2, 4), date(2024, 2, 18)} <= calendar.workdays
    assert calendar.is_working_day(date(2024, 2, 9))  # 除夕 was a working day in 2024
    assert calendar.is_working_day(date(2024, 2, 18))


def test_2025_national_day_is_oct_1_to_8_with_make_up_days_sep_28_and_oct_11(calendar):
    assert days(date(2025, 10, 1), date(2025, 10, 8)) <= calendar.holidays
    assert {date(2025, 9, 28), date(2025, 10, 11)} <= calendar.workdays
    assert not any(calendar.is_working_day(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))


def test_2026_spring_festival_is_feb_15_to_23_with_make_up_saturdays_feb_14_and_28(calendar):
    assert days(date(2026, 2, 15), date(2026, 2, 23)) <= calendar.holidays
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= calendar.workdays


def test_2020_spring_festival_includes_the_epidemic_extension_to_feb_2(calendar):
    assert not calendar.is_working_day(date(2020, 1, 31))
    assert calendar.is_working_day(date(2020, 2, 3))


def test_2019_new_year_dates_in_december_2018_sit_in_the_2018_file():
    year_2018 = load_year_files()[2018]
    assert date(2018, 12, 31) in year_2018.holiday_dates()
    assert date(2018, 12, 29) in year_2018.workday_dates()
    assert "2019年部分节假日安排" in year_2018.source


def test_packaged_files_match_the_chinese_calendar_package_they_were_made_from():
    constants = pytest.importorskip("chinese_calendar.constants")
    year_files = load_year_files()
    for year, year_file in year_files.items():
        assert year_file.holiday_dates() == {d for d in constants.holidays if d.year == year}, year
        assert year_file.workday_dates() == {d for d in constants.workdays if d.year == year}, year
    assert set(year_files) == {d.year for d in constants.holidays}
