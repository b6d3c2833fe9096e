"""The import graph: `domain` and `text` are leaves (every import, also inside functions, counts)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rexian"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name == "rexian" or name.startswith("rexian.")}


@pytest.mark.parametrize("leaf", ["domain", "text"])
def test_a_leaf_package_imports_nothing_of_rexian_outside_itself(leaf):
    outside = {f"{path.relative_to(PACKAGE)}: {name}" for path in (PACKAGE / leaf).rglob("*.py")
               for name in _imports(path) if not name.startswith(f"rexian.{leaf}")}
    assert not outside, sorted(outside)


def test_no_absolute_path_of_a_machine_is_written_in_the_code():
    found = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if any(marker in path.read_text(encoding="utf-8") for marker in ('"/work/', "'/work/", '"/home/'))]
    assert not found, found
