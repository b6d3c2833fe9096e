"""A wide export (工单全流程宽表): one row per ticket, each kind of step as numbered column groups (派单时间1 派单人1
承办单位1 … 派单时间2 …; a return's request and audit in one group; 回访时间k 满意度k …), the people written 姓名(工号),
delivered as an HTML table saved as .xls — read with the mapping's `wide` section (importing/wide_groups.py)."""

import json

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.person_cells import person_id
from rexian.importing.pipeline import import_to_frames
from rexian.importing.wide_groups import numbered

FIXED = ["工单编号", "受理时间", "诉求内容", "事发地址", "办结时间"]
GROUPS = {
    "派单": ["派单时间", "派单人", "承办单位"],
    "退单": ["退单申请时间", "退单申请人", "退单申请单位", "退单原因", "退单审核时间", "退单审核人", "退单审核结果"],
    "办结申请": ["办结申请时间", "办结申请人", "办结申请单位", "答复内容", "附件", "办结审核时间", "办结审核人", "办结审核结果"],
    "回访": ["回访时间", "回访人", "满意度", "是否解决"],
}
WIDTH = {"派单": 3, "退单": 2, "办结申请": 2, "回访": 2}


def _row(no, received, content, address, closed, **groups):
    values = dict(zip(FIXED, [no, received, content, address, closed]))
    for name, stems in GROUPS.items():
        filled = groups.get(name, [])
        for k in range(1, WIDTH[name] + 1):
            cells = filled[k - 1] if k <= len(filled) else [""] * len(stems)
            values.update({f"{stem}{k}": cell for stem, cell in zip(stems, cells)})
    return values


def _tickets():
    # GD001: 城管 → 住建 → 城管 by approved returns (a ping-pong), each return asked by a clerk written 姓名(工号)
    ping = _row("GD001", "2026-03-02 09:00:00", "小区门口垃圾堆积", "人民路1号", "2026-03-06 10:00:00",
                派单=[("2026-03-02 09:15:00", "王芳(0101)", "市城管局"), ("2026-03-03 11:00:00", "王芳(0101)", "区住建局"),
                    ("2026-03-04 10:00:00", "王芳(0101)", "市城管局")],
                退单=[("2026-03-03 10:00:00", "刘洋(1102)", "市城管局", "属物业管理", "2026-03-03 10:40:00", "赵敏(0201)", "通过"),
                    ("2026-03-04 09:00:00", "曹宁(1302)", "区住建局", "属市政道路", "2026-03-04 09:30:00", "赵敏(0201)", "通过")],
                办结申请=[("2026-03-05 15:00:00", "张伟(1101)", "市城管局", "已于3月5日清运垃圾并告知市民。", "清运后.jpg",
                       "2026-03-06 09:50:00", "赵敏(0201)", "通过")],
                回访=[("2026-03-07 10:00:00", "周婷(0301)", "满意", "已解决")])
    # GD002: one return rejected (BP-REJECTED names who asked), a closure rejected once, two visits
    rejected = _row("GD002", "2026-03-02 10:00:00", "夜间施工噪音", "解放路2号", "2026-03-08 10:00:00",
                    派单=[("2026-03-02 10:15:00", "王芳(0101)", "市生态环境局")],
                    退单=[("2026-03-02 15:00:00", "冯丽(1202)", "市生态环境局", "应由住建部门处理", "2026-03-02 17:00:00",
                         "赵敏(0201)", "驳回")],
                    办结申请=[("2026-03-05 15:00:00", "冯丽(1202)", "市生态环境局", "已责令施工单位夜间停工。", "",
                           "2026-03-05 17:00:00", "孙洁(0202)", "不通过"),
                          ("2026-03-07 15:00:00", "冯丽(1202)", "市生态环境局", "已责令施工单位夜间停工并复查。", "复查.jpg",
                           "2026-03-08 09:50:00", "孙洁(0202)", "通过")],
                    回访=[("2026-03-09 10:00:00", "周婷(0301)", "满意", "已解决"),
                        ("2026-03-12 10:00:00", "吴静(0302)", "不满意", "未解决")])
    return [ping, rejected]


def _html_xls(path, rows):
    header = list(rows[0])
    cells = ["<tr>" + "".join(f"<td>{r[h] or '&nbsp;'}</td>" for h in header) + "</tr>" for r in rows]
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK"></head><body><table border=1>'
            f'<tr><td colspan="{len(header)}">工单全流程信息表</td></tr>'
            "<tr>" + "".join(f"<td>{h}</td>" for h in header) + "</tr>" + "".join(cells)
            + f'<tr><td colspan="{len(header)}">合计：{len(rows)} 件</td></tr></table></body></html>')
    path.write_bytes(html.encode("gbk"))
    return path


WIDE = {
    "groups": [
        {"at": "派单时间", "action": "派单", "actor_id": "派单人", "target_unit_id": "承办单位"},
        {"at": "退单申请时间", "action": "申请退单", "actor_id": "退单申请人", "actor_unit_id": "退单申请单位", "note": "退单原因"},
        {"at": "退单审核时间", "action_column": "退单审核结果", "actions": {"通过": "ReturnApproved", "驳回": "ReturnRejected"},
         "actor_id": "退单审核人"},
        {"at": "办结申请时间", "action": "申请办结", "actor_id": "办结申请人", "actor_unit_id": "办结申请单位"},
        {"at": "办结审核时间", "action_column": "办结审核结果",
         "actions": {"通过": "ClosureApproved", "不通过": "ClosureRejected"}, "actor_id": "办结审核人"},
        {"at": "回访时间", "action": "回访", "actor_id": "回访人"},
    ],
    "closed_at": "办结时间",
}


def _mapping(**wide):
    return mapping_from_dict({
        "source": "cityW", "columns": {"ticket_id": "工单编号"},
        "intake": {"received_at": "受理时间", "content": "诉求内容", "address": "事发地址"},
        "wide": {**WIDE, **wide},
        "action_fields": {"ClosureRequested": {"reply": "答复内容", "evidence": "附件"},
                          "ReturnRequested": {"reason": "退单原因"},
                          "Visited": {"satisfaction": "满意度", "resolved": "是否解决"}}})


def _payload(value):
    return json.loads(value) if isinstance(value, str) else value


def test_each_filled_group_of_a_wide_html_xls_becomes_one_event_and_empty_groups_make_nothing(tmp_path):
    path = _html_xls(tmp_path / "工单全流程信息.xls", _tickets())
    report, events, _ = import_to_frames([path], _mapping())
    assert (report.rows_in, report.rows_rejected) == (2, 0), [r.reason for r in report.rejects.rejects]
    gd1 = events[events.ticket_id == "GD001"].sort_values("seq")
    assert list(gd1.action) == ["TicketReceived", "Dispatched", "ReturnRequested", "ReturnApproved", "Dispatched",
                                "ReturnRequested", "ReturnApproved", "Dispatched", "ClosureRequested",
                                "ClosureApproved", "Closed", "Visited"]
    assert list(gd1.target_unit_id.dropna()) == ["市城管局", "区住建局", "市城管局"]
    reply = _payload(gd1[gd1.action == "ClosureRequested"].payload.iloc[0])
    assert reply["reply"] == "已于3月5日清运垃圾并告知市民。" and reply["evidence"][0]["ref"] == "清运后.jpg"


def test_a_groups_own_words_say_which_event_the_same_verdict_is(tmp_path):
    path = _html_xls(tmp_path / "宽表.xls", _tickets())
    _, events, _ = import_to_frames([path], _mapping())
    gd2 = events[events.ticket_id == "GD002"].sort_values("seq")
    assert list(gd2.action) == ["TicketReceived", "Dispatched", "ReturnRequested", "ReturnRejected", "ClosureRequested",
                                "ClosureRejected", "ClosureRequested", "ClosureApproved", "Closed", "Visited", "Visited"]
    second_visit = _payload(gd2[gd2.action == "Visited"].payload.iloc[1])
    assert second_visit["satisfaction"] == "unsatisfied" and second_visit["resolved"] is False  # 满意度2, 是否解决2


def test_findings_on_a_wide_export_name_the_staff_number_written_in_brackets(tmp_path):
    path = _html_xls(tmp_path / "宽表.xls", _tickets())
    _, events, tickets = import_to_frames([path], _mapping())
    assert set(events.actor_id.dropna()) >= {"0101", "1102", "1302", "1202", "0201"}
    findings = analyze(from_frames(events, tickets), load_config()).findings
    named = {(f.rule_id, f.ticket_ids[0], f.person_id) for f in findings}
    assert ("BP-PINGPONG", "GD001", "1102") in named
    assert ("BP-REJECTED", "GD002", "1202") in named
    assert ("DS-UNSATISFIED", "GD002", "1202") in named  # the second visit's 不满意 (满意度2), on who handled it


def test_a_csv_wide_export_reads_the_same_and_mapping_check_does_not_call_the_stems_missing_columns(tmp_path):
    import csv

    rows = _tickets()
    path = tmp_path / "宽表.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report, lines = check([path], _mapping())
    assert report.rows_rejected == 0
    assert not any("映射所指的列不存在" in line for line in lines), lines
    assert not any("没有回访事件" in line or "没有退单申请事件" in line for line in lines), lines


def test_a_wide_section_must_say_each_groups_time_and_action():
    import pytest

    from rexian.importing.mapping_sections import MappingError

    with pytest.raises(MappingError, match="wide.groups 第 1 项"):
        _mapping(groups=[{"at": "派单时间"}])
    with pytest.raises(MappingError, match="未知事件"):
        _mapping(groups=[{"at": "退单审核时间", "action_column": "退单审核结果", "actions": {"通过": "Approved"}}])


def test_numbered_columns_are_read_however_platforms_number_them():
    assert numbered("派单时间1") == ("派单时间", 1)
    assert numbered("派单时间_12") == ("派单时间", 12)
    assert numbered("派单时间（2）") == ("派单时间", 2)
    assert numbered("第2次派单时间") == ("派单时间", 2)
    assert numbered("第三次派单时间") == ("派单时间", 3)
    assert numbered("派单1时间") == ("派单时间", 1)
    assert numbered("工单编号") is None and numbered("12345工单") is None


def test_a_person_written_with_a_staff_number_in_brackets_is_that_number():
    assert person_id("王芳(0101)") == "0101"
    assert person_id("王芳（H0201）") == "H0201"
    assert person_id("张三(市城管局)") == "张三(市城管局)"  # a unit in brackets is not a staff number
    assert person_id("0101") == "0101" and person_id(None) is None
    assert person_id("热线坐席(2)") == "热线坐席(2)"  # one digit is a seat or a count, not a staff number


def test_suggest_proposes_the_wide_groups_with_their_audits_words_and_the_draft_reads_every_step(tmp_path):
    from rexian.importing.suggest import suggest

    path = _html_xls(tmp_path / "工单全流程信息.xls", _tickets())
    proposal, notes = suggest([path])
    groups = {group["at"]: group for group in proposal["wide"]["groups"]}
    assert list(groups) == ["派单时间", "退单申请时间", "退单审核时间", "办结申请时间", "办结审核时间", "回访时间"]
    assert groups["派单时间"] == {"at": "派单时间", "action": "派单", "actor_id": "派单人", "target_unit_id": "承办单位"}
    assert groups["退单审核时间"]["actions"] == {"通过": "ReturnApproved", "驳回": "ReturnRejected", "不通过": "ReturnRejected"}
    assert groups["办结审核时间"]["actions"] == {"不通过": "ClosureRejected", "通过": "ClosureApproved",
                                          "驳回": "ClosureRejected"}
    assert proposal["action_fields"]["Visited"] == {"satisfaction": "满意度", "resolved": "是否解决"}
    assert proposal["action_fields"]["ClosureRequested"] == {"reply": "答复内容", "evidence": "附件"}
    assert any("带序号的列组" in note for note in notes)
    proposal["source"] = "cityW"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    assert len(events[events.ticket_id == "GD001"]) == 12 and len(events[events.ticket_id == "GD002"]) == 11


def test_suggest_adds_the_other_side_of_a_verdict_the_sample_shows_alone(tmp_path):
    from rexian.importing.suggest import suggest

    path = _html_xls(tmp_path / "工单全流程信息.xls", _tickets()[:1])  # GD001: both returns approved
    proposal, notes = suggest([path])
    audit = next(group for group in proposal["wide"]["groups"] if group["at"] == "退单审核时间")
    assert audit["actions"] == {"通过": "ReturnApproved", "不通过": "ReturnRejected", "驳回": "ReturnRejected"}
    assert any("样本中未见" in note for note in notes)


def test_suggest_takes_a_groups_staff_number_column_before_the_name_beside_it(tmp_path):
    from rexian.importing.suggest import suggest

    rows = []
    for ticket in _tickets():  # 派单人工号k right after 派单人k, which keeps the name alone
        row = {}
        for header, cell in ticket.items():
            if header.startswith("派单人"):
                row[header], row[header.replace("派单人", "派单人工号")] = \
                    (cell.split("(")[0], cell[cell.find("(") + 1:-1]) if cell else ("", "")
            else:
                row[header] = cell
        rows.append(row)
    path = _html_xls(tmp_path / "宽表.xls", rows)
    proposal, _ = suggest([path])
    dispatch = next(group for group in proposal["wide"]["groups"] if group["at"] == "派单时间")
    assert dispatch["actor_id"] == "派单人工号"
