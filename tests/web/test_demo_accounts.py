"""The demo's accounts: one for everyone in the organisation, all with the password shown on the sign-in page,
made with one password hash (a city has hundreds of people), and an existing account is left as it was."""

import pytest

from rexian.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from rexian.domain.errors import NotFound
from rexian.web.auth import Accounts


def test_everyone_in_the_demo_organisation_signs_in_with_the_shown_password_and_a_kept_account_keeps_its_own(
        make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'demo.db'}")
    accounts = Accounts(app.engine, app.settings, app.clock)
    accounts.add(app.organisation(), "A01", "own-password-1234")

    listed = create_demo_accounts(app)

    people = set(app.organisation().people)
    assert {row["person_id"] for row in listed} == people and {row["person_id"] for row in accounts.list()} == people
    assert accounts.sign_in("H0201", DEMO_PASSWORD)
    assert accounts.sign_in("A01", "own-password-1234")
    create_demo_accounts(app)  # again: nothing added, nothing changed
    assert len(accounts.list()) == len(people)


def test_shared_password_accounts_are_refused_for_someone_outside_the_organisation(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'demo.db'}")
    accounts = Accounts(app.engine, app.settings, app.clock)
    with pytest.raises(NotFound):
        accounts.add_sharing_password(app.organisation(), ["A01", "NOBODY"], DEMO_PASSWORD)
    assert accounts.list() == []
