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
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from rexian.analytics.registry import code_digest

_HEADER = "-- rexian sha256 "


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


class RememberedSQL:
    """The SQL of a run's named queries, kept in `directory` between runs."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._columns: tuple[Any, list] | None = None  # (connection, its tables' columns), read once

    def execute(self, raw: Any, name: str, parts: list[Any], compile: Callable[[], str],
                before: Callable[[str], None] | None = None, run: Callable[[str], Any] | None = None) -> Any:
        """Execute the remembered SQL of `name` on the DuckDB connection `raw` (compiling and storing it first
        when there is none for this key) and return DuckDB's result, or `run(sql)`'s. `before(sql)` runs
        before remembered SQL is executed (e.g. to make the tables it reads)."""
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
            text = path.read_text(encoding="utf-8")
        except OSError:  # none remembered (or no cache directory to read): compiled
            return None
        except UnicodeDecodeError:
            text = ""  # damaged: fails the digest below
        header, _, sql = text.partition("\n")
        if header != f"{_HEADER}{_digest(sql)}":
            warnings.warn(f"分析缓存文件已损坏，已忽略并重新编译：{path}", stacklevel=3)
            return None
        return sql


def _digest(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def table_columns(raw: Any) -> list[tuple[str, str, str]]:
    """The columns of the tables the queries read (the prepared ones, not the raw input)."""
    rows = raw.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_name IN ('ev', 'tk', 'tickets', 'calls', 'agent_status')").fetchall()
    return sorted(tuple(row) for row in rows)
