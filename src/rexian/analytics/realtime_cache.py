"""The real-time evaluator's compiled statements, kept between processes.

Building a `RealtimeEvaluator` compiles every real-time rule through Ibis and narrows its SQL with sqlglot:
5–12 CPU seconds, paid by every process that judges events (the server at start, a benchmark, a test). What
the build leaves is DuckDB statements (tables, views, prepared statements) and what the evaluator knows of
them (which columns each reads, which statement serves which rules). All of it follows from the rules' code,
their parameters and the Ibis, sqlglot and DuckDB versions, so it is kept in a file keyed by a digest of
those, in this code's set of the analysis cache (setting `analysis_cache_dir`, `remembered.version_set`),
and a new process replays the statements instead of compiling (docs/realtime.md, "Speed").

Never trusted blindly: the file starts with a digest of its text and names what it was built from, and the
evaluator checks the replay (the catalog it gives, the rules it knows). A file that fails any check — damaged,
built from other rules or versions, refused by DuckDB — is ignored with a warning, and the evaluator is
compiled and stored again. Written to a temporary file and renamed (`remembered.store`), so concurrent
writers leave one whole file, never a mixture.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

from rexian.analytics.registry import code_digest, remember_catalogue
from rexian.analytics.remembered import compiler_versions, read_kept, store, touch, version_set

_HEADER = "-- rexian sha256 "
# The layout of the kept build (`RealtimeEvaluator._built`): a new layout is a new key.
FORMAT = 1


class BuiltStatements:
    """The kept build of the real-time evaluator for `config` (the rules' parameters) in `directory`."""

    def __init__(self, directory: str | Path, config: dict[str, Any]):
        import duckdb

        # As JSON gives it back, so that the file's own description compares equal.
        self.described = json.loads(json.dumps({
            "format": FORMAT, "config": config, "code": code_digest(), "compilers": compiler_versions(),
            "duckdb": duckdb.__version__}, sort_keys=True, default=str, ensure_ascii=False))
        key = hashlib.sha256(json.dumps(self.described, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        self.path = version_set(directory) / f"realtime-{key[:24]}.json"

    def read(self) -> dict[str, Any] | None:
        """The kept build, or None: none kept, or one that is damaged or was built from something else
        (a warning says which file was ignored)."""
        try:
            text = read_kept(self.path)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            return self.ignored(f"无法读取（{error}）")
        header, _, body = text.partition("\n")
        if header != _HEADER + _digest(body):
            return self.ignored("已损坏")
        try:
            kept = json.loads(body)
            built, described = kept["built"], kept["described"]
        except (ValueError, TypeError, KeyError):
            return self.ignored("内容无法读取")
        if described != self.described or not isinstance(built, dict):
            return self.ignored("不是按当前的规则、参数与版本编译的")
        touch(self.path)  # used now (a cache set keeps its most recently used files)
        return built

    def write(self, built: dict[str, Any]) -> None:
        """Keep `built` (whole or not at all; a read-only or full disk only costs the next process a build)."""
        body = json.dumps({"described": self.described, "built": built}, ensure_ascii=False, sort_keys=True)
        store(self.path, f"{_HEADER}{_digest(body)}\n{body}")

    def ignored(self, why: str) -> None:
        """Warn that the kept file is not used, and why (the evaluator is compiled and kept again)."""
        warnings.warn(f"实时规则的编译缓存文件{why}，已忽略并重新编译：{self.path}", stacklevel=3)
        return None


def read_rules_from(directory: str | Path) -> None:
    """The rules' declarations read from the catalogue kept beside the compiled statements
    (`registry.remember_catalogue`), and written there by a process that had to import the rule modules:
    called before the evaluator's module is first imported, a process whose build is kept imports neither
    the relational rules nor Ibis and sqlglot (about 0.3 CPU s and their memory)."""
    remember_catalogue(version_set(directory))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
