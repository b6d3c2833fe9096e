"""A web application over the demo organisation on SQLite, with an account for every person
(password = PASSWORD), and a helper to sign a TestClient in."""

import re
from datetime import datetime, timedelta

import pytest

PASSWORD = "secret-pass-1"


class SlowClock:
    """From 2026-03-02 08:30 on, one second more at every reading: sessions live as in an office day."""

    def __init__(self, start=datetime(2026, 3, 2, 8, 30)):
        self.now = start

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def hotline(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'web.db'}")
    app.clock = SlowClock()
    return app


@pytest.fixture
def web_app(hotline):
    from rexian.web.app import create_app
    from rexian.web.auth import Accounts

    accounts = Accounts(hotline.engine, hotline.settings, hotline.clock)
    org = hotline.organisation()
    # One argon2 hash for everyone (~0.2 s each on a busy machine: 26 of them cost more than most tests);
    # tests/web/test_accounts_and_privacy.py covers `add` and its hash one account at a time.
    accounts.add_sharing_password(org, list(org.people), PASSWORD)
    return create_app(hotline)


def csrf_of(client) -> str:
    if "rx_csrf" not in client.cookies:
        client.get("/login")
    return client.cookies["rx_csrf"]


def sign_in(client, person_id, password=PASSWORD):
    response = client.post("/login", data={"person_id": person_id, "password": password,
                                           "csrf": csrf_of(client), "next": "/"}, follow_redirects=False)
    return response


@pytest.fixture
def client_for(web_app):
    from fastapi.testclient import TestClient

    clients = []

    def make(person_id=None):
        client = TestClient(web_app, raise_server_exceptions=False)
        clients.append(client)
        if person_id:
            response = sign_in(client, person_id)
            assert response.status_code == 303, response.text
        return client

    yield make
    for client in clients:
        client.close()


def form_post(client, url, data=None, files=None):
    return client.post(url, data={**(data or {}), "csrf": csrf_of(client)}, files=files, follow_redirects=False)


def ticket_number(text: str) -> str:
    return re.search(r"RX\d{14}", text).group(0)
