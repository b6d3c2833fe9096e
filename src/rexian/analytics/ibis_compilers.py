"""Ibis' SQL compilers, loaded one at a time.

The package `ibis.backends.sql.compilers` imports the compilers of all of Ibis' SQL dialects (about twenty:
Athena, BigQuery, Trino …) when any one of them is asked for, and each builds its translation tables as it
is defined: on a small log that was about a tenth of a whole `rexian analyze` (docs/speed.md, ninth pass).
An analysis needs DuckDB's (Spark's on `--engine spark`). `lazy_compilers()` puts the package in place with
its own `__init__` run except its compiler imports, which become attributes loaded when first named — the
same names from the same modules (`sc.DuckDBCompiler`, `sc.duckdb`, `from … import PySparkCompiler`), so
Ibis and every compiled statement are as before. An `__init__` of another shape is left to load as written.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

PACKAGE = "ibis.backends.sql.compilers"
_IMPORT = re.compile(rf"^from {re.escape(PACKAGE)}\.(\w+) import (\w+)\n", re.MULTILINE)


def lazy_compilers() -> None:
    """Install the package with its compilers deferred (once; nothing if it is already imported)."""
    if PACKAGE in sys.modules:
        return
    import ibis.backends.sql as parent  # Ibis itself (its SQL backends' base), which the caller needs anyway

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None or not spec.submodule_search_locations:
        return
    source = Path(spec.origin).read_text(encoding="utf-8")
    deferred = {name: module for module, name in _IMPORT.findall(source)}
    rest = _IMPORT.sub("", source)
    if not deferred or re.search(r"^\s*(from|import)\s+(?!__future__)", rest, re.MULTILINE):
        return  # not only the compiler imports and `__all__`: load it as it is
    submodules = {info.name for info in pkgutil.iter_modules(spec.submodule_search_locations)}
    package = importlib.util.module_from_spec(spec)

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module's attribute hook (PEP 562)
        if name in deferred:
            value = getattr(importlib.import_module(f"{PACKAGE}.{deferred[name]}"), name)
            setattr(package, name, value)
            return value
        if name in submodules:
            return importlib.import_module(f"{PACKAGE}.{name}")  # the import sets it on the package
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")

    sys.modules[PACKAGE] = package
    try:
        exec(compile(rest, spec.origin, "exec"), package.__dict__)  # noqa: S102 - the package's own code
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    package.__getattr__ = __getattr__  # type: ignore[attr-defined]
    parent.compilers = package  # type: ignore[attr-defined]
