"""Queries run from remembered SQL text, without building their Ibis expressions.

A warm analysis of a small log spent about a second importing Ibis (with sqlglot) only to build expressions
whose SQL it had already remembered. Here each query of a run has a name (a rule's id, `tk`, `metrics-单位`,
…) and a key that is known before any expression exists: the query's name and parameters, the analysis
time, the tables' columns, the code the SQL follows from (`registry.code_digest`: the analytics modules and
the vocabulary) and the Ibis and sqlglot versions. A file of that key holds the SQL; it is executed straight
on DuckDB. On a miss the expression is built and compiled through Ibis and the SQL stored for the next run.

Each file starts with a digest of its SQL: a file changed or damaged by anything but this module is ignored
with a warning and compiled again, as is a remembered statement DuckDB refuses.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import stat
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from rexian.analytics.registry import code_digest

_HEADER = "-- rexian sha256 "
# The cache directory holds one set (a subdirectory) per version of the code the SQL follows from: a set of
# another version is never read again, so only the most recently used few are kept (two checkouts analysing
# in turn each keep theirs), and one set holds at most so many files (a key covers the analysis time too:
# each newer log is a new file per query), the least recently used removed first.
KEPT_VERSIONS = 3
KEPT_FILES = 2000
_VERSION_SET = re.compile(r"v-[0-9a-f]{16}")
# Files of the layout before sets (all in the directory itself): never read any more.
_UNVERSIONED = re.compile(r"(query-[0-9a-f]{32}|.+-[0-9a-f]{24})\.sql|(rules|text-answers)-[0-9a-f]{24}\.json")


class ForeignFile(OSError):
    """A kept file that someone other than this process's user (or root) could have written: not read."""


def read_kept(path: Path) -> str:
    """The text of a file kept in the analysis cache, read only when nobody but this process's user (or root)
    could have written it. A kept file is SQL that DuckDB executes — which can read and write files, the key file
    among them — or names the code a rule calls: one planted in the cache directory by another user must never run.
    Its digest line does not tell (anyone can compute a sha256), so the file and every directory above it must be
    owned by this user or root and not writable by group or others (a directory may be, if sticky, as /tmp is).
    Raises ForeignFile (an OSError, with the reason in Chinese) otherwise. What this user wrote cannot be told from
    what the server wrote: whoever runs as the server's user can change its code as well (docs/trust.md)."""
    problem = _foreign_writer(Path(path))
    if problem:
        raise ForeignFile(f"分析缓存文件{problem}，可能不是本系统写入的，已忽略并重新编译：{path}")
    return Path(path).read_text(encoding="utf-8")


def _foreign_writer(path: Path) -> str | None:
    if os.name != "posix":  # ownership and mode bits as below exist on POSIX only
        return None
    me = os.geteuid()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise
    except OSError:
        return None  # unreadable: the read itself says so
    if info.st_uid not in (me, 0):
        return f"属于另一用户（uid {info.st_uid}）"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "可被其他用户改写"
    for directory in Path(os.path.realpath(path)).parents:
        try:
            info = os.stat(directory)
        except OSError:
            return f"所在目录无法检查：{directory}"
        if info.st_uid not in (me, 0):
            return f"所在目录属于另一用户（uid {info.st_uid}）：{directory}"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
            return f"所在目录可被其他用户写入：{directory}"
    return None


def store(path: Path, text: str) -> None:
    """Written whole or not at all (a concurrent run may write the same file); a read-only or full disk only
    costs the next run a compile."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass


@lru_cache(maxsize=1)
def compiler_versions() -> str:
    """The Ibis and sqlglot versions, read from their files without importing either (importing Ibis is what
    a warm run avoids)."""
    found = []
    for package, file in (("ibis", "__init__.py"), ("sqlglot", "_version.py")):
        spec = importlib.util.find_spec(package)
        folder = Path(spec.origin).parent if spec is not None and spec.origin else None
        try:
            text = (folder / file).read_text(encoding="utf-8") if folder else ""
        except OSError:
            text = ""
        version = re.search(r"""__version__\s*=\s*(?:version\s*=\s*)?['"]([^'"]+)['"]""", text)
        found.append(f"{package}={version.group(1) if version else 'unknown'}")
    return ",".join(found)


def version_set(directory: str | Path) -> Path:
    """The subdirectory of `directory` for this code (`registry.code_digest`) and these Ibis and sqlglot
    versions, marked as used now; the other versions' sets beyond the newest `KEPT_VERSIONS`, files of this
    set beyond `KEPT_FILES` and the files of the former flat layout are removed (on a read-only or missing
    directory nothing is)."""
    root = Path(directory)
    version = hashlib.sha256(f"{code_digest()}|{compiler_versions()}".encode()).hexdigest()[:16]
    current = root / f"v-{version}"
    try:
        os.utime(current)  # most recently used (a new file in it moves its time too)
    except OSError:
        pass
    _prune(root, current)
    return current


def _prune(root: Path, current: Path) -> None:
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    sets = [entry for entry in entries if entry.is_dir() and _VERSION_SET.fullmatch(entry.name)
            and entry.path != str(current)]
    for old in sorted(sets, key=_used, reverse=True)[KEPT_VERSIONS - 1:]:
        shutil.rmtree(old.path, ignore_errors=True)
    for entry in entries:
        if entry.is_file() and _UNVERSIONED.fullmatch(entry.name):
            _remove(entry.path)
    try:
        files = [entry for entry in os.scandir(current) if entry.is_file()]
    except OSError:
        return
    if len(files) > KEPT_FILES:
        for entry in sorted(files, key=_used)[:len(files) - KEPT_FILES]:
            _remove(entry.path)


def _used(entry: os.DirEntry) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def touch(path: Path) -> None:
    """Mark a remembered file as used now (the least recently used are the first removed)."""
    try:
        os.utime(path)
    except OSError:
        pass


class RememberedSQL:
    """The SQL of a run's named queries, kept in `directory` between runs."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._columns: tuple[Any, list] | None = None  # (connection, its tables' columns), read once

    def execute(self, raw: Any, name: str, parts: list[Any], compile: Callable[[], str],
                before: Callable[[str], None] | None = None, run: Callable[[str], Any] | None = None) -> Any:
        """Execute the remembered SQL of `name` on the DuckDB connection `raw` (compiling and storing it first
        when there is none for this key) and return DuckDB's result, or `run(sql)`'s. `before(sql)` runs
        before remembered SQL is executed (e.g. to make the tables it reads). `compile` compiles through
        `tables.plain_compile`: the SQL is remembered under its name only."""
        run = run or raw.execute
        path = self.directory / f"{name}-{self.key(raw, name, parts)}.sql"
        sql = self._read(path)
        if sql is not None:
            try:
                if before is not None:
                    before(sql)
                return run(sql)
            except Exception as error:  # DuckDB's errors (a damaged or foreign statement): compiled again
                warnings.warn(f"分析缓存中的 SQL 无法执行，已忽略并重新编译：{path}（{error}）", stacklevel=2)
        sql = compile()
        result = run(sql)
        store(path, f"{_HEADER}{_digest(sql)}\n{sql}")
        return result

    def key(self, raw: Any, name: str, parts: list[Any]) -> str:
        if self._columns is None or self._columns[0] is not raw:
            self._columns = (raw, table_columns(raw))
        described = [name, parts, self._columns[1], code_digest(), compiler_versions()]
        return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest()[:24]

    def tables_changed(self) -> None:
        """A table the keys describe was created: its columns are read again for the next key."""
        self._columns = None

    @staticmethod
    def _read(path: Path) -> str | None:
        try:
            text = read_kept(path)
        except ForeignFile as refused:
            warnings.warn(str(refused), stacklevel=3)
            return None
        except OSError:  # none remembered (or no cache directory to read): compiled
            return None
        except UnicodeDecodeError:
            text = ""  # damaged: fails the digest below
        header, _, sql = text.partition("\n")
        if header != f"{_HEADER}{_digest(sql)}":
            warnings.warn(f"分析缓存文件已损坏，已忽略并重新编译：{path}", stacklevel=3)
            return None
        touch(path)
        return sql


def _digest(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def table_columns(raw: Any) -> list[tuple[str, str, str]]:
    """The columns of the tables the queries read (the prepared ones, not the raw input)."""
    rows = raw.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_name IN ('ev', 'tk', 'tickets', 'calls', 'agent_status')").fetchall()
    return sorted(tuple(row) for row in rows)
