"""The administrator changes the working calendar — holidays and make-up working days (调休) — in the browser and
through the API, through the same checked, chained change as the rest of the organisation; the next deadline
counts the change at once, in this process and in any other on the same database, and deadlines already set
stay as they were."""

import json
import re
from datetime import date

from sqlalchemy import func, select, update

from rexian.adapters import tables as t
from rexian.domain import commands as c
from tests.web.conftest import form_post


def _org_events(hotline) -> int:
    with hotline.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(t.org_events)).scalar_one()


def _save(client, **fields) -> str:
    response = form_post(client, "/admin/org", {"type": "calendar", **fields})
    assert response.status_code == 303, response.text[:300]
    return client.get(response.headers["location"]).text


def _dispatched(hotline, content: str):
    tid = hotline.handle(c.Intake(actor_id="A01", content=content, category="0202")).ticket_id
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02"))
    return hotline.ticket(tid)


def test_a_holiday_set_in_the_browser_moves_the_next_dispatchs_deadline_and_leaves_earlier_ones(hotline, client_for):
    before = _dispatched(hotline, "楼上装修每天早上七点就开始电钻")  # Monday 2026-03-02, 0202: 3 working days
    assert before.due_at.date() == date(2026, 3, 5)
    page = _save(client_for("X01"), year="2026", date="2026-03-03", kind="holiday", name="临时放假（市政府通知）")
    assert "admin-error" not in page and "已保存" in page
    changes = re.search(r'<table id="calendar-changes-2026">(.*?)</table>', page, re.S).group(1)
    assert "2026-03-03（周二）" in changes and "放假" in changes and "临时放假（市政府通知）" in changes
    assert "已经定下的时限不变" in page
    after = _dispatched(hotline, "夜间施工噪音扰民严重")
    assert after.due_at.date() == date(2026, 3, 6)  # Tuesday is no longer a working day
    assert hotline.ticket(before.ticket_id).due_at.date() == date(2026, 3, 5)  # set before: unchanged


def test_a_change_counts_in_another_process_on_the_same_database_without_a_restart(hotline):
    from rexian.bootstrap import bootstrap
    from rexian.service.org_admin import apply_org_changes

    # as `rexian do …` or a second server would open it, already running before the change
    other = bootstrap(hotline.engine.url.render_as_string(hide_password=False), settings=hotline.settings,
                      clock=hotline.clock, create=False)
    try:
        assert other.deadlines.calendar.is_working_day(date(2026, 3, 3))
        apply_org_changes(hotline, "X01", [{"type": "calendar", "year": 2026, "date": "2026-03-03", "kind": "holiday",
                                            "name": "临时放假"}])
        assert not other.deadlines.calendar.is_working_day(date(2026, 3, 3))
        assert _dispatched(other, "路灯不亮已经一周").due_at.date() == date(2026, 3, 6)
    finally:
        other.engine.dispose()


def test_bad_calendar_days_are_refused_with_the_reason_and_nothing_is_written(hotline, client_for):
    from rexian.domain.org_changes import OrgProblems
    from rexian.service.org_admin import apply_org_changes

    admin, before = client_for("X01"), _org_events(hotline)
    for fields, reason in (
            ({"year": "2027", "date": "2026-10-08", "kind": "holiday", "name": "国庆"}, "不在 2027 年内"),
            ({"year": "2026", "date": "2026-02-30", "kind": "holiday", "name": "春节"}, "不是有效的日期"),
            ({"year": "2026", "date": "2026-03-04", "kind": "workday", "name": "调休"}, "须为周六或周日"),
            ({"year": "2026", "date": "2026-03-03", "kind": "holiday", "name": " "}, "须写明理由"),
            ({"year": "2026", "date": "2026-03-03", "kind": "rest", "name": "休息"}, "日期类型无效")):
        page = _save(admin, **fields)
        assert reason in re.search(r'id="admin-error">(.*?)<', page, re.S).group(1), fields
    twice = [{"type": "calendar", "year": 2026, "date": "2026-03-03", "kind": "holiday", "name": "放假"},
             {"type": "calendar", "year": 2026, "date": "2026-03-03", "kind": "ordinary", "name": "又不放了"}]
    try:
        apply_org_changes(hotline, "X01", twice)
        raise AssertionError("a day named twice was accepted")
    except OrgProblems as refused:
        assert any("重复出现" in problem for problem in refused.problems)
    assert _org_events(hotline) == before and hotline.organisation().calendar == {}
    assert hotline.deadlines.calendar.is_working_day(date(2026, 3, 3))


def test_a_saved_day_is_an_event_on_the_org_chain_and_a_day_edited_in_the_table_is_named_by_verify(hotline):
    from rexian.service.org_admin import apply_org_changes
    from rexian.service.verify import verify_database

    apply_org_changes(hotline, "X01", [{"type": "calendar", "year": 2026, "date": "2026-03-07", "kind": "workday",
                                        "name": "调休上班（市政府通知）"}])
    with hotline.engine.connect() as connection:
        last = connection.execute(select(t.org_events).order_by(t.org_events.c.id.desc()).limit(1)).one()
    assert last.action == "CalendarDaySaved" and last.actor_id == "X01"
    assert json.loads(last.payload) == {"day": "2026-03-07", "kind": "workday", "name": "调休上班（市政府通知）"}
    assert verify_database(hotline.engine).intact
    with hotline.engine.begin() as connection:  # someone with database access turns the make-up day into a holiday
        connection.execute(update(t.calendar_days).values(kind="holiday"))
    report = verify_database(hotline.engine)
    assert not report.intact and any("calendar_days 2026-03-07" in d.detail for d in report.damages)


def test_the_api_names_a_missing_year_and_takes_its_days(hotline, client_for):
    admin = client_for("X01")
    headers = {"X-CSRF-Token": admin.cookies["rx_csrf"]}
    missing = admin.get("/api/v1/calendar/2027").json()
    assert missing["known"] is False and "没有2027年的日历文件" in missing["problem"] and missing["holidays"] == []
    saved = admin.post("/api/v1/org", json={"type": "calendar", "year": 2027, "date": "2027-02-08", "kind": "holiday",
                                            "name": "春节（国办发明电〔2026〕X号）"}, headers=headers)
    assert saved.status_code == 200 and saved.json() == {"changed": 1}
    year = client_for("P01").get("/api/v1/calendar/2027").json()  # every signed-in role may read it
    assert year["known"] is True and year["problem"] is None and year["holidays"] == ["2027-02-08"]
    assert year["changes"] == [{"date": "2027-02-08", "kind": "holiday", "name": "春节（国办发明电〔2026〕X号）"}]
    refused = admin.post("/api/v1/org", json={"type": "calendar", "year": 2027, "date": "2027-02-09",
                                              "kind": "workday", "name": "调休"}, headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "org.invalid"
    assert "星期二" in refused.json()["detail"]
    packaged = admin.get("/api/v1/calendar/2026").json()
    assert "2026-02-16" in packaged["holidays"] and "2026-02-14" in packaged["workdays"] and packaged["changes"] == []


def test_an_organisation_file_can_carry_calendar_days(hotline, tmp_path):
    from rexian.service.org_admin import apply_org_changes, read_org_file

    file = tmp_path / "calendar.yaml"
    file.write_text("calendar:\n  - {year: 2026, date: '2026-10-09', kind: holiday, name: 国庆节补充安排}\n",
                    encoding="utf-8")
    assert apply_org_changes(hotline, "X01", read_org_file(file)) == 1
    assert not hotline.deadlines.calendar.is_working_day(date(2026, 10, 9))
    assert apply_org_changes(hotline, "X01", read_org_file(file)) == 0  # the same day again: no change, no event


def _set_days(hotline, *days):
    from rexian.service.org_admin import apply_org_changes

    apply_org_changes(hotline, "X01", [{"type": "calendar", "year": int(day[:4]), "date": day, "kind": kind, "name": name}
                                       for day, kind, name in days])


def test_the_calendar_command_counts_and_shows_the_days_the_admin_set(hotline):
    from click.testing import CliRunner

    from rexian.cli import main

    _set_days(hotline, ("2026-03-03", "holiday", "临时放假"), ("2026-02-16", "ordinary", "春节假期调整"))
    url = hotline.engine.url.render_as_string(hide_password=False)
    env = {"REXIAN_CALENDAR_DIR": "", "REXIAN_KEY_FILE": str(hotline.settings["key_file"] or "")}
    run = lambda *args: CliRunner().invoke(main, ["calendar", *args, "--db", url], env=env)  # noqa: E731
    added = run("add-days", "2026-03-02 09:00", "3")
    assert added.exit_code == 0, added.output
    assert "2026-03-06 09:00" in added.output  # 3-03 off: Wed, Thu, Fri (the dispatch's own count)
    assert _dispatched(hotline, "小区门口垃圾堆放多日无人清运").due_at.date() == date(2026, 3, 6)
    shown = run("show", "2026")
    assert shown.exit_code == 0, shown.output
    assert "春节：2月15日（周日）、2月17日（周二）" in shown.output  # the reset Monday is no longer a file holiday
    assert "其中2月16日（周一）已由管理员改设" in shown.output
    assert "3月3日（周二）：放假（临时放假）" in shown.output and "2月16日（周一）：恢复平常" in shown.output


def test_the_admin_pages_file_holidays_leave_out_a_day_the_admin_reset(hotline, client_for):
    _set_days(hotline, ("2026-02-16", "ordinary", "春节假期调整"))
    page = client_for("X01").get("/admin").text
    holidays = re.search(r'<td id="calendar-file-2026-1">(.*?)</td>', page, re.S).group(1)
    assert "春节：2026-02-15、2026-02-17" in holidays and "2026-02-16 已由管理员改设" in holidays
    assert "国庆节：2026-10-01至2026-10-07，共 7 天" in holidays


def test_deadlines_computed_at_import_count_the_days_the_admin_set(hotline, tmp_path):
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database
    from tests.importing import foreign_fields
    from tests.importing.test_action_fields import _deadline_export

    mapping = mapping_from_dict({**foreign_fields.mapping(), "deadlines": {"handle_days": {"噪音": 5}}})
    _set_days(hotline, ("2025-04-08", "holiday", "临时放假"))  # files alone: dispatched 4-01 09:00 → due 4-09 09:00
    report = import_to_database(hotline.engine, _deadline_export(tmp_path), mapping)
    assert report.rows_rejected == 0
    with hotline.engine.connect() as connection:
        payloads = [json.loads(p) for p in connection.execute(
            select(t.events.c.payload).where(t.events.c.action == "Dispatched")).scalars()]
    assert {p["due_at"] for p in payloads} == {"2025-04-10 09:00:00"} and all(p["due_computed"] for p in payloads)
