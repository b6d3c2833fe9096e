"""`mapping suggest` on a two-part export with title rows (工单信息 + 流转记录, style E of the blind test):
the header below the title, the ticket sheet as `ticket_sheet`, the target unit, the caller's name apart from
their phone, decision words paired with their request word or left to a person; and the ticket sheet's
deadline column read onto the dispatches."""

from openpyxl import Workbook

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build
from rexian.importing.mapping_check import check
from rexian.importing.suggest import guess_action, suggest
from rexian.importing.mapping import Mapping
from rexian.importing.vocabulary import default_vocabulary

TICKET_HEADER = ["工单号", "登记时间", "来电人", "联系电话", "诉求类型", "诉求地点", "诉求内容", "办理时限", "工单状态", "办结时间"]
FLOW_HEADER = ["序号", "工单号", "处理时间", "处理环节", "处理人", "处理部门", "流向部门", "办理意见", "附件", "评价结果"]
FLOWS = [
    [1, "E001", "2026/3/5 9:20", "派发", "调度员甲", "市12345中心", "花园街道", "请按职责办理。", "", ""],
    [2, "E001", "2026/3/5 10:02", "签收", "王芳", "花园街道", "", "", "", ""],
    [3, "E001", "2026/3/5 11:40", "退回申请", "王芳", "花园街道", "", "不属于我街道管辖。", "", ""],
    [4, "E001", "2026/3/5 14:10", "退回审核不通过", "审核员乙", "市12345中心", "", "属地管理，请继续办理。", "", ""],
    [5, "E001", "2026/3/6 9:00", "办结申请", "王芳", "花园街道", "", "已联系商户整改。", "整改照片.jpg", ""],
    [6, "E001", "2026/3/6 15:00", "办结审核不通过", "审核员乙", "市12345中心", "", "未说明处理结果。", "", ""],
    [7, "E001", "2026/3/7 9:00", "办结申请", "王芳", "花园街道", "", "已整改到位。", "整改照片2.jpg", ""],
    [8, "E001", "2026/3/7 10:00", "办结审核通过", "审核员乙", "市12345中心", "", "同意办结。", "", ""],
    [9, "E001", "2026/3/8 10:00", "回访", "回访员丙", "市12345中心", "", "回访来电人。", "", "满意度：很满意"],
    [10, "E002", "2026/3/5 9:40", "派发", "调度员甲", "市12345中心", "花园街道", "请按职责办理。", "", ""],
    [11, "E002", "2026/3/5 16:00", "现场核查", "李强", "花园街道", "", "到现场查看。", "", ""],
    [12, "E002", "2026/3/6 9:00", "退回审核通过", "审核员乙", "市12345中心", "", "同意退回。", "", ""],
]
TICKETS = [
    ["E001", "2026/3/5 9:14", "张先生", "13800000001", "占道经营", "花园路1号", "门口摆摊占道。", "2026/3/12 9:20", "已办结", ""],
    ["E002", "2026/3/5 9:30", "李女士", "13800000002", "噪音扰民", "花园路2号", "夜间施工噪音。", "", "办理中", ""],
]


def export(tmp_path):
    book = Workbook()
    tickets = book.active
    tickets.title = "工单信息"
    tickets.append(["12345政务服务便民热线工单信息"])
    tickets.append(["导出时间：2026/3/10"])
    tickets.append(TICKET_HEADER)
    for row in TICKETS:
        tickets.append(row)
    flows = book.create_sheet("流转记录")
    flows.append(["12345政务服务便民热线工单流转记录"])
    flows.append(FLOW_HEADER)
    for row in FLOWS:
        flows.append(row)
    path = tmp_path / "12345工单导出.xlsx"
    book.save(path)
    return path


def test_suggest_finds_the_headers_below_the_titles_and_proposes_the_ticket_sheet_and_the_target_unit(tmp_path):
    proposal, notes = suggest([export(tmp_path)])
    assert proposal["sheet"] == "流转记录"
    assert proposal["columns"]["action"] == "处理环节" and proposal["columns"]["target_unit_id"] == "流向部门"
    sheet = proposal["ticket_sheet"]
    assert sheet["sheet"] == "工单信息" and sheet["ticket_id"] == "工单号"
    assert sheet["intake"]["caller_name"] == "来电人" and sheet["intake"]["caller_phone"] == "联系电话"
    assert "caller_id" not in sheet["intake"] and "intake" not in proposal  # no name taken as an identity
    assert (sheet["due_at"], sheet["status"], sheet["closed_at"]) == ("办理时限", "工单状态", "办结时间")
    assert "due_at" not in proposal.get("action_fields", {}).get("Dispatched", {})
    assert any("表头在第 3 行" in note for note in notes)


def test_suggest_pairs_decisions_with_their_request_word_and_leaves_unsure_words_to_a_person(tmp_path):
    proposal, notes = suggest([export(tmp_path)])
    actions = proposal["actions"]
    assert actions["退回申请"] == "ReturnRequested"  # a request, not a return granted
    assert actions["退回审核不通过"] == "ReturnRejected" and actions["退回审核通过"] == "ReturnApproved"
    assert actions["办结审核不通过"] == "ClosureRejected" and actions["办结审核通过"] == "ClosureApproved"
    assert actions["现场核查"] == "ProgressNoted"  # a built-in word: a site check (kind site_visit on import)
    vocabulary = Mapping(source="x", actions=default_vocabulary(), action_match="contains")
    assert guess_action("延期审核不通过", vocabulary) == "ExtensionRejected"
    assert guess_action("审核不通过", vocabulary) is None  # no request word: which request? left unmapped
    assert guess_action("市级退回", vocabulary) is None  # 退回 only inside a phrase: never a decision by guess
    assert guess_action("市级派单", vocabulary) == "Dispatched"


def test_the_suggested_mapping_imports_the_workbook_with_the_deadline_of_the_ticket_sheet(tmp_path):
    path = export(tmp_path)
    proposal, _ = suggest([path])
    proposal["source"] = "cityE"
    proposal["actions"]["现场核查"] = "ProgressNoted"
    mapping = mapping_from_dict(proposal)
    report = build([path], mapping)
    assert report.rows_rejected == 0, report.rejects.rejects
    dispatch = next(d for d in report.histories["E001"].drafts if d.action == "Dispatched")
    assert dispatch.payload["due_at"] == "2026-03-12 09:20:00" and dispatch.target_unit_id == "花园街道"
    assert all(not d.payload.get("due_at") for d in report.histories["E002"].drafts if d.action == "Dispatched")


def test_check_warns_when_no_dispatch_names_a_unit_and_when_reply_text_sits_in_the_note(tmp_path):
    path = export(tmp_path)
    proposal, _ = suggest([path])
    proposal["source"] = "cityE"
    proposal["actions"]["现场核查"] = "ProgressNoted"
    del proposal["columns"]["target_unit_id"]
    assert proposal["action_fields"]["ClosureRequested"].pop("reply") == "办理意见"  # suggest proposes it; check
    _, lines = check([path], mapping_from_dict(proposal))                            # warns when it is not there
    assert any("派单没有接收单位" in line for line in lines)
    assert any("答复文字只在 note" in line for line in lines)
    proposal["columns"]["target_unit_id"] = "流向部门"
    proposal["action_fields"]["ClosureRequested"]["reply"] = "办理意见"
    _, lines = check([path], mapping_from_dict(proposal))
    assert not any("派单没有接收单位" in line or "答复文字只在 note" in line for line in lines)


def test_analyze_mapping_frames_match_callers_by_pseudonymised_phone_not_by_name_as_a_database_import_does(tmp_path):
    from rexian.importing.pipeline import import_to_frames

    global TICKETS
    saved = TICKETS
    TICKETS = [saved[0], [*saved[1][:2], "张先生", "13800000001", *saved[1][4:]]]  # same phone, same name
    try:
        path = export(tmp_path)
    finally:
        TICKETS = saved
    proposal, _ = suggest([path])
    proposal["source"] = "cityE"
    proposal["actions"]["现场核查"] = "ProgressNoted"
    report, events, tickets = import_to_frames([path], mapping_from_dict(proposal))
    callers = dict(zip(tickets.ticket_id, tickets.caller_id))
    assert callers["E001"] == callers["E002"] and callers["E001"].startswith("P")
    assert "张先生" not in events.to_json(force_ascii=False) and "13800000001" not in events.to_json()
