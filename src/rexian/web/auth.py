"""Accounts tied to the organisation's people: argon2 password hashes, expiring sessions, lock-out after
repeated failures, API tokens, and the audit log.

Secrets never reach the database in clear: a session cookie or API token is a random string whose sha256
is stored, so a copy of the database cannot be used to sign in. Times are the server's clock.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from rexian.adapters import credentials
from rexian.adapters import tables as t
from rexian.adapters.audit import append_audit
from rexian.adapters.database import reading
from rexian.adapters.keys import keyring_for
from rexian.domain.errors import MissingField, NotAllowed, NotFound
from rexian.domain.org import Organisation
from rexian.domain.visible_text import hidden_problem

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
# Verified against when the account does not exist, so an unknown name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not-a-password-of-anyone")
ACCOUNT_REFUSED = "account_refused"  # an audit record: an account row failed the server's signature at use
LAST_USE_STEP = timedelta(minutes=1)  # a token's last use is written at most once a minute (a write per call else)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SignInRefused(Exception):
    """Sign-in failed; `message` is for the user and never tells which of name or password was wrong."""

    def __init__(self, message: str, locked: bool = False):
        super().__init__(message)
        self.message = message
        self.locked = locked


@dataclass(frozen=True)
class Principal:
    """Who is asking: the person, their roles and the units whose tickets they may see (None = all)."""

    person_id: str
    name: str
    unit_id: str
    roles: frozenset[str]
    scope: frozenset[str] | None
    via: str = "session"  # session / token

    @property
    def read_only(self) -> bool:
        """Supervisors watch every ticket but act on none of them (besides supervision itself)."""
        return self.roles <= {"supervisor"}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def sees_unit(self, unit_id: str | None) -> bool:
        return self.scope is None or (unit_id is not None and unit_id in self.scope)


# Roles that work for the whole city from the centre and so see every ticket.
CITYWIDE_ROLES = frozenset({"agent", "dispatcher", "reviewer", "visitor", "supervisor", "admin"})


def unit_scope(org: Organisation, unit_id: str, roles: frozenset[str]) -> frozenset[str] | None:
    """Handler: own unit. Unit leader: own unit and every unit below it. Centre roles: all (None)."""
    if roles & CITYWIDE_ROLES:
        return None
    if "unit_leader" in roles:
        return frozenset({unit_id, *(u for u in org.units if org.is_below(u, unit_id))})
    return frozenset({unit_id})


def principal_of(org: Organisation, person_id: str, via: str = "session") -> Principal | None:
    person = org.person(person_id)
    if person is None or not person.active:
        return None
    return Principal(person.person_id, person.name, person.unit_id, frozenset(person.roles),
                     unit_scope(org, person.unit_id, frozenset(person.roles)), via)


# What a token's listing shows (never the token itself: `token_hash` names one for revoking it).
TOKEN_COLUMNS = tuple(t.api_tokens.c[name] for name in
                      ("token_hash", "person_id", "name", "created_at", "last_used_at", "revoked_at"))


class Accounts:
    def __init__(self, engine: Engine, settings, clock: Callable[[], datetime]):
        self.engine = engine
        self.settings = settings
        self.clock = clock

    # --- administration -------------------------------------------------------------------------------
    def add(self, org: Organisation, person_id: str, password: str) -> None:
        hidden = hidden_problem(person_id, "人员编号")  # 「H0201\u200b」 reads as H0201: say so, not 「没有此人」
        if hidden:
            raise MissingField("account.hidden_characters", hidden)
        if org.person(person_id) is None:
            raise NotFound("account.unknown_person", f"组织中没有此人：{person_id}")
        _check_password(password)
        now = self.clock()
        with self.engine.begin() as connection:
            exists = connection.execute(select(t.accounts.c.person_id)
                                        .where(t.accounts.c.person_id == person_id)).first()
            if exists:
                raise MissingField("account.exists", f"账号已存在：{person_id}")
            connection.execute(insert(t.accounts).values(**credentials.signed(self.engine, "accounts", dict(
                person_id=person_id, password_hash=_HASHER.hash(password), active=True, failed_attempts=0,
                locked_until=None, created_at=now, updated_at=now))))

    def add_sharing_password(self, org: Organisation, person_ids: list[str], password: str) -> int:
        """Accounts for many people with one password whose hash is computed once: only for the demo, whose
        password is shown on the sign-in page anyway (Argon2 costs ~0.1 s a hash; a city has hundreds of
        people). People who already have an account keep it. Returns how many were added."""
        unknown = [person_id for person_id in person_ids if org.person(person_id) is None]
        if unknown:
            raise NotFound("account.unknown_person", f"组织中没有此人：{unknown[0]}")
        _check_password(password)
        now, shared = self.clock(), _HASHER.hash(password)
        with self.engine.begin() as connection:
            existing = set(connection.execute(select(t.accounts.c.person_id)).scalars())
            rows = [credentials.signed(self.engine, "accounts", {
                        "person_id": person_id, "password_hash": shared, "active": True, "failed_attempts": 0,
                        "locked_until": None, "created_at": now, "updated_at": now})
                    for person_id in dict.fromkeys(person_ids) if person_id not in existing]
            if rows:
                connection.execute(insert(t.accounts), rows)
        return len(rows)

    def set_password(self, person_id: str, password: str) -> None:
        """A new password (reset by an administrator or changed by its owner); unlocks the account and ends
        every session, so a stolen session does not survive a password change."""
        _check_password(password)
        with self.engine.begin() as connection:
            now = self.clock()
            done = connection.execute(update(t.accounts).where(t.accounts.c.person_id == person_id).values(
                password_hash=_HASHER.hash(password), failed_attempts=0, locked_until=None, updated_at=now))
            if done.rowcount != 1:
                raise NotFound("account.unknown", f"没有此账号：{person_id}")
            connection.execute(delete(t.sessions).where(t.sessions.c.person_id == person_id))
            credentials.reseal_account(connection, person_id, now, "password")

    def change_password(self, person_id: str, old: str, new: str) -> None:
        with reading(self.engine) as connection:
            stored = connection.execute(select(t.accounts.c.password_hash)
                                        .where(t.accounts.c.person_id == person_id)).scalar()
        if stored is None or not _verify(stored, old):  # a forged hash is refused at sign-in, not here
            raise NotAllowed("account.wrong_password", "原密码不正确")
        self.set_password(person_id, new)

    def set_active(self, person_id: str, active: bool) -> None:
        """Enable or disable an account (disabling ends its sessions and revokes its tokens). The change is
        also an audit record on the signed log sequence (`account_state`, the account's own person), so that
        an older row put back — a disabled account active again, a revoked token live — is named by `verify`."""
        now = self.clock()
        with self.engine.begin() as connection:
            done = connection.execute(update(t.accounts).where(t.accounts.c.person_id == person_id)
                                      .values(active=active, updated_at=now))
            if done.rowcount != 1:
                raise NotFound("account.unknown", f"没有此账号：{person_id}")
            if not active:
                connection.execute(delete(t.sessions).where(t.sessions.c.person_id == person_id))
                connection.execute(update(t.api_tokens).where(t.api_tokens.c.person_id == person_id,
                                                              t.api_tokens.c.revoked_at.is_(None))
                                   .values(revoked_at=now))
            credentials.reseal_account(connection, person_id, now, "enable" if active else "disable")

    def list(self) -> list[dict]:
        with reading(self.engine) as connection:
            return [dict(row._mapping) for row in connection.execute(
                select(t.accounts.c.person_id, t.accounts.c.active, t.accounts.c.failed_attempts,
                       t.accounts.c.locked_until, t.accounts.c.updated_at).order_by(t.accounts.c.person_id))]

    # --- sign-in and sessions --------------------------------------------------------------------------
    def sign_in(self, person_id: str, password: str) -> str:
        """A new session token, or SignInRefused. After `web_lockout_attempts` failures in a row the
        account is locked for `web_lockout_minutes`; while locked even the right password is refused."""
        now = self.clock()
        with self.engine.begin() as connection:
            row = connection.execute(select(t.accounts, credentials.newest_state(t.accounts.c.person_id)
                                            .label("newest_state")).where(t.accounts.c.person_id == person_id)).first()
            if row is None:
                _verify(_DUMMY_HASH, password)
                raise SignInRefused("账号或密码不正确")
            refused = self._tampered(connection, row, row.mac, now)  # before anything the row says is believed
            if refused is not None:
                _verify(_DUMMY_HASH, password)
            elif row.locked_until is not None and row.locked_until > now:
                raise SignInRefused(f"连续登录失败次数过多，账号已锁定至{row.locked_until:%H:%M}，"
                                    "请稍后再试或联系管理员", locked=True)
            elif not row.active:
                _verify(_DUMMY_HASH, password)
                raise SignInRefused("账号已停用，请联系管理员")
            elif not _verify(row.password_hash, password):
                failures = row.failed_attempts + 1
                locked_until = None
                if failures >= self.settings["web_lockout_attempts"]:
                    locked_until = now + timedelta(minutes=self.settings["web_lockout_minutes"])
                # Counted in this transaction, which must commit: the refusal is raised after it.
                connection.execute(update(t.accounts).where(t.accounts.c.person_id == person_id)
                                   .values(failed_attempts=failures, locked_until=locked_until))
                # Every failure and lock-out on the signed log, its number the row's state (adapters/credentials.py).
                credentials.reseal_account(connection, person_id, now, f"locked_until {locked_until.isoformat()}"
                                           if locked_until is not None else f"failed {failures}")
                refused = SignInRefused(f"连续{failures}次登录失败，账号已锁定"
                                        f"{self.settings['web_lockout_minutes']}分钟", locked=True) \
                    if locked_until else SignInRefused("账号或密码不正确")
            if refused is None:
                if row.failed_attempts or row.locked_until is not None:
                    # The reset is a state change like any other, with its own record: otherwise the row before it
                    # (failures counted, a lock) and the row after it share one `state_seq`, and either could be
                    # put back for the other. A sign-in that changes nothing in the row writes nothing.
                    connection.execute(update(t.accounts).where(t.accounts.c.person_id == person_id)
                                       .values(failed_attempts=0, locked_until=None))
                    credentials.reseal_account(connection, person_id, now, "signed_in")
                token = secrets.token_urlsafe(32)
                connection.execute(insert(t.sessions).values(**credentials.signed(self.engine, "sessions", dict(
                    token_hash=digest(token), person_id=person_id, created_at=now,
                    expires_at=now + timedelta(hours=self.settings["web_session_hours"]),
                    issued_seq=_issued_seq(connection, person_id)))))
        if refused is not None:
            raise refused
        return token

    def _tampered(self, connection, account, mac: str | None, now: datetime) -> SignInRefused | None:
        """The refusal (and its audit record) when an account row (read with `newest_state`) is not the server's
        signed current state of the account: written by SQL, or an older genuine row put back
        (adapters/credentials.py)."""
        problem = self._account_problem(account, mac)
        if problem is None:
            return None
        append_audit(connection, [{"at": now, "person_id": account.person_id, "action": ACCOUNT_REFUSED,
                                   "reason": problem[:500]}])
        return SignInRefused("账号记录未通过服务器签名校验（可能被篡改），已拒绝并记入审计日志，请联系管理员")

    def _account_problem(self, account, mac: str | None) -> str | None:
        signed = {**{name: getattr(account, name) for name in credentials.SIGNED["accounts"]}, "mac": mac}
        return credentials.account_problem(keyring_for(self.engine), signed, account.newest_state)

    def _account_holder(self, table, token: str, *where) -> str | None:
        """The person of a live session or API token whose own row and whose account row both hold."""
        a, now = t.accounts.c, self.clock()
        with reading(self.engine) as connection:  # a read: no write lock on SQLite for every request
            row = connection.execute(
                select(table.c.token_hash, table.c.person_id, table.c.issued_seq, table.c.mac,
                       a.mac.label("account_mac"),
                       *(a[name] for name in credentials.SIGNED["accounts"] if name != "person_id"),
                       credentials.newest_state(a.person_id).label("newest_state"),
                       credentials.newest_state(a.person_id, credentials.REVOKING[table.name]).label("revoking"),
                       *((table.c.expires_at, credentials.signed_out_after(
                           table.c.person_id, table.c.token_hash, table.c.issued_seq).label("signed_out"))
                         if table is t.sessions else (table.c.last_used_at, credentials.token_revoked_record(
                             table.c.person_id, table.c.token_hash).label("revoked"))))
                .join(t.accounts, a.person_id == table.c.person_id)
                .where(table.c.token_hash == digest(token), *where)).first()
        if row is None or not credentials.holds(self.engine, table.name, row._mapping):
            return None  # unknown, revoked, or a session or token inserted by SQL
        if not row.active:
            return None
        ended = credentials.revoked_by(table.name, row.issued_seq, row.revoking) or (
            credentials.signed_out_problem(row.signed_out) if table is t.sessions else None)
        if ended is not None:  # ended by a password change, a disabling or signing out, and put back by SQL: refused
            # and recorded
            with self.engine.begin() as connection:
                append_audit(connection, [{"at": now, "person_id": row.person_id, "action": ACCOUNT_REFUSED,
                                           "reason": ended[:500]}])
            return None
        if self._account_problem(row, row.account_mac) is not None:
            with self.engine.begin() as connection:  # refused and recorded
                self._tampered(connection, row, row.account_mac, now)
            return None
        if table is t.sessions and row.expires_at <= now:
            return None
        if table is t.api_tokens:
            if row.revoked is not None:  # revoked on the page or by the API, `revoked_at` cleared by SQL: refused
                return None
            if row.last_used_at is None or now - row.last_used_at >= LAST_USE_STEP:
                with self.engine.begin() as connection:
                    connection.execute(update(t.api_tokens).where(t.api_tokens.c.token_hash == row.token_hash)
                                       .values(last_used_at=now))
        return row.person_id

    def session_person(self, token: str | None) -> str | None:
        """The person of a live session (None when unknown, expired, the account is disabled or its row fails
        the server's signature)."""
        return self._account_holder(t.sessions, token) if token else None

    def sign_out(self, token: str | None) -> None:
        """End this session: its row deleted and, in the same transaction, a `signed_out` record on the signed log
        naming it, so the row put back by SQL is refused at use and named by `verify` (adapters/credentials.py)."""
        if token:
            with self.engine.begin() as connection:
                mine = t.sessions.c.token_hash == digest(token)
                person = connection.execute(select(t.sessions.c.person_id).where(mine)).scalar()
                connection.execute(delete(t.sessions).where(mine))
                if person is not None:
                    append_audit(connection, [{"at": self.clock(), "person_id": person, "action": credentials.SIGNED_OUT,
                                               "reason": credentials.signed_out_reason(digest(token))}])

    # --- API tokens ------------------------------------------------------------------------------------
    def issue_token(self, person_id: str, name: str, actor_id: str | None = None) -> str:
        """A new API token for an account (shown to its issuer once: only its hash is kept). Issued by someone
        (`actor_id`, the page and the API), it is an `account` audit record in the same transaction."""
        name = (name or "").strip()
        if not name:
            raise MissingField("token.name", "请填写令牌用途（如对接的系统名称）")
        token, now = "rxt_" + secrets.token_urlsafe(32), self.clock()
        with self.engine.begin() as connection:
            if connection.execute(select(t.accounts.c.person_id).where(t.accounts.c.person_id == person_id)).first() \
                    is None:
                raise NotFound("account.unknown", f"没有此账号：{person_id}")
            connection.execute(insert(t.api_tokens).values(**credentials.signed(self.engine, "api_tokens", dict(
                token_hash=digest(token), person_id=person_id, name=name[:100], created_at=now,
                issued_seq=_issued_seq(connection, person_id)))))
            if actor_id is not None:
                append_audit(connection, [{"at": now, "person_id": actor_id, "action": "account",
                                           "reason": f"issue-token {person_id} {name}"[:500]}])
        return token

    def token_person(self, token: str | None) -> str | None:
        """The person of a live API token (None when unknown or revoked); notes the token's use (to the minute)."""
        return self._account_holder(t.api_tokens, token, t.api_tokens.c.revoked_at.is_(None)) if token else None

    def tokens(self, person_id: str | None = None) -> list[dict]:
        """API tokens (every account's, or one person's), newest first: name, owner, issued, last used, revoked. The
        token itself is never kept; `token_hash` names a token for revoking it."""
        a = t.api_tokens.c
        with reading(self.engine) as connection:
            return [dict(row._mapping) for row in connection.execute(
                select(*TOKEN_COLUMNS)
                .where(*((a.person_id == person_id,) if person_id else ()))
                .order_by(a.created_at.desc(), a.token_hash))]

    def revoke_token(self, token_hash: str, actor_id: str, owner: str | None = None) -> dict:
        """Revoke one API token (only `owner`'s when given: a person revoking their own); it is refused from the next
        call on. Written with two audit records: the signed `token_revoked` of the owner that binds the revocation,
        and the actor's `account` record as for every account change. Returns the token's row as it is now (the
        columns `tokens` lists)."""
        a, now = t.api_tokens.c, self.clock()
        with self.engine.begin() as connection:
            row = connection.execute(select(*TOKEN_COLUMNS).where(
                a.token_hash == token_hash, *((a.person_id == owner,) if owner else ()))).first()
            if row is None:
                raise NotFound("token.unknown", "没有此接口令牌，或它不属于您")
            if row.revoked_at is not None:
                raise MissingField("token.revoked", f"该令牌已于{row.revoked_at:%Y-%m-%d %H:%M}撤销")
            connection.execute(update(t.api_tokens).where(a.token_hash == token_hash).values(revoked_at=now))
            append_audit(connection, [
                {"at": now, "person_id": row.person_id, "action": credentials.TOKEN_REVOKED,
                 "reason": credentials.token_revoked_reason(token_hash)},
                {"at": now, "person_id": actor_id, "action": "account",
                 "reason": f"revoke-token {row.person_id} {row.name}"[:500]}])
        return {**row._mapping, "revoked_at": now}

    # --- audit -----------------------------------------------------------------------------------------
    def audit(self, person_id: str, action: str, reason: str, ticket_id: str | None = None) -> None:
        with self.engine.begin() as connection:
            append_audit(connection, [{"at": self.clock(), "person_id": person_id, "action": action,
                                       "ticket_id": ticket_id, "reason": reason}])

    def audit_entries(self, limit: int = 200, **equal: str | None) -> list[dict]:
        """The newest audit records, optionally only those with these values (ticket_id, person_id, action)."""
        where = [t.audit_log.c[name] == value for name, value in equal.items() if value]
        with reading(self.engine) as connection:
            return [dict(row._mapping) for row in connection.execute(
                select(t.audit_log).where(*where).order_by(t.audit_log.c.id.desc()).limit(limit))]


def _issued_seq(connection, person_id: str) -> int:
    """The log number of the account's newest state record, which a session or token issued now is bound to."""
    return connection.execute(select(credentials.newest_state(person_id))).scalar() or 0


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise MissingField("account.password_short", f"密码至少{MIN_PASSWORD_LENGTH}位")


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return False
