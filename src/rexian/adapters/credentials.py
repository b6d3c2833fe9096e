"""Sign-in material signed by the server's key (docs/trust.md): an account's security state, a session, an API
token. Someone who can write the database but not read the key file cannot insert a session or a token for
another person, put a password hash of their own choosing on an account, re-enable it or reset its lock-out:
the web refuses a row whose MAC does not hold, and `verify` names it.

An account's MAC covers its password hash, `active`, failed attempts, lock and `state_seq`: the log number of
its newest `account_state` audit record (an enabling, disabling, failed sign-in, lock-out or password change,
each written with the change). A genuine older row put back carries an older `state_seq` than the audit log's
newest record for the account, so the sign-in, every session and token use (one indexed look-up) and `verify`
refuse it too. (A revoked token's older row put back is named by `verify`: service/verify_side.py.)

A session and an API token are bound to the account's signed state: each carries `issued_seq`, the log number of
the account's newest state record when it was issued, under its MAC. A password change (sessions) or a disabling
(sessions and tokens) is a state record numbered after it, so a session or token deleted or revoked by that change
and put back by SQL — MAC intact — is refused at use (`revoked_by`) and named by `verify`.

Signing out ends one session only, so it is bound the other way round: the sign-out is an audit record
(`signed_out`, the account's person, the session's token hash) on the signed log, written with the deletion; a
session row put back after it is refused at use (`signed_out_after`, one indexed look-up among the account's
sign-outs since the session was issued) and named by `verify`. Deleting the record to revive the session leaves
a gap in the log sequence.

Revoking one API token (the /tokens page, the API) is bound the same way: a `token_revoked` audit record (the
token's owner, its hash) written with `revoked_at`, so `revoked_at` cleared by SQL is refused at use
(`token_revoked_record`) and named by `verify` (`token_revoked_problem`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, func, literal, select, update
from sqlalchemy.engine import Connection, Engine

from rexian.adapters import tables as t
from rexian.adapters.audit import ACCOUNT_STATE, append_audit
from rexian.adapters.keys import KeyRing, keyring_for
from rexian.adapters.log_reader import comparable

SIGNED = {"accounts": ("person_id", "password_hash", "active", "failed_attempts", "locked_until", "state_seq"),
          "sessions": ("token_hash", "person_id", "expires_at", "issued_seq"),
          "api_tokens": ("token_hash", "person_id", "issued_seq")}
# The account-state changes that end what was issued before them: a password change ends the sessions (not the
# API tokens, which a password change leaves alone), a disabling ends both.
REVOKING = {"sessions": ("password", "disable"), "api_tokens": ("disable",)}


def credential_digest(table: str, row: Mapping[str, Any]) -> str:
    from rexian.domain.eventlog import canonical_json

    return f"credential:{table}:" + canonical_json([comparable(row.get(name)) for name in SIGNED[table]])


def signed(engine: Engine, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row with its `mac` by the current key."""
    return {**row, "mac": keyring_for(engine).sign(credential_digest(table, row))}


def problem(ring: KeyRing, table: str, row: Mapping[str, Any]) -> str | None:
    """Sign-in material is signed again at every rotation (`resign_all`): only the current key may have signed it."""
    return ring.problem(credential_digest(table, row), row.get("mac"), current_only=True)


KEYS = {"accounts": "person_id", "sessions": "token_hash", "api_tokens": "token_hash"}


def resign_all(connection: Connection, ring: KeyRing) -> None:
    """Every account, session and token signed again by `ring`'s current key, as it stands (a key rotation);
    one whose MAC does not hold now keeps it, so a rotation launders nothing."""
    from sqlalchemy import bindparam

    for table_name, names in SIGNED.items():
        table, key = t.metadata.tables[table_name], KEYS[table_name]
        rows = [dict(row._mapping) for row in connection.execute(select(*(table.c[n] for n in (*names, "mac"))))]
        updates = [{"match": row[key], "new_mac": ring.sign(credential_digest(table_name, row))} for row in rows
                   if ring.problem(credential_digest(table_name, row), row.get("mac")) is None]
        if updates:
            connection.execute(update(table).where(table.c[key] == bindparam("match"))
                               .values(mac=bindparam("new_mac")), updates)


def holds(engine: Engine, table: str, row: Mapping[str, Any]) -> bool:
    return problem(keyring_for(engine), table, row) is None


def newest_state(person: Any, reasons: tuple[str, ...] | None = None) -> Any:
    """The log number of a person's newest account-state audit record (of these `reasons` only, when given), as a
    scalar subquery (indexed)."""
    a = t.audit_log.c
    where = [a.person_id == person, a.action == ACCOUNT_STATE, *((a.reason.in_(reasons),) if reasons else ())]
    return select(func.max(a.log_seq)).where(*where).scalar_subquery()


def revoked_by(table: str, issued_seq: Any, revoking: Any) -> str | None:
    """Why a session or token (its signed `issued_seq`) no longer holds: a password change or disabling of its
    account (`revoking`: the newest such record's log number) came after it was issued — the row was deleted or
    revoked by that change and put back."""
    if revoking is None or (isinstance(issued_seq, int) and issued_seq >= revoking):
        return None
    what = "会话" if table == "sessions" else "API令牌"
    return (f"{what}签发于账号第{issued_seq}号状态记录时，账号在第{revoking}号记录{'改密码或' if table == 'sessions' else ''}"
            "停用后它已失效（被删除或撤销后又被放回）")


SIGNED_OUT = "signed_out"  # an audit record: a session ended by signing out (reason: `signed_out_reason`)


def signed_out_reason(token_hash: str) -> str:
    return f"session:{token_hash}"


def signed_out_after(person: Any, token_hash: Any, issued_seq: Any) -> Any:
    """The log number of the sign-out record of this session (None when it was never signed out), as a scalar
    subquery: the account's `signed_out` records numbered after the session was issued (indexed by person,
    action and log number)."""
    a = t.audit_log.c
    return select(func.max(a.log_seq)).where(
        a.person_id == person, a.action == SIGNED_OUT, a.log_seq > func.coalesce(issued_seq, 0),
        a.reason == literal("session:", String) + token_hash).scalar_subquery()


# An audit record: one API token revoked (person: the token's owner; reason: `token_revoked_reason`), written with
# the revocation on the signed log, so the row's `revoked_at` put back to NULL by SQL is still refused at use.
TOKEN_REVOKED = "token_revoked"
_TOKEN_PREFIX = "token:"


def token_revoked_reason(token_hash: str) -> str:
    return f"{_TOKEN_PREFIX}{token_hash}"


def token_revoked_record(person: Any, token_hash: Any) -> Any:
    """The log number of the token's own `token_revoked` record (None while it is live), as a scalar subquery
    (indexed by person and action)."""
    a = t.audit_log.c
    return select(func.max(a.log_seq)).where(a.person_id == person, a.action == TOKEN_REVOKED,
                                             a.reason == literal(_TOKEN_PREFIX, String) + token_hash).scalar_subquery()


def token_revoked_problem(revoked: Any) -> str | None:
    """Why a token whose row says it is live is not (`revoked`: the log number of its `token_revoked` record)."""
    if revoked is None:
        return None
    return f"API令牌已于审计日志第{revoked}号记录撤销，其撤销时间又被清空（撤销后的令牌不再有效）"


def signed_out_problem(ended: Any) -> str | None:
    if ended is None:
        return None
    return f"会话已于审计日志第{ended}号记录退出登录，又被放回（退出后的会话不再有效）"


def account_problem(ring: KeyRing, row: Mapping[str, Any], newest: Any) -> str | None:
    """Why an account row (with its `mac` and `state_seq`) is not the server's current state of the account:
    not signed by the server, or an older genuine row (`newest`: the newest account-state record's number)."""
    found = problem(ring, "accounts", row)
    if found:
        return found
    if comparable(row.get("state_seq")) != comparable(newest):
        return (f"不是账号的最新状态（审计日志中该账号最后一次状态变更的序号为{newest}，账号记录为{row.get('state_seq')}："
                "旧记录被放回，或启用、解锁、失败次数被直接改动）")
    return None


def reseal_account(connection: Connection, person_id: str, now: Any, change: str | None = None) -> None:
    """Sign an account row again after a change in the caller's transaction (which already holds the row).
    `change` (enable, disable, failed 3, locked_until …, password): also an account-state audit record, whose
    log number becomes the row's `state_seq`; the log counter is then the transaction's last new lock."""
    a = t.accounts.c
    if change is not None:
        state_seq = append_audit(connection, [{"at": now, "person_id": person_id, "action": ACCOUNT_STATE,
                                               "reason": change}])
        connection.execute(update(t.accounts).where(a.person_id == person_id).values(state_seq=state_seq))
    row = connection.execute(select(t.accounts).where(a.person_id == person_id)).first()
    if row is not None:
        connection.execute(update(t.accounts).where(a.person_id == person_id).values(
            mac=keyring_for(connection.engine).sign(credential_digest("accounts", row._mapping))))


def portal_code_digest(ticket_id: str, code_sha256: str) -> str:
    """What a citizen's query code is stored as (signed: `portal_codes.code_hash` = the server's MAC of this): tied
    to its ticket, so that a hash copied to another ticket, or one written by SQL for a code of someone's choosing,
    matches nothing, and a copy of the database cannot be searched for the codes without the key."""
    return f"portal-code:{ticket_id}:{code_sha256}"
