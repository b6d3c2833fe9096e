"""The citizen portal's query codes (issue 15, ninth round). Before: 6-digit codes (10^6), a lock per ticket number
only, so a unit that knew its ~1,000 closed unrated tickets spent 10 wrong codes on each every 15 minutes and got
about one fake rating a day; and the stored sha256 of a code could be written by SQL (a code of the attacker's
choosing) or searched offline from a copy of the database. Now: 10-character codes (50 bits), stored as the
server's MAC; the 6-digit codes of older tickets keep working but their guesses count against a per-client
(proxy-aware) and a site-wide budget (docs/trust.md: the arithmetic). On SQLite and PostgreSQL where the database
matters."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from datetime import datetime

import pytest
from support.tampering import closed, one_value, sql

from rexian.adapters.credentials import portal_code_digest
from rexian.adapters.keys import keyring_for
from rexian.domain.errors import MissingField, NotAllowed
from rexian.web.portal import CODE_ALPHABET, CodeGuard, client_of, file_request, rate, track

LONG = 24 * 60 * 365  # the test clock moves 47 minutes at every reading: one window for the whole test


def _legacy(app, code: str = "123456") -> str:
    """A closed ticket whose 6-digit code was handed out before codes were lengthened (as the upgrade keeps it)."""
    tid = closed(app)
    sql(app, "INSERT INTO portal_codes (ticket_id, code_hash) VALUES (?, ?)", tid,
        keyring_for(app.engine).sign(portal_code_digest(tid, hashlib.sha256(code.encode()).hexdigest())))
    return tid


def _filed(app) -> tuple[str, str]:
    filed = file_request(app, {"caller_phone": "13812345678", "category": "0201",
                               "content": "楼下饭店油烟直排，每天晚上熏得开不了窗"})
    return filed["ticket_id"], filed["code"]


def test_a_new_query_code_has_fifty_bits_and_is_read_in_any_case_with_or_without_its_dash(make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=LONG)
    tid, code = _filed(app)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code) and set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** 10 == 2 ** 50
    guard = CodeGuard(LONG)
    for typed in (code, code.lower(), code.replace("-", " "), code.replace("-", "")):
        assert track(app, tid, typed, guard, "198.51.100.7") is not None, typed
    stored = one_value(app, "SELECT code_hash FROM portal_codes WHERE ticket_id = ?", tid)
    assert hashlib.sha256(code.replace("-", "").encode()).hexdigest() not in stored  # a MAC, not a searchable hash


def test_wrong_short_codes_spread_over_many_ticket_numbers_exhaust_the_clients_then_the_sites_budget(make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=LONG, web_portal_client_attempts=20, web_portal_site_attempts=30)
    victim = _legacy(app, "123456")
    tid, code = _filed(app)
    guard = CodeGuard(LONG, 20, 30)
    # one wrong code on each of 20 numbers
    for n in range(20):
        assert track(app, f"RX20260301{n:06d}", f"{n:06d}", guard, "203.0.113.9") is None
    with pytest.raises(NotAllowed):  # the attacker's next short code is refused, the right one too
        track(app, victim, "123456", guard, "203.0.113.9")
    assert track(app, victim, "123456", guard, "198.51.100.7") is not None  # the citizen, elsewhere: found
    for n in range(10):  # more addresses: the site's budget (30) bounds them all
        assert track(app, f"RX20260302{n:06d}", f"{n:06d}", guard, f"192.0.2.{n}") is None
    with pytest.raises(NotAllowed) as refused:
        rate(app, victim, "123456", "satisfied", guard, "198.51.100.7")
    assert "6位旧查询码暂停使用" in refused.value.message
    assert app.ticket(victim).citizen_rating is None
    assert track(app, tid, code, guard, "192.0.2.1") is not None  # a 10-character code is never refused by them


def test_a_code_hash_written_by_sql_or_copied_from_another_ticket_rates_nothing(make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=LONG)
    guard = CodeGuard(LONG)
    mine = _legacy(app, "654321")
    target = closed(app)  # a closed ticket the attacker wants rated 满意
    sql(app, "INSERT INTO portal_codes (ticket_id, code_hash) VALUES (?, ?)", target,
        hashlib.sha256(b"000000").hexdigest())  # the form codes were stored in before
    with pytest.raises(MissingField):
        rate(app, target, "000000", "satisfied", guard, "203.0.113.9")
    sql(app, "UPDATE portal_codes SET code_hash = (SELECT code_hash FROM portal_codes WHERE ticket_id = ?) "
        "WHERE ticket_id = ?", mine, target)  # a genuine code's MAC copied onto the target
    with pytest.raises(MissingField):
        rate(app, target, "654321", "satisfied", guard, "203.0.113.10")
    assert app.ticket(target).citizen_rating is None
    assert not [e for e in app.events(target) if e["action"] == "CitizenRated"]
    rate(app, mine, "654321", "satisfied", guard, "198.51.100.7")  # the near miss: the genuine code rates
    assert app.ticket(mine).citizen_rating == "satisfied"


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy_and_citizens_behind_one_nat_are_not_locked_out():
    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    # an attacker talking to the server directly cannot pick a new address per request
    assert client_of("203.0.113.9", "198.51.100.1", proxies) == "203.0.113.9"
    assert client_of("203.0.113.9", "198.51.100.1", ()) == "203.0.113.9"
    # behind the proxy: the address the proxy saw, not what the client wrote to the left of it
    assert client_of("10.0.0.2", "1.2.3.4, 203.0.113.9", proxies) == "203.0.113.9"
    assert client_of("10.0.0.2", "203.0.113.9, 10.0.0.3", proxies) == "203.0.113.9"


def _request_through(peer: str, forwarded_lines: list[str], proxies):
    from types import SimpleNamespace

    from starlette.requests import Request

    web = SimpleNamespace(settings={"web_trusted_proxies": proxies})
    return Request({"type": "http", "client": (peer, 40000), "app": SimpleNamespace(state=SimpleNamespace(web=web)),
                    "headers": [(b"x-forwarded-for", line.encode()) for line in forwarded_lines]})


def test_a_client_s_own_forwarded_for_line_before_the_proxy_s_line_does_not_pick_its_address():
    from rexian.web.pages import _client

    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    # a proxy that adds a line of its own (HAProxy's `option forwardfor`) after the line the client wrote
    for forged in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert _client(_request_through("10.0.0.2", [forged, "203.0.113.9"], proxies)) == "203.0.113.9"
    # an untrusted peer's lines change nothing
    assert _client(_request_through("203.0.113.9", ["198.51.100.1", "10.0.0.3"], proxies)) == "203.0.113.9"


def test_a_client_is_one_address_whatever_port_or_ip_form_the_proxy_writes():
    proxies = (ipaddress.ip_network("10.0.0.0/8"),)
    # a new source port is not a new client (a per-client budget spent one port at a time)
    assert {client_of("10.0.0.2", f"203.0.113.9:{port}", proxies) for port in (5555, 5556)} == {"203.0.113.9"}
    assert client_of("10.0.0.2", "[2001:db8::7]:443", proxies) == "2001:db8::7"
    # the proxy's own address mapped into IPv6 (a dual-stack socket) is still the trusted proxy
    assert client_of("::ffff:10.0.0.2", "203.0.113.9", proxies) == "203.0.113.9"
    assert client_of("::ffff:203.0.113.9", "198.51.100.1", proxies) == "203.0.113.9"


def test_citizens_behind_one_nat_keep_their_new_codes_while_an_attacker_there_spends_its_short_code_budget(
        make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=LONG, web_portal_client_attempts=3, web_portal_site_attempts=100)
    tid, code = _filed(app)
    guard = CodeGuard(LONG, client_attempts=3, site_attempts=100)
    for n in range(3):
        assert track(app, f"RX20260301{n:06d}", f"{n:06d}", guard, "203.0.113.9") is None
    with pytest.raises(NotAllowed):
        track(app, "RX20260301000009", "000009", guard, "203.0.113.9")
    assert track(app, tid, code, guard, "203.0.113.9") is not None  # the same address, a 10-character code


def test_a_six_digit_code_from_before_the_upgrade_keeps_working_and_is_then_signed(make_app, tmp_path):
    """A database as 0011_phone8 left it, with a ticket whose code is stored as its plain sha256: `rexian upgrade`
    signs the hash, the citizen's code still works, and the plain form is no longer accepted."""
    from rexian.adapters.database import migrate

    app = make_app(f"sqlite:///{tmp_path / 'old.db'}", web_lockout_minutes=LONG)
    tid = closed(app)
    sql(app, "INSERT INTO portal_codes (ticket_id, code_hash) VALUES (?, ?)", tid, hashlib.sha256(b"246810").hexdigest())
    sql(app, "UPDATE alembic_version SET version_num = '0011_phone8'")
    migrate(app.engine)
    assert ":" in one_value(app, "SELECT code_hash FROM portal_codes WHERE ticket_id = ?", tid)
    guard = CodeGuard(LONG)
    assert track(app, tid, "246810", guard, "198.51.100.7") is not None
    assert track(app, tid, "246811", guard, "198.51.100.7") is None


def _verify(app):
    from rexian.service.verify import verify_database

    return verify_database(app.engine)


def test_wrong_codes_on_a_citizens_ticket_number_never_lock_the_citizen_out(make_app, db_url):
    """Before (trust9): 10 wrong codes in a row locked the ticket number for 15 minutes, whoever typed them, so anyone
    who knew a ticket number kept its citizen out. Now wrong guesses cost only the guesser."""
    app = make_app(db_url, web_lockout_minutes=LONG)
    tid, code = _filed(app)
    guard = CodeGuard(LONG, 20, 30)
    for n in range(40):  # long and short guesses on the citizen's number, from one address and from many
        assert track(app, tid, f"{n:05d}-{n:05d}", guard, "203.0.113.9") is None
        assert track(app, tid, f"{n:05d}-ZZZZZ", guard, f"192.0.2.{n}") is None
    for n in range(20):
        assert track(app, tid, f"{n:06d}", guard, "203.0.113.9") is None  # the attacker's own short budget
    assert track(app, tid, code, guard, "198.51.100.7") is not None  # the citizen: found at once
    assert track(app, tid, code, guard, "203.0.113.9") is not None  # even from the attacker's address (a NAT)


def _another_process(app, db_url):
    """The same database opened again with its own engine and nothing shared in memory: a second worker."""
    from rexian.bootstrap import bootstrap

    return bootstrap(db_url, settings=app.settings, clock=app.clock)


def test_the_budgets_outlive_a_restart_and_are_shared_by_a_second_worker(make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=LONG)
    victim = _legacy(app, "123456")
    for n in range(20):  # one worker, then it restarts: its guard (and its memory) is gone
        assert track(app, f"RX20260301{n:06d}", f"{n:06d}", CodeGuard(LONG, 20, 30), "203.0.113.9") is None
    second = _another_process(app, db_url)
    with pytest.raises(NotAllowed):
        track(second, victim, "123456", CodeGuard(LONG, 20, 30), "203.0.113.9")
    for n in range(10):
        assert track(second, f"RX20260302{n:06d}", f"{n:06d}", CodeGuard(LONG, 20, 30), f"192.0.2.{n}") is None
    with pytest.raises(NotAllowed) as refused:
        track(app, victim, "123456", CodeGuard(LONG, 20, 30), "198.51.100.7")
    assert "6位旧查询码暂停使用" in refused.value.message
    # the address is not kept: the audit records carry a keyed pseudonym of the client
    assert not one_value(app, "SELECT COUNT(*) FROM audit_log WHERE person_id LIKE ?", "%203.0.113%")
    assert one_value(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'portal_wrong_code'") == 30


def test_a_wrong_code_record_deleted_to_reset_the_budget_or_forged_to_exhaust_it_is_named_by_verify(make_app, db_url):
    app = make_app(db_url, web_lockout_minutes=LONG)
    victim = _legacy(app, "123456")
    guard = CodeGuard(LONG, 20, 30)
    for n in range(20):
        assert track(app, f"RX20260301{n:06d}", f"{n:06d}", guard, "203.0.113.9") is None
    _filed(app)  # the log goes on after them
    assert _verify(app).intact
    sql(app, "DELETE FROM audit_log WHERE action = 'portal_wrong_code'")  # the attacker's budget reset by SQL
    assert track(app, victim, "123456", guard, "203.0.113.9") is not None  # it did reset (the price of SQL access) …
    report = _verify(app)  # … but not silently
    assert not report.intact and any("缺失" in damage.detail for damage in report.damages), report.damages
    for n in range(30):  # records forged to refuse every old code: they do, but they are named
        sql(app, "INSERT INTO audit_log (at, person_id, action, ticket_id, reason) VALUES (?, ?, ?, ?, ?)",
            datetime(2026, 3, 2, 9, 0), "portal:P0", "portal_wrong_code", f"RX{n}", "6位查询码错误")
    with pytest.raises(NotAllowed):
        track(app, victim, "123456", guard, "198.51.100.7")
    assert sum(damage.kind == "unsigned" for damage in _verify(app).damages) >= 30
