"""Sessions and API tokens bound to their account's signed state (`issued_seq`), query codes kept as the server's
MAC (adapters/credentials.py), and an import run's runner and last progress (importing/store.py): docs/trust.md.

Existing sessions are ended (everyone signs in again). Existing API tokens are bound to the account's newest
state record at their issue (by time) and signed again when their MAC held; one that did not keeps its bad MAC.
Existing query codes (sha256) are signed over their hash, so the citizens' codes keep working. Outbox rows (what
dashboards and webhooks are sent) are signed from now on; existing ones as they stand. Needs the key file when
there are tokens, codes or outbox rows.

Revision ID: 0012_trust9
Revises: 0011_phone8
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_trust9"
down_revision = "0011_phone8"
branch_labels = None
depends_on = None

ADDED = {"sessions": (("issued_seq", sa.BigInteger),), "api_tokens": (("issued_seq", sa.BigInteger),),
         "imports": (("runner", sa.String(128)), ("progressed_at", sa.DateTime)), "outbox": (("mac", sa.String(80)),)}


def _keyring():
    keyring = op.get_context().config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError("升级到 0012_trust9 需要服务器密钥文件（key_file）以签名已有的API令牌与查询码")
    return keyring


def _bind_tokens(bind) -> None:
    from rexian.adapters import tables as t
    from rexian.adapters.audit import ACCOUNT_STATE
    from rexian.adapters.credentials import credential_digest
    from rexian.adapters.log_reader import comparable
    from rexian.domain.eventlog import canonical_json

    tokens = [dict(row._mapping) for row in bind.execute(sa.select(
        t.api_tokens.c.token_hash, t.api_tokens.c.person_id, t.api_tokens.c.created_at, t.api_tokens.c.mac))]
    if not tokens:
        return
    keyring = _keyring()
    states: dict[str, list] = {}
    for person, at, log_seq in bind.execute(sa.select(t.audit_log.c.person_id, t.audit_log.c.at, t.audit_log.c.log_seq)
                                            .where(t.audit_log.c.action == ACCOUNT_STATE).order_by(t.audit_log.c.log_seq)):
        states.setdefault(person, []).append((at, log_seq))
    for token in tokens:
        before = "credential:api_tokens:" + canonical_json([comparable(token[name]) for name in ("token_hash", "person_id")])
        issued = max((seq for at, seq in states.get(token["person_id"], []) if at <= token["created_at"]), default=0)
        values = {"issued_seq": issued}
        if keyring.problem(before, token["mac"], current_only=True) is None:
            values["mac"] = keyring.sign(credential_digest("api_tokens", {**token, "issued_seq": issued}))
        bind.execute(sa.update(t.api_tokens).where(t.api_tokens.c.token_hash == token["token_hash"]).values(**values))


def _sign_codes(bind) -> None:
    from rexian.adapters import tables as t
    from rexian.adapters.credentials import portal_code_digest

    rows = bind.execute(sa.select(t.portal_codes.c.ticket_id, t.portal_codes.c.code_hash)
                        .where(t.portal_codes.c.code_hash.notlike("%:%"))).all()
    if not rows:
        return
    keyring = _keyring()
    for ticket_id, code_hash in rows:
        bind.execute(sa.update(t.portal_codes).where(t.portal_codes.c.ticket_id == ticket_id)
                     .values(code_hash=keyring.sign(portal_code_digest(ticket_id, code_hash))))


def _sign_outbox(bind) -> None:
    """Outbox rows written before they were signed, signed as they stand (trust on first use)."""
    from rexian.adapters import desk_tables as dt
    from rexian.adapters.desk_store import outbox_digest

    from rexian.adapters.desk_store import OUTBOX_SIGNED

    o = dt.outbox.c
    rows = bind.execute(sa.select(o.id, *(o[name] for name in OUTBOX_SIGNED)).where(o.mac.is_(None))).all()
    if not rows:
        return
    keyring = _keyring()
    for row in rows:
        bind.execute(sa.update(dt.outbox).where(dt.outbox.c.id == row.id).values(mac=keyring.sign(outbox_digest(row))))


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table, columns in ADDED.items():  # earlier revisions create some tables from today's declaration
        present = {column["name"] for column in inspector.get_columns(table)}
        for name, kind in columns:
            if name not in present:
                op.add_column(table, sa.Column(name, kind))
    bind.exec_driver_sql("DELETE FROM sessions WHERE issued_seq IS NULL")
    _bind_tokens(bind)
    _sign_codes(bind)
    _sign_outbox(bind)


def downgrade() -> None:
    for table, columns in ADDED.items():
        with op.batch_alter_table(table) as batch:
            for name, _ in columns:
                batch.drop_column(name)
