"""The web application's tables: accounts, sessions, API tokens, the audit log of unmasked reads, uploaded
evidence files and the citizen portal's query codes (declared in adapters/tables.py).

Revision ID: 0004_web
Revises: 0003
"""

from alembic import op

from rexian.adapters import tables as t

revision = "0004_web"
down_revision = "0003"
branch_labels = None
depends_on = None

WEB_TABLES = ("accounts", "sessions", "api_tokens", "audit_log", "attachments", "portal_codes")


def upgrade() -> None:
    bind = op.get_bind()
    for name in WEB_TABLES:
        t.metadata.tables[name].create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for name in reversed(WEB_TABLES):
        t.metadata.tables[name].drop(bind)
