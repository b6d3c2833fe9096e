"""A batch of ticket rows indexed set-wise (adapters/word_index.insert_indexed, used by bulk loads and imports)
leaves the SQLite word index exactly as the per-row insert trigger leaves it, the trigger back as it was."""

import shutil
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from rexian.adapters import word_index
from rexian.adapters.bulk_load import insert_ticket_rows
from rexian.adapters.database import make_engine, migrate

TEXTS = ("路面塌陷", "KTV noise到凌晨2点，电话138****5678", "", "闻到燃气味（疑似泄漏）", "物业费¥300 望京SOHO T1", "尾巴")
GRAMS = ("塌", "塌陷", "no", "NO", "**", "¥3", "尾巴", "巴", "第1", "没有")


def _rows(count):
    at = datetime(2026, 1, 1, 8)
    return [{"ticket_id": f"RX{n:06d}", "status": "received", "received_at": at + timedelta(hours=n),
             "title": TEXTS[n % len(TEXTS)][:20] or None,
             "content": f"{TEXTS[n % len(TEXTS)]}第{n}件",
             "address": None if n % 4 == 0 else f"东城区测试路{n % 7}号", "source": "test", "last_seq": 1,
             "head_hash": f"{n:064d}", "version": 1} for n in range(1, count + 1)]


def _index(engine):
    """The index as the web's search reads it: each ticket's text, and the tickets of each short word."""
    with engine.connect() as connection:
        words = connection.execute(text("SELECT ticket_id, words FROM ticket_words ORDER BY ticket_id")).all()
        found = {gram: sorted(word_index.ids_matching(connection, gram, 10_000)) for gram in GRAMS}
        trigger = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ticket_words_insert'")).scalar()
    return words, found, trigger


@pytest.fixture
def two_databases(tmp_path):
    first = tmp_path / "set_wise.db"
    engine = make_engine(f"sqlite:///{first}")
    migrate(engine)
    engine.dispose()  # the write-ahead log checkpointed into the file before it is copied
    shutil.copy(first, tmp_path / "row_wise.db")
    return make_engine(f"sqlite:///{first}"), make_engine(f"sqlite:///{tmp_path / 'row_wise.db'}")


def test_a_batch_indexed_set_wise_gives_the_index_the_row_trigger_gives(two_databases, monkeypatch):
    set_wise, row_wise = two_databases
    rows = _rows(3 * word_index.BULK_ROWS)
    with set_wise.begin() as connection:
        insert_ticket_rows(connection, rows)
    monkeypatch.setattr(word_index, "BULK_ROWS", 10**9)  # every batch by the trigger
    with row_wise.begin() as connection:
        insert_ticket_rows(connection, rows)

    assert _index(set_wise) == _index(row_wise)
    words, found, trigger = _index(set_wise)
    assert len(words) == len(rows) and trigger == word_index.CREATE_GRAMS[2]
    assert found["塌"] and found["巴"] and found["没有"] == []
    with set_wise.connect() as connection:  # FTS5's own check of the contentless grams table
        connection.execute(text("INSERT INTO ticket_words_grams (ticket_words_grams, rank) VALUES ('integrity-check', 0)"))


def test_tickets_indexed_set_wise_leave_the_index_when_deleted_or_edited(two_databases):
    engine, _ = two_databases
    with engine.begin() as connection:
        insert_ticket_rows(connection, _rows(word_index.BULK_ROWS))
    with engine.connect() as connection:
        only = word_index.ids_matching(connection, "尾巴", 100)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM tickets WHERE ticket_id = :t"), {"t": only[0]})
        connection.execute(text("UPDATE tickets SET content = '井盖已修复' WHERE ticket_id = 'RX000001'"))
    with engine.connect() as connection:
        assert set(only) - set(word_index.ids_matching(connection, "尾巴", 100)) == {only[0]}
        assert word_index.ids_matching(connection, "修", 100) == ["RX000001"]
        assert "RX000001" not in word_index.ids_matching(connection, "塌陷", 100)
        connection.execute(text("INSERT INTO ticket_words_grams (ticket_words_grams, rank) VALUES ('integrity-check', 0)"))


def test_a_failed_batch_leaves_neither_rows_nor_index_and_the_trigger_in_place(two_databases):
    engine, _ = two_databases
    rows = _rows(word_index.BULK_ROWS)
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            insert_ticket_rows(connection, rows + rows[:1])  # the last row repeats a key: the insert fails
    words, found, trigger = _index(engine)
    assert words == [] and trigger == word_index.CREATE_GRAMS[2]
    with engine.begin() as connection:  # a single intake afterwards is indexed by the trigger
        insert_ticket_rows(connection, rows[:1])
    assert [ticket for ticket, _ in _index(engine)[0]] == ["RX000001"]


def _vocabulary(engine):
    """Every term of the grams index with the number of tickets holding it (FTS5's own vocabulary table)."""
    with engine.begin() as connection:
        connection.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.grams_vocabulary "
                                "USING fts5vocab(main, ticket_words_grams, 'row')"))
        return connection.execute(text("SELECT term, doc FROM temp.grams_vocabulary ORDER BY term")).all()


def test_grams_computed_in_python_are_the_grams_the_triggers_sql_computes(two_databases):
    set_wise, _ = two_databases
    texts = [*TEXTS, "  ", "A", "Ab AB ab", "ÄÖÜ äöü ÉCOLE", "😀表情🙂ok", "路" * word_index.MAX_CHARS,
             "长" * (word_index.MAX_CHARS + 1) + "尾", "x" * (word_index.MAX_CHARS - 1) + "Yz", "\t换\n行\r", "１２３ＡＢＣ"]
    hexes = word_index.CharHex()
    with set_wise.connect() as connection:
        for words in texts:
            by_sql = connection.execute(text(f"WITH t(words) AS (SELECT :w) SELECT {word_index._grams_of('t.words')} "
                                             "FROM t"), {"w": words}).scalar()
            assert word_index.grams_text(words, hexes) == by_sql, words[:30]


def test_the_grams_index_of_a_batch_indexed_set_wise_holds_the_terms_the_row_trigger_writes(two_databases,
                                                                                            monkeypatch):
    set_wise, row_wise = two_databases
    rows = _rows(2 * word_index.BULK_ROWS)
    rows[3]["content"] = "很长的诉求" * 5000  # past MAX_CHARS: indexed under zlong as well
    with set_wise.begin() as connection:
        insert_ticket_rows(connection, rows)
    monkeypatch.setattr(word_index, "BULK_ROWS", 10**9)
    with row_wise.begin() as connection:
        insert_ticket_rows(connection, rows)
    vocabulary = _vocabulary(set_wise)
    assert vocabulary == _vocabulary(row_wise)
    assert ("zlong", 1) in vocabulary and len(vocabulary) > 100
