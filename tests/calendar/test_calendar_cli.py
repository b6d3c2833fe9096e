import json

from click.testing import CliRunner

from rexian.cli import main


def run(*args, env=None):
    return CliRunner().invoke(main, ["calendar", *args], env={"REXIAN_CALENDAR_DIR": "", **(env or {})})


def test_show_lists_a_years_holidays_and_make_up_days_in_chinese():
    result = run("show", "2025")
    assert result.exit_code == 0, result.output
    assert "国庆节、中秋节：10月1日（周三）至10月8日（周三），共 8 天" in result.output
    assert "国庆节调休：9月28日（周日）、10月11日（周六）" in result.output


def test_show_of_a_year_without_data_says_monday_to_friday_is_assumed():
    result = run("show", "2031")
    assert result.exit_code != 0
    assert "没有 2031 年的日历数据" in result.output


def test_check_accepts_a_good_file_and_refuses_a_bad_one_with_non_zero_exit(tmp_path):
    good = tmp_path / "2027.json"
    good.write_text(json.dumps({"year": 2027, "source": "通知", "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}],
                                "workdays": []}), "utf-8")
    assert run("check", str(good)).exit_code == 0
    bad = tmp_path / "2028.json"
    bad.write_text(json.dumps({"year": 2028, "source": "通知", "holidays": [],
                               "workdays": [{"name": "春节调休", "dates": ["2028-01-26"]}]}), "utf-8")
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert "2028-01-26 是星期三，不是周末" in result.output


def test_add_days_prints_the_deadline_and_follows_calendar_dir(tmp_path):
    assert "2024-02-21 10:00" in run("add-days", "2024-02-08 10:00", "5").output
    assert "2025-09-28 10:30" in run("add-days", "2025-09-26 16:00", "3", "--hours").output
    (tmp_path / "2027.json").write_text(json.dumps({"year": 2027, "source": "通知", "workdays": [],
                                                   "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}]}), "utf-8")
    fallback = run("add-days", "2026-12-31 09:00", "1")
    assert "2027-01-01 09:00" in fallback.output and "没有 2027 年的日历数据" in fallback.output
    assert "2027-01-04 09:00" in run("add-days", "2026-12-31 09:00", "1", env={"REXIAN_CALENDAR_DIR": str(tmp_path)}).output
