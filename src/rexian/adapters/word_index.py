"""The word index behind the ticket lists' search on SQLite (PostgreSQL: word_index_pg.py). Two FTS5 tables over
each ticket's title, content and address, kept in step with `tickets` by triggers, so every way a ticket row
is written (workflow, bulk load, import, erasure) updates them in the same transaction:

- `ticket_words` (0005_perf): the trigram tokenizer. Chinese text has no spaces, so word tokenizers see a
  whole sentence as one token; the trigram tokenizer indexes every run of three characters, and a MATCH on a
  quoted phrase finds it anywhere in the text. It cannot match a phrase shorter than three characters.
- `ticket_words_grams` (0006_web3): for those 1- and 2-character words. SQLite has no tokenizer that splits Chinese
  into single characters, and a tokenizer written in Python would be missing on every connection that did not
  register it (the sqlite3 shell, a tampering test). So the triggers pre-split the text in SQL: each
  character and each pair of neighbouring characters becomes one token, written as the hex of its UTF-8
  bytes (`路灯` -> `E8B7AF` and `E8B7AFE781AF`), so the `ascii` tokenizer keeps every token whole whatever
  the characters (punctuation, `*` of masked phones, Latin, digits). A 1- or 2-character word is then one
  exact term: its tickets are read off the index lazily, and a LIMIT stops the read. The table is
  contentless (the tokens are not stored twice) with `detail=none` (only which tickets, not where); its
  rowid is the ticket's `ticket_words` rowid. The positions come from a table of numbers
  (`ticket_words_positions`, 1..MAX_CHARS); a text longer than that is indexed under the token `zlong`, which every
  short-word search also asks for, so such a ticket is still found.

Both indexes only narrow: the list then checks the same LIKE over those tickets' rows (web/queries.py), so a
search answers exactly what the LIKE scan answers (ASCII case folded, as SQLite's LIKE does). A word in a
great many tickets is left to the LIKE, read newest first off the time index, which finds a page of them
long before the index's thousands of ids would be sorted (web/queries.py)."""

from __future__ import annotations

import sys
import time
from typing import Callable, Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

TABLE = "ticket_words"
GRAMS = "ticket_words_grams"  # every object of the index is named ticket_words*: raw SQL, not declared tables
POSITIONS = "ticket_words_positions"
MIN_CHARS = 3  # the trigram tokenizer cannot match a shorter phrase
MAX_CHARS = 20_000  # characters of one ticket's text pre-split into grams; a longer text is indexed as `zlong`
LONG = "zlong"  # not a hex string: no gram can be this token


def _text_of(row: str) -> str:
    """SQL for the indexed text of a ticket row (`row`: `NEW.`, `OLD.`, `t.` or nothing)."""
    return f"coalesce({row}title, '') || ' ' || coalesce({row}content, '') || ' ' || coalesce({row}address, '')"


_TEXT = _text_of("NEW.")


def _grams_of(text_sql: str) -> str:
    """SQL for the space-separated grams of `text_sql`: each character and each pair of neighbours, ASCII
    letters lowered as LIKE folds them, in hex; `zlong` ahead of a text longer than the positions table."""
    return (f"(CASE WHEN length({text_sql}) > {MAX_CHARS} THEN '{LONG} ' ELSE '' END || "
            f"(SELECT group_concat(gram, ' ') FROM ("
            f"SELECT hex(lower(substr({text_sql}, n, 1))) AS gram FROM {POSITIONS} WHERE n <= length({text_sql}) "
            f"UNION SELECT hex(lower(substr({text_sql}, n, 2))) FROM {POSITIONS} WHERE n < length({text_sql}))))")


_NEW_GRAMS = _grams_of(_TEXT)
_OLD_GRAMS = _grams_of(_text_of("OLD."))

# 0005_perf: the trigram table and its first triggers (these statements are that migration's, kept as it ran).
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
FILL = f"INSERT INTO {TABLE} (ticket_id, words) SELECT ticket_id, {_text_of('')} FROM tickets"
DROP_TRIGGERS = (f"DROP TRIGGER IF EXISTS {TABLE}_insert", f"DROP TRIGGER IF EXISTS {TABLE}_update",
                 f"DROP TRIGGER IF EXISTS {TABLE}_delete")
# the whole index, whatever revision made it (0005_perf's downgrade, when 0006's tables are already gone)
DROP = (*DROP_TRIGGERS, f"DROP TABLE IF EXISTS {GRAMS}", f"DROP TABLE IF EXISTS {POSITIONS}",
        f"DROP TABLE IF EXISTS {TABLE}")

# 0006_web3: the grams table, and triggers that keep both tables in step. The update trigger fires only when
# the text really changed: the workflow rewrites a ticket's whole row on every step, and finding the old
# index row by ticket id (an unindexed column of the FTS table) reads the whole index.
_OLD_ROWID = f"(SELECT rowid FROM {TABLE} WHERE ticket_id = OLD.ticket_id)"
_FORGET_OLD = (f"INSERT INTO {GRAMS} ({GRAMS}, rowid, grams) SELECT 'delete', rowid, {_OLD_GRAMS} "
               f"FROM {TABLE} WHERE ticket_id = OLD.ticket_id; "
               f"DELETE FROM {TABLE} WHERE ticket_id = OLD.ticket_id; ")
_INDEX_NEW = (f"INSERT INTO {TABLE} (ticket_id, words) VALUES (NEW.ticket_id, {_TEXT}); "
              f"INSERT INTO {GRAMS} (rowid, grams) VALUES (last_insert_rowid(), {_NEW_GRAMS}); ")
CREATE_GRAMS = (
    f"CREATE TABLE {POSITIONS} (n INTEGER PRIMARY KEY)",
    f"CREATE VIRTUAL TABLE {GRAMS} USING fts5(grams, tokenize = 'ascii', content = '', detail = none)",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON tickets BEGIN {_INDEX_NEW}END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF ticket_id, title, content, address ON tickets "
    "WHEN OLD.ticket_id IS NOT NEW.ticket_id OR OLD.title IS NOT NEW.title OR OLD.content IS NOT NEW.content "
    f"OR OLD.address IS NOT NEW.address BEGIN {_FORGET_OLD}{_INDEX_NEW}END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON tickets BEGIN {_FORGET_OLD}END",
)
_BATCH = 50_000


def create(connection: Connection) -> None:
    """0005_perf: the trigram index and its triggers, filled from the tickets already stored (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in CREATE:
        connection.execute(text(statement))
    connection.execute(text(FILL))


BULK_ROWS = 50  # from this many ticket rows in one statement, index them set-wise (`insert_indexed`)


def insert_indexed(connection: Connection, insert: Callable[[], None], ticket_ids: Sequence[str]) -> None:
    """Run `insert()`, which inserts these tickets' rows and nothing else, and index them set-wise: two
    statements over the batch instead of the insert trigger's two per row (the grams computed row by row
    inside a trigger cost ~0.5 ms per ticket, most of a large import's time). The trigger is dropped for the
    insert and created again with its own stored text, inside the caller's transaction (its write lock is
    held since BEGIN IMMEDIATE, so no other writer sees the table without it; a rollback brings it back).
    The index gets what the trigger would have written: the same text, the same grams (`_grams_of`, over
    the indexed text). A trigger of a form this code does not know is left to do the work, as are small
    batches (below `BULK_ROWS`, not worth the schema change) and PostgreSQL (its own index, word_index_pg)."""
    if connection.dialect.name != "sqlite" or len(ticket_ids) < BULK_ROWS:
        insert()
        return
    trigger = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                         (f"{TABLE}_insert",)).scalar()
    grams = trigger == CREATE_GRAMS[2]
    if not grams and trigger != CREATE[1]:
        insert()
        return
    words_before = connection.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {TABLE}").scalar()
    connection.exec_driver_sql(f"DROP TRIGGER {TABLE}_insert")
    insert()
    for start in range(0, len(ticket_ids), 900):  # within every SQLite's limit of bound parameters
        part = tuple(ticket_ids[start:start + 900])
        connection.exec_driver_sql(f"INSERT INTO {TABLE} (ticket_id, words) SELECT ticket_id, {_text_of('')} "
                                   f"FROM tickets WHERE ticket_id IN ({', '.join('?' * len(part))})", part)
    if grams:
        _index_grams(connection, words_before)
    connection.exec_driver_sql(trigger)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class CharHex(dict):
    """Each character's upper-case hex of its UTF-8 bytes, worked out once per character (a cache for `grams_text`)."""

    def __missing__(self, char: str) -> str:
        self[char] = value = char.encode("utf-8").hex().upper()
        return value


def grams_text(words: str, hexes: CharHex) -> str | None:
    """What `_grams_of` computes in SQL for one indexed text, computed in Python: every character and every pair
    of neighbours (positions up to MAX_CHARS), ASCII letters lowered (SQLite's lower() without ICU), each as
    the upper-case hex of its UTF-8 bytes, distinct and in order (the UNION's), space-separated; `zlong` ahead
    of a longer text. `hexes`: the caller's cache of characters' hex."""
    chars = list(map(hexes.__getitem__, words[:MAX_CHARS + 1].translate(_ASCII_LOWER)))
    found = set(chars[:MAX_CHARS])
    found.update(map(str.__add__, chars, chars[1:]))
    if not found:
        return None  # group_concat of nothing is null, and so is anything joined to it
    return (f"{LONG} " if len(words) > MAX_CHARS else "") + " ".join(sorted(found))


def _index_grams(connection: Connection, words_before: int) -> None:
    """The grams of the texts just indexed (rowid above `words_before`), as the trigger's SQL would write them:
    computed in Python, about 3x less CPU than SQLite cutting each text one position at a time (docs/importing.md).
    SQL still does it where Python could read a text otherwise: a NUL inside (SQLite's length() stops there) or
    a lower() that folds more than ASCII (an SQLite built with ICU)."""
    rows = connection.exec_driver_sql(f"SELECT rowid, words FROM {TABLE} WHERE rowid > ?", (words_before,)).all()
    if connection.exec_driver_sql("SELECT lower('ÄÉ')").scalar() != "ÄÉ" or any(
            not isinstance(words, str) or "\x00" in words for _, words in rows):
        connection.exec_driver_sql(f"INSERT INTO {GRAMS} (rowid, grams) SELECT rowid, {_grams_of('words')} "
                                   f"FROM {TABLE} WHERE rowid > ?", (words_before,))
        return
    hexes = CharHex()
    connection.exec_driver_sql(f"INSERT INTO {GRAMS} (rowid, grams) VALUES (?, ?)",
                               [(rowid, grams_text(words, hexes)) for rowid, words in rows])


def drop(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP:
            connection.execute(text(statement))


def create_grams(connection: Connection, progress=None) -> None:
    """0006_web3: the grams index of short words, its triggers (replacing 0005's) and its backfill over the
    tickets already stored, in batches, each reported to `progress(done, total)` (SQLite only)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in DROP_TRIGGERS:
        connection.execute(text(statement))
    for statement in CREATE_GRAMS:
        connection.execute(text(statement))
    connection.execute(text(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {MAX_CHARS}) "
                            f"INSERT INTO {POSITIONS} (n) SELECT i FROM n"))
    last = connection.execute(text(f"SELECT max(rowid) FROM {TABLE}")).scalar() or 0
    total = connection.execute(text("SELECT count(*) FROM tickets")).scalar_one()
    fill = text(f"INSERT INTO {GRAMS} (rowid, grams) SELECT w.rowid, {_grams_of(_text_of('t.'))} "
                f"FROM {TABLE} AS w JOIN tickets AS t ON t.ticket_id = w.ticket_id "
                "WHERE w.rowid > :low AND w.rowid <= :high")
    done = 0
    for low in range(0, last, _BATCH):
        done += connection.execute(fill, {"low": low, "high": low + _BATCH}).rowcount
        if progress is not None:
            progress(done, total)


def drop_grams(connection: Connection) -> None:
    """Back to 0005_perf: the grams index goes, the trigram index keeps 0005's triggers."""
    if connection.dialect.name != "sqlite":
        return
    for statement in (*DROP_TRIGGERS, f"DROP TABLE IF EXISTS {GRAMS}", f"DROP TABLE IF EXISTS {POSITIONS}"):
        connection.execute(text(statement))
    for statement in CREATE[1:]:
        connection.execute(text(statement))


def terminal_progress(what: str):
    """A `progress(done, total)` that writes one line per batch to the terminal (stderr), nothing elsewhere."""
    began = time.perf_counter()

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty() and total > _BATCH:
            seconds = time.perf_counter() - began
            print(f"{what}：{done:,}/{total:,} 张工单（{seconds:.0f} 秒）", file=sys.stderr, flush=True)
    return report


def usable(dialect: str, words: str) -> bool:
    return dialect == "sqlite" and len(words) >= 1


def ids_matching(connection: Connection, words: str, limit: int) -> list[str]:
    """The ids of up to `limit` tickets whose title, content or address may contain `words` (the index
    narrows; the caller's LIKE decides)."""
    if len(words) >= MIN_CHARS:
        phrase = '"' + words.replace('"', '""') + '"'
        query = text(f"SELECT ticket_id FROM {TABLE} WHERE {TABLE} MATCH :phrase LIMIT :limit")
        return [row[0] for row in connection.execute(query, {"phrase": phrase, "limit": limit})]
    query = text(f"SELECT ticket_id FROM {TABLE} WHERE rowid IN (SELECT rowid FROM {GRAMS} WHERE {GRAMS} MATCH "
                 f"'\"' || hex(lower(:words)) || '\" OR {LONG}' LIMIT :limit)")
    return [row[0] for row in connection.execute(query, {"words": words, "limit": limit})]


# A 1- or 2-character word is one exact term of the grams index: a text indexed whole holds it exactly when its gram is
# there (ASCII letters folded by lower() as LIKE folds them; the space between title, content and address is in no
# word, which is stripped). Only a text too long to be indexed whole (`zlong`) needs the LIKE to decide. So the list
# needs no LIKE over, nor any read of, the rows the index names for certain (web/queries.py).
_SHORT_TERM = "'\"' || hex(lower(:short_word)) || '\"'"


def short_word_ids(connection: Connection, words: str, limit: int) -> tuple[list[str], list[str]]:
    """For a 1- or 2-character `words`: the ids of up to `limit` tickets that hold it (for certain), and of those
    whose text was too long to be indexed whole (a LIKE decides those)."""
    def ids(term: str) -> list[str]:
        return [row[0] for row in connection.execute(text(
            f"SELECT ticket_id FROM {TABLE} WHERE rowid IN (SELECT rowid FROM {GRAMS} WHERE {GRAMS} MATCH {term} "
            "LIMIT :limit)"), {"short_word": words, "limit": limit})]
    return ids(_SHORT_TERM), ids(f"'{LONG}'")
