"""What a migration that adds a MAC may seal (trust12, docs/trust.md "Upgrades").

A migration that adds the server's MAC to rows already stored cannot know who wrote them: a row written by SQL before
the upgrade, signed by the upgrade, is accepted as genuine from then on. So a migration seals **only what verifies
against the signed log at the upgrade** (an idempotency record whose events are on the chain, an outbox row whose
earlier MAC holds) and marks the rest, in the MAC column, as unverified: `unverified:<revision>`. Such a row is never
the server's — every check that asks the key ring refuses it, as it refuses any row without a valid MAC (the web, the
dispatcher, the command handler) — and `verify` names it 「升级前未能核实」 rather than 「签名无效」: not proven forged,
not proven genuine. Where there is a way to vouch for it again, its check says so (the call-centre records: importing
the source file again signs each row whose values it finds unchanged; webhook deliveries and cursors: the dispatcher
sends again or re-reads, the receiver de-duplicating on the key).
"""

from __future__ import annotations

from typing import Any

UNVERIFIED = "升级前未能核实"
_PREFIX = "unverified:"


def unverified(revision: str) -> str:
    """The MAC column's value for a row the upgrade to `revision` found but could not check."""
    return f"{_PREFIX}{revision}"


def unverified_at(mac: Any) -> str | None:
    """The revision whose upgrade could not check this row, or None when the MAC is not such a mark."""
    if isinstance(mac, str) and mac.startswith(_PREFIX):
        return mac[len(_PREFIX):]
    return None


def unverified_problem(mac: Any) -> str | None:
    """verify's words for a marked row, or None."""
    revision = unverified_at(mac)
    if revision is None:
        return None
    return f"{UNVERIFIED}（升级到{revision}时已有此记录，没有可核对的签名记录，不能当作本系统写入的）"


def events_of_result(bind, keyring, ticket_id: Any, result: Any) -> list[Any] | None:
    """The events an idempotency record's stored outcome names, as the signed log holds them — (id, log_seq, hash)
    each — or None when the log does not bear it out: the ticket it names must be its first event's, and every event
    it lists must be on that ticket's chain with that action and the server's MAC. A result rewritten by SQL to answer
    another ticket, or written ahead for nothing done, is not borne out (0014_trust11 leaves it unsigned, 0018_trust12
    writes no request for it)."""
    import json

    import sqlalchemy as sa

    from rexian.adapters import tables as t
    from rexian.adapters.keys import event_digest

    try:
        outcome = json.loads(result)
        listed = [(str(event["ticket_id"]), int(event["seq"]), str(event["action"])) for event in outcome["events"]]
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    if not listed or listed[0][0] != ticket_id or outcome.get("ticket_id") != ticket_id:
        return None
    e = t.events.c
    # events carry requests since 0018_trust12 (the tests run 0014 again on such a database)
    requests = {"request_key", "request_command"} <= {c["name"] for c in sa.inspect(bind).get_columns("events")}
    found = []
    for stream, seq, action in listed:
        row = bind.execute(sa.select(e.id, e.action, e.hash, e.log_seq, e.mac, e.at,
                                     *((e.request_key, e.request_command) if requests else ()))
                           .where(e.ticket_id == stream, e.seq == seq)).first()
        if row is None or row.action != action:
            return None
        request = (row.request_key, row.request_command) if requests else ()
        if keyring.problem(event_digest(row.log_seq, row.hash, *request), row.mac, row.at, row.log_seq) is not None:
            return None
        found.append(row)
    return found


def result_on_the_chain(bind, keyring, ticket_id: Any, result: Any) -> bool:
    return events_of_result(bind, keyring, ticket_id, result) is not None
