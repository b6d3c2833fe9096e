"""The PostgreSQL test server and the db_url fixture that runs contract tests on both backends."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from support.postgres import HIDE_BINARIES_ENV

REPO_ROOT = Path(__file__).resolve().parents[2]


def _owner_uid(pid: int) -> int:
    return os.stat(f"/proc/{pid}").st_uid


@pytest.mark.postgres
def test_the_server_process_is_not_owned_by_root(postgres_server, postgres_url):
    assert _owner_uid(postgres_server.server_pid()) != 0
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        backend_pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        # The backend serving us is a child of the same server, so it is not root either.
        assert _owner_uid(backend_pid) != 0
    engine.dispose()
    if os.geteuid() == 0:
        assert postgres_server.os_user not in (None, "root")


@pytest.mark.postgres
def test_a_fresh_database_accepts_connections_over_localhost(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://") and "@127.0.0.1:" in postgres_url
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        dbname = conn.execute(sa.text("SELECT current_database()")).scalar_one()
        tables = conn.execute(sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar_one()
        listen = conn.execute(sa.text("SHOW listen_addresses")).scalar_one()
        fsync = conn.execute(sa.text("SHOW fsync")).scalar_one()
    engine.dispose()
    assert postgres_url.endswith("/" + dbname)
    assert tables == 0
    assert (listen, fsync) == ("127.0.0.1", "off")


@pytest.mark.postgres
def test_two_fresh_databases_are_isolated(postgres_server):
    with postgres_server.fresh_database() as first_url, postgres_server.fresh_database() as second_url:
        assert first_url != second_url
        first, second = sa.create_engine(first_url), sa.create_engine(second_url)
        with first.begin() as conn:
            conn.execute(sa.text("CREATE TABLE ticket (id int)"))
        with second.connect() as conn:
            assert not sa.inspect(conn).has_table("ticket")
        with first.connect() as conn:
            assert sa.inspect(conn).has_table("ticket")
        first.dispose(), second.dispose()


@pytest.mark.postgres
def test_a_database_is_dropped_even_with_a_connection_left_open(postgres_server):
    name = postgres_server.create_database()
    leaked = sa.create_engine(postgres_server.url(name)).connect()
    postgres_server.drop_database(name)
    with postgres_server.connect_admin() as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None
    leaked.invalidate()


def test_a_table_round_trips_on_every_backend(db_url):
    engine = sa.create_engine(db_url)
    tickets = sa.Table(
        "ticket", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("content", sa.Text)
    )
    tickets.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(tickets.insert(), [{"id": 1, "content": "路灯不亮"}, {"id": 2, "content": "噪音扰民"}])
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tickets.c.id, tickets.c.content).order_by(tickets.c.id)).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(1, "路灯不亮"), (2, "噪音扰民")]
    assert engine.dialect.name == db_url.split(":")[0].split("+")[0]


def _run_inner_pytest(ci: str) -> subprocess.CompletedProcess[str]:
    """Run the PostgreSQL round-trip test in a child pytest that cannot find any PostgreSQL binaries."""
    env = {**os.environ, HIDE_BINARIES_ENV: "1", "CI": ci}
    node = f"{Path(__file__).relative_to(REPO_ROOT)}::test_a_table_round_trips_on_every_backend[postgresql]"
    # One process: the suite's addopts would start a worker per core for this single test.
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", node]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_without_server_binaries_the_postgres_tests_fail_in_ci():
    result = _run_inner_pytest(ci="true")
    assert result.returncode == 1, result.stdout + result.stderr
    # The skip happens in the fixture's set-up, so pytest counts the failure as an error.
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "skipping a `postgres` test is a failure in CI" in result.stdout


def test_without_server_binaries_the_postgres_tests_are_skipped_outside_ci():
    result = _run_inner_pytest(ci="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "PostgreSQL tests need a PostgreSQL server" in result.stdout
