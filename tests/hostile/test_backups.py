"""Backups restored elsewhere verify; a damaged backup is refused before it is restored."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from support.tampering import closed

from rexian.adapters.keys import keyring_for
from rexian.cli import main
from rexian.service.backup import BackupError, backup, restore
from rexian.service.checkpoints import make_checkpoint


def test_a_sqlite_backup_restored_on_another_machine_with_the_key_file_verifies(make_app, tmp_path, monkeypatch):
    monkeypatch.delenv("REXIAN_KEY_FILE")  # keys beside the database files, as in a real installation
    source = tmp_path / "centre" / "rexian.db"
    source.parent.mkdir()
    app = make_app(f"sqlite:///{source}", key_file=None)
    tickets = [closed(app) for _ in range(3)]
    make_checkpoint(app.engine, app.clock())
    runner = CliRunner()
    made = runner.invoke(main, ["backup", "--db", f"sqlite:///{source}", "--out", str(tmp_path / "b" / "r.db")])
    assert made.exit_code == 0 and "已核验完整" in made.output, made.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(f"{source}.keys", elsewhere / "carried.keys")  # the key file travels on its own
    restored = runner.invoke(main, ["restore", "--db", f"sqlite:///{elsewhere / 'rexian.db'}",
                                    "--keys", str(elsewhere / "carried.keys"), str(tmp_path / "b" / "r.db")])
    assert restored.exit_code == 0 and "已恢复并核验完整" in restored.output, restored.output
    assert runner.invoke(main, ["verify", "--db", f"sqlite:///{elsewhere / 'rexian.db'}"]).exit_code == 0
    shown = runner.invoke(main, ["show", "--db", f"sqlite:///{elsewhere / 'rexian.db'}", tickets[0]])
    assert "Closed" in shown.output


def test_a_backup_changed_after_it_was_made_is_refused(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    closed(app)
    ring = keyring_for(app.engine)
    backup(str(app.engine.url), tmp_path / "copy.db", ring, app.clock())
    with open(tmp_path / "copy.db", "r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00\x01")
    with pytest.raises(BackupError, match="校验和"):
        restore(tmp_path / "copy.db", f"sqlite:///{tmp_path / 'back.db'}", ring)


def test_a_restore_never_overwrites_a_database_unless_told(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    closed(app)
    ring = keyring_for(app.engine)
    backup(str(app.engine.url), tmp_path / "copy.db", ring, app.clock())
    with pytest.raises(BackupError, match="已存在"):
        restore(tmp_path / "copy.db", str(app.engine.url), ring)


@pytest.mark.postgres
def test_a_postgresql_backup_restored_into_another_database_verifies(make_app, postgres_server, tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    with postgres_server.fresh_database() as source_url, postgres_server.fresh_database() as target_url:
        app = make_app(source_url)
        tickets = [closed(app) for _ in range(2)]
        make_checkpoint(app.engine, app.clock())
        ring = keyring_for(app.engine)
        made = backup(source_url, tmp_path / "centre.dump", ring, app.clock())
        app.engine.dispose()
        assert made.manifest["kind"] == "pg_dump"
        report = restore(tmp_path / "centre.dump", target_url, ring)
        assert report.intact, report.lines()
        assert report.tickets == len(tickets) and report.checkpoints == 1


def _caller(url, ticket_id):
    from sqlalchemy import create_engine

    from rexian.adapters.personal import caller_details

    engine = create_engine(url)
    with engine.connect() as connection:
        found = caller_details(connection, ticket_id)
    engine.dispose()
    return found


def test_a_backup_older_than_an_erasure_is_named_by_verify_and_the_restore_erases_again(make_app, tmp_path,
                                                                                       monkeypatch):
    """Erase, restore the backup made before: `verify` names the tickets whose details came back (the erasure
    ledger beside the key file); `rexian restore` erases them again before it verifies, here on another machine
    with the key file and its ledger carried."""
    from datetime import timedelta

    from rexian.service.personal import erase_expired_personal_data

    monkeypatch.delenv("REXIAN_KEY_FILE")
    source = tmp_path / "centre" / "rexian.db"
    source.parent.mkdir()
    app = make_app(f"sqlite:///{source}", key_file=None)
    finished, other = closed(app), closed(app)
    ring = keyring_for(app.engine)
    backup(str(app.engine.url), tmp_path / "before.db", ring, app.clock())
    later = app.clock() + timedelta(days=int(app.settings["personal_data_retention_days"]) + 1)
    assert erase_expired_personal_data(app, "X01", now=later) == [finished, other]
    assert _caller(str(app.engine.url), finished) is None
    app.engine.dispose()

    # The old backup restored without the repair (as a database administrator could): details back, named.
    old = f"sqlite:///{tmp_path / 'restored.db'}"
    report = restore(tmp_path / "before.db", old, ring)
    assert _caller(old, finished) is not None
    assert not report.intact and {finished, other} <= set(report.damaged_streams())
    assert any("擦除清单" in line and finished in line for line in report.lines())

    # `rexian restore` erases them again before it verifies.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(f"{source}.keys", elsewhere / "carried.keys")
    shutil.copy(f"{source}.keys.erasures", elsewhere / "carried.keys.erasures")
    there = f"sqlite:///{elsewhere / 'rexian.db'}"
    restored = CliRunner().invoke(main, ["restore", "--db", there, "--keys", str(elsewhere / "carried.keys"),
                                         str(tmp_path / "before.db")])
    assert restored.exit_code == 0 and "已再次删除" in restored.output and "已恢复并核验完整" in restored.output, \
        restored.output
    assert _caller(there, finished) is None and _caller(there, other) is None
    assert CliRunner().invoke(main, ["verify", "--db", there]).exit_code == 0


def test_an_erasure_ledger_line_rewritten_is_named_and_not_trusted(make_app, tmp_path, monkeypatch):
    from datetime import timedelta

    from rexian.service.personal import erase_expired_personal_data
    from rexian.service.verify import verify_database

    monkeypatch.delenv("REXIAN_KEY_FILE")
    app = make_app(f"sqlite:///{tmp_path / 'r.db'}", key_file=None)
    finished = closed(app)
    later = app.clock() + timedelta(days=int(app.settings["personal_data_retention_days"]) + 1)
    assert erase_expired_personal_data(app, now=later) == [finished]
    ledger = tmp_path / "r.db.keys.erasures"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(finished, finished + "X"), encoding="utf-8")
    report = verify_database(app.engine)
    assert not report.intact and any("擦除清单第1行" in line for line in report.lines())
