"""The desk's pure decisions: who may do what, in which state, with what written down."""

from datetime import datetime

import pytest

from rexian.domain import clues
from rexian.domain.errors import MissingField, NotAllowed, WrongState

SUPERVISOR = clues.Actor("J01", "JW", frozenset({"supervisor"}))
HANDLER = clues.Actor("H0201", "D02", frozenset({"handler"}))
NOW = datetime(2026, 3, 5, 10, 0)


def _clue(*events):
    return clues.Clue.replay("XS1", [{"at": NOW, **e} for e in events])


def _opened():
    return clues.open_clue(SUPERVISOR, "两次退单未核实", {"BP-RETURNS:RX1": "confirmed"}, None, "D02", "H0201")[0]


def test_only_confirmed_findings_become_a_clue():
    with pytest.raises(WrongState, match="BP-RETURNS:RX2"):
        clues.open_clue(SUPERVISOR, "t", {"BP-RETURNS:RX1": "confirmed", "BP-RETURNS:RX2": "new"}, None, None, None)
    event = _opened()
    assert event["action"] == "ClueOpened" and event["payload"]["officer_id"] == "J01"


def test_a_handler_can_neither_decide_a_finding_nor_open_a_clue():
    with pytest.raises(NotAllowed):
        clues.decide_finding(HANDLER, "new", "confirm", "属实")
    with pytest.raises(NotAllowed):
        clues.open_clue(HANDLER, "t", {"k": "confirmed"}, None, None, None)


def test_a_decision_needs_a_reason_and_a_change():
    with pytest.raises(MissingField):
        clues.decide_finding(SUPERVISOR, "new", "confirm", "  ")
    with pytest.raises(WrongState):
        clues.decide_finding(SUPERVISOR, "confirmed", "confirm", "再次确认")
    assert clues.decide_finding(SUPERVISOR, "confirmed", "dismiss", "复核后排除")["action"] == "FindingDismissed"


def test_a_clue_is_filed_as_a_case_or_closed_and_only_a_case_takes_outcomes():
    clue = _clue(_opened())
    with pytest.raises(WrongState, match="已立案|核查中"):
        clues.record_outcome(SUPERVISOR, clue, "criticism", "H0201", "D02")
    case = _clue(_opened(), *clues.file_case(SUPERVISOR, clue, "初核属实"))
    assert case.state == "case_filed"
    outcome = clues.record_outcome(SUPERVISOR, case, "admonition", "H0201", "D02", "约谈")[0]
    assert outcome["payload"]["outcome"] == "admonition" and clues.OUTCOMES["admonition"] == "诫勉谈话"
    with pytest.raises(WrongState):
        clues.close_clue(SUPERVISOR, case, "不再追究")
    closed = _clue(_opened(), *clues.close_clue(SUPERVISOR, clue, "经核查不属实"))
    assert closed.state == "closed"
    with pytest.raises(WrongState):
        clues.file_case(SUPERVISOR, closed, "又立案")


def test_an_outcome_must_name_a_known_sanction_and_a_person_or_unit():
    case = _clue(_opened(), {"action": "CaseFiled", "payload": {"reason": "r"}})
    with pytest.raises(MissingField):
        clues.record_outcome(SUPERVISOR, case, "罚款", "H0201", "D02")
    with pytest.raises(MissingField):
        clues.record_outcome(SUPERVISOR, case, "criticism", None, None)


def test_a_sanction_on_a_person_against_a_unit_with_no_person_is_refused_and_only_a_notice_may_name_a_unit_alone():
    case = _clue(_opened(), {"action": "CaseFiled", "payload": {"reason": "r"}})
    for outcome in ("criticism", "admonition", "discipline", "organisational", "transfer"):
        with pytest.raises(MissingField, match="对个人的处理，必须填写责任人编号") as refused:
            clues.record_outcome(SUPERVISOR, case, outcome, None, "D02")
        assert refused.value.rule == "clue.outcome_person" and clues.OUTCOMES[outcome] in refused.value.message
    notice = clues.record_outcome(SUPERVISOR, case, "notice", None, "D02", "全市通报")[0]
    assert notice["payload"]["unit_id"] == "D02" and notice["payload"]["person_id"] is None
    assert clues.record_outcome(SUPERVISOR, case, "admonition", "H0201", None)[0]["payload"]["person_id"] == "H0201"


def test_only_the_ordered_unit_answers_and_a_late_answer_is_flagged():
    due = datetime(2026, 3, 10, 17, 0)
    issued = clues.issue_order(SUPERVISOR, "2026-01", "D02", due, "限期整改并书面答复", NOW, ["BP-RETURNS:RX1"])
    order = clues.Order.replay("DB1", [{"at": NOW, **e} for e in issued])
    assert clues.order_lateness(order, datetime(2026, 3, 10, 16, 0)) is None
    assert clues.order_lateness(order, datetime(2026, 3, 11, 9, 0)) == "overdue_unanswered"
    with pytest.raises(NotAllowed):
        clues.answer_order(clues.Actor("H0301", "D03", frozenset({"handler"})), order, "已整改", NOW)
    late = datetime(2026, 3, 12, 9, 0)
    answer = clues.answer_order(HANDLER, order, "已整改完毕", late)
    assert answer[0]["payload"]["late"] is True
    answered = clues.Order.replay("DB1", [{"at": NOW, **e} for e in issued] + [{"at": late, **e} for e in answer])
    assert clues.order_lateness(answered, late) == "answered_late"


def test_an_order_needs_a_source_a_demand_and_a_future_due_date():
    with pytest.raises(MissingField):
        clues.issue_order(SUPERVISOR, "2026-01", "D02", datetime(2026, 3, 10), "整改", NOW)
    with pytest.raises(MissingField):
        clues.issue_order(SUPERVISOR, "2026-01", "D02", datetime(2026, 3, 1), "整改", NOW, ["k"])


def test_an_issued_bulletin_is_frozen_and_its_counts_are_never_edited_by_hand():
    draft = clues.Bulletin.replay("TB1", [{"at": NOW, **e} for e in clues.draft_bulletin(
        SUPERVISOR, "2026-02", {"title": "通报", "counts": {"total": 3}})])
    with pytest.raises(NotAllowed):
        clues.edit_bulletin(SUPERVISOR, draft, {"counts": {"total": 1}})
    edited = clues.edit_bulletin(SUPERVISOR, draft, {"title": "关于2026年2月问题线索的通报"})
    assert edited[0]["payload"]["changes"] == {"title": "关于2026年2月问题线索的通报"}
    issued = clues.Bulletin.replay("TB1", [{"at": NOW, **e} for e in clues.draft_bulletin(SUPERVISOR, "p", {})
                                           + clues.issue_bulletin(SUPERVISOR, draft)])
    with pytest.raises(WrongState):
        clues.edit_bulletin(SUPERVISOR, issued, {"title": "x"})
