"""Search by a caller's phone finds workflow tickets whose caller details are held apart from the chain
(adapters/personal.py) through the indexed phone key, not by reading every held row; an erased ticket and a
key copied onto another ticket's row find nothing."""

from datetime import datetime

from sqlalchemy import select, update

from web.conftest import client_for, hotline, web_app  # noqa: F401 - fixtures used below

from rexian.adapters import tables as t
from rexian.adapters.personal import erase, fill_phone_keys, held_by_phone, phone_key

PHONE, OTHER = "13812345678", "13987654321"


def _filed(hotline, phone: str) -> str:  # noqa: F811
    from rexian.domain import commands as c

    outcome = hotline.handle(c.Intake(actor_id="A01", content="楼下噪声扰民", category="0202", caller_phone=phone,
                                      caller_name="张三丰", address="东城区多福巷3号院2单元"))
    hotline.handle(c.Dispatch(actor_id="P01", ticket_id=outcome.ticket_id, lead_unit_id="D02"))
    return outcome.ticket_id


def _found(client_for, phone: str) -> list[str]:  # noqa: F811
    return [row["ticket_id"] for row in client_for("H0201").get("/api/v1/tickets", params={"q": phone}).json()["items"]]


def test_searching_a_held_callers_phone_finds_that_callers_tickets_only(hotline, client_for):  # noqa: F811
    mine, other = _filed(hotline, PHONE), _filed(hotline, OTHER)
    assert _found(client_for, PHONE) == [mine]
    assert _found(client_for, OTHER) == [other]
    with hotline.engine.connect() as connection:
        stored = connection.execute(select(t.personal_data.c.phone_key)).scalars().all()
    assert PHONE not in stored and all(key and key.startswith("P") for key in stored)  # a pseudonym, not the phone


def test_the_phone_search_reads_the_index_not_every_held_row(hotline):  # noqa: F811
    _filed(hotline, PHONE)
    with hotline.engine.connect() as connection:
        query = held_by_phone(PHONE, phone_key(connection, PHONE))
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(query.compile(compile_kwargs={"literal_binds": True}))))
    assert "ix_personal_data_phone_key" in plan and "SCAN personal_data" not in plan


def test_an_erased_ticket_and_a_key_copied_to_another_row_are_not_found_by_the_phone(hotline, client_for):  # noqa: F811
    erased, other = _filed(hotline, PHONE), _filed(hotline, OTHER)
    with hotline.engine.begin() as connection:
        key = phone_key(connection, PHONE)
        assert erase(connection, erased, datetime(2026, 3, 3))
        assert connection.execute(select(t.personal_data.c.phone_key)
                                  .where(t.personal_data.c.ticket_id == erased)).scalar() is None
        connection.execute(update(t.personal_data).where(t.personal_data.c.ticket_id == other).values(phone_key=key))
    assert _found(client_for, PHONE) == []


def test_rows_held_before_phone_keys_existed_get_theirs_from_the_key_file(hotline, client_for):  # noqa: F811
    ticket_id = _filed(hotline, PHONE)
    with hotline.engine.begin() as connection:
        connection.execute(update(t.personal_data).values(phone_key=None))
    assert _found(client_for, PHONE) == []
    with hotline.engine.begin() as connection:
        assert fill_phone_keys(connection) == 1
    assert _found(client_for, PHONE) == [ticket_id]
