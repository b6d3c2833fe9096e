"""A throw-away PostgreSQL cluster for one test session.

The cluster lives in a temporary directory, listens only on 127.0.0.1 (a free port) and on a unix
socket inside that directory, trusts every local connection and runs without durability
(fsync/synchronous_commit/full_page_writes off): it exists to be fast and is deleted at the end.

PostgreSQL refuses to run as root, so when the tests run as root the server binaries are run as an
unprivileged user (Debian's ``postgres`` user, or a system user created on the spot) via ``runuser``.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

# Set to a non-empty value to pretend no PostgreSQL is installed (used to test the CI skip->fail rule).
HIDE_BINARIES_ENV = "REXIAN_TEST_HIDE_POSTGRES"
# Optional explicit directory holding initdb/pg_ctl/postgres.
BINDIR_ENV = "REXIAN_TEST_PG_BINDIR"
FALLBACK_SYSTEM_USER = "rexian-pg"

_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (the caller decides: skip or fail)."""


def find_bindir() -> Path | None:
    """Directory holding initdb, pg_ctl and postgres: env override, then PATH, then Debian's layout."""
    if os.environ.get(HIDE_BINARIES_ENV):
        return None
    candidates: list[Path] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(Path(os.environ[BINDIR_ENV]))
    on_path = shutil.which("initdb")
    if on_path:
        # Resolve symlinks so that postgres/pg_ctl are taken from the same installation.
        candidates.append(Path(on_path).resolve().parent)
    # Debian installs server binaries off PATH, one directory per major version: newest first.
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    debian.sort(key=lambda d: int(re.sub(r"\D", "", Path(d).parent.name) or 0), reverse=True)
    candidates += [Path(d) for d in debian]
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def _server_user() -> str | None:
    """The unprivileged user to run the server as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_SYSTEM_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_SYSTEM_USER],
        check=True,
        capture_output=True,
    )
    return FALLBACK_SYSTEM_USER


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    bindir: Path
    root: Path  # temp dir: data directory, unix socket and log
    os_user: str | None  # None: runs as the current (non-root) user
    db_user: str  # the cluster's superuser (same name as the OS user that ran initdb)
    port: int = 0
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL of one database of this server."""
        return f"postgresql+psycopg://{self.db_user}@127.0.0.1:{self.port}/{dbname}"

    def connect_admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.db_user, dbname="postgres", autocommit=True
        )

    def create_database(self, prefix: str = "t") -> str:
        """Create a fresh, empty database (copy of template0) and return its name."""
        name = f"{prefix}_{next(self._names)}_{uuid.uuid4().hex[:8]}"
        with self.connect_admin() as conn:
            # FILE_COPY (PostgreSQL 15+) copies the tiny template about 3x faster than the default WAL_LOG.
            strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'{strategy}')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, even if a test left connections open."""
        with self.connect_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def fresh_database(self, prefix: str = "t") -> Iterator[str]:
        """A new empty database for the duration of the block; yields its SQLAlchemy URL."""
        name = self.create_database(prefix)
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def server_pid(self) -> int:
        return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        # cwd inside our own directory: the unprivileged user may not be able to read root's cwd.
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        return subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-3000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n{log}")

    def _init_cluster(self) -> None:
        result = self._run(
            "initdb", "-D", str(self.data_dir), "--username", self.db_user, "--auth", "trust",
            "--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        self._check(result, "initdb")
        settings = dict(_SERVER_SETTINGS, unix_socket_directories=f"'{self.root}'")
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# rexian test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _start(self) -> None:
        # The free port can be taken between probing and binding: try a few.
        for _attempt in range(5):
            self.port = _free_port()
            result = self._run(
                "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                "-l", str(self.log_file), "-o", f"-p {self.port}",
            )  # fmt: skip
            if result.returncode == 0:
                return
        self._check(result, "pg_ctl start")

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is worth keeping) and delete its files."""
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PostgresServer:
    """Start a throw-away cluster. Raises PostgresUnavailable when no server binaries are installed."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in /usr/lib/postgresql/*/bin;"
            " install the Debian package `postgresql`"
        )
    os_user = _server_user()
    # The unprivileged user must be able to reach the directory: /tmp, not a root-only TMPDIR.
    root = Path(tempfile.mkdtemp(prefix="rexian-pg-", dir="/tmp" if os_user else None))
    if os_user:
        entry = pwd.getpwnam(os_user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    db_user = os_user or pwd.getpwuid(os.geteuid()).pw_name
    server = PostgresServer(bindir=bindir, root=root, os_user=os_user, db_user=db_user)
    atexit.register(server.stop)  # also clean up if the session dies before its teardown
    try:
        server._init_cluster()
        server._start()
    except BaseException:
        server.stop()
        raise
    return server
