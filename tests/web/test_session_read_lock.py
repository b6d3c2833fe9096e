"""Knowing who is signed in is a read made on every request: on SQLite it must not wait for the write lock that
an intake or an import holds (the pages of every signed-in user would stall behind it)."""

from support.sqlite_lock import done_while_the_write_lock_is_held
from web.conftest import PASSWORD, hotline, web_app  # noqa: F401 - fixtures used below


def test_a_signed_in_request_is_recognised_while_another_connection_holds_the_write_lock(web_app, hotline):  # noqa: F811
    accounts = web_app.state.web.accounts
    token = accounts.sign_in("A01", PASSWORD)
    person = done_while_the_write_lock_is_held(hotline.engine.url.database, lambda: accounts.session_person(token),
                                               "recognising the session")
    assert person == "A01"
