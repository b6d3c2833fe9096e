"""A report-style export (报表式导出), as city platforms' "报表导出" writes it: one sheet, a title and a 制表人 line, a
header over two rows, then per ticket a ticket row (intake, deadline as a bare Excel serial, status, visit result)
followed by its flow rows, the ticket number merged down over the block (the flow rows hold it only through the
merge), a 「… 小计」 line after each unit's group and 「合计」 at the end — as an .xlsx (openpyxl merged ranges) and as
an XML Spreadsheet 2003 ".xls" (ss:MergeDown, ss:MergeAcross, ss:Index). Found by blind test 14 (tools/blind14):
before, every flow row was rejected for an empty ticket number and nothing was imported."""

import json
from datetime import datetime

import openpyxl

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

TICKETS = [  # (number, intake, deadline serial, status, visit, solved, content, flows)
    ("LJ001", datetime(2026, 1, 5, 9, 0), 46034.729167, "已回访", "不满意", "未解决", "北门垃圾站满溢，气味难闻。", [
        ("派发", "2026年1月5日 09:20", "20321", "热线中心", "城管局", "", "请按职责处理。"),
        ("接单", "2026年1月5日 10:00", "31101", "城管局", "", "", ""),
        ("办结申请", "2026年1月6日 15:00", "31101", "城管局", "", "清运后照片.jpg", "经核查，垃圾站已清运完毕。"),
        ("回访", "2026年1月8日 10:00", "20341", "热线中心", "", "", "满意度：不满意；未解决。市民称仍未清运。")]),
    ("LJ002", datetime(2026, 1, 6, 14, 0), 46035.729167, "办理中", "", "", "路口摊贩堵住消防通道。", [
        ("派发", "2026年1月6日 14:30", "20321", "热线中心", "城管局", "", "请按职责处理。"),
        ("接单", "2026年1月6日 15:00", "31102", "城管局", "", "", "")]),
]
HEADER = ["序号", "工单编号", "受理时间", "诉求内容", "办理期限", "工单状态", "回访结果", "是否解决",
          "环节名称", "办理时间", "工号", "办理单位", "流转对象", "附件", "备注"]
MAPPING = {
    "source": "lanjiang", "sheet": "工单办理明细",
    "columns": {"ticket_id": "工单编号", "at": "办理时间", "action": "环节名称", "actor_id": "工号",
                "actor_unit_id": "办理单位", "target_unit_id": "流转对象", "note": "备注"},
    "ticket_sheet": {"sheet": "工单办理明细", "ticket_id": "工单编号",
                     "intake": {"received_at": "受理时间", "content": "诉求内容"},
                     "status": "工单状态", "visit_result": {"satisfaction": "回访结果", "resolved": "是否解决"},
                     "due_at": "办理期限"},
    "date_formats": ["%Y年%m月%d日 %H:%M"], "closed_states": ["已办结", "已回访"],
    "actions": {"接单": "SignedFor", "派发": "Dispatched", "办结申请": "ClosureRequested", "回访": "Visited"},
    "action_fields": {"ClosureRequested": {"reply": "备注", "evidence": "附件"}, "Visited": {"satisfaction": "备注"}},
}


def _blocks():
    """The sheet's data rows after the header: ('ticket', cells, flows) / ('flow', cells) / ('total', text)."""
    for n, (number, at, due, status, visit, solved, content, flows) in enumerate(TICKETS, 1):
        yield "ticket", [n, number, at, content, due, status, visit, solved], len(flows)
        for flow in flows:
            yield "flow", list(flow), 0
    yield "total", "城管局 小计", 0
    yield "total", "合计", 0


def _xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "工单办理明细"
    sheet.append(["澜江市12345热线工单办理情况明细表"])
    sheet.append(["制表人：郑晓燕　导出时间：2026年4月2日 09:31"])
    sheet.append(["序号", "工单编号", "工单基本信息"] + [None] * 5 + ["办理过程"] + [None] * 6)
    sheet.append([None, None] + HEADER[2:])
    for merged in ("A1:O1", "A2:O2", "A3:A4", "B3:B4", "C3:H3", "I3:O3"):
        sheet.merge_cells(merged)
    for kind, cells, flows in _blocks():
        row = sheet.max_row + 1
        if kind == "ticket":
            sheet.append(cells)
            sheet.cell(row=row, column=3).number_format = "yyyy-mm-dd hh:mm"
            sheet.merge_cells(f"A{row}:A{row + flows}")
            sheet.merge_cells(f"B{row}:B{row + flows}")
        elif kind == "flow":
            sheet.append([None] * 8 + [int(c) if c.isdigit() else (c or None) for c in cells])
        else:
            sheet.append([cells])
            sheet.merge_cells(f"A{row}:H{row}")
    book.save(path)
    return path


def _cell(value, index=None, extra=""):
    at = f' ss:Index="{index}"' if index else ""
    if isinstance(value, datetime):
        return f'<Cell{at}{extra}><Data ss:Type="DateTime">{value:%Y-%m-%dT%H:%M:%S}.000</Data></Cell>'
    kind = "Number" if isinstance(value, (int, float)) else "String"
    return f'<Cell{at}{extra}><Data ss:Type="{kind}">{value}</Data></Cell>'


def _spreadsheetml(path):
    rows = [_cell("澜江市12345热线工单办理情况明细表", extra=' ss:MergeAcross="14"'),
            _cell("制表人：郑晓燕", extra=' ss:MergeAcross="14"'),
            _cell("序号", extra=' ss:MergeDown="1"') + _cell("工单编号", extra=' ss:MergeDown="1"')
            + _cell("工单基本信息", extra=' ss:MergeAcross="5"') + _cell("办理过程", extra=' ss:MergeAcross="6"'),
            _cell(HEADER[2], index=3) + "".join(_cell(h) for h in HEADER[3:])]
    for kind, cells, flows in _blocks():
        if kind == "ticket":
            down = f' ss:MergeDown="{flows}"'
            rows.append(_cell(cells[0], extra=down) + _cell(cells[1], extra=down)
                        + "".join(_cell(c) for c in cells[2:] if c != ""))  # a ticket row ends early
        elif kind == "flow":  # ss:Index skips the merged and empty ticket cells, and empty flow cells
            rows.append("".join(_cell(c, index=9 + i) for i, c in enumerate(cells) if c))
        else:
            rows.append(_cell(cells, extra=' ss:MergeAcross="7"'))
    body = "".join(f"<Row>{r}</Row>" for r in rows)
    path.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="工单办理明细">'
                    f"<Table>{body}</Table></Worksheet></Workbook>", encoding="utf-8")
    return path


def _payload(value):
    return json.loads(value) if isinstance(value, str) else value


def _check_imported(report, events):
    assert (report.rows_in, report.rows_imported, report.rows_rejected) == (8, 8, 0), report.rejects.rejected_rows
    assert sum("合计行" in note.reason for note in report.rejects.notes) == 2  # 小计 and 合计, each told once
    lj1 = events[events.ticket_id == "LJ001"].sort_values("seq")
    assert list(lj1.action) == ["TicketReceived", "Dispatched", "SignedFor", "ClosureRequested", "Visited", "Closed"]
    received = _payload(lj1.payload.iloc[0])
    assert received["content"] == "北门垃圾站满溢，气味难闻。" and str(lj1["at"].iloc[0])[:16] == "2026-01-05 09:00"
    assert _payload(lj1.payload.iloc[1])["due_at"].startswith("2026-01-12 17:30")  # the bare serial 46034.729167
    assert lj1.actor_id.iloc[2] == "31101"  # the flow row's own person, under the merged ticket number
    visit = _payload(lj1.payload.iloc[4])
    assert (visit["satisfaction"], visit["resolved"]) == ("unsatisfied", False)
    assert set(events[events.ticket_id == "LJ002"].action) == {"TicketReceived", "Dispatched", "SignedFor"}


def test_a_report_workbooks_ticket_number_merged_down_over_its_flow_rows_imports_every_ticket_whole(tmp_path):
    report, events, _ = import_to_frames([_xlsx(tmp_path / "明细表.xlsx")], mapping_from_dict(MAPPING))
    _check_imported(report, events)


def test_the_same_report_as_an_xml_spreadsheet_xls_with_merge_down_and_index_cells_imports_the_same(tmp_path):
    report, events, _ = import_to_frames([_spreadsheetml(tmp_path / "明细表.xls")], mapping_from_dict(MAPPING))
    _check_imported(report, events)


def test_a_merge_reaching_past_the_data_makes_no_rows_of_its_own(tmp_path):
    path = _xlsx(tmp_path / "明细表.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("P5:P60")  # a stray merge beside the data, down past its end
    book.active["P5"] = "备用"
    book.save(path)
    report, events, _ = import_to_frames([path], mapping_from_dict(MAPPING))
    assert (report.rows_in, report.rows_rejected) == (8, 0)


def test_mapping_suggest_proposes_the_report_sheet_as_flow_records_with_its_ticket_rows_as_the_ticket_sheet(tmp_path):
    draft, notes = suggest([_xlsx(tmp_path / "明细表.xlsx")])
    assert draft["columns"]["ticket_id"] == "工单编号" and draft["columns"]["action"] == "环节名称"
    assert draft["columns"]["actor_id"] == "工号" and draft["columns"]["target_unit_id"] == "流转对象"
    sheet = draft["ticket_sheet"]
    assert sheet["sheet"] == draft["sheet"] == "工单办理明细"
    assert sheet["intake"]["received_at"] == "受理时间" and sheet["due_at"] == "办理期限"
    assert sheet["visit_result"] == {"satisfaction": "回访结果", "resolved": "是否解决"}
    assert "Dispatched" not in draft.get("action_fields", {})  # 办理期限 is the ticket row's, not the dispatch row's
    mapping = dict(draft, source="lanjiang")
    report, events, _ = import_to_frames([tmp_path / "明细表.xlsx"], mapping_from_dict(mapping))
    _check_imported(report, events)


def test_a_report_platforms_own_words_are_known_or_paired_so_the_draft_runs_without_a_question_mark():
    from rexian.importing.mapping import Mapping
    from rexian.importing.suggest_words import guess_action
    from rexian.importing.vocabulary import default_vocabulary

    known = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    words = {"办结审核退回": "ClosureRejected", "延期审核退回": "ExtensionRejected", "退回审核通过": "ReturnApproved",
             "不同意退回": "ReturnRejected", "实地查看": "ProgressNoted", "电话联系": "CitizenContacted",
             "下转": "Forwarded", "过程记录": "ProgressNoted"}
    assert {word: guess_action(word, known) for word in words} == words


def test_a_call_record_file_beside_flow_records_is_the_calls_section_not_the_ticket_sheet(tmp_path):
    flows = tmp_path / "流转记录.csv"
    flows.write_text("工单编号,操作时间,操作类型,操作人,备注\nGD1,2026-03-01 09:00,派单,张三,请处理\n"
                     "GD1,2026-03-01 10:00,签收,李四,\nGD2,2026-03-02 09:00,派单,张三,请处理\n", encoding="utf-8")
    calls = tmp_path / "话务记录.csv"
    calls.write_text("通话流水号,呼叫方向,主叫号码,坐席工号,关联工单,振铃时间,应答时间,挂机时间\n"
                     "C1,呼入,13800000001,0401,GD1,2026-03-01 08:50:00,2026-03-01 08:50:09,2026-03-01 08:55:00\n"
                     "C2,呼入,13800000002,0402,GD2,2026-03-02 08:50:00,2026-03-02 08:50:09,2026-03-02 08:55:00\n",
                     encoding="utf-8")
    draft, _ = suggest([flows, calls])
    assert "ticket_sheet" not in draft
    assert draft["calls"]["columns"]["ring_at"] == "振铃时间" and draft["calls"]["files"] == "*话务记录*"


def test_an_extensions_new_deadline_written_in_its_note_is_read_and_a_note_without_a_date_leaves_it_empty(tmp_path):
    flows = tmp_path / "流转记录.csv"
    flows.write_text(
        "工单编号,操作时间,操作类型,操作人,备注\n"
        "GD1,2026-03-01 09:00,派单,张三,请处理\n"
        "GD1,2026-03-02 10:00,申请延期,李四,材料需定制，申请延期至2026年3月20日。\n"
        "GD1,2026-03-02 12:00,延期审核通过,王五,同意延期至2026年3月20日。\n"
        "GD2,2026-03-01 09:00,派单,张三,请处理\n"
        "GD2,2026-03-02 10:00,申请延期,李四,配件未到，申请延期至3月9日。\n"
        "GD2,2026-03-02 12:00,延期审核通过,王五,同意延期。\n", encoding="utf-8")
    draft, notes = suggest([flows])
    assert draft["action_fields"]["ExtensionApproved"]["new_due_at"] == "备注"
    assert draft["action_fields"]["ExtensionRequested"]["requested_due_at"] == "备注"
    report, events, _ = import_to_frames([flows], mapping_from_dict(dict(draft, source="x")))
    assert report.rows_rejected == 0
    approved = {row.ticket_id: _payload(row.payload) for row in events[events.action == "ExtensionApproved"].itertuples()}
    assert approved["GD1"]["new_due_at"].startswith("2026-03-20 23:59")  # the end of the day written
    assert "new_due_at" not in approved["GD2"]  # 「同意延期。」 states no date; 「3月9日」 no year: nothing guessed
    bad = tmp_path / "坏时间.csv"
    bad.write_text("工单编号,操作时间,操作类型,操作人,新时限\nGD3,2026-03-01 09:00,延期审核通过,王五,2026-02-30 18:00\n",
                   encoding="utf-8")
    mapping = mapping_from_dict({"source": "x", "columns": {"ticket_id": "工单编号", "at": "操作时间", "action": "操作类型",
                                                            "actor_id": "操作人"},
                                 "action_fields": {"ExtensionApproved": {"new_due_at": "新时限"}}})
    report, _, _ = import_to_frames([bad], mapping)
    assert report.rows_rejected == 1  # a time that does not read is still rejected, naming the column


def test_a_call_record_file_with_only_its_own_call_number_is_not_the_ticket_sheet_either(tmp_path):
    flows = tmp_path / "流转记录.csv"
    flows.write_text("工单编号,操作时间,操作类型,操作人\nGD1,2026-03-01 09:00,派单,张三\nGD2,2026-03-02 09:00,派单,张三\n",
                     encoding="utf-8")
    calls = tmp_path / "话单.csv"
    calls.write_text("话单编号,呼叫类型,主叫,坐席工号,振铃时间,接通时间,挂机时间\n"
                     "H1,呼入,13800000001,0401,2026-03-01 08:50:00,2026-03-01 08:50:09,2026-03-01 08:55:00\n"
                     "H2,呼入,13800000002,0402,2026-03-02 08:50:00,2026-03-02 08:50:09,2026-03-02 08:55:00\n",
                     encoding="utf-8")
    draft, _ = suggest([flows, calls])
    assert "ticket_sheet" not in draft and draft["calls"]["columns"]["call_id"] == "话单编号"
