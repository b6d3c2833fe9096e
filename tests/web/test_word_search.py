"""Word search through the word index (adapters/word_index.py) returns the rows the LIKE scan returned: a
two-character Chinese word (too short for trigrams: still the scan), a longer phrase, an address; and the
index follows the tickets table after new intakes, edits and erasures."""

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text, update

from rexian.adapters import tables as t
from rexian.web.auth import Principal
from rexian.web.queries import Filters, list_tickets

CITYWIDE = Principal("R01", "审核员", "C00", frozenset({"reviewer"}), None)
WORDS = ("油烟", "噪声", "路灯", "积水")


def _load(engine, numbers, rng):
    from rexian.adapters.bulk_load import load_tickets
    from rexian.adapters.repository import projection_of
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


@pytest.fixture
def loaded(hotline):
    _load(hotline.engine, range(1, 301), random.Random(3))
    return hotline


@pytest.mark.parametrize("words", ["油烟", "噪声扰民", "测试路3号", "第17号", "noise", "没有这句话"])
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
