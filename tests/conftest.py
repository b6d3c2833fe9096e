# ============================================================================================
# Test database servers (PostgreSQL + SQLite). See docs/testing.md.
#   postgres_server  session: a throw-away PostgreSQL cluster, started on first use
#   postgres_url     function: a fresh empty PostgreSQL database (SQLAlchemy URL)
#   db_url           function: parametrized [sqlite, postgresql] -> run a contract test on both
# Without PostgreSQL binaries the `postgres` tests are skipped, except in CI (CI=true): fail.
# ============================================================================================
import os

import pytest

from support.postgres import PostgresUnavailable, start_server


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = start_server()
    except PostgresUnavailable as reason:
        pytest.skip(f"PostgreSQL tests need a PostgreSQL server: {reason}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    with postgres_server.fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    # Looked up lazily so that an SQLite-only run never starts the PostgreSQL server.
    return request.getfixturevalue("postgres_url")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a PostgreSQL test must never pass silently by skipping: turn its skip into a failure."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and _in_ci() and item.get_closest_marker("postgres"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"skipping a `postgres` test is a failure in CI (CI=true). Skip reason: {reason}"
    return report


# ============================================================================================
# end of test database servers
# ============================================================================================


# Application fixtures ------------------------------------------------------------------------------------
from datetime import datetime  # noqa: E402


@pytest.fixture(autouse=True)
def _realtime_rules_off(monkeypatch):
    """Real-time supervision is on in the app, off in tests (commands stay fast) unless a test turns it on."""
    monkeypatch.setenv("REXIAN_REALTIME_RULES", "false")


@pytest.fixture(autouse=True)
def _server_key_file(monkeypatch, tmp_path_factory):
    """One server key file for the session (a PostgreSQL database needs one outside it); tests of the default
    place beside an SQLite file remove the variable."""
    if "REXIAN_KEY_FILE" not in os.environ:
        monkeypatch.setenv("REXIAN_KEY_FILE", str(tmp_path_factory.getbasetemp() / "server.keys"))
    yield
    # The erasure ledger beside the shared key file belongs to one test's database: a later test's database,
    # holding a ticket of the same number and first event (an import of the same file), is another one.
    (tmp_path_factory.getbasetemp() / "server.keys.erasures").unlink(missing_ok=True)


@pytest.fixture
def make_app():
    """Build a migrated application on a database URL, with the demo organisation loaded and a clock
    that moves on 47 minutes at every reading from 2026-03-02 08:30 (a Monday)."""
    from rexian.bootstrap import bootstrap
    from rexian.demo.scripted import ORG_FILE, StepClock
    from rexian.service.org_admin import apply_org_changes, read_org_file

    engines = []

    def build(url, start=datetime(2026, 3, 2, 8, 30), **settings_overrides):
        from rexian.settings import load_settings

        settings_overrides.setdefault("realtime_rules", False)  # on only where a test asks for it
        settings_overrides.setdefault("key_file", os.environ.get("REXIAN_KEY_FILE"))
        settings = load_settings(overrides=settings_overrides, environ={})
        app = bootstrap(url, settings=settings, clock=StepClock(start))
        apply_org_changes(app, None, read_org_file(ORG_FILE))
        engines.append(app.engine)
        return app

    yield build
    for engine in engines:
        engine.dispose()


@pytest.fixture
def app(make_app, db_url):
    """The application on each backend (SQLite file, PostgreSQL) with the demo organisation."""
    return make_app(db_url)
