"""A visit cell as platforms write it: labelled parts and a free remark in one cell (「回访结果：满意；是否解决：
已解决；回访意见：市民表示问题已处理好」). The parts that name a result are read, the remark is kept as the visit's
note, and a cell nothing of which reads keeps the visit with its outcome unknown — never "not satisfied"."""

import csv
import json

import pytest

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.action_fields import visit_outcome
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames

HEADER = ["工单编号", "时间", "环节", "人员", "部门", "去向", "意见", "地址", "类别"]
MAPPING = {"source": "cells", "columns": {"ticket_id": "工单编号", "at": "时间", "action": "环节", "actor_id": "人员",
                                           "actor_unit_id": "部门", "target_unit_id": "去向", "note": "意见"},
           "intake": {"address": "地址", "category": "类别"},
           "actions": {"受理": "TicketReceived", "派发": "Dispatched", "办结申请": "ClosureRequested",
                       "审核通过": "ClosureApproved", "回访": "Visited", "归档": "Closed"},
           "action_fields": {"Visited": {"satisfaction": "意见"}, "ClosureRequested": {"reply": "意见"}}}


def _ticket(tid: str, day: int, visit_cell: str, address: str = "东湖路1号", category: str = "噪音") -> list[list[str]]:
    at = f"2026-03-{day:02d}"
    return [[tid, f"{at} 09:00", "受理", "坐席1", "热线中心", "", "来电反映噪音扰民", address, category],
            [tid, f"{at} 09:10", "派发", "派单员", "热线中心", "城管局", "请办理", address, category],
            [tid, f"{at} 15:00", "办结申请", "张三", "城管局", "", "已到现场处理并告知市民", address, category],
            [tid, f"{at} 16:00", "审核通过", "审核员", "热线中心", "", "同意", address, category],
            [tid, f"{at} 17:00", "回访", "回访员", "热线中心", "", visit_cell, address, category],
            [tid, f"{at} 17:05", "归档", "回访员", "热线中心", "", "归档", address, category]]


def _import(tmp_path, rows, mapping=MAPPING):
    path = tmp_path / "flows.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    report, events, tickets = import_to_frames([path], mapping_from_dict(mapping))
    visits = {row.ticket_id: json.loads(row.payload) if isinstance(row.payload, str) else row.payload
              for row in events[events.action == "Visited"].itertuples()}
    return report, events, tickets, visits


@pytest.mark.parametrize("cell, outcome, remark", [
    ("回访结果：满意；是否解决：已解决；回访意见：市民表示问题已处理好", {"satisfaction": "satisfied", "resolved": True},
     "回访意见：市民表示问题已处理好"),
    ("不满意；未解决；03月30日连续三次拨打无人接听", {"satisfaction": "unsatisfied", "resolved": False},
     "03月30日连续三次拨打无人接听"),
    ("满意度:基本满意 | 解决情况:是 | 备注:已上门查看", {"satisfaction": "basically_satisfied", "resolved": True},
     "备注:已上门查看"),
    ("不满意（市民称晚上仍有施工噪音）", {"satisfaction": "unsatisfied"}, "市民称晚上仍有施工噪音"),
    ("评价结果：未联系上。回访说明：电话关机，短信已告知", {"reached": False}, "回访说明：电话关机"),
])
def test_a_visit_cell_with_labelled_parts_and_a_remark_reads_the_parts_and_keeps_the_remark(cell, outcome, remark):
    read = visit_outcome(cell, "satisfaction")
    assert outcome.items() <= read.items() and remark in read["note"] and "outcome_unread" not in read


def test_a_cell_with_no_result_in_it_stays_unread_whole_and_a_part_labelled_as_a_result_that_does_not_read_is_named():
    assert visit_outcome("03月30日连续三次拨打", "satisfaction") == {"outcome_unread": "03月30日连续三次拨打"}
    partly = visit_outcome("回访结果：还行吧；是否解决：是", "satisfaction")
    assert partly["resolved"] is True and "satisfaction" not in partly and partly["outcome_unread"] == "回访结果：还行吧"


def test_imported_visit_cells_with_remarks_give_their_outcome_and_the_rules_fire_on_it(tmp_path):
    rows = (_ticket("T1", 2, "回访结果：不满意；是否解决：未解决；回访意见：市民称噪音依旧", "东湖路1号")
            + _ticket("T2", 3, "回访结果：基本满意；是否解决：已解决；回访意见：市民认可", "西湖路2号"))
    report, events, tickets, visits = _import(tmp_path, rows)
    assert report.rows_rejected == 0 and not report.rejects.notes
    assert visits["T1"]["satisfaction"] == "unsatisfied" and visits["T1"]["resolved"] is False
    assert visits["T1"]["note"].startswith("回访结果：不满意")  # the row's note, the whole cell, kept as written
    findings = analyze(from_frames(events, tickets), load_config()).findings
    fired = {(f.rule_id, f.ticket_ids[0]) for f in findings}
    assert ("DS-UNSATISFIED", "T1") in fired and ("FC-UNRESOLVED", "T1") in fired
    assert not {rule for rule, ticket in fired if ticket == "T2"} & {"DS-UNSATISFIED", "FC-UNRESOLVED"}


def test_an_unread_satisfaction_is_not_taken_as_unsatisfied_when_the_matter_comes_back(tmp_path):
    # T1's visit cannot be read; the same matter comes back in T2: neither false closure nor manufactured
    # satisfaction can be judged. T3's visit did not reach the citizen and T4 comes back: a false closure.
    rows = (_ticket("T1", 2, "市民说还行吧，看看再说", "东湖路1号") + _ticket("T2", 9, "满意", "东湖路1号")
            + _ticket("T3", 2, "回访结果：未联系上；回访意见：三次拨打无人接听", "南湖路3号")
            + _ticket("T4", 10, "满意", "南湖路3号"))
    report, events, tickets, visits = _import(tmp_path, rows)
    assert "outcome_unread" in visits["T1"] and "satisfaction" not in visits["T1"]
    assert [note.value for note in report.rejects.notes] == ["市民说还行吧，看看再说"]
    assert visits["T3"]["reached"] is False
    findings = analyze(from_frames(events, tickets), load_config()).findings
    repeats = {(f.rule_id, f.ticket_ids[0]) for f in findings if "REPEAT" in f.rule_id and f.rule_id != "RC-REPEAT"}
    assert repeats == {("FC-REPEAT-AFTER-CLOSE", "T3")}


def test_a_ticket_sheet_visit_result_with_a_remark_is_read_and_the_remark_kept_as_the_visit_note(tmp_path):
    flows = [row for row in _ticket("T1", 2, "x") if row[2] not in ("回访",)]
    path = tmp_path / "流转.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *flows])
    sheet = tmp_path / "工单.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号", "回访情况"], ["T1", "不满意，市民称噪音依旧"]])
    mapping = {**MAPPING, "ticket_sheet": {"files": "*工单*", "ticket_id": "编号", "visit_result": "回访情况"}}
    report, events, tickets = import_to_frames([path, sheet], mapping_from_dict(mapping))
    [payload] = [json.loads(p) if isinstance(p, str) else p for p in events[events.action == "Visited"].payload]
    assert payload["satisfaction"] == "unsatisfied" and payload["note"] == "市民称噪音依旧"


def test_the_ticket_lists_satisfaction_and_resolved_columns_complete_the_last_visit_the_flow_records_make(tmp_path):
    # The flow's 回访 rows name the visitor but say nothing readable of the outcome; the ticket list has it in two
    # columns. T1: unsatisfied and unresolved after a redo (only the last visit takes the list's result); T2: a
    # visit by the handler himself, satisfied (near miss for the outcome rules, firing for MS-VISIT-BY-HANDLER).
    t1 = _ticket("T1", 2, "已回访，市民意见见工单", "东湖路1号")
    redo = [["T1", "2026-03-03 09:00", "办结申请", "张三", "城管局", "", "已再次处理", "东湖路1号", "噪音"],
            ["T1", "2026-03-03 10:00", "审核通过", "审核员", "热线中心", "", "同意", "东湖路1号", "噪音"],
            ["T1", "2026-03-03 11:00", "回访", "回访员", "热线中心", "", "已回访", "东湖路1号", "噪音"]]
    t2 = [row[:3] + (["张三", "城管局"] if row[2] == "回访" else row[3:5]) + row[5:]
          for row in _ticket("T2", 4, "已回访", "西湖路2号")]
    path = tmp_path / "流转.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *t1[:5], *redo, *t2])
    sheet = tmp_path / "工单.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号", "回访满意度", "是否解决"], ["T1", "不满意", "否"], ["T2", "满意", "是"]])
    mapping = {**MAPPING, "action_fields": {"ClosureRequested": {"reply": "意见"}},
               "ticket_sheet": {"files": "*工单*", "ticket_id": "编号",
                                "visit_result": {"satisfaction": "回访满意度", "resolved": "是否解决"}}}
    report, events, tickets = import_to_frames([path, sheet], mapping_from_dict(mapping))
    assert report.rows_rejected == 0
    visits = events[events.action == "Visited"].sort_values(["ticket_id", "seq"])
    payloads = [json.loads(p) if isinstance(p, str) else p for p in visits.payload]
    assert [(t, a, p.get("satisfaction"), p.get("resolved")) for t, a, p in zip(visits.ticket_id, visits.actor_id, payloads)] \
        == [("T1", "回访员", None, None), ("T1", "回访员", "unsatisfied", False), ("T2", "张三", "satisfied", True)]
    findings = analyze(from_frames(events, tickets), load_config()).findings
    fired = {(f.rule_id, f.ticket_ids[0], f.person_id) for f in findings}
    assert {("DS-UNSATISFIED", "T1", "张三"), ("FC-UNRESOLVED", "T1", "张三"), ("MS-VISIT-BY-HANDLER", "T2", "张三")} <= fired
    assert not {rule for rule, ticket, _ in fired if ticket == "T2"} & {"DS-UNSATISFIED", "FC-UNRESOLVED"}
