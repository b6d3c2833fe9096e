"""The web application's tables and the tickets' indexes its lists need (by phone; by unit, state and
deadline): accounts, sessions, API tokens, the audit log of unmasked reads, uploaded
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


TICKET_INDEXES = ("ix_tickets_caller_phone", "ix_tickets_lead_unit_due")


def upgrade() -> None:
    bind = op.get_bind()
    for name in WEB_TABLES:
        t.metadata.tables[name].create(bind)
    for index in t.tickets.indexes:
        if index.name in TICKET_INDEXES:
            index.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for name in TICKET_INDEXES:
        op.drop_index(name, table_name="tickets")
    for name in reversed(WEB_TABLES):
        t.metadata.tables[name].drop(bind)
