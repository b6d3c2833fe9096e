"""`mapping suggest` and `mapping check` on exports as platforms write them: target-unit columns by other names,
「X时X分」 times, a ticket list in a file of its own, the extension's new deadline, one row per ticket (a ticket
list, or a flow history in one cell); what `check` says when visit cells do not read or a field is missing; and a
ticket list that cannot be read leaving no half tickets (`import`, `analyze --mapping` exit code)."""

import csv
from datetime import datetime

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook

from rexian.cli import main
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build
from rexian.importing.mapping_check import check
from rexian.importing.suggest import suggest
from rexian.importing.values import parse_time

FLOW_HEADER = ["工单编号", "处理时间", "环节名称", "处理人", "处理部门", "{target}", "处理意见", "申请延期至"]


def _flows(path, target="流转至", time="2026年3月{d}日 {h}时{m:02d}分", rows=None):
    rows = rows or [
        ("G1", 5, 9, 10, "派发", "王芳", "热线中心", "城管局", "请办理", ""),
        ("G1", 5, 10, 0, "签收", "张三", "城管局", "", "", ""),
        ("G1", 6, 9, 0, "延期申请", "张三", "城管局", "", "需协调", "2026年3月20日 18时00分"),
        ("G1", 6, 11, 0, "延期审核通过", "审核员", "热线中心", "城管局", "同意", "2026年3月20日 18时00分"),
        ("G1", 7, 9, 0, "办结申请", "张三", "城管局", "", "已清理完毕", ""),
        ("G2", 5, 9, 30, "派发", "王芳", "热线中心", "水务局", "请办理", ""),
        ("G2", 5, 10, 30, "签收", "李四", "水务局", "", "", "")]
    with open(path, "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([h.format(target=target) for h in FLOW_HEADER])
        for tid, d, h, m, *rest in rows:
            writer.writerow([tid, time.format(d=d, h=h, m=m), *rest])
    return path


def _ticket_book(path, rows=(("G1", "2026/3/5 9:00", "东湖路", "不满意", "否"), ("G2", "2026/3/5 9:20", "西湖路", "", ""))):
    book = Workbook()
    sheet = book.active
    sheet.title = "工单明细"
    sheet.append(["江州市12345工单明细表"])
    sheet.append(["工单编号", "受理时间", "事发地点", "回访满意度", "是否解决"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.mark.parametrize("header", ["流转至", "转至单位", "接收单位", "流向"])
def test_suggest_takes_the_columns_platforms_name_the_receiving_unit_as_the_target(tmp_path, header):
    proposal, notes = suggest([_flows(tmp_path / "流转.csv", target=header)])
    assert proposal["columns"]["target_unit_id"] == header
    assert not [note for note in notes if "未找到派单的目标单位列" in note]


def test_suggest_does_not_take_a_time_column_for_the_target(tmp_path):
    proposal, notes = suggest([_flows(tmp_path / "流转.csv", target="流转时间")])
    assert proposal["columns"].get("target_unit_id") != "流转时间"


@pytest.mark.parametrize("written, fmt", [("2026年3月{d}日 {h}时{m:02d}分", "%Y年%m月%d日 %H时%M分"),
                                          ("2026年3月{d}日 {h}点{m:02d}分", "%Y年%m月%d日 %H点%M分")])
def test_hour_and_minute_times_are_read_without_a_declared_format_and_suggest_names_the_format(tmp_path, written, fmt):
    proposal, _ = suggest([_flows(tmp_path / "流转.csv", time=written)])
    assert fmt in proposal["date_formats"]
    assert parse_time(written.format(d=5, h=9, m=14), (), None) == datetime(2026, 3, 5, 9, 14)


def test_a_ticket_list_in_a_file_of_its_own_is_proposed_by_files_and_read_with_its_two_visit_columns(tmp_path):
    paths = [_ticket_book(tmp_path / "工单明细表.xlsx"), _flows(tmp_path / "流转记录.csv")]
    proposal, _ = suggest(paths)
    sheet = proposal["ticket_sheet"]
    assert sheet["files"] == "*工单明细表*" and "sheet" not in sheet
    assert sheet["visit_result"] == {"satisfaction": "回访满意度", "resolved": "是否解决"}
    assert proposal["action_fields"]["ExtensionApproved"] == {"new_due_at": "申请延期至"}
    assert proposal["action_fields"]["ClosureRequested"]["reply"] == "处理意见"
    assert {"%Y年%m月%d日 %H时%M分", "%Y/%m/%d %H:%M"} <= set(proposal["date_formats"])
    report = build(paths, mapping_from_dict({**proposal, "source": "s"}))
    assert report.rows_rejected == 0 and set(report.histories) == {"G1", "G2"}
    approved = next(d for d in report.histories["G1"].drafts if d.action == "ExtensionApproved")
    assert approved.payload["new_due_at"] == "2026-03-20 18:00:00"


def test_a_ticket_sheet_inside_the_flow_workbook_is_still_proposed_by_sheet(tmp_path):
    book = Workbook()
    flows = book.active
    flows.title = "流转记录"
    flows.append(["工单编号", "处理时间", "环节名称", "处理人"])
    flows.append(["G1", "2026-03-05 09:00", "签收", "张三"])
    tickets = book.create_sheet("工单信息")
    tickets.append(["工单编号", "受理时间", "诉求内容"])
    tickets.append(["G1", "2026-03-05 08:00", "路灯不亮"])
    book.save(tmp_path / "导出.xlsx")
    proposal, _ = suggest([tmp_path / "导出.xlsx"])
    assert proposal["ticket_sheet"]["sheet"] == "工单信息" and "files" not in proposal["ticket_sheet"]


def test_one_row_per_ticket_without_steps_is_proposed_as_a_ticket_list(tmp_path):
    path = tmp_path / "台账.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "承办单位", "工单状态", "办结时间", "答复内容"],
                                      ["T1", "2026-03-05 09:00", "城管局", "已办结", "2026-03-06 09:00", "已处理"],
                                      ["T2", "2026-03-05 10:00", "水务局", "办理中", "", ""]])
    proposal, notes = suggest([path])
    assert proposal["mode"] == "tickets" and proposal["columns"] == {
        "ticket_id": "工单编号", "at": "受理时间", "target_unit_id": "承办单位"}
    assert proposal["tickets"] == {"status": "工单状态", "closed_at": "办结时间", "reply": "答复内容"}
    assert "history" not in proposal


def test_one_row_per_ticket_with_the_steps_in_one_cell_is_proposed_as_a_history_that_reads_every_line(tmp_path):
    def cell(unit, person):
        return "\n".join(["2026/3/5 9:00 热线中心 坐席甲 受理 市民反映污水外溢", f"2026/3/5 9:10 热线中心 王芳 派单 →{unit} 请办理",
                          f"2026/3/5 10:00 {unit} {person} 签收", f"2026/3/6 9:00 {unit} {person} 办结申请 已疏通",
                          "2026/3/7 9:00 热线中心 回访员 回访 满意"])
    path = tmp_path / "导出.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "诉求内容", "流转记录", "是否解决"],
                                      ["H1", "2026-03-05 09:00", "污水外溢", cell("水务局", "张三"), "是"],
                                      ["H2", "2026-03-05 10:00", "污水外溢", cell("城管局", "李四"), "否"]])
    proposal, notes = suggest([path])
    history = proposal["history"]
    assert history["column"] == "流转记录" and history["visit_result"] == {"resolved": "是否解决"}
    assert proposal["actions"]["派单"] == "Dispatched" and proposal["actions"]["办结申请"] == "ClosureRequested"
    assert any("可读 10/10 行" in note for note in notes)
    mapping = mapping_from_dict(yaml.safe_load(yaml.safe_dump({**proposal, "source": "s"}, allow_unicode=True)))
    report = build([path], mapping)
    assert report.rows_rejected == 0
    h1 = report.histories["H1"].drafts
    dispatch = next(d for d in h1 if d.action == "Dispatched")
    assert (dispatch.actor_id, dispatch.actor_unit_id, dispatch.target_unit_id) == ("王芳", "热线中心", "水务局")
    assert next(d for d in h1 if d.action == "ClosureRequested").payload["reply"] == "已疏通"


def test_check_says_when_every_visit_cell_is_unreadable_and_when_a_per_action_field_makes_no_event(tmp_path):
    path = tmp_path / "流转.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号", "时间", "环节", "说明"],
                                      ["V1", "2026-03-05 09:00", "回访", "市民说再看看"],
                                      ["V2", "2026-03-05 10:00", "回访", "电话打了两次"]])
    mapping = mapping_from_dict({"source": "s", "columns": {"ticket_id": "编号", "at": "时间", "action": "环节"},
                                 "action_fields": {"Visited": {"satisfaction": "说明"}, "Replied": {"reply": "说明"}}})
    _, lines = check([path], mapping)
    assert any(line.startswith("回访结果无法识别：2/2 条回访（全部）") and "DS-UNSATISFIED" in line for line in lines)
    assert "action_fields.Replied 没有用上：本映射没有产生 Replied 事件" in lines
    assert not [line for line in lines if line.startswith("action_fields.Visited")]


def test_check_names_the_rule_a_missing_resolved_field_disables_and_not_when_it_is_there(tmp_path):
    path = tmp_path / "流转.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号", "时间", "环节", "说明"], ["V1", "2026-03-05 09:00", "回访", "满意"]])
    raw = {"source": "s", "columns": {"ticket_id": "编号", "at": "时间", "action": "环节"},
           "action_fields": {"Visited": {"satisfaction": "说明"}}}
    _, lines = check([path], mapping_from_dict(raw))
    assert [line for line in lines if "回访事件没有解决情况" in line and "FC-UNRESOLVED" in line]
    assert not [line for line in lines if "回访事件没有满意度" in line]
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["V2", "2026-03-05 10:00", "回访", "满意，已解决"])
    _, lines = check([path], mapping_from_dict(raw))
    assert not [line for line in lines if "回访事件没有解决情况" in line]


def _two_part(tmp_path, sheet_bytes=None):
    flows = _flows(tmp_path / "流转记录.csv")
    sheet = tmp_path / "工单明细表.xlsx"
    if sheet_bytes is None:
        _ticket_book(sheet, rows=(("G1", "2026/3/5 9:00", "东湖路", "", ""),))  # G2 not in the list
    else:
        sheet.write_bytes(sheet_bytes)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump({
        "source": "s", "columns": {"ticket_id": "工单编号", "at": "处理时间", "action": "环节名称", "actor_id": "处理人",
                                   "actor_unit_id": "处理部门", "target_unit_id": "流转至"},
        "ticket_sheet": {"files": "*工单明细*", "ticket_id": "工单编号", "intake": {"received_at": "受理时间"}}},
        allow_unicode=True), encoding="utf-8")
    return mapping, [sheet, flows]


def test_an_unreadable_ticket_list_leaves_no_ticket_half_imported_and_analyze_mapping_exits_2(tmp_path):
    mapping, paths = _two_part(tmp_path, sheet_bytes=b"PK\x03\x04 not really a workbook")
    report = build(paths, mapping_from_dict(yaml.safe_load(mapping.read_text(encoding="utf-8"))))
    assert report.histories == {} and report.rows_rejected == report.rows_in == 7
    assert any("工单表文件" in r.reason and "整件未导入" in r.reason for r in report.rejects.rejects)
    result = CliRunner().invoke(main, ["analyze", "--mapping", str(mapping), *map(str, paths), "--out", str(tmp_path / "a")])
    assert result.exit_code != 0


def test_a_readable_ticket_list_that_lacks_a_ticket_still_imports_that_ticket_from_its_flows(tmp_path):
    mapping, paths = _two_part(tmp_path)
    report = build(paths, mapping_from_dict(yaml.safe_load(mapping.read_text(encoding="utf-8"))))
    assert set(report.histories) == {"G1", "G2"} and report.rows_rejected == 0
    result = CliRunner().invoke(main, ["analyze", "--mapping", str(mapping), *map(str, paths), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("notes, proposed", [
    (["回访结果：满意；是否解决：已解决；回访意见：市民认可", "不满意；未解决；市民称仍有噪音"], True),
    (["满意度:基本满意 | 备注:已上门", "未联系上"], True),
    (["已回访", "回访市民，市民称知道了"], False),
])
def test_suggest_reads_the_visit_rows_notes_as_the_visit_result_only_when_most_of_them_read(tmp_path, notes, proposed):
    path = tmp_path / "流转.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "处理时间", "环节名称", "处理人", "处理意见"],
                                      ["V1", "2026-03-05 09:00", "办结申请", "张三", "已处理，附照片"],
                                      *[[f"V{n}", "2026-03-06 09:00", "回访", "回访员", note] for n, note in enumerate(notes)]])
    proposal, _ = suggest([path])
    assert ("Visited" in proposal["action_fields"]) is proposed
    assert proposal["evidence_words"] == ["拍照", "照片", "图片"]


def test_suggest_takes_the_note_as_the_reason_of_requests_and_refusals_but_keeps_a_reason_column_of_their_own(
        tmp_path):
    """Firing: 延期申请 with its reason only in 处理意见 → ExtensionRequested.reason = 处理意见. Near miss: a return
    request whose export has a 退回原因 column keeps that column as the reason."""
    proposal, notes = suggest([_flows(tmp_path / "flows.csv")])
    assert proposal["action_fields"]["ExtensionRequested"]["reason"] == "处理意见"
    assert any("作为理由" in note for note in notes)
    returns = tmp_path / "returns.csv"
    with open(returns, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["工单编号", "处理时间", "环节名称", "处理人", "处理部门", "流转至", "处理意见", "退回原因"])
        writer.writerow(["R1", "2026-03-05 09:00", "派发", "王芳", "热线中心", "城管局", "请办理", ""])
        writer.writerow(["R1", "2026-03-05 10:00", "退回申请", "张三", "城管局", "", "已核实", "不属于本单位职责"])
    proposal, _ = suggest([returns])
    assert proposal["action_fields"]["ReturnRequested"]["reason"] == "退回原因"
