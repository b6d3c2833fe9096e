"""The analysis cache keeps only what a warm run reads: each query's SQL once, under its name, in a set per
version of the code; the sets of other versions beyond the newest few, the files of the former flat layout
and a set's least recently used files beyond its bound are removed."""

import os
import time
from pathlib import Path

import rexian.analytics.remembered as remembered_module
from rexian.analytics.analyze import analyze
from rexian.analytics.config import load_config
from rexian.analytics.engine import CompiledRules
from tests.analytics.test_remembered_sql import _log, _tables


def _files(directory: Path) -> set[str]:
    return {str(path.relative_to(directory)) for path in directory.rglob("*") if path.is_file()}


def test_every_file_a_cold_analysis_writes_is_read_by_the_warm_one(tmp_path, monkeypatch):
    config = load_config()
    data, compiled = _tables(_log(), tmp_path)
    analyze(data, config, compiled=compiled)
    written = _files(tmp_path)
    read: set[str] = set()
    read_text = Path.read_text

    def recording(path, *args, **kwargs):
        if path.is_relative_to(tmp_path):
            read.add(str(path.relative_to(tmp_path)))
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", recording)
    data, compiled = _tables(_log(), tmp_path)
    analyze(data, config, compiled=compiled)

    assert len(written) >= 20 and not [name for name in written if "query-" in name]
    # (the rules' declarations are read once per process, and this process has read them already)
    assert {name for name in written - read if "/rules-" not in name} == set()
    assert _files(tmp_path) == written  # the warm run wrote nothing


def _aged(path: Path, days_ago: float) -> None:
    moment = time.time() - days_ago * 86400
    os.utime(path, (moment, moment))


def test_the_sets_of_other_code_versions_beyond_the_newest_few_and_the_flat_layout_s_files_are_removed(
        tmp_path, monkeypatch):
    code_digest = remembered_module.code_digest
    sets = []
    for age, version in enumerate(["older code 1", "older code 2", "older code 3", "older code 4"]):
        monkeypatch.setattr(remembered_module, "code_digest", lambda version=version: version)
        directory = CompiledRules(tmp_path).directory
        remembered_module.store(directory / "BP-CYCLE-0123456789abcdef01234567.sql", "SELECT 1")
        _aged(directory, days_ago=age + 1)  # "older code 1" was used last
        sets.append(directory.name)
    flat = ["query-0123456789abcdef0123456789abcdef.sql", "tk-0123456789abcdef01234567.sql",
            "rules-0123456789abcdef01234567.json", "text-answers-0123456789abcdef01234567.json"]
    for name in [*flat, "notes.txt"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "own-folder").mkdir()
    monkeypatch.setattr(remembered_module, "code_digest", code_digest)

    current = CompiledRules(tmp_path).directory
    remembered_module.store(current / "BP-CYCLE-0123456789abcdef01234567.sql", "SELECT 1")

    kept = {path.name for path in tmp_path.iterdir()}
    assert kept == {current.name, sets[0], sets[1], "notes.txt", "own-folder"}
    assert remembered_module.KEPT_VERSIONS == 3


def test_a_set_keeps_its_most_recently_used_files_up_to_its_bound_and_a_read_marks_a_file_used(
        tmp_path, monkeypatch):
    config = load_config()
    data, compiled = _tables(_log(), tmp_path)
    analyze(data, config, compiled=compiled)
    remembered = sorted(compiled.directory.glob("*.sql"))
    for path in remembered:
        _aged(path, days_ago=30)
    data, compiled = _tables(_log(), tmp_path)
    analyze(data, config, compiled=compiled)  # a warm run reads (so marks) every one of them
    assert all(path.stat().st_mtime > time.time() - 3600 for path in remembered)

    for number in range(5):
        path = compiled.directory / f"tk-{number:024x}.sql"
        path.write_text("-- an older log's ticket facts", encoding="utf-8")
        _aged(path, days_ago=10 - number)
    monkeypatch.setattr(remembered_module, "KEPT_FILES", len(_files(compiled.directory)) - 3)
    CompiledRules(tmp_path)

    left = {path.name for path in compiled.directory.iterdir()}
    assert {path.name for path in remembered} <= left
    assert sorted(name for name in left if name.startswith("tk-00")) == [f"tk-{n:024x}.sql" for n in (3, 4)]
