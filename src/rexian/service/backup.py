"""Backups (docs/trust.md): SQLite through its online backup API (consistent while the centre keeps working),
PostgreSQL through its own tools (pg_dump custom format, pg_restore). Every restore is verified with the
server's key before it is reported good; the key file is never inside a backup (keep it apart).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import make_url

from rexian.adapters.database import make_engine
from rexian.adapters.keys import KeyRing
from rexian.service.verify import VerifyReport, verify_database


class BackupError(Exception):
    """A backup or restore that could not be made (one clear line)."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    report: VerifyReport


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(parsed.database)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise BackupError(f"找不到 PostgreSQL 工具 {name}（请安装 postgresql-client）")
    return found


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(url: str, out: Path, keyring: KeyRing, now: datetime) -> BackupResult:
    """Write a backup of the database at `url` to `out` (+ `out`.manifest.json), then verify the copy."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"备份文件已存在：{out}（备份不覆盖旧备份）")
    out.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path(url)
    if source is not None:
        if not source.exists():
            raise BackupError(f"数据库不存在：{source}")
        # closed here (sqlite3's `with` only ends a transaction): a connection left to the garbage collector kept the
        # file, its WAL and shared memory open, and a restore over it in the same process then failed (disk I/O error)
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(out)) as copy:
            live.backup(copy)
        copy_url = f"sqlite:///{out}"
    else:
        done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), _libpq(url)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:200]}")
        copy_url = None
    report = _verify(copy_url, keyring) if copy_url else VerifyReport()
    # The log's last number in the copy (PostgreSQL: read after the dump, so at least the copy's): a restore over a
    # database further on is refused unless the newer records are to be given up (`restore(discard_newer=…)`).
    log_seq = _log_number(copy_url or url)
    manifest = {"log_seq": log_seq, "made_at": now.isoformat(timespec="seconds"), "database": make_url(url).render_as_string(),
                "kind": "sqlite" if source is not None else "pg_dump", "bytes": out.stat().st_size,
                "sha256": _digest(out), "key_ids": sorted(keyring.keys),
                "verified": report.intact if copy_url else None, "events": report.events, "tickets": report.tickets}
    Path(f"{out}.manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return BackupResult(out, manifest, report)


def restore(backup_path: Path, url: str, keyring: KeyRing, force: bool = False,
            repair: Callable[[str], None] | None = None, discard_newer: bool = False) -> VerifyReport:
    """Restore a backup into the database at `url` and verify it; the backup's checksum is checked first.
    `repair(url)` runs between the two: what the restored database must be brought up to (the erasures of the
    ledger kept beside the key file, which a backup from before them would undo). Over an existing database
    (`force`) whose log runs further than the backup's, refused unless `discard_newer`: yesterday's copy restored
    over today's database loses today's records, and the restored copy verifies intact (it is a genuine log that
    stopped earlier; only the checkpoints filed since would name it)."""
    backup_path = Path(backup_path)
    if not backup_path.exists():
        raise BackupError(f"备份文件不存在：{backup_path}")
    manifest_path = Path(f"{backup_path}.manifest.json")
    if manifest_path.exists():
        try:  # a truncated or hostile manifest stopped the restore with a traceback (trust13)
            expected = json.loads(manifest_path.read_text(encoding="utf-8")).get("sha256")
        except (OSError, ValueError, AttributeError, RecursionError) as error:
            raise BackupError(f"备份清单无法读取（{type(error).__name__}）：{manifest_path}") from None
        if not isinstance(expected, str) or not expected:
            raise BackupError(f"备份清单中没有校验和（清单被改动）：{manifest_path}")
        if expected != _digest(backup_path):
            raise BackupError(f"备份文件与其清单的校验和不符（文件损坏或被改动）：{backup_path}")
    target = _sqlite_path(url)
    if target is None or (target.exists() and target.stat().st_size):
        _refuse_losing_newer(backup_path, url, target is None, discard_newer)
    if target is not None:
        if target.exists() and target.stat().st_size and not force:
            raise BackupError(f"目标数据库已存在：{target}（确认覆盖请加 --force）")
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with closing(sqlite3.connect(backup_path)) as saved, closing(sqlite3.connect(target)) as live:
            saved.backup(live)
    else:
        command = [_tool("pg_restore"), "--no-owner", "--dbname", _libpq(url)]
        if force:
            command[1:1] = ["--clean", "--if-exists"]
        done = subprocess.run([*command, str(backup_path)], capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:200]}")
    if repair is not None:
        repair(url)
    return _verify(url, keyring)


_LOG_COUNTER = "SELECT value FROM counters WHERE name = 'log'"


def _log_number(url: str) -> int | None:
    """The `log` counter of the database at `url` (the last number on the global log sequence), or None. An SQLite
    file is opened read-only (a backup is an archive: nothing may touch it)."""
    path = _sqlite_path(url)
    try:
        if path is not None:
            if not path.exists():
                return None
            # closed here (sqlite3's `with` only ends the transaction): the restore replaces the file next
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
                row = connection.execute(_LOG_COUNTER).fetchone()
            value = row[0] if row else 0
        else:
            from sqlalchemy import text

            engine = make_engine(url)
            try:
                with engine.connect() as connection:
                    value = connection.execute(text(_LOG_COUNTER)).scalar() or 0
            finally:
                engine.dispose()
        return int(value)
    except Exception:  # noqa: BLE001 - no such table yet, or a value no counter holds: nothing to compare
        return None


def _refuse_losing_newer(backup_path: Path, url: str, postgres: bool, discard_newer: bool) -> None:
    if discard_newer:
        return
    live = _log_number(url)
    if postgres:  # a pg_dump file cannot be read without restoring it: its manifest says where its log ended
        try:
            kept = json.loads(Path(f"{backup_path}.manifest.json").read_text(encoding="utf-8")).get("log_seq")
        except (OSError, ValueError, AttributeError, RecursionError):
            kept = None
    else:
        kept = _log_number(f"sqlite:///{backup_path}")
    if isinstance(live, int) and isinstance(kept, int) and live > kept:
        raise BackupError(f"目标数据库比备份新：其日志已到第{live}号，备份只到第{kept}号，覆盖将丢失其后的"
                          f"{live - kept}条记录（事件、审计记录等）。确需回退到这份备份时请加 --discard-newer")


def _verify(url: str, keyring: KeyRing) -> VerifyReport:
    engine = make_engine(url)
    try:
        return verify_database(engine, keyring=keyring)
    finally:
        engine.dispose()
