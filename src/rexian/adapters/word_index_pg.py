"""The word index behind the ticket lists' search on PostgreSQL (SQLite: word_index.py).

pg_trgm is no help here: its trigrams keep only the characters the database's locale calls letters or
digits, and in the C locale (the project's clusters) no Chinese character is one, so a Chinese word has no
trigram to look up. Instead a GIN index over an expression: `rexian_ticket_grams(title, content, address)`,
an IMMUTABLE function giving the array of every character and every pair of neighbouring characters of the
ticket's text (ASCII letters lowered), in the spirit of pg_bigm, on stock PostgreSQL 15. PostgreSQL keeps an
expression index in step with the row in the same transaction by itself: no trigger, no second table.

A search asks for the words' grams (the character of a 1-character word, every pair of a longer one) with
`@>`, which the index answers; the list's LIKE then decides (web/queries.py), so results are exactly the LIKE
scan's."""

from __future__ import annotations

from sqlalchemy import Text, cast, func, text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.engine import Connection

FUNCTION = "rexian_ticket_grams"
INDEX = "ix_tickets_word_grams"

CREATE = (
    f"CREATE FUNCTION {FUNCTION}(title text, content text, address text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT gram), '{}') FROM ("
    "  SELECT whole, lower(substr(whole, n, 1)) AS gram FROM (SELECT coalesce(title, '') || ' ' || "
    "  coalesce(content, '') || ' ' || coalesce(address, '') AS whole) AS t, generate_series(1, length(whole)) n"
    "  UNION SELECT whole, lower(substr(whole, n, 2)) FROM (SELECT coalesce(title, '') || ' ' || "
    "  coalesce(content, '') || ' ' || coalesce(address, '') AS whole) AS t, generate_series(1, length(whole) - 1) n"
    ") AS grams $$",
    f"CREATE INDEX {INDEX} ON tickets USING gin ({FUNCTION}(title, content, address))",
)
DROP = (f"DROP INDEX IF EXISTS {INDEX}", f"DROP FUNCTION IF EXISTS {FUNCTION}(text, text, text)")


def create(connection: Connection) -> None:
    """The function and its index, built over the tickets already stored (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    for statement in CREATE:
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for statement in DROP:
            connection.execute(text(statement))


def grams(words: str) -> list[str]:
    """The grams a text containing `words` must have: its character, or each pair of neighbours."""
    return [words] if len(words) == 1 else sorted({words[i:i + 2] for i in range(len(words) - 1)})


def narrows(tickets, words: str):
    """The WHERE clause the index answers: tickets whose text has every gram of `words`, lowered by the
    database's own lower() as the function lowers the text's."""
    c = tickets.c
    return func.rexian_ticket_grams(c.title, c.content, c.address).op("@>")(
        cast(array([func.lower(gram) for gram in grams(words)]), ARRAY(Text)))
