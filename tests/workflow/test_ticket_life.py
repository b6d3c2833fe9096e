"""A ticket's life through every branch of the workflow, on SQLite and on PostgreSQL, with the event log
inspected after each branch."""

from datetime import timedelta

import pytest

from support.workflow_steps import (actions, closure_requested, contacted, dispatched, endorsed, handling, received,
                            visit_pending)

from rexian.domain import commands as c
from rexian.domain.errors import NotAllowed
from rexian.domain.eventlog import GENESIS_HASH, chain_hash


def test_a_consultation_answered_at_intake_is_closed_directly(app):
    tid = received(app, kind="consultation")
    outcome = app.handle(c.DirectClose(actor_id="A01", ticket_id=tid, answer="可携带身份证到社保网点补办社保卡。"))
    assert outcome.status == "closed"
    assert actions(app, tid) == ["TicketReceived", "DirectlyClosed"]


def test_a_normal_life_ends_closed_after_a_satisfied_visit(app):
    tid = visit_pending(app)
    outcome = app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))
    assert outcome.status == "closed"
    assert actions(app, tid) == ["TicketReceived", "Dispatched", "SignedFor", "CitizenContacted",
                                 "ClosureRequested", "RequestEndorsed", "ClosureApproved", "Visited", "Closed"]
    events = app.events(tid)
    assert [e["seq"] for e in events] == list(range(1, 10))
    assert events[1]["target_unit_id"] == "D02" and events[1]["actor_id"] == "P01"
    assert events[4]["payload"]["contact_seqs"] == [4]
    assert app.ticket(tid).closed_at == events[-1]["at"]


def test_every_event_is_chained_to_the_one_before(app):
    tid = visit_pending(app)
    previous = GENESIS_HASH
    for event in app.events(tid):
        assert event["prev_hash"] == previous
        assert chain_hash(previous, event) == event["hash"]
        previous = event["hash"]


def test_an_approved_return_redispatches_in_the_same_step_and_keeps_the_first_receiver(app):
    tid = dispatched(app, lead="D03")
    app.handle(c.RequestReturn(actor_id="H0301", ticket_id=tid, reason="油烟污染不属于市场监管部门职责",
                               basis="职责清单0201条：油烟污染由生态环境局主办", suggested_unit_id="D02"))
    request_id = endorsed(app, tid, "return", leader="L0301")
    outcome = app.handle(c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=request_id, approve=True))
    assert [e["action"] for e in outcome.events] == ["ReturnApproved", "Dispatched"]
    ticket = app.ticket(tid)
    assert (ticket.status, ticket.lead_unit_id, ticket.first_unit_id) == ("dispatched", "D02", "D03")
    assert app.events(tid)[-1]["payload"]["redispatch"] is True


def test_a_rejected_return_leaves_the_unit_handling_the_ticket(app):
    tid = dispatched(app, lead="D03")
    app.handle(c.RequestReturn(actor_id="H0301", ticket_id=tid, reason="不属于本单位职责范围内的事项",
                               basis="三定方案"))
    request_id = endorsed(app, tid, "return", leader="L0301")
    outcome = app.handle(c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=request_id, approve=False,
                                        reason="职责清单明确由该单位主办"))
    assert outcome.status == "handling"
    assert app.ticket(tid).lead_unit_id == "D03"
    assert actions(app, tid)[-1] == "ReturnRejected"


def test_a_unit_leader_can_stop_a_return_before_it_reaches_the_centre(app):
    tid = handling(app)
    app.handle(c.RequestReturn(actor_id="H0201", ticket_id=tid, reason="诉求地点不在本市管辖范围", basis="行政区划"))
    request_id = app.ticket(tid).pending("return").request_id
    outcome = app.handle(c.EndorseRequest(actor_id="L0201", ticket_id=tid, request_id=request_id, approve=False,
                                          reason="本单位职责，继续办理"))
    assert outcome.status == "handling"
    assert app.ticket(tid).pending("return") is None


def test_forwarding_down_needs_a_report_back_before_closure(app):
    tid = handling(app, lead="S01", handler="HS01")
    forward = app.handle(c.Forward(actor_id="HS01", ticket_id=tid, to_unit_id="M01", note="请社区核实并处理"))
    forward_id = app.ticket(tid).forwards and next(iter(app.ticket(tid).forwards))
    assert forward.events[0]["action"] == "Forwarded"
    app.handle(c.ReportForward(actor_id="HM01", ticket_id=tid, forward_id=forward_id,
                               result="社区已组织物业清理楼道杂物，并拍照留存"))
    app.handle(c.RecordContact(actor_id="HS01", ticket_id=tid, method="visit", summary="上门回告市民处理结果"))
    outcome = app.handle(c.RequestClosure(actor_id="HS01", ticket_id=tid,
                                          reply="社区已于3月3日组织物业清理楼道杂物，消防通道已畅通。"))
    assert outcome.status == "closure_review"
    assert "ForwardReported" in actions(app, tid)


def test_a_sideways_hand_over_makes_the_peer_unit_the_lead_and_keeps_deadline_and_first_receiver(app):
    tid = handling(app, lead="D03", handler="H0301")
    due = app.ticket(tid).due_at
    outcome = app.handle(c.HandOver(actor_id="H0301", ticket_id=tid, to_unit_id="D02",
                                    reason="油烟直排属生态环境局职责，平级移交"))
    assert [e["action"] for e in outcome.events] == ["HandedOver"]
    event = app.events(tid)[-1]
    assert event["action"] == "HandedOver" and event["target_unit_id"] == "D02"
    assert event["payload"]["from_unit_id"] == "D03" and event["payload"]["notified_unit_ids"] == ["C00"]
    ticket = app.ticket(tid)
    assert (ticket.status, ticket.lead_unit_id, ticket.first_unit_id) == ("dispatched", "D02", "D03")
    assert ticket.due_at == due
    app.handle(c.SignFor(actor_id="H0201", ticket_id=tid))  # the peer signs for it
    assert app.ticket(tid).status == "handling"


def test_a_hand_over_is_refused_down_up_to_the_centre_and_to_its_own_unit(app):
    tid = handling(app, lead="S01", handler="HS01")
    for unit, rule in (("M01", "hand_over.subordinate"), ("G01", "hand_over.superior"), ("C00", "hand_over.centre"),
                       ("S01", "hand_over.same_unit")):
        with pytest.raises(NotAllowed) as refused:
            app.handle(c.HandOver(actor_id="HS01", ticket_id=tid, to_unit_id=unit, reason="不属于本街道职责"))
        assert refused.value.rule == rule
    assert actions(app, tid)[-1] == "SignedFor" and app.ticket(tid).lead_unit_id == "S01"


def test_an_approved_extension_moves_the_deadline(app):
    tid = handling(app)
    due = app.ticket(tid).due_at
    app.handle(c.RequestExtension(actor_id="H0201", ticket_id=tid, reason="需要协调多个部门联合执法",
                                  requested_due_at=due + timedelta(days=7)))
    request_id = endorsed(app, tid, "extension")
    app.handle(c.ReviewExtension(actor_id="R01", ticket_id=tid, request_id=request_id, approve=True))
    ticket = app.ticket(tid)
    assert ticket.due_at == due + timedelta(days=7)
    assert ticket.extensions_granted == 1
    assert app.events(tid)[-1]["payload"]["citizen_notified"] is True


def test_a_rejected_extension_keeps_the_deadline(app):
    tid = handling(app)
    due = app.ticket(tid).due_at
    app.handle(c.RequestExtension(actor_id="H0201", ticket_id=tid, reason="需要协调多个部门联合执法",
                                  requested_due_at=due + timedelta(days=7)))
    request_id = endorsed(app, tid, "extension")
    app.handle(c.ReviewExtension(actor_id="R01", ticket_id=tid, request_id=request_id, approve=False,
                                 reason="事项简单，不予延期"))
    assert app.ticket(tid).due_at == due


def test_a_rejected_closure_sends_the_ticket_back_for_redo_with_a_new_deadline(app):
    tid = closure_requested(app)
    request_id = endorsed(app, tid, "closure")
    outcome = app.handle(c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=request_id, approve=False,
                                         reason="答复未说明整改时间"))
    ticket = app.ticket(tid)
    assert outcome.status == "handling" and ticket.redo_count == 1
    assert app.events(tid)[-1]["payload"]["due_at"] is not None


def test_an_unresolved_visit_reopens_the_ticket_for_redo(app):
    tid = visit_pending(app)
    outcome = app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=False, satisfaction="unsatisfied"))
    assert outcome.status == "handling"
    assert actions(app, tid)[-2:] == ["Visited", "Reopened"]
    ticket = app.ticket(tid)
    assert ticket.contact_seqs == []  # redo needs a fresh contact before the next closure request


def test_a_closed_ticket_can_be_reopened_by_the_centre(app):
    tid = visit_pending(app)
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))
    outcome = app.handle(c.Reopen(actor_id="R01", ticket_id=tid, reason="市民再次来电反映问题仍未解决"))
    assert outcome.status == "handling"
    assert app.ticket(tid).closed_at is None


def test_supervision_orders_are_issued_answered_and_closed_with_escalating_levels(app):
    tid = handling(app)
    due = app.clock() + timedelta(days=3)
    first = app.handle(c.IssueSupervision(actor_id="J01", ticket_id=tid, batch="2026年第3期", reason="超期未办结",
                                          due_at=due))
    order_id = first.events[0]["seq"] and app.events(tid)[-1]["payload"]["order_id"]
    app.handle(c.RespondSupervision(actor_id="H0201", ticket_id=tid, order_id=order_id,
                                    response="已约谈饭店负责人，限期三日内整改"))
    app.handle(c.CloseSupervision(actor_id="J01", ticket_id=tid, order_id=order_id, outcome="整改到位"))
    app.handle(c.IssueSupervision(actor_id="J01", ticket_id=tid, batch="2026年第4期", reason="整改后反弹",
                                  due_at=due + timedelta(days=3)))
    levels = [e["payload"]["level"] for e in app.events(tid) if e["action"] == "SupervisionIssued"]
    assert levels == [1, 2]
    assert app.ticket(tid).orders[order_id].closed


def test_a_duplicate_is_merged_into_its_master_ticket(app):
    master = dispatched(app)
    duplicate = received(app)
    app.handle(c.Merge(actor_id="P01", ticket_id=duplicate, master_ticket_id=master))
    assert app.ticket(duplicate).status == "merged"
    assert app.ticket(duplicate).master_ticket_id == master
    assert app.events(master)[-1]["payload"]["duplicate_ticket_id"] == duplicate


def test_progress_notes_and_contacts_are_accepted_from_assisting_units(app):
    tid = received(app)
    app.handle(c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D02", assisting_unit_ids=("D06",)))
    app.handle(c.NoteProgress(actor_id="H0601", ticket_id=tid, kind="coordination", note="城管配合现场执法"))
    assert actions(app, tid)[-1] == "ProgressNoted"
    assert app.events(tid)[-1]["actor_unit_id"] == "D06"


def test_a_reminder_reaches_the_lead_unit(app):
    tid = contacted(app)
    app.handle(c.Remind(actor_id="R01", ticket_id=tid, note="请尽快办理"))
    assert app.events(tid)[-1]["target_unit_id"] == "D02"


def test_a_reply_is_recorded_on_the_ticket(app):
    tid = handling(app)
    app.handle(c.Reply(actor_id="H0201", ticket_id=tid, reply="已安排执法人员明天上午到现场检查。"))
    assert app.ticket(tid).reply == "已安排执法人员明天上午到现场检查。"
