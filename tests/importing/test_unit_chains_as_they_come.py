"""One-cell chains of units as platforms write them (issue 14): a time in brackets after a unit
(「市住建局(2024-03-05 10:00)→区城管局」) is when that unit passed the ticket on — the step's time —; the chain's first
unit is the centre only when the mapping (`history.centre`) or the organisation says so; and 「附件：见上」「附件：无」
in a step are no files."""

import csv
import json
import os
from datetime import datetime

import pandas as pd

from rexian.importing.history_cells import take_attachments
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.pipeline import import_to_frames
from rexian.importing.suggest import suggest

HEADER = ["工单编号", "受理时间", "诉求内容", "流转路径", "办结时间", "答复内容"]


def _export(tmp_path, rows):
    path = tmp_path / "工单台账.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def _mapping(**history):
    return mapping_from_dict({
        "source": "cityC", "columns": {"ticket_id": "工单编号"}, "intake": {"received_at": "受理时间", "content": "诉求内容"},
        "history": {"column": "流转路径", "chain": True, "closed_at": "办结时间", "reply": "答复内容", **history}})


def _moves(events, ticket):
    rows = events[events.ticket_id == ticket].sort_values("seq")
    payloads = [p if isinstance(p, dict) else json.loads(p) for p in rows.payload]
    return [(action, unit, target if isinstance(target, str) else None, str(at)[:16], payload.get("chain_time"))
            for action, unit, target, at, payload in zip(rows.action, rows.actor_unit_id, rows.target_unit_id, rows["at"],
                                                          payloads) if action != "Closed"]


def test_a_time_in_brackets_after_a_unit_is_when_that_unit_passed_the_ticket_on(tmp_path):
    path = _export(tmp_path, [["GD1", "2024-03-05 09:00", "噪音", "市12345中心(2024-03-05 09:10)→市住建局(2024-03-05 10:00)"
                                                             "→区城管局", "2024-03-08 10:00", "已协调"]])
    report, events, _ = import_to_frames([path], _mapping(centre="市12345中心"))
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    moves = _moves(events, "GD1")
    assert moves[1:] == [
        ("Dispatched", "市12345中心", "市住建局", "2024-03-05 09:10", "written"),
        ("HandedOver", "市住建局", "区城管局", "2024-03-05 10:00", "written"),
        ("Replied", "区城管局", None, "2024-03-05 10:00", "stand-in")]  # no time written: the move before's


def test_a_chain_with_some_units_dated_puts_the_undated_moves_beside_the_dated_ones_in_order(tmp_path):
    path = _export(tmp_path, [["GD2", "2024-03-05 09:00", "噪音", "市12345中心→市住建局（2024-03-06 11:00）→区城管局→街道办",
                               "2024-03-20 10:00", ""]])
    _report, events, _ = import_to_frames([path], _mapping(centre=["市12345中心"]))
    assert [move[:4] for move in _moves(events, "GD2")[1:]] == [
        ("Dispatched", "市12345中心", "市住建局", "2024-03-06 11:00"),  # before the first dated move: its time
        ("HandedOver", "市住建局", "区城管局", "2024-03-06 11:00"),
        ("HandedOver", "区城管局", "街道办", "2024-03-06 11:00")]


def test_without_a_centre_said_the_first_unit_is_a_peer_and_every_arrow_a_hand_over(tmp_path):
    path = _export(tmp_path, [["GD3", "2024-03-05 09:00", "占道", "区住建局→区城管局→区住建局", "2024-03-20 10:00", ""]])
    _report, events, _ = import_to_frames([path], _mapping())
    assert [move[:3] for move in _moves(events, "GD3")] == [
        ("TicketReceived", "区住建局", None), ("HandedOver", "区住建局", "区城管局"), ("HandedOver", "区城管局", "区住建局")]


def test_a_centre_said_anywhere_in_the_chain_dispatches_and_takes_returns(tmp_path):
    path = _export(tmp_path, [["GD4", "2024-03-05 09:00", "占道", "区住建局→热线中心→区城管局", "2024-03-20 10:00", ""]])
    _report, events, _ = import_to_frames([path], _mapping(centre="热线中心"))
    assert [move[:3] for move in _moves(events, "GD4")[1:]] == [
        ("ReturnRequested", "区住建局", None), ("ReturnApproved", "热线中心", "区住建局"), ("Dispatched", "热线中心", "区城管局")]


def test_the_organisations_centre_is_the_chains_centre_on_import_into_a_database(tmp_path):
    from sqlalchemy import insert, select

    from rexian.adapters import tables as t
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import StepClock
    from rexian.importing.pipeline import import_to_database
    from rexian.settings import load_settings

    settings = load_settings(overrides={"realtime_rules": False, "key_file": os.environ.get("REXIAN_KEY_FILE")},
                             environ={})
    app = bootstrap(f"sqlite:///{tmp_path / 'chain.db'}", settings=settings, clock=StepClock(datetime(2026, 3, 2)))
    with app.engine.begin() as connection:
        connection.execute(insert(t.units), [{"unit_id": "C1", "name": "市12345中心", "kind": "centre", "active": True}])
    path = _export(tmp_path, [["GD5", "2024-03-05 09:00", "噪音", "市12345中心→区住建局", "2024-03-08 10:00", ""]])
    report = import_to_database(app.engine, [path], _mapping())
    assert report.rows_rejected == 0, [r.reason for r in report.rejects.rejects]
    with app.engine.connect() as connection:
        actions = [row.action for row in connection.execute(
            select(t.events.c.action).where(t.events.c.ticket_id == "GD5").order_by(t.events.c.seq))]
    assert "Dispatched" in actions and "HandedOver" not in actions


def test_a_centre_must_be_named_as_units_are_and_only_for_a_chain():
    for bad in ({"centre": 3}, {"centre": [""]}):
        try:
            _mapping(**bad)
        except MappingError as error:
            assert "history.centre" in str(error)
        else:
            raise AssertionError(bad)
    try:
        mapping_from_dict({"source": "x", "columns": {"ticket_id": "工单编号"},
                           "history": {"column": "处理过程", "line": "(?P<at>.+) (?P<action>.+)", "centre": "中心"}})
    except MappingError as error:
        assert "history.centre" in str(error)
    else:
        raise AssertionError("centre without a chain")


def test_suggest_proposes_a_centre_only_when_the_chains_start_at_a_unit_named_as_the_centre(tmp_path):
    rows = [["GD6", "2024-03-05 09:00", "噪音", "区住建局→区城管局", "2024-03-08 10:00", "已处理"],
            ["GD7", "2024-03-05 09:00", "噪音", "区住建局→街道办→区城管局", "2024-03-08 10:00", "已处理"]]
    proposal, notes = suggest([_export(tmp_path, rows)])
    assert proposal["history"]["chain"] and "centre" not in proposal["history"]
    assert any("中心未知" in note for note in notes), notes


def test_an_attachment_part_that_points_elsewhere_or_says_none_is_no_file():
    assert take_attachments("已清理完毕。附件：见上") == ("已清理完毕", [])
    assert take_attachments("已清理完毕；附件：无") == ("已清理完毕", [])
    assert take_attachments("已回复市民 附件：同上") == ("已回复市民", [])
    assert take_attachments("已处理 附件：现场.jpg") == ("已处理", ["现场.jpg"])


def test_a_closure_request_whose_attachment_part_says_see_above_has_no_evidence(tmp_path):
    path = tmp_path / "处理过程.csv"
    cell = "\n".join(["2024-03-05 09:00 市12345中心 派单 区住建局", "2024-03-06 10:00 区住建局 办结申请 已清理完毕。附件：见上"])
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["工单编号", "受理时间", "处理过程"], ["GD8", "2024-03-05 09:00", cell]])
    mapping = mapping_from_dict({
        "source": "cityC", "columns": {"ticket_id": "工单编号"}, "intake": {"received_at": "受理时间"},
        "history": {"column": "处理过程", "line": r"^(?P<at>\S+ \S+) (?P<actor_unit_id>\S+) (?P<action>\S+) ?(?P<note>.*)$"},
        "actions": {"派单": "Dispatched", "办结申请": "ClosureRequested"},
        "action_fields": {"ClosureRequested": {"reply": "处理过程.note"}}})
    _report, events, _ = import_to_frames([path], mapping)
    request = events[events.action == "ClosureRequested"].iloc[0].payload
    request = request if isinstance(request, dict) else json.loads(request)
    assert not request.get("evidence") and request["reply"] == "已清理完毕"
    assert pd.notna(request["reply"])
