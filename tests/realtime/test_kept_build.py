"""The real-time evaluator's compiled statements are kept between processes (`analytics/realtime_cache.py`):
a second evaluator replays them instead of compiling, finds exactly what a compiled one finds, and a kept
build that is damaged, built from something else or refused by DuckDB is never trusted: it is ignored with a
warning and compiled and kept again."""

import threading
import warnings

import pandas as pd
import pytest
from realtime.lives import populate
from realtime.parity import comparable

from rexian.analytics.config import load_config
from rexian.analytics.realtime import RealtimeEvaluator
from rexian.analytics.realtime_cache import BuiltStatements


@pytest.fixture(scope="module")
def kept(tmp_path_factory):
    """A compiled evaluator that kept its build in a cache directory of its own."""
    directory = tmp_path_factory.mktemp("kept-build")
    return directory, RealtimeEvaluator(load_config(), cache_dir=directory)


@pytest.fixture
def no_compiling(monkeypatch):
    """Building (compiling the rules) made to fail: an evaluator made now must come from the kept build."""
    def refuse(self):
        raise AssertionError("compiled although a build was kept")

    monkeypatch.setattr(RealtimeEvaluator, "_build", refuse)


def _findings(evaluator, events, tickets, as_of, only=None):
    found = evaluator.evaluate(events.to_dict("records"), tickets.to_dict("records"), as_of, only=only)
    return {f.finding_key: comparable(f.as_dict()) for f in found}


def _counting_builds(monkeypatch):
    built = []
    build = RealtimeEvaluator._build

    def counted(self):
        built.append(1)
        return build(self)

    monkeypatch.setattr(RealtimeEvaluator, "_build", counted)
    return built


def _rewritten(path, change):
    """The kept file with its body changed by `change` and its digest made to match again (so only the
    evaluator's own checks of the replay can catch it)."""
    import hashlib

    header, _, body = path.read_text(encoding="utf-8").partition("\n")
    body = change(body)
    path.write_text(f"-- rexian sha256 {hashlib.sha256(body.encode()).hexdigest()}\n{body}", encoding="utf-8")


def test_an_evaluator_made_from_the_kept_build_compiles_nothing_and_finds_exactly_what_a_compiled_one_finds(
        make_app, tmp_path, kept, no_compiling):
    directory, compiled = kept
    app = make_app(f"sqlite:///{tmp_path / 'k.db'}")
    populate(app, tickets=8, seed=11)
    events, tickets = pd.read_sql_table("events", app.engine), pd.read_sql_table("tickets", app.engine)

    restored = RealtimeEvaluator(load_config(), cache_dir=directory)

    as_of = pd.Timestamp(events["at"].max()).to_pydatetime()
    whole = _findings(restored, events, tickets, as_of)
    assert len({f["rule_id"] for f in whole.values()}) >= 8  # relational and text rules both found something
    assert whole == _findings(compiled, events, tickets, as_of)
    compared = 0
    for ticket_id, own in events.groupby("ticket_id"):  # each action's combined statement and narrowed refills
        rows = tickets[tickets["ticket_id"] == ticket_id]
        as_of = pd.Timestamp(own["at"].max()).to_pydatetime()
        for action in own["action"].unique():
            rules = restored.rules_for([action])
            assert _findings(restored, own, rows, as_of, rules) == _findings(compiled, own, rows, as_of, rules)
            compared += bool(rules)
    assert compared >= 20
    assert restored.sql == compiled.sql and restored.reads == compiled.reads


def test_a_damaged_kept_build_is_ignored_with_a_warning_then_compiled_and_kept_again(tmp_path, monkeypatch):
    first = RealtimeEvaluator(load_config(), cache_dir=tmp_path)
    path = BuiltStatements(tmp_path, load_config()).path
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # e.g. a disk filled while another program wrote it
    built = _counting_builds(monkeypatch)

    with pytest.warns(UserWarning, match="已损坏"):
        again = RealtimeEvaluator(load_config(), cache_dir=tmp_path)

    assert built == [1]
    assert path.read_bytes() == whole  # kept again, whole
    assert again.sql == first.sql


@pytest.mark.parametrize("change, why", [
    # A table the build never made: the replayed catalog differs from the one the build saw.
    (lambda body: body.replace('"SET enable_progress_bar = false"', '"CREATE TABLE stale (ts BIGINT)"'), "表结构"),
    # A statement this DuckDB refuses.
    (lambda body: body.replace("PREPARE clear_tk AS DELETE FROM tk", "PREPARE clear_tk AS DELETE FROM tk_gone"),
     "tk_gone"),
    # A rule the build does not know (kept by other code): what the evaluator knows must cover its rules.
    (lambda body: body.replace('"BP-PINGPONG"', '"BP-PINGPONG-OLD"'), "规则"),
])
def test_a_kept_build_whose_replay_does_not_check_out_is_not_trusted_but_compiled_again(kept, tmp_path, monkeypatch,
                                                                                         change, why):
    directory, compiled = kept
    copy = tmp_path / "cache"
    path = BuiltStatements(directory, load_config()).path
    target = BuiltStatements(copy, load_config()).path
    target.parent.mkdir(parents=True)
    target.write_bytes(path.read_bytes())
    _rewritten(target, change)
    built = _counting_builds(monkeypatch)

    with pytest.warns(UserWarning, match=why):
        again = RealtimeEvaluator(load_config(), cache_dir=copy)

    assert built == [1]
    assert again.sql == compiled.sql
    assert target.read_bytes() == path.read_bytes()  # the sound build kept in its place


def test_a_build_kept_for_other_rule_parameters_is_neither_found_nor_taken_for_this_one(kept, tmp_path, monkeypatch):
    directory, _compiled = kept
    config = load_config()
    other = load_config()
    other["rules"]["BP-REJECTED"]["min_rejected"] += 1

    assert BuiltStatements(directory, other).path != BuiltStatements(directory, config).path
    # The other parameters' file put where this one's belongs: it names what it was built from.
    copy = tmp_path / "cache"
    target = BuiltStatements(copy, other).path
    target.parent.mkdir(parents=True)
    target.write_bytes(BuiltStatements(directory, config).path.read_bytes())
    built = _counting_builds(monkeypatch)

    with pytest.warns(UserWarning, match="不是按当前的规则"):
        RealtimeEvaluator(other, cache_dir=copy)

    assert built == [1]


def test_concurrent_writers_of_the_kept_build_leave_one_whole_file_that_readers_never_see_half_written(tmp_path):
    kept = BuiltStatements(tmp_path, load_config())
    builds = [{"statements": [f"-- writer {n} " + "x" * 200_000], "writer": n} for n in range(4)]
    seen, stop = [], threading.Event()

    def write(build):
        for _ in range(15):
            kept.write(build)

    def read():
        while not stop.is_set():
            seen.append(kept.read())

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a damaged file read would warn
        reader = threading.Thread(target=read)
        reader.start()
        writers = [threading.Thread(target=write, args=(build,)) for build in builds]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        stop.set()
        reader.join()

    assert kept.read() in builds
    assert all(found is None or found in builds for found in seen)
    assert [entry.name for entry in kept.path.parent.iterdir()] == [kept.path.name]  # no temporary file left


def test_the_compiled_statements_are_kept_in_the_user_s_own_cache_directory_unless_the_setting_says_where(
        tmp_path, monkeypatch):
    from rexian.settings import analysis_cache_dir, load_settings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert analysis_cache_dir(load_settings(environ={})) == tmp_path / "xdg" / "rexian" / "sql"
    chosen = load_settings(environ={"REXIAN_ANALYSIS_CACHE_DIR": str(tmp_path / "chosen")})
    assert analysis_cache_dir(chosen) == tmp_path / "chosen"


def test_the_server_s_supervision_keeps_its_evaluator_s_build_where_the_setting_says(make_app, tmp_path):
    from rexian.service.supervision import RealtimeSupervision

    app = make_app(f"sqlite:///{tmp_path / 's.db'}", analysis_cache_dir=tmp_path / "cache")
    supervision = RealtimeSupervision.from_settings(app.engine, app.settings)

    assert supervision.cache_dir == tmp_path / "cache"


def test_a_server_whose_evaluator_build_is_kept_loads_neither_ibis_nor_sqlglot_to_judge(tmp_path):
    import subprocess
    import sys

    probe = f"""
import sys
from rexian.bootstrap import bootstrap
from rexian.settings import load_settings
from rexian.service.supervision import RealtimeSupervision
settings = load_settings(overrides={{"analysis_cache_dir": {str(tmp_path / "cache")!r}}}, environ={{}})
app = bootstrap({f"sqlite:///{tmp_path / 'p.db'}"!r}, settings=settings)
RealtimeSupervision.from_settings(app.engine, app.settings).evaluator
print(sorted(name for name in ("ibis", "sqlglot") if name in sys.modules))
"""
    def loaded() -> str:
        return subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout.strip()

    assert loaded() == "['ibis', 'sqlglot']"  # the first process compiles (and keeps the build)
    assert loaded() == "[]"


def test_the_rules_are_read_from_the_catalogue_once_while_pages_and_the_supervision_ask_at_the_same_time(tmp_path):
    # A server reads the rules on its supervision thread (realtime_cache.read_rules_from) while its pages may ask
    # for them: two threads reading the catalogue at once each emptied and refilled the one registry.
    import subprocess
    import sys

    probe = f"""
import sys, threading, time
from rexian.analytics import registry
registry.remember_catalogue({str(tmp_path)!r})
if sys.argv[1] == "write":
    registry.all_rules()  # the modules imported and the catalogue written
else:
    reads, real = [], registry._read_catalogue
    def slow():
        reads.append(1)
        time.sleep(0.3)
        return real()
    registry._read_catalogue = slow
    threads = [threading.Thread(target=registry.all_rules) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(len(reads), len(registry.RULES))
"""
    subprocess.run([sys.executable, "-c", probe, "write"], check=True)
    reads, rules = subprocess.run([sys.executable, "-c", probe, "read"], check=True, capture_output=True,
                                  text=True).stdout.split()

    assert reads == "1" and int(rules) >= 30
