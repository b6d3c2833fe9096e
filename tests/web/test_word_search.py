"""Word search through the word indexes (adapters/word_index.py on SQLite, word_index_pg.py on PostgreSQL)
returns the rows the LIKE scan returns, on both databases: 1-, 2- and longer words, Chinese, Latin in either
case, digits, punctuation, the stars of a masked phone, an address; the indexes are the ones answering; and
they follow the tickets table after new intakes, workflow steps, edits and erasures."""

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from rexian.adapters import tables as t
from rexian.web.auth import Principal
from rexian.web.queries import Filters, list_tickets

CITYWIDE = Principal("R01", "审核员", "C00", frozenset({"reviewer"}), None)
WORDS = ("油烟", "噪声", "路灯", "积水")


def _load(engine, numbers, rng):
    from rexian.adapters.bulk_load import load_tickets
    from rexian.adapters.projection import projection_of
    from rexian.domain.model import NewEvent, Ticket

    records, projections = [], []
    for number in numbers:
        at = datetime(2026, 1, 1, 8) + timedelta(hours=number)
        ticket = Ticket(ticket_id=f"RX{at:%Y%m%d}{number:06d}")
        word = rng.choice(WORDS)
        ticket.record(NewEvent("TicketReceived", at, "A01", "C00", None, {
            "channel": "phone", "caller_phone": f"138{number:08d}", "caller_name": "市民",
            "address": f"东城区测试路{number % 7}号", "title": f"{word}问题", "kind": "complaint",
            "content": f"反映{word}扰民，第{number}号 Noise", "category": "0101", "urgency": "normal"}))
        records.extend(ticket.new_events)
        projections.append({**projection_of(ticket, at), "version": 1})
    with engine.begin() as connection:
        load_tickets(connection, records, projections)


def _found(engine, words):
    ids, page = [], 1
    while True:
        result = list_tickets(engine, CITYWIDE, Filters(q=words), page=page, per_page=200)
        ids += [row["ticket_id"] for row in result.rows]
        if len(result.rows) < 200:
            return ids
        page += 1


def _scanned(engine, words):
    """What the LIKE scan finds, newest first (the list's order): the rows the index must return."""
    pattern = f"%{words}%"
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text(
            "SELECT ticket_id FROM tickets WHERE address LIKE :p OR title LIKE :p OR content LIKE :p "
            "ORDER BY received_at DESC, ticket_id DESC"), {"p": pattern})]


# Texts where an index could go wrong: pairs across punctuation and field boundaries, Latin in both cases,
# digits inside Chinese, a masked phone's stars, a character that is only ever last, an empty title.
TRICKY = (
    ("路面塌陷", "东风路口，井盖塌陷！请处理。", "东城区和平里3号"),
    ("Noise 噪声", "KTV noise到凌晨2点，电话138****5678", "西城区A座12-3"),
    ("", "路灯不亮", "丰台区"),
    ("燃气", "闻到燃气味（疑似泄漏）", None),
    ("物业", "物业费收取不合理：每月¥300", "朝阳区望京SOHO T1"),
)
SEARCHED = ("塌", "陷", "塌陷", "路", "路口", "，井", "！", "n", "N", "no", "NO", "noise", "Noise 噪", "2点",
            "12", "3号", "**", "8****5", "¥3", "T1", "t1", "（疑", "漏）", "区A", "燃气味", "没有", "鑫", "a")


def _load_tricky(engine):
    from rexian.adapters.bulk_load import load_tickets
    from rexian.adapters.projection import projection_of
    from rexian.domain.model import NewEvent, Ticket

    records, projections = [], []
    for number, (title, content, address) in enumerate(TRICKY * 3, start=1):
        at = datetime(2026, 2, 1, 8) + timedelta(hours=number)
        ticket = Ticket(ticket_id=f"RX{at:%Y%m%d}{number:06d}")
        ticket.record(NewEvent("TicketReceived", at, "A01", "C00", None, {
            "channel": "phone", "caller_phone": f"139{number:08d}", "address": address, "title": title,
            "kind": "complaint", "content": content if number <= 5 else f"{content}第{number}件",
            "category": "0101", "urgency": "normal"}))
        records.extend(ticket.new_events)
        projections.append({**projection_of(ticket, at), "version": 1})
    with engine.begin() as connection:
        load_tickets(connection, records, projections)


def test_every_kind_of_word_finds_exactly_what_the_like_scan_finds_on_both_databases(app):
    _load_tricky(app.engine)
    for words in SEARCHED:
        assert _found(app.engine, words) == _scanned(app.engine, words), words
    assert len(_found(app.engine, "塌")) == 3 and _found(app.engine, "鑫") == []


def test_the_indexes_answer_short_words_on_sqlite_and_every_word_on_postgresql(app):
    from rexian.adapters import word_index, word_index_pg
    from rexian.web.queries import Filters, ticket_query

    _load_tricky(app.engine)
    expected = sorted(_scanned(app.engine, "塌"))
    with app.engine.connect() as connection:
        if app.engine.dialect.name == "sqlite":
            assert sorted(word_index.ids_matching(connection, "塌", 100)) == expected
            plan = " ".join(str(row) for row in connection.execute(text(
                f"EXPLAIN QUERY PLAN SELECT rowid FROM {word_index.GRAMS} WHERE {word_index.GRAMS} MATCH 'E5A18C'")))
            assert "VIRTUAL TABLE" in plan
        else:
            connection.execute(text("SET enable_seqscan = off"))  # 15 rows: the planner would rather scan
            where, _ = ticket_query(CITYWIDE, Filters(q="塌陷"), None, "postgresql")
            query = select(t.tickets.c.ticket_id).where(*where)
            compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
            plan = " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
            assert word_index_pg.INDEX in plan


def test_workflow_steps_leave_the_short_word_index_alone_and_text_edits_move_it(app):
    _load_tricky(app.engine)
    first = _found(app.engine, "塌陷")[-1]
    with app.engine.begin() as connection:  # a workflow step rewrites the row with the same text
        connection.execute(update(t.tickets).where(t.tickets.c.ticket_id == first)
                           .values(status="handling", title=t.tickets.c.title, content=t.tickets.c.content))
    assert first in _found(app.engine, "塌陷")
    with app.engine.begin() as connection:
        connection.execute(update(t.tickets).where(t.tickets.c.ticket_id == first).values(title="井盖", content="已修复"))
    assert first not in _found(app.engine, "塌陷") and _found(app.engine, "修") == [first]
    with app.engine.begin() as connection:
        connection.execute(t.tickets.delete().where(t.tickets.c.ticket_id == first))
    assert _found(app.engine, "修") == []


@pytest.fixture
def loaded(hotline):
    _load(hotline.engine, range(1, 301), random.Random(3))
    return hotline


@pytest.mark.parametrize("words", ["油烟", "噪声扰民", "测试路3号", "第17号", "noise", "没有这句话", "烟", "扰"])
def test_word_search_returns_the_same_tickets_as_the_scan(loaded, words):
    expected = _scanned(loaded.engine, words)
    assert _found(loaded.engine, words) == expected
    if words != "没有这句话":
        assert expected, "the fixture holds tickets with these words"


def test_a_longer_phrase_is_answered_by_the_index_not_the_scan(loaded):
    with loaded.engine.connect() as connection:
        plan = " ".join(str(row) for row in connection.execute(text(
            "EXPLAIN QUERY PLAN SELECT ticket_id FROM ticket_words WHERE ticket_words MATCH '\"测试路3号\"'")))
        indexed = connection.execute(text("SELECT count(*) FROM ticket_words")).scalar_one()
    assert "VIRTUAL TABLE" in plan
    assert indexed == 300


def test_the_index_stays_in_step_after_new_intakes_edits_and_deletions(loaded):
    engine = loaded.engine
    _load(engine, range(301, 311), random.Random(4))
    newest = "RX20260114000310"  # 310 hours after 2026-01-01 08:00
    assert _found(engine, "第310号") == [newest]
    with engine.begin() as connection:
        connection.execute(update(t.tickets).where(t.tickets.c.ticket_id == newest)
                           .values(content="内容已改为路面塌陷"))
    assert _found(engine, "路面塌陷") == [newest]
    assert newest not in _found(engine, "第310号")
    with engine.begin() as connection:
        connection.execute(t.tickets.delete().where(t.tickets.c.ticket_id == newest))
    assert _found(engine, "路面塌陷") == []



def test_a_phrase_in_more_tickets_than_the_count_cap_pages_through_the_same_rows(loaded, monkeypatch):
    from rexian.web import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 50)  # "noise" is in all 300: past the cap, the LIKE path
    assert _found(loaded.engine, "noise") == _scanned(loaded.engine, "noise")
    first = list_tickets(loaded.engine, CITYWIDE, Filters(q="noise"))
    assert first.capped and first.total == 50


def test_a_text_longer_than_the_positions_table_is_still_found_by_a_short_word(hotline):
    from rexian.adapters import word_index

    long_text = "甲" * word_index.MAX_CHARS + "尾巴"
    _load(hotline.engine, range(1, 4), random.Random(5))
    with hotline.engine.begin() as connection:
        connection.execute(update(t.tickets).where(t.tickets.c.ticket_id == "RX20260101000001")
                           .values(content=long_text))
    assert _found(hotline.engine, "尾巴") == ["RX20260101000001"] == _scanned(hotline.engine, "尾巴")
    assert _found(hotline.engine, "巴") == ["RX20260101000001"]


def test_the_migration_fills_the_short_word_index_from_the_tickets_already_stored(loaded):
    from rexian.adapters import word_index
    from rexian.adapters.database import migrate

    engine = loaded.engine
    from rexian.adapters import findings_tables

    with engine.begin() as connection:  # back to 0006_trust3: tickets indexed by trigrams only
        word_index.drop_grams(connection)
        connection.execute(text(f"DROP INDEX {findings_tables.NEWEST_INDEX.name}"))  # and before 0006_desk3
        connection.execute(text("DROP TABLE finding_counts"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0006_trust3'"))
    _load(engine, range(301, 311), random.Random(4))
    migrate(engine)
    for words in ("烟", "积水", "第30"):
        assert _found(engine, words) == _scanned(engine, words) != []
