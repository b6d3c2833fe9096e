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
