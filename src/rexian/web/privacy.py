"""Callers' personal data on screen and in the API: the one place where it is masked.

Roles that talk to the caller or go to the place (agents, follow-up callers, handlers and their leaders)
see name, phone, address and coordinates; dispatchers, reviewers, supervisors and administrators see them
masked. Phone, ID-card and bank-card numbers written inside free text are masked through the project's
masking module for the same roles; the ticket's own address written again inside its texts (the complaint,
notes, replies, evidence — 「我住幸福小区3栋」) is hidden the way the address field is (`hide_addresses`):
`disclose` looks the tickets' addresses up itself. A supervisor may unmask one ticket with a stated reason (audited as
`unmask`).

`disclose` is the one way callers' details reach a reader — ticket lists, the ticket page, the Excel export,
the API, the intake page's caller history, the supervisor's desk: it masks each ticket's data for the reader
and, for every ticket whose details the reader does see unmasked (by duty, or after a supervisor's stated
reason), writes an audit record `disclose`: who, which ticket, why (where, and on what ground), when.
Administrators read the audit log on the admin page and through `GET /api/audit`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import re

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from rexian.adapters.database import reading
from rexian.adapters import tables as t

from rexian.adapters.audit import append_audit
from rexian.adapters.personal import callers_held
from rexian.text.masking import find_self_names, mask_name, mask_names, mask_personal_data, names_pattern, quoted_from
from rexian.web.auth import Principal
from rexian.web.labels import role_names

NEEDS_PERSONAL_DATA = frozenset({"agent", "visitor", "handler", "unit_leader"})
# Every text a person writes into an event (a return's basis and a supervision order's outcome too); looked for at
# any depth, so an evidence item's summary inside a closure request is masked as a note is.
FREE_TEXT_FIELDS = ("content", "title", "reply", "answer", "summary", "note", "reason", "result", "response", "basis",
                    "outcome")
# What a masked reader does not see inside the words: numbers by their checksum, names the writer gives as
# their own (text/masking.py); the ticket's own address and caller's name are looked up (`disclose`).
TEXT_MASKED = ("phone", "id_card", "bank_card", "name")
PERSONAL_FIELDS = ("caller_name", "caller_phone", "address", "lon", "lat", "caller_id")


def sees_personal_data(principal: Principal | None, unmasked: bool = False) -> bool:
    return unmasked or (principal is not None and bool(principal.roles & NEEDS_PERSONAL_DATA))


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    masked = mask_personal_data(phone, kinds=("phone",))
    if masked != phone:
        return masked
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def mask_address(address: str | None) -> str | None:
    """The district and street stay (where the matter is); the house number and rest are hidden."""
    if not address:
        return address
    keep = min(len(address), max(4, len(address) // 3))
    return address[:keep] + "****"


# Where a Chinese address breaks into parts (district, road, number, building, estate …): an address is looked
# for in texts part by part, as callers repeat "幸福小区" or "18号" without the district.
_ADDRESS_PART = re.compile(r".+?(?:省|市|区|县|镇|乡|街道|路|街|巷|道|弄|里|号院|号楼|号|栋|幢|座|单元|楼|室|小区|花园|公寓|"
                           r"大厦|广场|村|组|社区|苑|园|院|$)")
MIN_ADDRESS_PART = 3  # shorter parts ("3栋", "2楼") say nothing on their own


def address_parts(address: str | None) -> list[str]:
    """What `mask_address` hides of an address, as it may be written again inside a text: the whole address
    and each of its parts that reaches into the hidden tail and is long enough to name a place; longest first."""
    if not address:
        return []
    keep = len(mask_address(address)) - 4
    parts, end = {address}, 0
    for match in _ADDRESS_PART.finditer(address):
        part, end = match.group(0), match.end()
        if end > keep and len(part) >= MIN_ADDRESS_PART and _names_a_place(part):
            parts.add(part)
    return sorted((part for part in parts if part), key=len, reverse=True)


def _names_a_place(part: str) -> bool:
    """Two Chinese characters or more (幸福小区, 金桥路), or a house number (499号, 3号院)."""
    return len(re.findall(r"[\u4e00-\u9fff]", part)) >= 2 or re.search(r"\d+(?:号|栋|幢|单元|室)", part) is not None


# A ticket's title names the matter and its place (「关于铁路新村维修基金的问题」), written by the centre for
# everyone who routes, reviews or supervises the matter: in a title only the caller's own details are hidden.
TITLE_FIELDS = frozenset({"title"})
_NUMBERED = re.compile(r"[0-9０-９]")


def own_details(address: str | None) -> list[str]:
    """The parts of an address that single out the caller's own door — a house number, building, unit or room, any
    part with a number in it (「18号」「3栋」「302室」) — as opposed to the named places around it (district, road,
    estate, village), which are also where the matter is; longest first."""
    if not address:
        return []
    parts = {match.group(0) for match in _ADDRESS_PART.finditer(address)}
    return sorted((part for part in parts if len(part) >= 2 and _NUMBERED.search(part)), key=len, reverse=True)


def _any_of(parts: Iterable[str]) -> re.Pattern | None:
    parts = sorted(set(parts), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, parts))) if parts else None


def hide_addresses(value: Any, addresses: Iterable[str], titles: Iterable[str] = (),
                   names: Iterable[str] = ()) -> Any:
    """`value` (a text, or a payload / evidence of texts) with the given addresses' hidden parts replaced by
    "****" wherever they occur inside words — in a title (`TITLE_FIELDS`), and wherever another text quotes one
    of the ticket's `titles` (a reply beginning 「关于幸福小区门口烧烤油烟的问题」), only the caller's own details
    (`own_details`), so that the same words read the same everywhere on a page and every title shows the place
    of its matter alike, whether or not the caller lives there — and with the callers' known `names` masked
    (王**) wherever they occur (docs/web.md, Personal data)."""
    addresses = [address for address in addresses if address]
    titles = [title for title in titles if title]
    names = names_pattern(names)  # made once for every text of the value
    hidden_parts = {part for address in addresses for part in address_parts(address)}
    door_parts = {part for address in addresses for part in own_details(address)}
    words = _any_of(hidden_parts | door_parts)
    doors = _any_of(door_parts)
    if words is None and names is None:
        return value

    def as_in_title(part: str) -> str:
        return doors.sub("****", part) if doors is not None else part

    def in_words(text: str) -> str:
        def one(found: re.Match) -> str:
            if any(quoted_from(text, found.start(), found.end(), title) for title in titles):
                return as_in_title(found.group(0))  # quoting the title: read as the title reads
            return "****" if found.group(0) in hidden_parts else found.group(0)
        return words.sub(one, text)

    def hidden(item: Any, key: str = "") -> Any:
        if isinstance(item, str):
            if words is not None:
                item = as_in_title(item) if key in TITLE_FIELDS else in_words(item)
            return mask_names(item, names)
        if isinstance(item, dict):
            return {k: hidden(v, k) for k, v in item.items()}
        if isinstance(item, list):
            return [hidden(v, key) for v in item]
        return item

    return hidden(value)


@dataclass(frozen=True)
class TicketWords:
    """What of a ticket is looked for inside its texts: the caller's address and name, its title, and the names its
    complaint gives as the writer's own or a relative's (「我父亲李长海」): known once, such a name is masked wherever
    the ticket's texts repeat it (「电话联系李长海」), not only where the complaint introduces it."""
    address: str | None = None
    title: str | None = None
    caller_name: str | None = None
    written_names: tuple[str, ...] = ()


def _hide_known(value: Any, own: list[TicketWords], names: list[str | None]) -> Any:
    # A written name of three characters or more (李长海, 欧阳娜娜) is masked wherever the texts repeat it; a two-character
    # one (张三) only where the complaint introduces it: repeated, it too often begins a road (张三丰路) or a word.
    names = [*names, *(name for words in own for name in words.written_names if len(name) >= 3)]
    return hide_addresses(value, [words.address for words in own], [words.title for words in own], names)


def ticket_words(connection: Connection, ticket_ids: Iterable[str]) -> dict[str, TicketWords]:
    """ticket id → its caller's address and name (held apart from the chain) and its title."""
    ids = sorted({str(ticket_id) for ticket_id in ticket_ids if ticket_id})
    found: dict[str, TicketWords] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        names = {ticket_id: held.get("caller_name") for ticket_id, held in callers_held(connection, chunk).items()}
        found.update((row.ticket_id, TicketWords(row.address, row.title, names.get(row.ticket_id),
                                                 tuple(match.group(1) for match in find_self_names(row.content or ""))))
                     for row in connection.execute(select(t.tickets.c.ticket_id, t.tickets.c.address, t.tickets.c.title,
                                                          t.tickets.c.content)
                                                   .where(t.tickets.c.ticket_id.in_(chunk))))
    return found


def mask_fields(data: dict[str, Any], principal: Principal | None, unmasked: bool = False) -> dict[str, Any]:
    """A copy of a ticket row or event payload with the personal fields masked for this reader."""
    if sees_personal_data(principal, unmasked):
        return dict(data)
    masked = {key: _texts_masked(value, key) for key, value in data.items()}
    if "caller_name" in masked:
        masked["caller_name"] = mask_name(masked["caller_name"])
    if "caller_phone" in masked:
        masked["caller_phone"] = mask_phone(masked["caller_phone"])
    if "caller_id" in masked and masked["caller_id"]:
        masked["caller_id"] = "****"
    if "address" in masked:
        masked["address"] = mask_address(masked["address"])
    for key in ("lon", "lat"):
        if masked.get(key) is not None:
            masked[key] = None
    return masked


def _texts_masked(value: Any, key: str) -> Any:
    """`value` with the personal data inside every free text (`FREE_TEXT_FIELDS`) masked, at any depth."""
    if isinstance(value, str):
        return mask_personal_data(value, TEXT_MASKED) if key in FREE_TEXT_FIELDS else value
    if isinstance(value, dict):
        return {inner: _texts_masked(item, inner) for inner, item in value.items()}
    if isinstance(value, list | tuple):
        return [_texts_masked(item, key) for item in value]
    return value


DISCLOSE = "disclose"  # the audit log's action for callers' details shown unmasked

# How long a page waits for SQLite's write lock to write its disclosure record before it answers that the system
# is busy. An import holds the lock one batch at a time (setting `import_batch_seconds`, 1 s), so a few seconds
# covers a batch on a loaded machine; SQLite's own busy timeout (30 s) would leave the reader staring at a blank tab.
AUDIT_WAIT_SECONDS = 3.0
BUSY_MESSAGE = "系统正在导入，请稍后刷新"


class DatabaseBusy(Exception):
    """The write lock stayed taken (an import, a backup) longer than a page may wait: nothing was shown, nothing
    written; the reader is asked to refresh (HTTP 503)."""

    def __init__(self, message: str = BUSY_MESSAGE):
        super().__init__(message)
        self.message = message


def is_lock_timeout(error: BaseException) -> bool:
    """SQLite's refusal when the write lock stayed taken past the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(getattr(error, "orig", error))


@contextmanager
def writing_within(engine: Engine, seconds: float = AUDIT_WAIT_SECONDS) -> Iterator[Connection]:
    """A write transaction that waits at most `seconds` for SQLite's write lock, then raises `DatabaseBusy` having
    written nothing (other databases lock rows, not the file: there it is `engine.begin()`)."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection  # not through SQLAlchemy: that would BEGIN first
        usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute(f"PRAGMA busy_timeout={max(1, int(seconds * 1000))}")
        try:
            try:
                transaction = connection.begin()
            except OperationalError as error:
                if is_lock_timeout(error):
                    raise DatabaseBusy() from None
                raise
            with transaction:
                yield connection
        finally:
            raw.execute(f"PRAGMA busy_timeout={usual}")


def disclose(engine: Engine, principal: Principal | None, items: Iterable[tuple[Any, dict[str, Any]]],
             place: str | None, now: datetime, unmasked: Iterable[str] = (), why_unmasked: str | None = None,
             connection: Connection | None = None,
             masker: Callable[[dict[str, Any], Principal | None, bool], dict[str, Any]] | None = None
             ) -> list[dict[str, Any]]:
    """Each (ticket id, data) masked for this reader, in order. `place` names where the data is shown; None
    means it is shown to no one (counts, internal use): then everything is masked and nothing audited. Every
    ticket whose data the reader sees differently from the fully masked view is audited once, before the data
    is returned: no audit record, no disclosure. `unmasked`: the tickets a supervisor opened with a reason
    (`why_unmasked` says where that reason is recorded). The key of an item may be a tuple of ticket ids (a
    finding about several tickets): it is lifted only when all of them were opened, and audited for each.
    Items about no ticket (key None: the dashboard's hotspot places) are audited once, without a ticket.
    The audit rows of one call go in one insert, in `connection`'s transaction when given (a page view
    already writing), else in their own, which waits for SQLite's write lock no longer than AUDIT_WAIT_SECONDS
    (`DatabaseBusy` then: the page says so, nothing is shown). `masker` masks one item for a reader (default `mask_fields`)."""
    masker = masker or mask_fields
    opened = set(unmasked)
    shown, revealed = [], {}
    items = list(items)
    wanted = {ticket_id for key, _ in items for ticket_id in (key if isinstance(key, tuple) else (key,))}
    with nullcontext(connection) if connection is not None else reading(engine) as words_read:
        known = ticket_words(words_read, wanted) if wanted - {None} else {}
    for key, data in items:
        ids = key if isinstance(key, tuple) else (key,)
        lifted = place is not None and bool(ids) and all(ticket_id in opened for ticket_id in ids)
        own = [known[ticket_id] for ticket_id in ids if ticket_id in known]
        names = [words.caller_name for words in own] + [data.get("caller_name") if isinstance(data, dict) else None]
        out = masker(data, principal if place is not None else None, lifted)
        if place is None or not sees_personal_data(principal, lifted):
            out = _hide_known(out, own, names)
        if place is not None and sees_personal_data(principal, lifted) and \
                out != _hide_known(masker(data, None, False), own, names):
            for ticket_id in ids:
                revealed.setdefault(ticket_id, lifted)
        shown.append(out)
    if revealed and principal is not None:
        duty = f"岗位职责（{role_names(sorted(principal.roles & NEEDS_PERSONAL_DATA))}）"
        lifted_why = why_unmasked or "督查说明理由后查看（见同一工单的 unmask 记录）"
        rows = [{"at": now, "person_id": principal.person_id, "action": DISCLOSE, "ticket_id": ticket_id,
                 "reason": f"{place}：{lifted_why if lifted else duty}"} for ticket_id, lifted in revealed.items()]
        with nullcontext(connection) if connection is not None else writing_within(engine) as writing:
            append_audit(writing, rows)
    return shown


def disclose_hotspots(engine: Engine, principal: Principal | None, snapshot: dict[str, Any], place: str,
                      now: datetime) -> dict[str, Any]:
    """The dashboard's snapshot with its hotspot places through `disclose`: an address many callers gave is
    still where callers live or work, so it is masked to the coarse place (district and street) for readers
    who do not need callers' details; a place known only by its address is masked the same way. The shared
    snapshot is not changed (a copy is returned)."""
    hotspots = snapshot.get("hotspots") or {}
    lists = [name for name in ("places", "matters") if hotspots.get(name)]
    rows = [(name, row) for name in lists for row in hotspots[name]]
    masked = iter(disclose(engine, principal, [(None, {"address": row.get("address")}) for _, row in rows],
                           place, now))
    shown: dict[str, list[dict[str, Any]]] = {name: [] for name in lists}
    for name, row in rows:
        address = next(masked)["address"]
        by_address = row.get("place") is not None and row.get("place") == row.get("address")
        shown[name].append({**row, "address": address, "place": address if by_address else row.get("place")})
    return {**snapshot, "hotspots": {**hotspots, **shown}}


def mask_finding(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding's evidence with the personal data inside its words masked (phone, ID-card and bank-card
    numbers in citizens' and handlers' texts and excerpts; callers' fields by name). The accused and the
    responsible people are staff named for supervision and stay."""
    def masked(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: masked(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [masked(v, key) for v in value]
        if key in PERSONAL_FIELDS and value is not None:
            return mask_fields({key: value}, None)[key]
        return mask_personal_data(value, TEXT_MASKED) if isinstance(value, str) else value

    evidence = finding.get("evidence")
    return {**finding, "evidence": masked(evidence)} if isinstance(evidence, dict) else dict(finding)


def disclose_findings(engine: Engine | None, reader: Principal | None, findings: Iterable[dict[str, Any]],
                      place: str, now: datetime, reason: str | None = None) -> list[dict[str, Any]]:
    """Findings for an export through `disclose`: masked (`mask_finding`) unless a `reader` states a `reason`,
    and then every ticket of every finding shown unmasked is audited (with the reason) before it is returned."""
    findings = list(findings)
    if reason is None or reader is None or engine is None:
        return [mask_finding(finding) for finding in findings]
    keys = [tuple(finding.get("ticket_ids") or ()) for finding in findings]
    opened = {ticket_id for key in keys for ticket_id in key}
    with engine.begin() as connection:
        append_audit(connection, [{"at": now, "person_id": reader.person_id, "action": "unmask",
                                   "ticket_id": None, "reason": f"{place}：{reason}"}])
        shown = disclose(engine, reader, list(zip(keys, findings)), place, now, opened,
                         why_unmasked=f"说明理由后导出：{reason}", connection=connection,
                         masker=lambda finding, who, lifted: (dict(finding) if sees_personal_data(who, lifted)
                                                             else mask_finding(finding)))
    return shown
