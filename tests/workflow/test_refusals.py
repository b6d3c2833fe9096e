"""Forbidden actions: the wrong role, the wrong unit, the wrong state, missing fields. Each is refused
with an error that names the rule, and nothing at all is written.

These run on SQLite only: which command is refused is the domain's decision (also exercised in memory in
tests/domain/test_decide_in_memory.py), and that a refusal writes nothing on either database is the storage
contract's part (tests/storage/test_repository_contract.py runs refusals on SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from support.workflow_steps import (closure_requested, contacted, dispatched, endorsed, handling, received,
                            stored_counts, visit_pending)

from rexian.domain import commands as c
from rexian.domain.errors import DeadlinePassed, MissingField, NotAllowed, NotFound, WrongState


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.db'}"


def refused(app, command, error_type, rule):
    before = stored_counts(app)
    with pytest.raises(error_type) as raised:
        app.handle(command)
    assert raised.value.rule == rule
    assert rule in str(raised.value)
    assert stored_counts(app) == before
    return raised.value


def test_a_handler_cannot_dispatch(app):
    tid = received(app)
    refused(app, c.Dispatch(actor_id="H0201", ticket_id=tid, lead_unit_id="D02"), NotAllowed, "dispatch.role")


def test_a_handler_of_another_unit_cannot_sign_for(app):
    tid = dispatched(app, lead="D02")
    error = refused(app, c.SignFor(actor_id="H0301", ticket_id=tid), NotAllowed, "sign_for.unit")
    assert "市市场监督管理局" in error.message


def test_signing_for_twice_is_refused_for_the_wrong_state(app):
    tid = handling(app)
    refused(app, c.SignFor(actor_id="H0201", ticket_id=tid), WrongState, "sign_for.state")


def test_a_return_without_a_basis_is_refused(app):
    tid = dispatched(app)
    refused(app, c.RequestReturn(actor_id="H0201", ticket_id=tid, reason="不属于本单位职责范围", basis=" "),
            MissingField, "return.basis_required")


def test_a_return_without_a_reason_is_refused(app):
    tid = dispatched(app)
    refused(app, c.RequestReturn(actor_id="H0201", ticket_id=tid, reason="", basis="职责清单第三条"),
            MissingField, "return.reason_required")


def test_a_return_after_the_return_window_is_refused(make_app, db_url):
    app = make_app(db_url)
    tid = dispatched(app)
    app.clock.now += timedelta(days=7)
    refused(app, c.RequestReturn(actor_id="H0201", ticket_id=tid, reason="不属于本单位职责范围",
                                 basis="职责清单第三条"), DeadlinePassed, "return.window")


def test_a_closure_request_without_contacting_the_citizen_is_refused(app):
    tid = handling(app)
    refused(app, c.RequestClosure(actor_id="H0201", ticket_id=tid, reply="已处理完毕，饭店已整改到位。"),
            MissingField, "closure.contact_required")


def test_a_closure_request_while_a_forward_is_unreported_is_refused(app):
    tid = handling(app, lead="S01", handler="HS01")
    app.handle(c.Forward(actor_id="HS01", ticket_id=tid, to_unit_id="M01", note="请社区处理"))
    app.handle(c.RecordContact(actor_id="HS01", ticket_id=tid, method="phone", summary="告知市民已转社区"))
    refused(app, c.RequestClosure(actor_id="HS01", ticket_id=tid, reply="已转社区处理，请耐心等待结果。"),
            WrongState, "closure.open_forwards")


def test_forwarding_sideways_to_another_department_is_refused(app):
    tid = handling(app, lead="S01", handler="HS01")  # a street office: it has communities below it
    refused(app, c.Forward(actor_id="HS01", ticket_id=tid, to_unit_id="D06", note="请城管处理"),
            NotAllowed, "forward.downward_only")


def test_a_unit_with_no_units_below_it_cannot_forward_at_all(app):
    tid = handling(app)  # D02, a bureau with no street office or community below it
    refused(app, c.Forward(actor_id="H0201", ticket_id=tid, to_unit_id="D06", note="请城管处理"),
            NotAllowed, "forward.no_subordinates")


def test_the_centre_cannot_review_a_request_the_unit_leader_has_not_endorsed(app):
    tid = closure_requested(app)
    request_id = app.ticket(tid).pending("closure").request_id
    refused(app, c.ReviewClosure(actor_id="R01", ticket_id=tid, request_id=request_id, approve=True),
            WrongState, "review_closure.needs_endorsement")


def test_a_handler_cannot_endorse_his_own_request(app):
    tid = closure_requested(app)
    request_id = app.ticket(tid).pending("closure").request_id
    refused(app, c.EndorseRequest(actor_id="H0201", ticket_id=tid, request_id=request_id),
            NotAllowed, "endorse.role")


def test_an_approved_return_must_name_the_next_unit(app):
    tid = dispatched(app)
    app.handle(c.RequestReturn(actor_id="H0201", ticket_id=tid, reason="不属于本单位职责范围",
                               basis="职责清单第三条"))
    request_id = endorsed(app, tid, "return")
    refused(app, c.ReviewReturn(actor_id="R01", ticket_id=tid, request_id=request_id, approve=True),
            MissingField, "review_return.new_unit_required")


def test_the_handling_unit_cannot_make_the_follow_up_call(app):
    tid = visit_pending(app)
    refused(app, c.Visit(actor_id="H0201", ticket_id=tid, resolved=True, satisfaction="satisfied"),
            NotAllowed, "visit.role")


def test_a_complaint_cannot_be_closed_at_intake(app):
    tid = received(app, kind="complaint")
    refused(app, c.DirectClose(actor_id="A01", ticket_id=tid, answer="已记录您的诉求，谢谢来电。"),
            NotAllowed, "direct_close.kind")


def test_an_extension_after_the_deadline_is_refused(make_app, db_url):
    app = make_app(db_url)
    tid = handling(app)
    due = app.ticket(tid).due_at
    app.clock.now = due + timedelta(hours=1)
    refused(app, c.RequestExtension(actor_id="H0201", ticket_id=tid, reason="需要协调多个部门联合执法",
                                    requested_due_at=due + timedelta(days=5)), DeadlinePassed,
            "extension.before_deadline")


def test_more_extensions_than_allowed_are_refused(make_app, db_url):
    app = make_app(db_url, max_extensions=1)
    tid = handling(app)
    due = app.ticket(tid).due_at
    app.handle(c.RequestExtension(actor_id="H0201", ticket_id=tid, reason="需要协调多个部门联合执法",
                                  requested_due_at=due + timedelta(days=5)))
    app.handle(c.ReviewExtension(actor_id="R01", ticket_id=tid, request_id=endorsed(app, tid, "extension"),
                                 approve=True))
    refused(app, c.RequestExtension(actor_id="H0201", ticket_id=tid, reason="仍需协调多个部门联合执法",
                                    requested_due_at=due + timedelta(days=9)), NotAllowed, "extension.limit")


def test_a_command_on_an_unknown_ticket_is_refused(app):
    refused(app, c.SignFor(actor_id="H0201", ticket_id="RX-NO-SUCH"), NotFound, "ticket.unknown")


def test_an_unknown_person_is_refused(app):
    tid = received(app)
    refused(app, c.Dispatch(actor_id="NOBODY", ticket_id=tid, lead_unit_id="D02"), NotFound,
            "dispatch.unknown_person")


def test_dispatch_to_an_unknown_unit_is_refused(app):
    tid = received(app)
    refused(app, c.Dispatch(actor_id="P01", ticket_id=tid, lead_unit_id="D99"), NotFound, "dispatch.lead_unit")


def test_intake_without_content_is_refused(app):
    refused(app, c.Intake(actor_id="A01", content="  ", category="0201"), MissingField, "intake.content_required")


def test_intake_with_an_unknown_category_is_refused(app):
    refused(app, c.Intake(actor_id="A01", content="路灯不亮已经一周了", category="9999"), MissingField,
            "intake.category")


def test_a_supervision_order_cannot_be_closed_before_the_unit_responds(app):
    tid = contacted(app)
    app.handle(c.IssueSupervision(actor_id="J01", ticket_id=tid, batch="2026年第3期", reason="超期未办结",
                                  due_at=app.clock() + timedelta(days=3)))
    order_id = app.events(tid)[-1]["payload"]["order_id"]
    refused(app, c.CloseSupervision(actor_id="J01", ticket_id=tid, order_id=order_id, outcome="已整改"),
            WrongState, "supervise_close.no_response")


def test_a_closed_ticket_cannot_be_merged(app):
    master = dispatched(app)
    tid = visit_pending(app)
    app.handle(c.Visit(actor_id="V01", ticket_id=tid, resolved=True, satisfaction="satisfied"))
    refused(app, c.Merge(actor_id="P01", ticket_id=tid, master_ticket_id=master), WrongState, "merge.state")
