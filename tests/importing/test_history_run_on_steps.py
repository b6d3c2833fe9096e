"""An export written the way many 12345 platforms write it: one row per ticket, a header over two rows with merged
cells (「工单编号」 merged down, 「受理信息」 merged across its columns), the intake time as an Excel serial number, and
the flow in one cell with several steps on one line, separated by 「；」 (「2024-03-02 09:15 市12345中心 张三 派单至
区住建局；2024-03-03 10:20 区住建局 李四 退回 理由：…」) — `history.separator`."""

import json

import openpyxl

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

LINE = (r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (?P<actor_unit_id>\S+) (?P<actor_id>\S+) "
        r"(?P<action>派单至|退回|签收|申请办结|办结|回访)(?: (?P<target_unit_id>区\S*局)(?= |$))?\s*(?P<note>.*)$")
ACTIONS = {"派单至": "Dispatched", "退回": "ReturnApproved", "申请办结": "ClosureRequested", "回访": "Visited"}
PINGPONG = "；".join([
    "2024-03-02 09:15 市12345中心 张三 派单至 区住建局",
    "2024-03-03 10:20 区住建局 李四 退回 理由：不属于我局职责；请重新派单",
    "2024-03-03 11:00 市12345中心 张三 派单至 区城管局",
    "2024-03-04 09:30 区城管局 王五 退回 理由：应由住建局处理",
    "2024-03-04 10:00 市12345中心 张三 派单至 区住建局",
    "2024-03-05 09:00 区住建局 李四 签收"])
CHAIN = "；".join([  # near miss: three different units, never back
    "2024-03-03 12:15 市12345中心 张三 派单至 区城管局",
    "2024-03-04 10:20 区城管局 王五 退回 理由：不归我局",
    "2024-03-04 11:00 市12345中心 张三 派单至 区水务局",
    "2024-03-05 09:00 区水务局 赵六 签收"])
ONE_PER_LINE = "\n".join([  # the same cell may also write a step per line
    "2024-03-04 08:00 市12345中心 张三 派单至 区水务局", "2024-03-05 10:20 区水务局 赵六 申请办结 已修复；附照片"])


def _two_row_header_book(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "工单导出"
    sheet.append(["工单编号", "受理信息", None, None, "处理信息", None])
    sheet.append([None, "受理时间", "诉求内容", "事发地址", "处理过程", "回访结果"])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:D1")
    sheet.merge_cells("E1:F1")
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _export(tmp_path):
    return _two_row_header_book(tmp_path / "工单导出.xlsx", [
        ("GD001", 45353.375, "楼下餐馆油烟扰民", "人民路1号", PINGPONG, "满意"),
        ("GD002", 45354.5, "路灯不亮", "解放路2号", CHAIN, "基本满意"),
        ("GD003", 45355.25, "井盖缺失", "建设路3号", ONE_PER_LINE, "不满意")])


def _mapping(**history):
    return mapping_from_dict({
        "source": "cityX", "columns": {"ticket_id": "工单编号"},
        "intake": {"received_at": "受理时间", "content": "诉求内容", "address": "事发地址"},
        "actions": ACTIONS, "action_fields": {"ClosureRequested": {"reply": "处理过程.note"}},
        "history": {"column": "处理过程", "line": LINE, "visit_result": "回访结果", **history}})


def test_steps_separated_by_semicolons_on_one_line_become_one_event_each_and_a_ping_pong_names_who_returned_it(tmp_path):
    report, events, tickets = import_to_frames([_export(tmp_path)], _mapping(separator="[；;](?=\\s*\\d{4}-)"))
    assert (report.rows_in, report.rows_imported, report.rows_rejected) == (3, 3, 0)
    gd1 = events[events.ticket_id == "GD001"].sort_values("seq")
    assert list(gd1.action) == ["TicketReceived", "Dispatched", "ReturnApproved", "Dispatched", "ReturnApproved",
                                "Dispatched", "SignedFor", "Visited"]
    returned = json.loads(gd1.payload.iloc[2]) if isinstance(gd1.payload.iloc[2], str) else gd1.payload.iloc[2]
    assert returned["note"] == "理由：不属于我局职责；请重新派单"  # a semicolon inside a note is not a step
    assert str(gd1["at"].iloc[0])[:16] == "2024-03-02 09:00"  # the Excel serial 45353.375
    gd3 = events[events.ticket_id == "GD003"].sort_values("seq")
    assert list(gd3.action) == ["TicketReceived", "Dispatched", "ClosureRequested", "Visited"]
    findings = analyze(from_frames(events, tickets), load_config()).findings
    pingpong = {(f.ticket_ids[0], f.person_id) for f in findings if f.rule_id in ("BP-PINGPONG", "BP-CYCLE")}
    assert ("GD001", "李四") in pingpong and not any(ticket == "GD002" for ticket, _ in pingpong)


def test_a_plain_semicolon_separator_keeps_a_notes_own_semicolon_by_joining_it_back(tmp_path):
    report, events, _ = import_to_frames([_export(tmp_path)], _mapping(separator="；"))
    assert report.rows_rejected == 0
    returns = events[(events.ticket_id == "GD001") & (events.action == "ReturnApproved")].sort_values("seq")
    first = returns.payload.iloc[0]
    assert (json.loads(first) if isinstance(first, str) else first)["note"] == "理由：不属于我局职责；请重新派单"


def test_without_a_separator_mapping_check_says_steps_run_on_in_one_line(tmp_path):
    report, lines = check([_export(tmp_path)], _mapping())
    assert report.rows_rejected == 0
    assert any("同一行写了几步" in line and "separator" in line for line in lines), lines


def test_a_header_over_two_rows_of_merged_cells_is_read_as_one_header(tmp_path):
    path = _export(tmp_path)
    report, events, _ = import_to_frames([path], _mapping(separator="；"))
    assert set(events.ticket_id) == {"GD001", "GD002", "GD003"}
    assert any("两行" in note.reason and "合并单元格" in note.reason for note in report.rejects.notes)
    received = events[(events.ticket_id == "GD002") & (events.action == "TicketReceived")]
    payload = received.payload.iloc[0]
    assert (json.loads(payload) if isinstance(payload, str) else payload)["address"] == "解放路2号"


def test_suggest_reads_the_two_row_header_and_proposes_history_with_a_separator_that_reads_every_step(tmp_path):
    path = _export(tmp_path)
    proposal, notes = suggest([path])
    assert proposal["columns"] == {"ticket_id": "工单编号"}
    assert proposal["intake"]["received_at"] == "受理时间"
    history = proposal["history"]
    assert history["column"] == "处理过程" and history["separator"]
    proposal["source"] = "cityX"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert len(events[events.ticket_id == "GD001"]) == 1 + 6 + 1  # received, six steps, the visit from 回访结果
    assert any("分号" in note for note in notes)


def test_a_title_row_above_a_one_row_header_is_not_taken_for_the_upper_row_of_a_two_row_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某市12345工单导出"])
    sheet.append(["工单编号", "受理时间", "处理过程"])
    sheet.append(["GD9", "2024-03-02 09:00", "2024-03-02 09:15 市12345中心 张三 派单至 区住建局"])
    book.save(tmp_path / "one.xlsx")
    proposal, _ = suggest([tmp_path / "one.xlsx"])
    assert proposal["columns"]["ticket_id"] == "工单编号"


def test_the_same_export_saved_as_csv_reads_its_two_row_header_and_its_serial_dates_written_as_text(tmp_path):
    import csv

    path = tmp_path / "工单导出.csv"
    with open(path, "w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows([
            ["工单编号", "受理信息", "", "", "处理信息", ""],
            ["", "受理时间", "诉求内容", "事发地址", "处理过程", "回访结果"],
            ["GD001", "45353.375", "楼下餐馆油烟扰民", "人民路1号", PINGPONG, "满意"]])
    mapping = _mapping(separator="；")
    report, events, _ = import_to_frames([path], mapping)
    assert (report.rows_in, report.rows_rejected) == (1, 0), [r.reason for r in report.rejects.rejects]
    received = events[events.action == "TicketReceived"]
    assert str(received["at"].iloc[0])[:16] == "2024-03-02 09:00"


def test_suggest_reads_a_person_written_with_a_code_and_the_labelled_attachment_extension_and_call_parts(tmp_path):
    cell = "；".join([
        "2026-01-06 10:07 云州市12345热线中心 王芳（0101） 派单 至 云州市城市管理局 意见：请按职责办理；按时反馈。",
        "2026-01-06 11:05 云州市城市管理局 张伟（1101） 签收",
        "2026-01-07 09:00 云州市城市管理局 张伟（1101） 申请延期 意见：等待材料。 延期至：2026-01-20 18:00",
        "2026-01-07 10:00 云州市12345热线中心 赵敏（0201） 延期审核通过 意见：同意延期。 延期至：2026-01-20 18:00",
        "2026-01-09 15:00 云州市城市管理局 张伟（1101） 申请办结 意见：已清理。 附件：整改后.jpg、笔录.pdf",
        "2026-01-10 10:00 云州市12345热线中心 周婷（0301） 回访 已联系；满意；已解决；通话编号：HF0001；市民认可。"])
    path = _two_row_header_book(tmp_path / "导出.xlsx", [
        (f"GD00{n}", 46028.4 + n, "摊点占道", f"人民路{n}号", cell, None) for n in range(1, 4)])
    proposal, _ = suggest([path])
    fields = proposal["action_fields"]
    assert fields["ClosureRequested"]["evidence"] == "处理过程.附件"
    assert fields["ExtensionApproved"]["new_due_at"] == "处理过程.延期至"
    assert fields["Visited"]["call_id"] == "处理过程.通话编号"
    proposal["source"] = "cityY"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    one = events[events.ticket_id == "GD001"].sort_values("seq")
    assert list(one.actor_id)[1:3] == ["0101", "1101"]  # the code in brackets, not 王芳（0101）
    payloads = [json.loads(p) if isinstance(p, str) else p for p in one.payload]
    closure = next(p for p, action in zip(payloads, one.action) if action == "ClosureRequested")
    assert [item["ref"] for item in closure["evidence"]] == ["整改后.jpg", "笔录.pdf"]
    visit = next(p for p, action in zip(payloads, one.action) if action == "Visited")
    assert visit["call_id"] == "HF0001" and visit["satisfaction"] == "satisfied"
    approved = next(p for p, action in zip(payloads, one.action) if action == "ExtensionApproved")
    assert approved["new_due_at"].startswith("2026-01-20")
