"""pm4py is AGPL: it may check our output in tests, but the package must never need it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pm4py_is_not_a_dependency_of_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("pm4py")]


def test_no_module_of_the_package_imports_pm4py():
    importing = [p for p in (ROOT / "src").rglob("*.py")
                 if re.search(r"^\s*(import|from)\s+pm4py", p.read_text(encoding="utf-8"), re.M)]
    assert importing == []
