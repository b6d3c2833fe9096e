"""`mapping check` names what a mapping reads but the export does not give: a column no file has (a typo, the
wrong sheet), and visit call numbers that match no call record."""

from openpyxl import Workbook

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.mapping_check import check

from .test_event_sheets import FLOW, MAPPING, flow_rows, write_book
from .test_suggest_many_sheets import CALL_HEADER

CALLS = {"sheet": "话务记录", "columns": {"call_id": "通话流水号", "caller_phone": "主叫号码", "agent_id": "坐席工号",
                                         "ring_at": "振铃时间", "answer_at": "应答时间", "end_at": "挂机时间",
                                         "ticket_id": "关联工单号", "direction": "呼叫类型"},
         "values": {"direction": {"呼入": "in", "呼出": "out"}}}


def test_a_misspelt_visit_column_is_named_and_the_right_one_is_not(tmp_path):
    visits = [["H-1", "2026-04-06 16:05", "回访员1", "已联系", "已解决", "满意"]]
    book = write_book(tmp_path / "b.xlsx", flow_rows("H-1", "2026-04-10 17:30"), visits)
    sheet = {**MAPPING["event_sheets"][0], "action_fields": {"Visited": {"satisfaction": "满意程度"}}}
    _, lines = check([book], mapping_from_dict({**MAPPING, "event_sheets": [sheet]}))
    assert any("「满意程度」" in line and "action_fields.Visited.satisfaction" in line for line in lines), lines
    _, lines = check([book], mapping_from_dict(MAPPING))
    assert not any("映射所指的列不存在" in line for line in lines), lines
    assert any("event_sheets 第 2 项（延期申请）没有产生任何事件" in line for line in lines)  # its sheet is empty


def test_visit_call_numbers_that_match_no_call_are_named_and_matching_ones_are_not(tmp_path):
    def export(call_ids):
        book = Workbook()
        flows = book.active
        flows.title = "处理过程"
        flows.append([*FLOW, "录音编号"])
        for number, call_id in enumerate(call_ids, start=1):
            for row in flow_rows(f"H-{number}", "2026-04-10 17:30"):
                flows.append([*row, call_id if row[2] == "回访" else ""])
        calls = book.create_sheet("话务记录")
        calls.append(CALL_HEADER)
        for number in range(1, len(call_ids) + 1):
            calls.append([f"C{number}", "13800000000", "回访员1", "2026-04-06 15:50", "2026-04-06 15:50",
                          "2026-04-06 15:55", f"H-{number}", "呼出"])
        book.save(tmp_path / "b.xlsx")
        return tmp_path / "b.xlsx"

    raw = {**MAPPING, "event_sheets": [], "calls": CALLS,
           "action_fields": {**MAPPING["action_fields"], "Visited": {"call_id": "录音编号"}}}
    _, lines = check([export(["LY000001", "LY000002", "LY000003"])], mapping_from_dict(raw))
    assert any("call_id 有 3/3 条在通话记录中找不到" in line for line in lines), lines
    _, lines = check([export(["C1", "C2", "C3"])], mapping_from_dict(raw))
    assert not any("在通话记录中找不到" in line for line in lines), lines
