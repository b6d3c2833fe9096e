"""Which decision answers which command. Merge, which acts on two tickets, is decided by `reviews.merge`."""

from __future__ import annotations

from typing import Any

from rexian.domain import commands as c
from rexian.domain import reviews, workflow
from rexian.domain.guards import Context
from rexian.domain.model import NewEvent, Ticket
from rexian.domain.workflow import Decision

DECISIONS: dict[type[c.Command], Decision] = {
    c.Intake: workflow.intake,
    c.DirectClose: workflow.direct_close,
    c.Dispatch: workflow.dispatch,
    c.SignFor: workflow.sign_for,
    c.Forward: workflow.forward,
    c.HandOver: workflow.hand_over,
    c.ReportForward: workflow.report_forward,
    c.NoteProgress: workflow.note_progress,
    c.RecordContact: workflow.record_contact,
    c.Remind: workflow.remind,
    c.Reply: workflow.reply,
    c.RequestReturn: reviews.request_return,
    c.RequestExtension: reviews.request_extension,
    c.RequestClosure: reviews.request_closure,
    c.EndorseRequest: reviews.endorse,
    c.ReviewReturn: reviews.review_return,
    c.ReviewExtension: reviews.review_extension,
    c.ReviewClosure: reviews.review_closure,
    c.Visit: reviews.visit,
    c.Rate: reviews.rate,
    c.Reopen: reviews.reopen,
    c.IssueSupervision: reviews.issue_supervision,
    c.RespondSupervision: reviews.respond_supervision,
    c.CloseSupervision: reviews.close_supervision,
}


def decide(command: c.Command, ticket: Ticket, ctx: Context) -> list[NewEvent]:
    """The events that `command` produces on `ticket`; raises WorkflowError (and changes nothing) if refused."""
    decision: Decision = DECISIONS[type(command)]
    return decision(command, ticket, ctx)


def execute(command: c.Command, ticket: Ticket, ctx: Context) -> list[dict[str, Any]]:
    """Decide and record: the sealed event records, already applied to `ticket`."""
    return [ticket.record(event) for event in decide(command, ticket, ctx)]
