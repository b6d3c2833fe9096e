"""The flow in one cell as other platforms write it: numbered steps (「1. 2024-03-02 09:15 … 2. 2024-03-03 …」, 「①…②…」,
「（1）…（2）…」), an arrow chain (「… 派单至 区住建局 → 2024-03-03 10:20 区住建局 李四 退回 …」) and a step per line behind a
bullet (「· 」「- 」). `mapping suggest` proposes the separator from the column's values; a reply that merely holds
「1.」 or 「→」 is never cut into steps; `mapping check` says when the steps run on."""

import csv
import json

import pytest

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

REPLY = "答复：1.已清理 2.已告知 市民→社区→物业"  # a note with a number and an arrow, and no time after them
PINGPONG = ["2024-03-02 09:15 市12345中心 张三 派单至 区住建局",
            "2024-03-03 10:20 区住建局 李四 退回 理由：不属于我局职责",
            "2024-03-03 11:00 市12345中心 张三 派单至 区城管局",
            "2024-03-05 09:00 区城管局 王五 签收 通话编号：HF001",  # a note ending in a digit before the next marker
            f"2024-03-06 16:00 区城管局 王五 办结 {REPLY}"]
CHAIN = ["2024-04-01 08:30 市12345中心 赵六 派单至 区水务局",
         "2024-04-02 10:00 区水务局 钱七 签收",
         f"2024-04-03 15:00 区水务局 钱七 办结 {REPLY}"]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒"
SHAPES = {
    "numbered": lambda steps: " ".join(f"{n}. {step}" for n, step in enumerate(steps, 1)),
    "numbered_with_semicolons": lambda steps: "；".join(f"{n}、{step}" for n, step in enumerate(steps, 1)),
    "circled": lambda steps: "".join(CIRCLED[n] + step for n, step in enumerate(steps)),
    "bracketed_number": lambda steps: "".join(f"（{n}）{step}" for n, step in enumerate(steps, 1)),
    "arrow_chain": lambda steps: " → ".join(steps),
    "dot_bullet_per_line": lambda steps: "\n".join(f"· {step}" for step in steps),
    "dash_bullet_per_line": lambda steps: "\n".join(f"- {step}" for step in steps),
    "semicolons": lambda steps: "；".join(steps),
}
LINE = (r"^(?P<at>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (?P<actor_unit_id>\S+) (?P<actor_id>\S+) "
        r"(?P<action>派单至|退回|签收|办结)(?: (?P<target_unit_id>区\S*局)(?= |$))?\s*(?P<note>.*)$")

ACTIONS = {"派单至": "Dispatched", "退回": "ReturnApproved", "签收": "SignedFor", "办结": "ClosureRequested"}


def _hand_mapping():
    """A mapping written from the docs, without `separator`."""
    return mapping_from_dict({"source": "cityX", "columns": {"ticket_id": "工单编号"}, "actions": ACTIONS,
                              "intake": {"received_at": "受理时间"}, "history": {"column": "处理过程", "line": LINE}})


def _export(tmp_path, shape: str):
    path = tmp_path / f"{shape}.csv"
    write = SHAPES[shape]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([
            ["工单编号", "受理时间", "诉求内容", "处理过程", "答复内容"],
            ["GD001", "2024-03-02 09:00", "楼下餐馆油烟扰民", write(PINGPONG), REPLY],
            ["GD002", "2024-04-01 08:00", "井盖缺失", write(CHAIN), REPLY],
            ["GD003", "2024-04-05 08:00", "路灯不亮", write(PINGPONG[:2]), "已转办"]])
    return path


def _notes(events, ticket):
    rows = events[events.ticket_id == ticket].sort_values("seq")
    return [(json.loads(p) if isinstance(p, str) else p).get("note") for p in rows.payload]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_suggests_draft_with_only_the_source_filled_in_reads_every_step_of_each_shape_and_keeps_a_replys_numbers_whole(
        tmp_path, shape):
    path = _export(tmp_path, shape)
    proposal, notes = suggest([path])
    assert proposal["history"]["column"] == "处理过程", notes
    proposal["source"] = "cityX"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert (report.rows_in, report.rows_rejected) == (3, 0), [r.reason for r in report.rejects.rejects]
    assert not [note.reason for note in report.rejects.notes if "不是新的一步" in note.reason]
    per_ticket = events.groupby("ticket_id").size().to_dict()
    assert per_ticket == {"GD001": 1 + 5, "GD002": 1 + 3, "GD003": 1 + 2}  # received + one event per step
    assert REPLY in [note for note in _notes(events, "GD001") if note][-1]
    assert not any(note and "2024-" in note for note in _notes(events, "GD001"))  # no step left inside a note


def test_a_step_per_line_whose_notes_hold_numbers_and_arrows_gets_no_separator_and_is_not_cut(tmp_path):
    path = tmp_path / "plain.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([
            ["工单编号", "受理时间", "处理过程"],
            ["GD001", "2024-03-02 09:00", "\n".join(PINGPONG)],
            ["GD002", "2024-04-01 08:00", "\n".join(CHAIN)]])
    proposal, _ = suggest([path])
    assert proposal["history"]["column"] == "处理过程" and "separator" not in proposal["history"]
    proposal["source"] = "cityX"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0 and len(events[events.ticket_id == "GD002"]) == 1 + 3
    assert REPLY in _notes(events, "GD002")[-1]


def test_a_reply_column_holding_numbered_points_and_arrows_is_not_taken_for_a_history(tmp_path):
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "办结时间", "答复内容"]] + [
            [f"GD00{n}", "2024-03-02 09:00", "2024-03-05 09:00", "1.已清理\n2.已告知 市民→社区→物业"] for n in range(1, 4)])
    proposal, _ = suggest([path])
    assert "history" not in proposal and proposal.get("mode") == "tickets"


@pytest.mark.parametrize("shape", ["numbered", "circled", "dot_bullet_per_line"])
def test_without_a_separator_mapping_check_says_a_marker_stands_before_each_step(tmp_path, shape):
    mapping = _hand_mapping()
    report, lines = check([_export(tmp_path, shape)], mapping)
    assert report.rows_rejected == 3
    assert any("序号、箭头或行首符号" in line and "separator" in line for line in lines), lines


def test_without_a_separator_mapping_check_says_steps_run_on_behind_an_arrow_or_a_number(tmp_path):
    mapping = _hand_mapping()
    for cell in (" → ".join(PINGPONG), PINGPONG[0] + " 2. " + " 3. ".join(PINGPONG[1:3])):
        path = tmp_path / "run_on.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([["工单编号", "受理时间", "处理过程"], ["GD001", "2024-03-02 09:00", cell]])
        report, lines = check([path], mapping)
        assert report.rows_rejected == 0
        assert any("同一行写了几步" in line for line in lines), (cell, lines)


@pytest.mark.parametrize("chain", ["市12345中心→区住建局→街道办",
                                   "市12345中心(2024-03-02 09:15)→区住建局(2024-03-03 10:20)→街道办（2024-03-04 09:00）"])
def test_a_chain_of_units_without_a_time_before_each_step_is_not_taken_for_steps_but_for_a_chain(tmp_path, chain):
    # import11b named the chain in a note and read nothing of it; import12 reads it as undated moves (history.chain,
    # tests/importing/test_history_unit_chains.py) — never as timed steps with a line pattern.
    path = tmp_path / "path.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "流转路径"]] + [
            [f"GD00{n}", "2024-03-02 09:00", chain] for n in range(1, 4)])
    proposal, notes = suggest([path])
    assert proposal["history"]["chain"] == "HandedOver" and "line" not in proposal["history"]
    assert any("「流转路径」是单位流转链" in note for note in notes), notes


def test_circled_numbers_go_on_past_twenty_steps(tmp_path):
    steps = [f"2024-03-{day:02d} 09:00 市12345中心 张三 派单至 区住建局" if day % 2 else
             f"2024-03-{day:02d} 10:00 区住建局 李四 退回 理由：不属于我局职责" for day in range(1, 23)]
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "处理过程"],
                                      ["GD001", "2024-03-01 08:00", SHAPES["circled"](steps)],
                                      ["GD002", "2024-03-01 08:00", SHAPES["circled"](steps[:3])]])
    proposal, _ = suggest([path])
    proposal["source"] = "cityX"
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0 and len(events[events.ticket_id == "GD001"]) == 1 + 22
