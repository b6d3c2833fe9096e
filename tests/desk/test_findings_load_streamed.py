"""`rexian findings load` of a city's file: checked whole, then stored as it is read again, a chunk a transaction on
one connection with a larger SQLite page cache — the same findings, history and outbox as one `upsert` of the whole
list; a bad line still refuses the whole file before anything is stored; the pooled connection gets SQLite's default
cache back."""

import json

from click.testing import CliRunner
from sqlalchemy import select

from desk.conftest import Clock, finding
from rexian.adapters import desk_tables as dt
from rexian.adapters import findings_tables as ft
from rexian.adapters.findings import FindingRepository
from rexian.cli import main


def _findings(n):
    made = [finding(f"RX{i:04d}", severity=("high", "medium", "low")[i % 3], unit_id=f"D0{i % 4}") for i in range(n)]
    for i, one in enumerate(made):
        if i % 5:  # stamped by the analysis; every fifth one dated from the log as it is stored
            one["occurred_at"] = f"2026-02-{i % 28 + 1:02d}T10:00:00"
    return made


def _write(path, findings):
    path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in findings), encoding="utf-8")
    return str(path)


def _stored(engine):
    skip = {"updated_at"}
    with engine.connect() as connection:
        findings = [{k: v for k, v in row._mapping.items() if k not in skip}
                    for row in connection.execute(select(ft.findings).order_by(ft.findings.c.finding_key))]
        history = [(row.finding_key, row.old_status, row.new_status, row.reason, row.digest)
                   for row in connection.execute(select(ft.finding_events).order_by(ft.finding_events.c.id))]
        outbox = [(row.topic, row.ref, json.loads(row.payload))
                  for row in connection.execute(select(dt.outbox).order_by(dt.outbox.c.id))]
        counts = sorted(connection.execute(select(ft.finding_counts.c.facet, ft.finding_counts.c.value,
                                                  ft.finding_counts.c.n)).all())
    return findings, history, outbox, counts


def test_a_file_loaded_in_streamed_chunks_stores_what_one_upsert_of_the_whole_list_stores(make_app, tmp_path):
    findings = _findings(2_345)  # three chunks of 1,000, the last one short
    streamed = make_app(f"sqlite:///{tmp_path / 'streamed.db'}")
    whole = make_app(f"sqlite:///{tmp_path / 'whole.db'}")

    loaded = CliRunner().invoke(main, ["findings", "load", _write(tmp_path / "f.jsonl", findings),
                                       "--db", f"sqlite:///{tmp_path / 'streamed.db'}"])
    FindingRepository(whole.engine).upsert(findings, "batch", Clock()())

    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.startswith("新增 2345 条")
    assert _stored(streamed.engine) == _stored(whole.engine)


def test_the_store_takes_findings_as_an_iterable_of_batches_and_cuts_them_to_its_chunk(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'b.db'}")
    findings = _findings(7)

    result = FindingRepository(app.engine).upsert_chunked(iter([findings[:5], findings[5:]]), "batch", Clock()(),
                                                          chunk=2)

    assert result["added"] == [f["finding_key"] for f in findings]
    assert FindingRepository(app.engine).count() == 7


def test_a_bad_line_late_in_a_file_refuses_it_whole_before_anything_is_stored(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    app = make_app(url)
    path = tmp_path / "bad.jsonl"
    _write(path, _findings(1_500))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")

    loaded = CliRunner().invoke(main, ["findings", "load", str(path), "--db", url])

    assert loaded.exit_code != 0 and "第1501行不是JSON" in loaded.output
    assert FindingRepository(app.engine).count() == 0


def test_the_pooled_connection_gets_sqlites_default_cache_back_after_a_load(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'p.db'}")

    FindingRepository(app.engine).upsert_chunked(_findings(3), "batch", Clock()())

    with app.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
