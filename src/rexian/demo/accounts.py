"""Demo accounts: one for every person of the demo organisation, with a shared password shown on the
sign-in page of `rexian demo` (never used outside a demo database)."""

from __future__ import annotations

from rexian.web.auth import Accounts
from rexian.web.labels import role_names

DEMO_PASSWORD = "rexian-demo"
# The people listed first on the sign-in page: one of each role, so a visitor can try every workspace (the
# scripted demo's handler and leader are H0201/L0201, the simulated city's HD0301/LD03).
SHOWN_FIRST = ("A01", "P01", "H0201", "L0201", "HD0301", "LD03", "R01", "V01", "J01", "X01")


def create_demo_accounts(app) -> list[dict[str, str]]:
    """An account per person (existing accounts are kept); the list shown on the sign-in page."""
    org = app.organisation()
    Accounts(app.engine, app.settings, app.clock).add_sharing_password(org, list(org.people), DEMO_PASSWORD)
    return demo_accounts_listed(app)


def demo_accounts_listed(app) -> list[dict[str, str]]:
    """The sign-in page's list of a demo database's accounts, also when `rexian serve` is started on it again
    (a person added since without an account is not listed)."""
    org = app.organisation()
    with_account = {row["person_id"] for row in Accounts(app.engine, app.settings, app.clock).list() if row["active"]}
    people = sorted((p for p in org.people.values() if p.person_id in with_account),
                    key=lambda p: (p.person_id not in SHOWN_FIRST,
                                   SHOWN_FIRST.index(p.person_id) if p.person_id in SHOWN_FIRST else 0, p.person_id))
    return [{"person_id": p.person_id, "name": p.name, "roles": role_names(sorted(p.roles)),
             "unit": org.unit(p.unit_id).name if org.unit(p.unit_id) else p.unit_id, "password": DEMO_PASSWORD}
            for p in people]
