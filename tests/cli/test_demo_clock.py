"""The demo city's time is a property of its database (adapters/demo_clock.py): `rexian do`, `rexian serve`
restarted on it and its API stamp the city's time, not the wall clock's; a database that is not a demo's keeps the
wall clock, and an anchor that does not carry the server's signature is ignored."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from rexian.adapters import tables as t
from rexian.adapters.demo_clock import ANCHORED_BY, DEMO_CLOCK, anchor_demo_clock
from rexian.bootstrap import bootstrap, database_clock
from rexian.cli import main

PRESENT = datetime(2026, 3, 5, 16, 30)  # the demo city's "now" when it was built
PASSWORD = "secret-pass-1"


def _wall_now(app) -> datetime:
    return datetime.now(ZoneInfo(app.settings["timezone"])).replace(tzinfo=None)


def _do_intake(db_url: str) -> str:
    result = CliRunner().invoke(main, ["do", "--db", db_url, "--as", "A01", "intake", "content=小区门口路灯不亮",
                                       "channel=电话"])
    assert result.exit_code == 0, result.output
    import json

    return json.loads(result.output)["ticket_id"]


def _first_event_at(app, ticket_id: str) -> datetime:
    with app.engine.connect() as connection:
        return connection.execute(select(t.events.c.at).where(t.events.c.ticket_id == ticket_id)
                                  .order_by(t.events.c.seq)).scalars().first()


@pytest.fixture
def demo_db(make_app, db_url):
    """A database with the demo organisation whose city was anchored at PRESENT a moment ago."""
    app = make_app(db_url)
    anchor_demo_clock(app.engine, PRESENT)
    return app, db_url


def test_rexian_do_on_a_demo_database_stamps_the_citys_time_not_the_wall_clocks(demo_db):
    app, db_url = demo_db
    ticket_id = _do_intake(db_url)
    at = _first_event_at(app, ticket_id)
    assert PRESENT <= at < PRESENT + timedelta(minutes=5)
    assert ticket_id.startswith("RX20260305")  # numbered on the city's day too
    assert app.ticket(ticket_id).due_at is None or app.ticket(ticket_id).due_at > PRESENT


def test_rexian_serve_restarted_on_a_demo_database_keeps_the_citys_present(demo_db, monkeypatch):
    import uvicorn
    from fastapi.testclient import TestClient

    from rexian.cli.serve import serve
    from rexian.web.auth import Accounts

    app, db_url = demo_db
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add_sharing_password(app.organisation(), ["A01"], PASSWORD)
    token = accounts.issue_token("A01", "测试")
    served = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **_options: served.append(asgi))
    for _restart in range(2):  # the demo's server stopped and `rexian serve` started again, twice
        serve(db_url, "127.0.0.1", 8999)
    for asgi in served:
        client = TestClient(asgi)  # no lifespan: the scheduler's threads would outlive the test's database
        assert "演示账号" in client.get("/login").text  # the demo's accounts listed again on its sign-in page
        response = client.post("/api/v1/tickets", json={"content": "楼下烧烤油烟扰民", "channel": "phone"},
                               headers={"Authorization": f"Bearer {token}"})
        client.close()
        assert response.status_code in (200, 201), response.text
        at = _first_event_at(app, response.json()["ticket_id"])
        assert PRESENT <= at < PRESENT + timedelta(minutes=5)
        assert asgi.state.web.hotline.clock() < PRESENT + timedelta(minutes=5)


def test_the_citys_time_runs_on_at_the_wall_clocks_pace_between_restarts(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'city.db'}")
    built = datetime(2026, 12, 8, 1, 0)
    offset = anchor_demo_clock(app.engine, PRESENT, wall=lambda: built)
    assert offset == PRESENT - built
    a_day_later = database_clock(app.engine, app.settings, wall=lambda: built + timedelta(days=1, minutes=30))
    assert a_day_later() == PRESENT + timedelta(days=1, minutes=30)


def test_a_database_that_is_not_a_demos_keeps_the_wall_clock(make_app, db_url, monkeypatch):
    import uvicorn
    from fastapi.testclient import TestClient

    from rexian.cli.serve import serve

    app = make_app(db_url)
    assert abs(bootstrap(db_url, create=False).clock() - _wall_now(app)) < timedelta(minutes=1)
    served = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **_options: served.append(asgi))
    serve(db_url, "127.0.0.1", 8999)
    client = TestClient(served[0])
    assert "演示账号" not in client.get("/login").text
    client.close()
    ticket_id = _do_intake(db_url)
    assert abs(_first_event_at(app, ticket_id) - _wall_now(app)) < timedelta(minutes=1)


def test_an_anchor_written_by_sql_without_the_servers_signature_is_ignored(make_app, tmp_path):
    """Someone who can write the database but not read the key file cannot make a real database's server
    back-date its commands by inserting an anchor."""
    app = make_app(f"sqlite:///{tmp_path / 'real.db'}")
    with app.engine.begin() as connection:
        connection.execute(insert(t.audit_log).values(at=PRESENT, person_id=ANCHORED_BY, action=DEMO_CLOCK,
                                                      reason=str(-300 * 86400), log_seq=10**9, mac="k1:forged"))
    assert abs(bootstrap(app.engine.url.render_as_string(hide_password=False), create=False).clock()
               - _wall_now(app)) < timedelta(minutes=1)
