"""`mapping suggest` on a many-sheet export: visit and extension sheets proposed as `event_sheets`, a date and a
time-of-day column as one intake time, a call-record file as `calls`, a staff sheet as `roster`, and every other
sheet named as unread."""

from datetime import date, time

from openpyxl import Workbook

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

from .conftest import write_csv
from .test_event_sheets import EXTENSIONS, FLOW, VISITS, flow_rows

CALL_HEADER = ["通话流水号", "主叫号码", "坐席工号", "振铃时间", "应答时间", "挂机时间", "关联工单号", "呼叫类型"]


def export(tmp_path):
    book = Workbook()
    flows = book.active
    flows.title = "处理过程"
    flows.append(FLOW)
    for ticket in ("H-1", "H-2"):
        for row in flow_rows(ticket, "2026-04-10 17:30", extension=True):
            flows.append(row)
    tickets = book.create_sheet("工单基本信息")
    tickets.append(["工单编号", "受理日期", "受理时间", "诉求内容", "来电号码"])
    tickets.append(["H-1", date(2026, 4, 1), time(8, 55), "楼下烧烤店油烟直排", "13800000001"])
    tickets.append(["H-2", date(2026, 4, 1), time(8, 57), "小区路灯不亮", "13800000002"])
    visits = book.create_sheet("回访记录")
    visits.append(VISITS)
    visits.append(["H-1", "2026-04-06 16:05", "回访员1", "已联系", "02 未解决", "3 不满意"])
    visits.append(["H-2", "2026-04-06 16:10", "回访员1", "已联系", "01 已解决", "1 满意"])
    extensions = book.create_sheet("延期申请")
    extensions.append(EXTENSIONS)
    for ticket in ("H-1", "H-2"):
        extensions.append([ticket, "2026-04-03 09:00", "张三", "2026-04-12 17:30", "2026-04-03 15:00", "审核员1",
                           "同意", "2026-04-12 17:30"])
    staff = book.create_sheet("人员信息")
    staff.append(["工号", "姓名", "所属单位"])
    staff.append(["张三", "张三丰", "城管局"])
    readme = book.create_sheet("字段说明")
    readme.append(["字段名", "说明"])
    readme.append(["工单编号", "12345平台工单编号"])
    book.save(tmp_path / "工单导出.xlsx")
    calls = write_csv(tmp_path / "话务记录.csv", CALL_HEADER,
                      [["C1", "13800000001", "A01", "2026-04-01 08:50", "2026-04-01 08:50", "2026-04-01 08:55", "H-1",
                        "呼入"]])
    return [tmp_path / "工单导出.xlsx", calls]


def test_suggest_proposes_event_sheets_a_joined_intake_time_and_the_call_records_and_names_the_rest(tmp_path):
    paths = export(tmp_path)
    proposal, notes = suggest(paths)
    sheets = {entry.get("sheet"): entry for entry in proposal["event_sheets"]}
    assert sheets["回访记录"]["action"] == "Visited"
    assert sheets["回访记录"]["action_fields"]["Visited"] == {"satisfaction": "满意度", "resolved": "是否解决",
                                                               "reached": "联系情况"}
    assert sheets["延期申请"]["columns"]["action"] == "审核结果"
    assert sheets["延期申请"]["actions"] == {"同意": "ExtensionApproved"}
    assert sheets["延期申请"]["action_fields"] == {"ExtensionApproved": {"new_due_at": "批准延期至"}}
    assert proposal["joined_columns"] == {"受理时刻": ["受理日期", "受理时间"]}
    assert proposal["ticket_sheet"]["intake"]["received_at"] == "受理时刻"
    # 呼出, not in the sample, is added as the vocabulary's other direction (issue 14: a sample of one direction)
    assert proposal["calls"]["files"] == "*话务记录*" \
        and proposal["calls"]["values"] == {"direction": {"呼入": "in", "呼出": "out"}}
    # the staff sheet is read as the roster (人员代码/工号, 姓名, 所属单位), no longer left unread
    assert proposal["roster"] == {"sheet": "人员信息", "columns": {"person_id": "工号", "name": "姓名", "unit_id": "所属单位"}}
    assert not any("「人员信息」" in note and "未使用" in note for note in notes)
    assert any("「字段说明」" in note and "未使用" in note for note in notes)  # the rest is named as unread
    # The draft, with a source and its unknown words answered, imports the export whole.
    proposal["source"] = "districtH"
    proposal["actions"] = {word: event if event != "?" else "ProgressNoted" for word, event in proposal["actions"].items()}
    proposal["actions"].update({"交办": "Dispatched", "办结审核通过": "ClosureApproved"})
    report, events, _ = import_to_frames(paths, mapping_from_dict(proposal))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert str(report.histories["H-1"].received_at).startswith("2026-04-01 08:55")  # the two cells as one time
    visit = events[(events.ticket_id == "H-1") & (events.action == "Visited")]
    assert len(visit) == 1 and "unsatisfied" in str(visit.payload.iloc[0])


def test_a_sheet_that_is_neither_visits_nor_extensions_is_not_proposed_as_an_event_sheet(tmp_path):
    paths = export(tmp_path)
    proposal, _ = suggest(paths)
    assert {entry.get("sheet") for entry in proposal["event_sheets"]} == {"回访记录", "延期申请"}
