"""The attachment part of a step in a one-cell flow (「附件：a.jpg、b.jpg」) is the closure request's evidence and no
longer words of its reply: the reply text the boilerplate and text rules read carries no file names, whatever the
separator between the steps (「；」, numbers, circled numbers, arrows, bullets) and wherever the part stands in the
step (before a 「；」, on a line of its own, before a labelled part)."""

import csv
import json

import pytest

from rexian.importing.history_cells import take_attachments
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

from .test_history_step_markers import SHAPES

LINE = (r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (?P<actor_unit_id>\S+) (?P<actor_id>\S+) "
        r"(?P<action>派单至|签收|申请办结)(?: (?P<target_unit_id>区\S*局)(?= |$))?\s*(?P<note>.*)$")
ACTIONS = {"派单至": "Dispatched", "签收": "SignedFor", "申请办结": "ClosureRequested"}

REPLY = "已清理楼道堆放杂物并告知市民"
CLOSE = f"2024-03-06 16:00 区城管局 王五 申请办结 {REPLY} 附件：整改前.jpg、整改后.jpg"
STEPS = ["2024-03-02 09:15 市12345中心 张三 派单至 区城管局",
         "2024-03-05 09:00 区城管局 王五 签收",
         CLOSE]
NO_FILE = ["2024-04-01 08:30 市12345中心 赵六 派单至 区水务局",
           f"2024-04-03 15:00 区水务局 钱七 申请办结 {REPLY}；附件：无"]


def _export(tmp_path, shape: str, steps=STEPS):
    path = tmp_path / f"{shape}.csv"
    write = SHAPES[shape]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([
            ["工单编号", "受理时间", "诉求内容", "处理过程"],
            ["GD001", "2024-03-02 09:00", "楼道杂物堆放", write(steps)],
            ["GD002", "2024-04-01 08:00", "井盖缺失", write(NO_FILE)]])
    return path


def _closure(events, ticket="GD001"):
    rows = events[(events.ticket_id == ticket) & (events.action == "ClosureRequested")]
    assert len(rows) == 1, events[["ticket_id", "action"]]
    payload = rows.payload.iloc[0]
    return json.loads(payload) if isinstance(payload, str) else payload


def _hand_mapping(separator: str | None):
    """Written from the docs: the note is the reply; nothing said about attachments."""
    history = {"column": "处理过程", "line": LINE}
    if separator:
        history["separator"] = separator
    return mapping_from_dict({"source": "cityX", "columns": {"ticket_id": "工单编号"}, "actions": ACTIONS,
                              "intake": {"received_at": "受理时间"}, "history": history,
                              "action_fields": {"ClosureRequested": {"reply": "处理过程.note"}}})


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_suggests_draft_reads_the_attachment_part_as_evidence_and_leaves_it_out_of_the_reply_in_every_shape(
        tmp_path, shape):
    path = _export(tmp_path, shape)
    proposal, notes = suggest([path])
    proposal["source"] = "cityX"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    closure = _closure(events)
    assert closure["reply"] == REPLY
    assert "附件" not in (closure.get("note") or "") and ".jpg" not in (closure.get("note") or "")
    assert closure["evidence"] == [{"kind": "photo", "ref": "整改前.jpg"}, {"kind": "photo", "ref": "整改后.jpg"}]
    assert "evidence" not in _closure(events, "GD002")  # 「附件：无」 is no evidence
    assert _closure(events, "GD002")["reply"] == REPLY


@pytest.mark.parametrize("shape,separator", [
    ("semicolons", r"[；;](?=\d{4}-)"), ("arrow_chain", r"\s*→\s*(?=\d{4}-)"), ("dot_bullet_per_line", r"^·\s*")])
def test_a_mapping_from_the_docs_that_names_no_attachment_column_still_gets_the_files_as_evidence(
        tmp_path, shape, separator):
    report, events, _ = import_to_frames([_export(tmp_path, shape)], _hand_mapping(separator))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    closure = _closure(events)
    assert closure["reply"] == REPLY
    assert [item["ref"] for item in closure["evidence"]] == ["整改前.jpg", "整改后.jpg"]


def test_an_attachment_list_on_a_line_of_its_own_below_the_step_is_evidence_not_reply(tmp_path):
    steps = STEPS[:2] + [f"2024-03-06 16:00 区城管局 王五 申请办结 {REPLY}\n附件：现场照片.png；整改报告.pdf"]
    path = tmp_path / "lines.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "处理过程"],
                                      ["GD001", "2024-03-02 09:00", "\n".join(steps)]])
    report, events, _ = import_to_frames([path], _hand_mapping(None))
    closure = _closure(events)
    assert closure["reply"] == REPLY
    assert closure["evidence"] == [{"kind": "photo", "ref": "现场照片.png"}, {"kind": "document", "ref": "整改报告.pdf"}]


def test_the_attachment_part_is_cut_wherever_it_stands_and_the_words_around_it_stay():
    assert take_attachments("已处理 附件：a.jpg、b.pdf 延期至：2024-03-09 18:00") == (
        "已处理 延期至：2024-03-09 18:00", ["a.jpg", "b.pdf"])
    assert take_attachments("附件：a.jpg；市民表示满意") == ("市民表示满意", ["a.jpg"])
    assert take_attachments("已处理；上传附件: 整改前.jpg；整改后.jpg。") == ("已处理", ["整改前.jpg", "整改后.jpg"])
    assert take_attachments("已告知市民附件所列整改要求") == ("已告知市民附件所列整改要求", [])  # no label with a colon


def test_mapping_check_does_not_call_the_default_attachment_fields_unused(tmp_path):
    path = tmp_path / "no_progress.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "处理过程"],
                                      ["GD001", "2024-03-02 09:00", "\n".join(STEPS)]])
    _, lines = check([path], _hand_mapping(None))
    assert not any("ProgressNoted" in line or "处理过程.附件" in line for line in lines), lines
