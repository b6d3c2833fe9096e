import json
from datetime import date, datetime
from pathlib import Path

import pytest

from rexian.calendar_files import CalendarFileError, load_calendar, load_year_files, read_year_file
from rexian.settings import load_settings

PACKAGED_2024 = json.loads((Path(__file__).parents[2] / "src/rexian/calendar_data/2024.json").read_text("utf-8"))


def write(folder: Path, name: str, document) -> Path:
    path = folder / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def test_a_replacement_year_file_in_calendar_dir_changes_deadlines_without_code_change(tmp_path):
    # A city adds Feb 19 2024 to its Spring Festival break.
    changed = json.loads(json.dumps(PACKAGED_2024))
    changed["holidays"].append({"name": "地方补充假日", "dates": ["2024-02-19"]})
    write(tmp_path, "2024.json", changed)
    settings = load_settings(environ={"REXIAN_CALENDAR_DIR": str(tmp_path)})

    packaged, replaced = load_calendar(), load_calendar(settings.calendar_dir)
    start = datetime(2024, 2, 8, 10)
    assert packaged.add_working_days(start, 5) == datetime(2024, 2, 21, 10)
    assert replaced.add_working_days(start, 5) == datetime(2024, 2, 22, 10)
    assert load_year_files(tmp_path)[2024].origin == str(tmp_path / "2024.json")


def test_next_years_file_makes_that_year_known(tmp_path):
    write(tmp_path, "2027.json", {
        "year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}],
        "workdays": [{"name": "春节调休", "dates": ["2027-02-06"]}],
    })
    without, with_2027 = load_calendar(), load_calendar(tmp_path)
    assert not without.is_known(2027) and with_2027.is_known(2027)
    assert with_2027.is_known(2024)  # packaged years stay
    assert without.add_working_days(datetime(2026, 12, 31, 9), 1) == datetime(2027, 1, 1, 9)
    assert with_2027.add_working_days(datetime(2026, 12, 31, 9), 1) == datetime(2027, 1, 4, 9)
    assert with_2027.is_working_day(date(2027, 2, 6))


def year_2024(**changes):
    return {**PACKAGED_2024, **changes}


@pytest.mark.parametrize("document, expected", [
    (year_2024(holidays=[{"name": "春节", "dates": ["2024-02-30"]}]), "'2024-02-30' 不存在"),
    (year_2024(holidays=[{"name": "春节", "dates": ["2024/02/10"]}]), "'2024/02/10' 不是 YYYY-MM-DD"),
    (year_2024(holidays=[{"name": "元旦", "dates": ["2025-01-01"]}]), "2025-01-01 不在 2024 年内"),
    (year_2024(workdays=[{"name": "春节调休", "dates": ["2024-02-10"]}]), "2024-02-10 既是放假日又是调休上班日"),
    (year_2024(workdays=[{"name": "春节调休", "dates": ["2024-02-19"]}]), "2024-02-19 是星期一，不是周末"),
    (year_2024(holidays={"春节": ["2024-02-10"]}), "holidays 必须是列表"),
    (year_2024(holidays=[{"name": "春节", "dates": []}]), "dates 必须是非空列表"),
    (year_2024(year="2024"), "year 必须是四位年份"),
    (year_2024(source=""), "source 必须写明依据的通知"),
    (year_2024(holiday=[]), "未知字段 holiday"),
    ({"year": 2024, "holidays": [], "workdays": []}, "缺少字段 source"),
    ('{"year": 2024, "holidays": [', "不是有效的 JSON"),
])
def test_a_bad_year_file_is_refused_naming_the_file_and_the_value(tmp_path, document, expected):
    path = write(tmp_path, "2024.json", document)
    with pytest.raises(CalendarFileError) as refused:
        read_year_file(path)
    assert str(path) in str(refused.value) and expected in str(refused.value)
    with pytest.raises(CalendarFileError, match="2024.json"):
        load_calendar(tmp_path)


def test_a_file_named_for_another_year_is_refused(tmp_path):
    write(tmp_path, "2025.json", PACKAGED_2024)
    with pytest.raises(CalendarFileError, match="文件名是 2025.json，内容却是 2024 年"):
        load_calendar(tmp_path)


def test_a_json_file_not_named_by_year_is_refused(tmp_path):
    write(tmp_path, "2024-new.json", PACKAGED_2024)
    with pytest.raises(CalendarFileError, match="2024-new.json：文件名必须是 YYYY.json"):
        load_calendar(tmp_path)


def test_a_missing_calendar_dir_is_refused(tmp_path):
    with pytest.raises(CalendarFileError, match="calendar_dir"):
        load_calendar(tmp_path / "nowhere")
