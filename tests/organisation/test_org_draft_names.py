"""`rexian org draft` on an export that writes a person as 姓名（工号） (issue 14): the code stays the id the events
carry, and the draft names the person 王芳（0101） — the name the export wrote, kept beside the code at import —
rather than the bare number the pages showed before."""

import os
from datetime import datetime

import openpyxl

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.importing.suggest_history import line_pattern
from rexian.service.org_draft import draft_organisation

ACTIONS = {"受理": "TicketReceived", "派单": "Dispatched", "签收": "SignedFor", "联系市民": "CitizenContacted",
           "办结申请": "ClosureRequested", "审核通过": "ClosureApproved"}


def _steps(tid):
    return "\n".join([
        "2026-01-06 09:00 云州市12345热线中心 韩雪（0001） 受理 市民反映路灯不亮",
        "2026-01-06 10:07 云州市12345热线中心 王芳（0101） 派单 至 云州市城市管理局 意见：请按职责办理",
        "2026-01-06 11:00 云州市城市管理局 张伟(1101) 签收",
        "2026-01-06 15:00 云州市城市管理局 张伟(1101) 联系市民 已电话联系",
        "2026-01-07 09:00 云州市城市管理局 张伟(1101) 办结申请 已修复",
        "2026-01-07 10:00 云州市12345热线中心 赵敏（0201） 审核通过"])


def _database(tmp_path, line):
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.settings import load_settings

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工单编号", "受理时间", "处理过程"])
    for tid in ("YZ1", "YZ2"):
        sheet.append([tid, "2026-01-06 09:00", _steps(tid)])
    path = tmp_path / "工单流转明细.xlsx"
    book.save(path)
    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    app = bootstrap(f"sqlite:///{tmp_path / 'names.db'}", settings=settings, clock=StepClock(datetime(2026, 3, 2)))
    mapping = {"source": "yunzhou", "columns": {"ticket_id": "工单编号"}, "intake": {"received_at": "受理时间"},
               "history": {"column": "处理过程", "line": line}, "actions": ACTIONS}
    report = import_to_database(app.engine, [path], mapping_from_dict(mapping))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    return app


def test_the_line_suggest_proposes_for_name_and_code_keeps_the_name_and_the_draft_shows_it_beside_the_code(tmp_path):
    line, _ = line_pattern(_steps("X").split("\n"), lambda word: word in ACTIONS)
    assert "(?P<actor_name>" in line and "(?P<actor_id>" in line
    draft = draft_organisation(_database(tmp_path, line).engine)
    people = {person["id"]: person for person in draft["people"]}
    assert people["0101"] == {"id": "0101", "name": "王芳（0101）", "unit": "云州市12345热线中心",
                              "roles": ["dispatcher"]}
    assert people["1101"]["name"] == "张伟（1101）" and people["1101"]["unit"] == "云州市城市管理局"
    assert people["0201"]["name"] == "赵敏（0201）"


def test_a_mapping_that_keeps_no_name_still_drafts_the_code_as_the_name(tmp_path):
    line = (r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (?P<actor_unit_id>\S+) \S+?[（(](?P<actor_id>[^）)]+)[）)] "
            r"(?P<action>\S+)(?: 至 (?P<target_unit_id>\S+))?(?: (?P<note>.*))?$")
    people = {person["id"]: person for person in draft_organisation(_database(tmp_path, line).engine)["people"]}
    assert people["0101"]["name"] == "0101"


def test_a_flat_export_with_a_name_column_beside_the_staff_number_drafts_the_name_beside_the_code(tmp_path):
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.settings import load_settings
    from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv

    codes = {name: f"{index:04d}" for index, name in enumerate(sorted({row[3] for row in FLOW_ROWS}), start=1)}
    rows = [[*row[:3], codes[row[3]], row[3][-2:], *row[4:]] for row in FLOW_ROWS]  # 工号 beside 姓名
    path = write_csv(tmp_path / "flow.csv", [*FLOW_HEADER[:3], "工号", "姓名", *FLOW_HEADER[4:]], rows)
    mapping = {key: value for key, value in FLOW_MAPPING.items() if key != "constants"}
    mapping["columns"] = {**mapping["columns"], "actor_id": "工号", "actor_name": "姓名"}
    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    app = bootstrap(f"sqlite:///{tmp_path / 'flat.db'}", settings=settings, clock=StepClock(datetime(2026, 3, 2)))
    import_to_database(app.engine, [path], mapping_from_dict(mapping))
    people = {person["id"]: person for person in draft_organisation(app.engine)["people"]}
    code = codes["派单员李四"]
    assert people[code]["name"] == f"李四（{code}）" and people[code]["unit"] == "市热线中心"


def test_a_flow_column_written_name_and_code_in_one_cell_names_the_person_in_the_draft(tmp_path):
    # A flat flow export whose operator column reads 「王芳(0101)」 (no separate name column, no pattern): the id is
    # the staff number, and the name written beside it is kept, so the draft does not show a bare 「0101」.
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.settings import load_settings

    path = tmp_path / "流转记录.csv"
    path.write_text("工单编号,操作时间,操作,操作人,操作单位,接收单位\n"
                    "YZ1,2026-01-06 09:00,受理,韩雪(0001),云州市12345热线中心,\n"
                    "YZ1,2026-01-06 10:07,派单,王芳（0101）,云州市12345热线中心,云州市城市管理局\n"
                    "YZ1,2026-01-06 11:00,签收,张伟(1101),云州市城市管理局,\n", encoding="utf-8")
    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    app = bootstrap(f"sqlite:///{tmp_path / 'flat.db'}", settings=settings, clock=StepClock(datetime(2026, 3, 2)))
    mapping = {"source": "yunzhou", "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作",
                                                "actor_id": "操作人", "actor_unit_id": "操作单位",
                                                "target_unit_id": "接收单位"},
               "actions": {"受理": "TicketReceived", "派单": "Dispatched", "签收": "SignedFor"}}
    report = import_to_database(app.engine, [path], mapping_from_dict(mapping))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    people = {person["id"]: person for person in draft_organisation(app.engine)["people"]}
    assert people["0101"]["name"] == "王芳（0101）" and people["1101"]["name"] == "张伟（1101）"
    assert "王芳(0101)" not in people and "王芳（0101）" not in people
