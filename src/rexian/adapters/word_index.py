"""The word index behind the ticket lists' search (SQLite): an FTS5 table with the trigram tokenizer over each
ticket's title, content and address, kept in step with `tickets` by triggers, so every way a ticket row is
written (workflow, bulk load, import, erasure) updates it in the same transaction.

Why trigram: Chinese text has no spaces, so word tokenizers see a whole sentence as one token; the trigram
tokenizer indexes every run of three characters, CJK included, and a MATCH on a quoted phrase finds it
anywhere in the text (a substring search, like the LIKE it replaces, case-insensitive for ASCII). A phrase
shorter than three characters has no trigram: those searches keep the LIKE scan (see `usable`). A phrase
in a great many tickets is also left to the LIKE, read newest first off the time index, which finds a page of
them long before the index's thousands of ids would be sorted (web/queries.py).
PostgreSQL keeps the LIKE search (a pg_trgm index would be its counterpart; not created here)."""

from __future__ import annotations

from sqlalchemy import column, select, table, text
from sqlalchemy.engine import Connection

TABLE = "ticket_words"
MIN_CHARS = 3  # the trigram tokenizer cannot match a shorter phrase
_TEXT = "coalesce(NEW.title, '') || ' ' || coalesce(NEW.content, '') || ' ' || coalesce(NEW.address, '')"

CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(ticket_id UNINDEXED, words, tokenize = 'trigram')",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON tickets BEGIN "
    f"INSERT INTO {TABLE} (ticket_id, words) VALUES (NEW.ticket_id, {_TEXT}); END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF ticket_id, title, content, address ON tickets BEGIN "
    f"DELETE FROM {TABLE} WHERE ticket_id = OLD.ticket_id; "
    f"INSERT INTO {TABLE} (ticket_id, words) VALUES (NEW.ticket_id, {_TEXT}); END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON tickets BEGIN "
    f"DELETE FROM {TABLE} WHERE ticket_id = OLD.ticket_id; END",
)
FILL = (f"INSERT INTO {TABLE} (ticket_id, words) SELECT ticket_id, coalesce(title, '') || ' ' || "
        "coalesce(content, '') || ' ' || coalesce(address, '') FROM tickets")
DROP = (f"DROP TRIGGER IF EXISTS {TABLE}_insert", f"DROP TRIGGER IF EXISTS {TABLE}_update",
        f"DROP TRIGGER IF EXISTS {TABLE}_delete", f"DROP TABLE IF EXISTS {TABLE}")


def create(connection: Connection) -> None:
    """Create the index and its triggers and index the tickets already stored (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in CREATE:
        connection.execute(text(statement))
    connection.execute(text(FILL))


def drop(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP:
            connection.execute(text(statement))


def usable(dialect: str, words: str) -> bool:
    return dialect == "sqlite" and len(words) >= MIN_CHARS


def ids_matching(connection: Connection, words: str, limit: int) -> list[str]:
    """The ids of up to `limit` tickets whose title, content or address contain `words`."""
    phrase = '"' + words.replace('"', '""') + '"'
    index = table(TABLE, column("ticket_id"), column(TABLE))
    query = select(index.c.ticket_id).where(index.c[TABLE].op("MATCH")(phrase)).limit(limit)
    return [row[0] for row in connection.execute(query)]
