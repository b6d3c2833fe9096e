"""A bare chain of units in one cell (流转路径/办理轨迹: 「市12345中心→区住建局→街道办→区住建局」) read as the ticket's moves:
the first arrow the centre's dispatch, each later arrow a hand-over from the unit before to the unit after
(sideways 转办 unless the mapping says otherwise; out of the centre a re-dispatch, back into it a return), ordered
but undated — so ping-pong and cycles are seen, and the
rules that measure from a move's time or need the unit's own actions (DL-IDLE, BP-NO-VERIFY, FF-NO-FOLLOW-UP) do
not fire on the stand-in times. `mapping suggest` proposes it."""

import csv
import json

import pytest

from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

HEADER = ["工单编号", "受理时间", "诉求内容", "流转路径", "办结时间", "工单状态", "答复内容"]
ROWS = [
    # A→B→A: a ping-pong between 区住建局 and 街道办, closed 18 days after intake (no idle gap can be measured)
    ["GD001", "2024-03-02 09:00", "楼下餐馆油烟扰民", "市12345中心→区住建局→街道办→区住建局", "2024-03-20 10:00", "已办结",
     "经核查，已责令餐馆加装油烟净化器并告知市民"],
    # near miss: one dispatch, closed 22 days later
    ["GD002", "2024-03-03 09:00", "井盖缺失", "市12345中心→区城管局", "2024-03-25 10:00", "已办结", "已更换井盖"],
    # a cycle back to 区住建局 after four other units; still open 3 weeks after intake
    ["GD003", "2024-03-04 09:00", "路灯不亮", "市12345中心→区住建局→区城管局→街道办→区水务局→区供电所→区住建局", "", "处理中",
     ""],
    # near miss: passed on twice without coming back, each unit with the time it passed the ticket on in brackets
    ["GD004", "2024-03-05 09:00", "噪音扰民", "市12345中心(2024-03-05 09:10)→区环保局（2024-03-06 10:00）→街道办(2024-03-07 11:00)",
     "2024-03-08 10:00", "已办结", "已协调施工方调整作业时间"],
    # no move: answered by the centre
    ["GD005", "2024-03-06 09:00", "咨询公积金", "市12345中心", "2024-03-06 09:20", "已办结", "已解答"],
    # back to the centre twice and re-dispatched: 区住建局, 区城管局, 区住建局 — a ping-pong of 区住建局, not of the centre
    ["GD006", "2024-03-07 09:00", "占道经营", "市12345中心→区住建局→市12345中心→区城管局→市12345中心→区住建局",
     "2024-03-22 10:00", "已办结", "已处理"],
    # near miss: returned once and re-dispatched elsewhere
    ["GD007", "2024-03-07 09:00", "占道经营", "市12345中心→区住建局→市12345中心→区城管局", "2024-03-22 10:00", "已办结",
     "已处理"],
]
MAPPING = {"source": "cityC", "columns": {"ticket_id": "工单编号"},
           "intake": {"received_at": "受理时间", "content": "诉求内容"},
           "history": {"column": "流转路径", "chain": True, "closed_at": "办结时间", "status": "工单状态",
                       "reply": "答复内容", "centre": "市12345中心"},  # the centre said, not assumed (issue 14)
           "closed_states": ["已办结"]}


def _export(tmp_path):
    path = tmp_path / "工单台账.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    return path


def _moves(events, ticket):
    rows = events[events.ticket_id == ticket].sort_values("seq")
    return [(action, actor, target if isinstance(target, str) else None) for action, actor, target in
            zip(rows.action, rows.actor_unit_id, rows.target_unit_id) if action not in ("TicketReceived", "Closed")]


def _payloads(events, ticket, action):
    rows = events[(events.ticket_id == ticket) & (events.action == action)].sort_values("seq")
    return [p if isinstance(p, dict) else json.loads(p) for p in rows.payload]


def test_each_arrow_is_a_move_the_first_the_centres_dispatch_the_later_ones_sideways_hand_overs_in_order(tmp_path):
    report, events, _ = import_to_frames([_export(tmp_path)], mapping_from_dict(MAPPING))
    assert (report.rows_in, report.rows_rejected) == (7, 0), [r.reason for r in report.rejects.rejects]
    assert _moves(events, "GD001") == [("Dispatched", "市12345中心", "区住建局"), ("HandedOver", "区住建局", "街道办"),
                                       ("HandedOver", "街道办", "区住建局"),
                                       ("Replied", "区住建局", None)]
    assert _moves(events, "GD004")[:2] == [("Dispatched", "市12345中心", "区环保局"), ("HandedOver", "区环保局", "街道办")]
    assert _moves(events, "GD005") == [("Replied", "市12345中心", None)]
    assert _moves(events, "GD007")[:4] == [("Dispatched", "市12345中心", "区住建局"), ("ReturnRequested", "区住建局", None),
                                           ("ReturnApproved", "市12345中心", "区住建局"),
                                           ("Dispatched", "市12345中心", "区城管局")]
    hand_overs = _payloads(events, "GD001", "HandedOver")
    assert all(p["undated"] is True for p in hand_overs) and [p["chain_step"] for p in hand_overs] == [2, 3]
    # undated: recorded at the close time (the open ticket: at intake), never at a time the export does not give
    at = events[(events.ticket_id == "GD001") & (events.action == "HandedOver")]["at"]
    assert set(at.astype(str)) == {"2024-03-20 10:00:00"}
    assert _payloads(events, "GD001", "Replied")[0]["reply"].startswith("经核查")


def test_the_mapping_may_read_the_later_arrows_as_forwards_down(tmp_path):
    mapping = mapping_from_dict({**MAPPING, "history": {**MAPPING["history"], "chain": "Forwarded"}})
    _, events, _ = import_to_frames([_export(tmp_path)], mapping)
    assert [move[0] for move in _moves(events, "GD001")] == ["Dispatched", "Forwarded", "Forwarded", "Replied"]


@pytest.mark.parametrize("history,word", [({"chain": "ReturnRequested"}, "chain"),
                                          ({"chain": True, "line": "^(?P<at>.*) (?P<action>.*)$"}, "line"),
                                          ({"line": "^(?P<at>\\S+) (?P<action>\\S+)$", "reply": "答复内容"}, "reply")])
def test_a_chain_with_a_kind_that_is_not_a_move_or_with_a_line_pattern_is_a_mapping_error(history, word):
    with pytest.raises(MappingError, match=word):
        mapping_from_dict({**MAPPING, "history": {"column": "流转路径", **history}})


def test_ping_pong_and_cycle_are_found_on_the_chain_and_nothing_measured_from_undated_moves_fires(tmp_path):
    report, events, tickets = import_to_frames([_export(tmp_path)], mapping_from_dict(MAPPING))
    findings = analyze(from_frames(events, tickets), load_config()).findings
    fired = {(f.rule_id, t) for f in findings for t in f.ticket_ids}
    assert ("BP-PINGPONG", "GD001") in fired
    assert ("BP-CYCLE", "GD003") in fired
    assert ("BP-PINGPONG", "GD006") in fired
    assert {f.unit_id for f in findings if f.rule_id == "BP-PINGPONG"} == {"区住建局"}  # never the centre
    # near misses and rules that would read the stand-in times or the actions a chain does not record
    assert not {t for rule, t in fired if rule in ("BP-PINGPONG", "BP-CYCLE")} & {"GD002", "GD004", "GD005", "GD007"}
    assert not {rule for rule, _ in fired} & {"BP-NO-VERIFY", "DL-IDLE", "FF-NO-FOLLOW-UP", "FC-INSTANT"}, fired


def test_forwards_read_from_a_chain_do_not_fire_the_no_follow_up_rule(tmp_path):
    mapping = mapping_from_dict({**MAPPING, "history": {**MAPPING["history"], "chain": "Forwarded"}})
    _, events, tickets = import_to_frames([_export(tmp_path)], mapping)
    findings = analyze(from_frames(events, tickets), load_config()).findings
    assert not [f for f in findings if f.rule_id in ("FF-NO-FOLLOW-UP", "DL-IDLE")]


def test_suggest_proposes_the_chain_as_a_history_and_its_draft_reads_every_ticket(tmp_path):
    path = _export(tmp_path)
    proposal, notes = suggest([path])
    assert proposal["history"]["column"] == "流转路径" and proposal["history"]["chain"] == "HandedOver"
    assert proposal["history"]["centre"] == "市12345中心"  # proposed for the user to confirm, by its name
    assert proposal["history"].get("reply") == "答复内容" and proposal["history"].get("closed_at") == "办结时间"
    assert any("单位流转链" in note and "undated" in note for note in notes), notes
    proposal["source"] = "cityC"
    proposal["closed_states"] = ["已办结"]
    report, events, _ = import_to_frames([path], mapping_from_dict(proposal))
    assert report.rows_rejected == 0 and events.ticket_id.nunique() == 7
    assert len(events[events.action == "HandedOver"]) == 2 + 5 + 1
