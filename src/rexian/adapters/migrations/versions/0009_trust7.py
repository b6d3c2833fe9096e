"""The findings' changes signed on the global log sequence with the digest of each finding's stored state
(adapters/findings.py), checkpoints that digest them, and an account's security state signed with the log number
of its newest account-state audit record (adapters/credentials.py): docs/trust.md.

Revision ID: 0009_trust7
Revises: 0008_desk6
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_trust7"
down_revision = "0008_desk6"
branch_labels = None
depends_on = None

CHECKPOINT_COLUMNS = ("finding_events_upto", "finding_events")


def _placeholder(bind) -> str:
    return "%s" if bind.dialect.name == "postgresql" else "?"


def _keyring():
    keyring = op.get_context().config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError("升级到 0009_trust7 需要服务器密钥文件（key_file）以签名已有的问题线索与账号")
    return keyring


def _adopt_findings() -> None:
    """Changes of findings written before this revision get the next numbers of the log sequence, in id order,
    and are signed over them (trust on first use, as 0007_attack5 did for the audit records); the newest change
    of each finding carries the digest of the finding as it stands, and a finding without any gets one."""
    from rexian.adapters import findings_tables as ft
    from rexian.adapters.findings import HISTORY, STATE, history_digest, state_digest
    from rexian.adapters.keys import LOG_COUNTER

    bind = op.get_bind()
    mark = _placeholder(bind)
    states = {row["finding_key"]: state_digest(row) for row in
              (dict(values._mapping) for values in bind.execute(sa.select(*(ft.findings.c[name] for name in STATE))))}
    changes = [dict(values._mapping) for values in bind.execute(
        sa.select(ft.finding_events.c.id, *(ft.finding_events.c[name] for name in HISTORY if name != "digest"))
        .where(ft.finding_events.c.log_seq.is_(None)).order_by(ft.finding_events.c.id))]
    newest = {change["finding_key"]: change["id"] for change in changes}
    signed = set(bind.execute(sa.select(ft.finding_events.c.finding_key).where(ft.finding_events.c.log_seq.isnot(None)))
                 .scalars())
    missing = sorted(set(states) - set(newest) - signed)
    if not changes and not missing:
        return
    keyring = _keyring()
    number = int(bind.exec_driver_sql(f"SELECT value FROM counters WHERE name = {mark}", (LOG_COUNTER,)).scalar() or 0)
    updates = []
    for change in changes:
        number += 1
        change["digest"] = states.get(change["finding_key"]) if newest[change["finding_key"]] == change["id"] else None
        updates.append((change["digest"], number, keyring.sign(history_digest(number, change)), change["id"]))
    if updates:
        bind.exec_driver_sql(f"UPDATE finding_events SET digest = {mark}, log_seq = {mark}, mac = {mark} "
                             f"WHERE id = {mark}", updates)
    stored = {}
    for start in range(0, len(missing), 500):
        stored.update({values.finding_key: values for values in bind.execute(
            sa.select(ft.findings.c.finding_key, ft.findings.c.status, ft.findings.c.updated_at)
            .where(ft.findings.c.finding_key.in_(missing[start:start + 500])))})
    for key in missing:
        number += 1
        row = {"finding_key": key, "at": stored[key].updated_at, "actor_id": None, "old_status": None,
               "new_status": stored[key].status, "reason": "升级时登记（0009_trust7）", "digest": states[key],
               "log_seq": number}
        bind.execute(sa.insert(ft.finding_events).values(**row, mac=keyring.sign(history_digest(number, row))))
    bind.exec_driver_sql(f"DELETE FROM counters WHERE name = {mark}", (LOG_COUNTER,))
    bind.exec_driver_sql(f"INSERT INTO counters (name, value) VALUES ({mark}, {mark})", (LOG_COUNTER, number))


def _sign_accounts() -> None:
    """Every account's state signed as it stands, with its newest account-state record (trust on first use)."""
    from rexian.adapters import tables as t
    from rexian.adapters.audit import ACCOUNT_STATE
    from rexian.adapters.credentials import SIGNED, credential_digest

    bind = op.get_bind()
    mark = _placeholder(bind)
    newest = dict(bind.execute(sa.select(t.audit_log.c.person_id, sa.func.max(t.audit_log.c.log_seq))
                               .where(t.audit_log.c.action == ACCOUNT_STATE).group_by(t.audit_log.c.person_id)).all())
    rows = [dict(values._mapping) for values in bind.execute(
        sa.select(*(t.accounts.c[name] for name in SIGNED["accounts"] if name != "state_seq")))]
    if not rows:
        return
    keyring = _keyring()
    updates = []
    for row in rows:
        row["state_seq"] = newest.get(row["person_id"])
        updates.append((row["state_seq"], keyring.sign(credential_digest("accounts", row)), row["person_id"]))
    bind.exec_driver_sql(f"UPDATE accounts SET state_seq = {mark}, mac = {mark} WHERE person_id = {mark}", updates)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {column["name"] for column in inspector.get_columns("finding_events")}
    for name, kind in (("digest", sa.String(64)), ("log_seq", sa.BigInteger), ("mac", sa.String(80))):
        if name not in present:
            op.add_column("finding_events", sa.Column(name, kind))
    _adopt_findings()
    if "ix_finding_events_log_seq" not in {index["name"] for index in inspector.get_indexes("finding_events")}:
        op.create_index("ix_finding_events_log_seq", "finding_events", ["log_seq"], unique=True)
    # 0004_web creates `accounts` and `audit_log` from the declaration of today, which has these already.
    if "state_seq" not in {column["name"] for column in inspector.get_columns("accounts")}:
        op.add_column("accounts", sa.Column("state_seq", sa.BigInteger))
    if "ix_audit_log_person_action" not in {index["name"] for index in inspector.get_indexes("audit_log")}:
        op.create_index("ix_audit_log_person_action", "audit_log", ["person_id", "action", "log_seq"])
    _sign_accounts()
    present = {column["name"] for column in inspector.get_columns("checkpoints")}
    for name in CHECKPOINT_COLUMNS:
        if name not in present:
            op.add_column("checkpoints", sa.Column(name, sa.Integer))


def downgrade() -> None:
    op.drop_index("ix_audit_log_person_action", table_name="audit_log")
    op.drop_index("ix_finding_events_log_seq", table_name="finding_events")
    with op.batch_alter_table("finding_events") as batch:
        for name in ("digest", "log_seq", "mac"):
            batch.drop_column(name)
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("state_seq")
    with op.batch_alter_table("checkpoints") as batch:
        for name in CHECKPOINT_COLUMNS:
            batch.drop_column(name)
