"""Data functions behind the pages and the API: ticket lists (search, filters, paging, the caller's unit
scope), the work queues of each role, one ticket with its timeline and chain check. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Engine

from rexian.adapters.database import reading
from rexian.adapters import tables as t
from rexian.adapters import word_index, word_index_pg
from rexian.adapters.manifests import ManifestRanges, batch_files, imported_by
from rexian.adapters.personal import caller_details, callers_phones, held_by_phone, phone_keyer
from rexian.adapters.repository import row_to_record
from rexian.domain.chain_check import check_stream
from rexian.domain.model import OPEN_STATES, WORKFLOW_SOURCE, Ticket
from rexian.web.auth import Principal
from rexian.web.privacy import disclose

COUNT_CAP = 10_000  # lists count up to this many rows ("10000+"): exact counts of millions cost seconds
HANDLING = ("dispatched", "handling", "return_review", "closure_review")
# Handled by a unit and waiting on a decision that is not its handler's: a return or closure request with the
# unit leader or at the centre's review.
AWAITING_DECISION = ("return_review", "closure_review")
LIST_COLUMNS = (t.tickets.c.ticket_id, t.tickets.c.status, t.tickets.c.received_at, t.tickets.c.channel,
                t.tickets.c.category, t.tickets.c.urgency, t.tickets.c.kind, t.tickets.c.area,
                t.tickets.c.address, t.tickets.c.caller_phone, t.tickets.c.title, t.tickets.c.content,
                t.tickets.c.lead_unit_id, t.tickets.c.due_at, t.tickets.c.closed_at)

# The work queues: which tickets each one lists and in what order.
QUEUES: dict[str, dict[str, Any]] = {
    "all": {"label": "全部工单", "statuses": None, "order": "received_desc"},
    "inbox": {"label": "待办工单", "statuses": HANDLING, "order": "due_asc"},
    # The unit's own work: the inbox without the tickets waiting on a leader's approval or the centre's review.
    "todo": {"label": "本单位待办理", "statuses": tuple(s for s in HANDLING if s not in AWAITING_DECISION),
             "order": "due_asc"},
    "dispatch": {"label": "待派单", "statuses": ("received",), "order": "received_asc"},
    "review": {"label": "审核中（含单位审批）", "statuses": AWAITING_DECISION, "order": "received_asc"},
    "visit": {"label": "待回访", "statuses": ("visit_pending",), "order": "received_asc"},
    "open": {"label": "在办工单", "statuses": tuple(sorted(OPEN_STATES)), "order": "due_asc"},
}

# The deadline filter: tickets the units are handling past their deadline, or not (yet). A handler's day
# starts with the work that can still be done on time; what is long overdue stays one click away.
DUE_FILTERS = {"overdue": "已超期", "pending": "未超期"}


@dataclass
class Filters:
    q: str | None = None
    status: str | None = None
    category: str | None = None
    unit: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    queue: str = "all"
    due: str | None = None  # a key of DUE_FILTERS

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    capped: bool = False
    marks: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _searched_words(q: str | None) -> str | None:
    """The words of a word search (not a ticket number or a phone number), without LIKE's wildcards."""
    words = (q or "").strip()
    if not words or words.upper().startswith("RX") or words.isdigit() and len(words) > 11 \
            or words.replace("-", "").isdigit() and len(words) >= 7:
        return None
    return words.replace("%", "").replace("_", "")


def ticket_query(principal: Principal, filters: Filters, matched: list[str] | None = None, dialect: str = "",
                 now: datetime | None = None, phone_key: Callable[[str], str | None] = lambda phone: None,
                 short: tuple[list[str], list[str]] | None = None):
    """The SELECT's WHERE for a list: the caller's scope, the queue, the filters and the search words: a LIKE
    over the text, narrowed first to the ids the SQLite word index `matched` when given
    (adapters/word_index.py), or on PostgreSQL by its grams index (adapters/word_index_pg.py). A 1- or 2-character
    word on SQLite comes as `short`, the index's two lists of ids (`word_index.short_word_ids`): the tickets that
    hold it, taken without a LIKE (the index is exact for them), and those a LIKE must decide. The deadline
    filter compares with `now` (the server's clock), as the 超期 mark does. A phone is searched in the held
    callers' details by `phone_key` (the server key's pseudonym; without it only tickets' own phones)."""
    c = t.tickets.c
    where = []
    if principal.scope is not None:
        # the lead unit, or before dispatch the first unit: the expression ix_tickets_scope_status_due indexes
        where.append(t.SCOPE_UNIT.in_(sorted(principal.scope)))
    queue = QUEUES.get(filters.queue) or QUEUES["all"]
    if queue["statuses"]:
        where.append(c.status.in_(queue["statuses"]))
    if filters.status:
        where.append(c.status == filters.status)
    if filters.category:
        where.append(c.category.like(filters.category + "%"))
    if filters.unit:
        where.append(c.lead_unit_id == filters.unit)
    if (start := _date(filters.date_from)) is not None:
        where.append(c.received_at >= start)
    if (end := _date(filters.date_to)) is not None:
        where.append(c.received_at < end + timedelta(days=1))
    if filters.due in DUE_FILTERS and now is not None:
        where.append(and_(c.status.in_(HANDLING), c.due_at < now) if filters.due == "overdue"
                     else or_(c.status.notin_(HANDLING), c.due_at.is_(None), c.due_at >= now))
    words = (filters.q or "").strip()
    if words:
        if words.upper().startswith("RX") or words.isdigit() and len(words) > 11:
            where.append(c.ticket_id == words)
        elif words.replace("-", "").isdigit() and len(words) >= 7:
            where.append(_by_phone(words, phone_key))
        else:
            plain = _searched_words(words)
            pattern = "%" + plain + "%"
            scan = or_(c.address.like(pattern), c.title.like(pattern), c.content.like(pattern))
            if short is not None:
                holding, undecided = short
                scan = or_(c.ticket_id.in_(holding), *((and_(c.ticket_id.in_(undecided), scan),) if undecided else ()))
            elif matched is not None:
                scan = and_(c.ticket_id.in_(matched), scan)
            elif dialect == "postgresql" and plain:
                scan = and_(word_index_pg.narrows(t.tickets, plain), scan)
            where.append(or_(c.ticket_id == words, scan))
    return where, queue["order"]


def list_tickets(engine: Engine, principal: Principal, filters: Filters, page: int = 1, per_page: int = 20,
                 now: datetime | None = None, near_hours: int = 24, place: str | None = None) -> Page:
    """A page of the list, masked for the reader through `privacy.disclose` (audited where `place` shows the
    rows; with no `place` the rows are for counting and fully masked)."""
    c = t.tickets.c
    matched, short, frequent = None, None, False
    if (plain := _searched_words(filters.q)) and word_index.usable(engine.dialect.name, plain):
        with reading(engine) as connection:
            if len(plain) < word_index.MIN_CHARS:  # the grams index decides: no LIKE, no row read to decide
                holding, undecided = word_index.short_word_ids(connection, plain, COUNT_CAP + 1)
                frequent = len(holding) + len(undecided) > COUNT_CAP
                short = None if frequent else (holding, undecided)
            else:
                matched = word_index.ids_matching(connection, plain, COUNT_CAP + 1)
                if len(matched) > COUNT_CAP:  # in a great many tickets: newest first by LIKE finds a page sooner
                    matched, frequent = None, True
    where, order = ticket_query(principal, filters, matched, engine.dialect.name, now,
                                lambda phone: phone_keyer(engine)(phone), short)  # the key ring read only for a phone
    ordering = {"due_asc": (c.due_at.is_(None), c.due_at, c.ticket_id),
                "received_asc": (c.received_at, c.ticket_id),
                "received_desc": (c.received_at.desc(), c.ticket_id.desc())}[order]
    page = max(1, page)
    per_page = min(max(1, per_page), 200)
    with reading(engine) as connection:
        # The page's ids first, off an index without reading the rows it skips; then those rows.
        ids = select(c.ticket_id).where(*where).order_by(*ordering).limit(per_page).offset((page - 1) * per_page)
        rows = connection.execute(select(*LIST_COLUMNS).where(c.ticket_id.in_(ids.scalar_subquery()))
                                  .order_by(*ordering)).all()
        if frequent and len(where) == 1:  # the words alone: the index has already counted past the cap
            counted = COUNT_CAP + 1
        else:
            counted = connection.execute(select(func.count()).select_from(
                select(c.ticket_id).where(*where).limit(COUNT_CAP + 1).subquery())).scalar_one()
        # Callers' phones are held apart from the chain (docs/trust.md): the page's are read in one query.
        held = callers_phones(connection, [row.ticket_id for row in rows if not row.caller_phone])
    result = disclose(engine, principal, [(row.ticket_id, {**row._mapping, "caller_phone": row.caller_phone
                                                          or held.get(row.ticket_id)}) for row in rows],
                      place, now or datetime.now())
    marks = {row["ticket_id"]: mark for row in result
             if (mark := deadline_mark(row["status"], row["due_at"], now, near_hours))}
    return Page(result, min(counted, COUNT_CAP), page, per_page, counted > COUNT_CAP, marks)


def deadline_mark(status: str | None, due_at: datetime | None, now: datetime | None, near_hours: int) -> str:
    """超期 when being handled past its deadline, 临期 when due within `near_hours`, else ''. Only while the
    units' deadline runs: a ticket waiting for its follow-up call was closed by its unit, and a mark there
    would blame the unit for the visit's wait."""
    if now is None or due_at is None or status not in HANDLING:
        return ""
    if now > due_at:
        return "超期"
    if due_at - now <= timedelta(hours=near_hours):
        return "临期"
    return ""


def countdown(due_at: datetime | None, now: datetime) -> str:
    if due_at is None:
        return ""
    seconds = int((due_at - now).total_seconds())
    sign, seconds = ("已超期", -seconds) if seconds < 0 else ("剩余", seconds)
    days, rest = divmod(seconds, 86_400)
    return f"{sign}{days}天{rest // 3600}小时" if days else f"{sign}{rest // 3600}小时{rest % 3600 // 60}分"


@dataclass
class TicketView:
    ticket: Ticket
    intake: dict[str, Any]
    events: list[dict[str, Any]]
    damages: list[str]
    attachments: list[dict[str, Any]]
    mark: str
    countdown: str
    imported: dict[str, Any] | None = None  # the import batch that brought the ticket: number, source, at, files
    reply: str | None = None  # the answer to the citizen now (the ticket's), masked for the reader as every text is


def ticket_view(engine: Engine, ticket: Ticket, principal: Principal | None, now: datetime,
                near_hours: int = 24, unmasked: bool = False, place: str = "工单详情",
                manifests: ManifestRanges | None = None) -> TicketView:
    with reading(engine) as connection:
        events = [row_to_record(row) for row in connection.execute(
            select(t.events).where(t.events.c.ticket_id == ticket.ticket_id).order_by(t.events.c.id))]
        batch = imported_by(connection, ticket.ticket_id, manifests)
        imported = None if batch is None else {"number": batch.number, "source": batch.source, "signed": batch.signed,
                                               "at": batch.made_at, "files": batch_files(connection, batch)}
        if batch is not None and not batch.signed:  # a forged manifest: its source marks no step as imported
            batch = None
        head = connection.execute(select(t.tickets.c.last_seq, t.tickets.c.head_hash)
                                  .where(t.tickets.c.ticket_id == ticket.ticket_id)).first()
        files = [dict(row._mapping) for row in connection.execute(
            select(t.attachments.c.sha256, t.attachments.c.name, t.attachments.c.content_type,
                   t.attachments.c.size, t.attachments.c.uploaded_at)
            .where(t.attachments.c.ticket_id == ticket.ticket_id).order_by(t.attachments.c.uploaded_at))]
        held = caller_details(connection, ticket.ticket_id) or {}  # the caller's details, held apart from the chain
    damages = [d.describe() for d in check_stream(ticket.ticket_id, events, tuple(head) if head else None)]
    # The intake with the held details, then every payload: one ticket, one audit record (privacy.disclose).
    # A file's name is words its uploader wrote (「王建国身份证13812345678.jpg」): masked as an evidence summary is.
    intake, *payloads = disclose(engine, principal, [(ticket.ticket_id, {**ticket.intake, **held})]
                                 + [(ticket.ticket_id, event["payload"]) for event in events]
                                 + [(ticket.ticket_id, {"summary": file["name"]}) for file in files]
                                 + [(ticket.ticket_id, {"reply": ticket.reply or ""})], place, now,
                                 [ticket.ticket_id] if unmasked else [])
    *payloads, reply = payloads
    payloads, names = payloads[:len(events)], payloads[len(events):]
    files = [{**file, "name": shown["summary"]} for file, shown in zip(files, names)]
    # A step is imported when another platform's source recorded it, or when the import batch brought it (an
    # export of another Rexian keeps the workflow's source): shown as 「导入」, not as this workflow's doing.
    shown = [{**event, "payload": payload,
              "imported": (event["source"] if event["source"] != WORKFLOW_SOURCE else None)
              or (batch.source if batch and event["seq"] <= batch.events else None)}
             for event, payload in zip(events, payloads)]
    return TicketView(ticket, intake, shown, damages, files,
                      deadline_mark(ticket.status, ticket.due_at, now, near_hours),
                      countdown(ticket.due_at, now) if ticket.status in HANDLING else "", imported,
                      reply["reply"] or None)


# A request is opened by one of these events and ended by exactly one of the settling ones (domain/model.py: each
# pops the request it names); an endorsement only moves it on to the centre.
REQUESTED = ("ReturnRequested", "ExtensionRequested", "ClosureRequested")
SETTLED = ("RequestDeclined", "ReturnApproved", "ReturnRejected", "ExtensionApproved", "ExtensionRejected",
           "ClosureApproved", "ClosureRejected")


def pending_requests(engine: Engine, hotline, principal: Principal, stage: str) -> list[dict]:
    """Every return / extension / closure request waiting at `stage` (unit: the leader's approval queue; centre: the
    reviewers' queues) on tickets in the caller's scope, oldest first, each with its ticket: the whole queue, for a
    pager with its true total. The tickets read are those still holding a request (more requests than settlements in
    their log: one indexed count per ticket in handling), so the cost follows the queue, not the city."""
    c, e = t.tickets.c, t.events.c
    where = [c.status.in_(HANDLING)]
    if principal.scope is not None:
        where.append(c.lead_unit_id.in_(sorted(principal.scope)))
    still_open = select(func.sum(case((e.action.in_(REQUESTED), 1), else_=-1))).where(
        e.ticket_id == c.ticket_id, e.action.in_(REQUESTED + SETTLED)).scalar_subquery()
    with reading(engine) as connection:
        ids = connection.execute(select(c.ticket_id).where(*where, still_open > 0)
                                 .order_by(c.updated_at, c.ticket_id)).scalars().all()
    found = []
    for ticket_id in ids:
        ticket = hotline.ticket(ticket_id)
        found.extend({"ticket": ticket, "request": request} for request in ticket.requests.values()
                     if request.stage == stage)
    return found


def paged(rows: list[Any], page: int, per_page: int = 20) -> Page:
    """One page of a list held whole (a page number past the end shows the last page), with the list's total."""
    shown = Page([], len(rows), 1, per_page)
    shown.page = min(max(1, page), shown.pages)
    shown.rows = rows[(shown.page - 1) * per_page:shown.page * per_page]
    return shown


def _by_phone(phone: str, phone_key: Callable[[str], str | None]):
    """Tickets of a caller's phone: imported tickets keep it on the ticket row; workflow intakes hold it apart
    from the chain (adapters/personal.py, docs/trust.md), found there by its indexed key (until erased)."""
    held = held_by_phone(phone, phone_key(phone) or "")
    return or_(t.tickets.c.caller_phone == phone, t.tickets.c.ticket_id.in_(held))


def caller_history(engine: Engine, phone: str, principal: Principal, now: datetime,
                   limit: int = 20) -> tuple[list[dict[str, Any]], bool]:
    """The caller's `limit` newest tickets, found by the phone the agent typed — their texts are the caller's own
    words, shown through `privacy.disclose` (audited) — and whether there are more (the list searched by the phone
    has them all)."""
    if not phone:
        return [], False
    with reading(engine) as connection:
        rows = [dict(row._mapping) for row in connection.execute(
            select(t.tickets.c.ticket_id, t.tickets.c.received_at, t.tickets.c.status, t.tickets.c.title,
                   t.tickets.c.content).where(_by_phone(phone, phone_keyer(engine)))
            .order_by(t.tickets.c.received_at.desc()).limit(limit + 1))]
    return disclose(engine, principal, [(row["ticket_id"], {**row, "caller_phone": phone}) for row in rows[:limit]],
                    "受理时查看来电人历史工单", now), len(rows) > limit
