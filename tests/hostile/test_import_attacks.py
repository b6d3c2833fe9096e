"""Attacks on the import (issue 15): files crafted to break readers, a careless user's damaged exports, and an
import that tries to write into tickets it did not create. Each attack ends with every row accounted for
(read = imported + rejected), nothing half-stored, a named reject, and a non-zero exit."""

import copy
import csv
import io
import json
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.adapters.database import make_engine, migrate
from rexian.cli import main
from rexian.importing.mapping import (
    MappingError,
    load_mapping,
    mapping_from_dict,
    parse_mapping_text,
)
from rexian.importing.pipeline import build, import_to_database
from tests.importing.conftest import (
    FLOW_HEADER,
    FLOW_MAPPING,
    FLOW_ROWS,
    write_csv,
    write_mapping,
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def migrated(url):
    engine = make_engine(url)
    migrate(engine)
    return engine


def stored(engine):
    with engine.connect() as connection:
        return {row.ticket_id: row.n for row in connection.execute(
            select(t.events.c.ticket_id, t.events.c.seq.label("n")).where(t.events.c.seq == 1))}, \
            connection.execute(select(t.events.c.ticket_id, t.events.c.action)).all()


def balanced(report):
    assert report.rows_in == report.rows_imported + report.rows_rejected
    return report


def read_rejects(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- damaged rows: rejected alone with file, row, column and reason; their ticket left out whole ---------------

def test_a_nul_byte_rejects_its_row_and_ticket_and_the_rest_of_the_file_is_stored(tmp_path, db_url):
    rows = copy.deepcopy(FLOW_ROWS)
    rows[6][6] = "请\x00处理"  # GD002's first row, line 8, column 处理意见
    path = write_csv(tmp_path / "nul.csv", FLOW_HEADER, rows)
    engine = migrated(db_url)
    report = balanced(import_to_database(engine, [path], mapping_from_dict(FLOW_MAPPING)))
    first = report.rejects.rejects[0]
    assert (first.file, first.row, first.column) == (str(path), 8, "处理意见") and "NUL" in first.reason
    tickets, _ = stored(engine)
    assert set(tickets) == {"GD001"} and report.rows_rejected == 2 and report.rows_imported == 6


def test_a_field_over_the_size_limit_rejects_its_row_and_every_later_row_is_still_read(tmp_path, db_url):
    rows = [[f"T{n:03d}", "03/01/2025 09:00", "受理", "a", "", "", "", "", ""] for n in range(200)]
    rows[97][6] = "长" * 5_000_000  # line 99: a 5 MB (in characters) note
    path = write_csv(tmp_path / "huge.csv", FLOW_HEADER, rows)
    engine = migrated(db_url)
    report = balanced(import_to_database(engine, [path], mapping_from_dict(FLOW_MAPPING)))
    assert [(r.row, r.column) for r in report.rejects.rejects] == [(99, "处理意见")]
    assert "import_max_field_chars" in report.rejects.rejects[0].reason
    assert report.rows_in == 200 and report.rows_imported == 199 and len(stored(engine)[0]) == 199


def test_the_field_size_limit_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("REXIAN_IMPORT_MAX_FIELD_CHARS", "5")
    path = write_csv(tmp_path / "f.csv", FLOW_HEADER, FLOW_ROWS)
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert report.rows_imported == 0 and all("上限 5" in r.reason for r in report.rejects.rejects[:1])


def test_bad_bytes_are_rejected_row_by_row_and_the_rejects_file_is_written_and_safe(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", FLOW_HEADER, FLOW_ROWS, encoding="gbk")
    path.write_bytes(path.read_bytes().replace("市民乙".encode("gbk"), b"\xff\xfe\xff", 1))
    mapping = write_mapping(tmp_path / "m.yaml", {**FLOW_MAPPING, "encoding": "gbk"})
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(main, ["import", "--out", str(tmp_path / "out"), "--mapping", str(mapping),
                                       "--rejects", str(rejects), str(path)])
    assert result.exit_code == 1, result.output
    written = read_rejects(rejects)
    assert [(r["row"], r["column"]) for r in written][:1] == [("8", "来电人")]
    assert "导入 6 行，拒收 2 行" in result.output


def test_formulas_from_a_source_file_reach_the_rejects_file_as_text(tmp_path):
    rows = copy.deepcopy(FLOW_ROWS)
    rows[5][2] = '=HYPERLINK("http://evil","点我")'  # an unknown action word that is a formula
    path = write_csv(tmp_path / "f.csv", FLOW_HEADER, rows)
    report = build([path], mapping_from_dict(FLOW_MAPPING))
    report.rejects.write_csv(tmp_path / "r.csv")
    values = [r["value"] for r in read_rejects(tmp_path / "r.csv")]
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for r in read_rejects(tmp_path / "r.csv") for v in r.values())


def test_a_bad_intake_row_stores_nothing_of_its_ticket_and_the_corrected_file_then_imports(tmp_path, db_url):
    mapping = mapping_from_dict({**FLOW_MAPPING, "intake": {**FLOW_MAPPING["intake"], "received_at": "受理时间"}})
    header = FLOW_HEADER + ["受理时间"]
    good = [row + ["03/01/2025 08:55" if row[0] == "GD001" else "05/01/2025 08:00"] for row in FLOW_ROWS]
    bad = copy.deepcopy(good)
    bad[0][-1] = "昨天上午"
    engine = migrated(db_url)
    first = balanced(import_to_database(engine, [write_csv(tmp_path / "bad.csv", header, bad)], mapping))
    assert (first.rejects.rejects[0].row, first.rejects.rejects[0].column) == (2, "受理时间")
    assert set(stored(engine)[0]) == {"GD002"}
    again = balanced(import_to_database(engine, [write_csv(tmp_path / "good.csv", header, good)], mapping))
    assert again.rows_rejected == 0 and again.tickets_added == 1 and set(stored(engine)[0]) == {"GD001", "GD002"}


def test_an_unclosed_quote_is_rejected_as_one_named_record_and_the_rows_before_it_import(tmp_path):
    path = tmp_path / "q.csv"
    lines = [",".join(FLOW_HEADER)] + [",".join(row) for row in FLOW_ROWS]
    lines[7] = lines[7].replace("住建局", '"住建局', 1)  # GD002's first row, line 8: a quote never closed
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = balanced(build([path], mapping_from_dict(FLOW_MAPPING)))
    assert [r.row for r in report.rejects.rejects] == [8] and "字段数" in report.rejects.rejects[0].reason
    assert sorted(report.histories) == ["GD001"] and report.rows_imported == 6


# --- exit codes --------------------------------------------------------------------------------------------------

def test_an_import_with_rejected_rows_exits_non_zero_and_a_clean_one_exits_zero(tmp_path):
    mapping = write_mapping(tmp_path / "m.yaml", FLOW_MAPPING)
    clean = write_csv(tmp_path / "ok.csv", FLOW_HEADER, FLOW_ROWS)
    rows = copy.deepcopy(FLOW_ROWS)
    rows[7][1] = "not a time"
    broken = write_csv(tmp_path / "bad.csv", FLOW_HEADER, rows)
    runner = CliRunner()
    ok = runner.invoke(main, ["import", "--out", str(tmp_path / "o1"), "--mapping", str(mapping), str(clean)])
    bad = runner.invoke(main, ["import", "--out", str(tmp_path / "o2"), "--mapping", str(mapping), str(broken)])
    assert ok.exit_code == 0, ok.output
    assert bad.exit_code == 1 and "拒收 2 行" in bad.output


def test_a_file_that_fails_entirely_exits_non_zero(tmp_path):
    mapping = write_mapping(tmp_path / "m.yaml", FLOW_MAPPING)
    broken = tmp_path / "flow.csv.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00not really gzip at all")
    result = CliRunner().invoke(main, ["import", "--out", str(tmp_path / "o"), "--mapping", str(mapping), str(broken)])
    assert result.exit_code == 1 and "文件问题" in result.output


# --- imports never touch a ticket they did not create -------------------------------------------------------------

def test_an_import_cannot_close_a_ticket_born_in_the_workflow(tmp_path, make_app, db_url):
    from support.workflow_steps import dispatched

    url = db_url
    app = make_app(url)
    tid = dispatched(app, lead="D03")
    before = [e["hash"] for e in app.events(tid)]
    runner = CliRunner()
    assert runner.invoke(main, ["export", "--db", url, "--out", str(tmp_path / "exp")]).exit_code == 0
    events = tmp_path / "exp" / "events.csv"
    with open(events, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    last = rows[-1]
    forged = [{**last, "seq": "", "action": action, "at": "2026-03-03 09:00:00", "actor_id": "H0301", "payload": "{}",
               "hash": "", "prev_hash": ""} for action in ("ClosureApproved", "Closed")]
    with open(events, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + forged)
    mapping = write_mapping(tmp_path / "interchange.yaml", {"source": "rexian", "columns": {c: c for c in (
        "ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload", "source")}})
    result = runner.invoke(main, ["import", "--db", url, "--mapping", str(mapping), "--rejects",
                                  str(tmp_path / "r.csv"), str(events)])
    assert result.exit_code == 1 and "冲突 1" in result.output
    assert [e["hash"] for e in app.events(tid)] == before and app.ticket(tid).status == "dispatched"


def test_one_source_cannot_append_to_a_ticket_another_source_imported(tmp_path, db_url):
    engine = migrated(db_url)
    path = write_csv(tmp_path / "a.csv", FLOW_HEADER, FLOW_ROWS[6:])
    balanced(import_to_database(engine, [path], mapping_from_dict(FLOW_MAPPING)))
    grown = write_csv(tmp_path / "b.csv", FLOW_HEADER, FLOW_ROWS[6:] + [
        ["GD002", "06/01/2025 09:00", "办结", "某人", "住建局", "", "", "市民乙", "物业"]])
    other = balanced(import_to_database(engine, [grown], mapping_from_dict({**FLOW_MAPPING, "source": "other"})))
    assert other.tickets_conflicting == 1 and other.rows_imported == 0
    same = balanced(import_to_database(engine, [grown], mapping_from_dict(FLOW_MAPPING)))
    assert same.tickets_grown == 1  # its own source may append to it
    _, actions = stored(engine)
    assert sum(1 for _, action in actions if action == "Closed") == 1


# --- separation of duties through an import (issue 15, seventh round) -------------------------------------------

ONE_PERSON = [  # one person signs for, requests the closure, approves it, closes and makes the follow-up call
    ["GD009", "03/01/2025 09:00", "受理", "A01", "C00", "", "", "市民丙", "噪音"],
    ["GD009", "03/01/2025 09:30", "派单", "D01", "C00", "D02", "", "市民丙", "噪音"],
    ["GD009", "03/01/2025 10:00", "签收", "H0201", "D02", "", "", "市民丙", "噪音"],
    ["GD009", "03/01/2025 11:00", "申请办结", "H0201", "D02", "", "已处理", "市民丙", "噪音"],
    ["GD009", "03/01/2025 11:05", "办结审核通过", "H0201", "C00", "", "同意", "市民丙", "噪音"],
    ["GD009", "03/01/2025 11:10", "办结", "H0201", "C00", "", "", "市民丙", "噪音"],
    ["GD009", "03/01/2025 11:20", "回访", "H0201", "C00", "", "满意", "市民丙", "噪音"],
]


def test_an_import_in_the_workflows_own_source_is_still_shown_as_imported(tmp_path, db_url):
    """Source `rexian` (another Rexian's export, imported whole) marks events as the workflow's: the ticket's import
    manifest still tells one person's request, approval and follow-up call from the workflow's doing."""
    path = write_csv(tmp_path / "self.csv", FLOW_HEADER, ONE_PERSON)
    engine = migrated(db_url)
    report = balanced(import_to_database(engine, [path], mapping_from_dict({**FLOW_MAPPING, "source": "rexian"})))
    assert report.tickets_added == 1
    shown = CliRunner().invoke(main, ["show", "GD009", "--db", db_url])
    assert shown.exit_code == 0 and "导入的历史（来源：rexian）" in shown.output, shown.output


def test_an_imported_history_that_breaks_separation_of_duties_is_kept_marked_as_imported(tmp_path, db_url):
    path = write_csv(tmp_path / "self.csv", FLOW_HEADER, ONE_PERSON)
    engine = migrated(db_url)
    report = balanced(import_to_database(engine, [path], mapping_from_dict(FLOW_MAPPING)))
    assert report.tickets_added == 1 and report.rows_rejected == 0
    with engine.connect() as connection:
        sources = set(connection.execute(select(t.events.c.source).where(t.events.c.ticket_id == "GD009")).scalars())
        listed = connection.execute(select(t.import_manifests.c.tickets)).scalars().all()
    assert sources == {"oldsys"} and any("GD009" in tickets for tickets in listed)
    shown = CliRunner().invoke(main, ["show", "GD009", "--db", db_url])
    assert shown.exit_code == 0 and "导入的历史（来源：oldsys）" in shown.output, shown.output


def test_an_import_cannot_take_a_workflow_ticket_number_and_stop_the_days_intakes(tmp_path, make_app, db_url,
                                                                                   monkeypatch):
    from rexian.domain import commands as c
    from rexian.importing import store

    app = make_app(db_url)
    first = app.handle(c.Intake(actor_id="A01", channel="phone", content="小区门口路灯一直不亮", category="0201"))
    monkeypatch.setattr(store, "server_day", lambda *_: first.ticket_id[2:10])  # the server's day is the workflow's
    following = first.ticket_id[:-6] + f"{int(first.ticket_id[-6:]) + 1:06d}"
    rows = [[following, *row[1:]] for row in ONE_PERSON]
    path = write_csv(tmp_path / "squat.csv", FLOW_HEADER, rows)
    report = balanced(import_to_database(app.engine, [path], mapping_from_dict(FLOW_MAPPING)))
    assert report.tickets_refused == 1 and "工作流今天或以后的编号" in report.rejects.rejects[0].reason
    second = app.handle(c.Intake(actor_id="A01", channel="phone", content="小区门口路灯还是不亮", category="0201"))
    assert second.ticket_id == following and app.ticket(following).status == "received"


def test_the_import_counts_the_servers_day_in_the_centres_time_zone_with_an_allowance_for_a_slow_clock():
    """The importing machine may run on UTC while the centre's day is Beijing's: at 18:30 UTC it is already the
    next day at the centre, whose numbers are refused; within the first hour of the centre's day the previous
    day's numbers are still refused too (a clock up to an hour slow)."""
    from datetime import datetime, timezone

    from rexian.importing.store import refused_import, server_day

    evening_utc = datetime(2026, 3, 2, 18, 30, tzinfo=timezone.utc)  # 2026-03-03 02:30 in Beijing
    assert server_day(now=evening_utc) == "20260303"
    assert refused_import("RX20260303000007", [], server_day(now=evening_utc))
    assert refused_import("RX20260302000007", [], server_day(now=evening_utc)) is None
    just_after_midnight = datetime(2026, 3, 2, 16, 20, tzinfo=timezone.utc)  # 00:20 in Beijing
    assert refused_import("RX20260302000007", [], server_day(now=just_after_midnight))


def test_the_database_servers_clock_counts_when_it_is_ahead_of_the_importers(app):
    from datetime import datetime, timezone

    from rexian.importing.store import server_day

    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with app.engine.connect() as connection:
        assert server_day(connection, now=long_ago) >= datetime.now().strftime("%Y%m%d")[:6] + "00"


# --- the mapping file ------------------------------------------------------------------------------------------

ALIAS_BOMB = "\n".join(["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
                       + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                          f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]"
                          for i in range(8)]) + "\nsource: *i\n"


def test_a_yaml_alias_bomb_in_a_mapping_is_refused_at_once(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB) < 1000
    started = time.perf_counter()
    with pytest.raises(MappingError, match="别名"):
        load_mapping(path)
    assert time.perf_counter() - started < 1.0
    result = CliRunner().invoke(main, ["import", "--out", str(tmp_path / "o"), "--mapping", str(path), str(path)])
    assert result.exit_code == 1 and "别名" in result.output


@pytest.mark.parametrize("text", ['source: "old\\0sys"', 'source: oldsys\nnulls: ["-", "\\0"]'])
def test_a_nul_written_into_a_mapping_is_refused_before_anything_is_stored(tmp_path, db_url, text):
    """A quoted YAML string may spell a NUL (`\\0`): as the source it reached every event (PostgreSQL cannot
    store it); anywhere else it is no column name or word either."""
    mapping = write_mapping(tmp_path / "flow.yaml", {key: value for key, value in FLOW_MAPPING.items() if key != "source"})
    mapping.write_text(text + "\n" + mapping.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(MappingError, match="NUL"):
        load_mapping(mapping)
    path = write_csv(tmp_path / "flow.csv", FLOW_HEADER, FLOW_ROWS)
    result = CliRunner().invoke(main, ["import", "--db", db_url, "--mapping", str(mapping), "--rejects",
                                       str(tmp_path / "r.csv"), str(path)])
    assert result.exit_code != 0 and "NUL" in result.output
    assert stored(migrated(db_url)) == ({}, [])


def test_an_oversized_mapping_file_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv("REXIAN_MAPPING_MAX_BYTES", "200")
    path = write_mapping(tmp_path / "big.yaml", {**FLOW_MAPPING, "nulls": ["-"] * 100})
    with pytest.raises(MappingError, match="mapping_max_bytes"):
        load_mapping(path)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_as_a_mapping_is_a_mapping_or_a_clear_error(text):
    try:
        raw = parse_mapping_text(text)
        mapping_from_dict(raw)
    except MappingError:
        pass


KEYS = st.sampled_from(["source", "mode", "table", "columns", "intake", "values", "constants", "actions", "nulls",
                        "date_format", "timezone", "snapshots", "tickets", "payload_columns", "encoding",
                        "action_match", "unknown_action", "closed_states", "delimiter", "sheet", "format"])
LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_any_structure_as_a_mapping_is_a_mapping_or_a_clear_error(raw):
    try:
        mapping_from_dict(raw)
    except MappingError:
        pass


# --- fuzzing every reader: no traceback, every row accounted for ------------------------------------------------

SIMPLE = mapping_from_dict({"source": "fuzz", "columns": {"ticket_id": "id", "at": "t", "action": "a"},
                            "intake": {"content": "c"}})
CELL = st.text(max_size=20) | st.sampled_from(["T1", "T2", "2025-03-01 09:00", "受理", "派单", "办结", ""])


@FUZZ
@given(st.binary(max_size=600))
def test_arbitrary_bytes_after_a_csv_header_are_read_or_rejected(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"id,t,a,c\n" + data)
    balanced(build([path], SIMPLE))


@FUZZ
@given(st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=12), st.sampled_from(["utf-8", "gb18030"]))
def test_arbitrary_cells_in_a_csv_are_each_read_or_rejected(tmp_path, rows, encoding):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "t", "a", "c"])
    writer.writerows(rows)
    path = tmp_path / "cells.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    report = balanced(build([path], SIMPLE))
    assert report.rows_in <= len(rows)


@FUZZ
@given(st.binary(max_size=400) | st.lists(st.dictionaries(st.sampled_from(["id", "t", "a", "c"]), CELL | st.integers()
                                                         | st.none(), max_size=4), max_size=8))
def test_arbitrary_json_lines_are_read_or_rejected(tmp_path, content):
    path = tmp_path / "fuzz.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in content), encoding="utf-8")
    balanced(build([path], SIMPLE))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL.filter(lambda s: not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in s))
                         | st.integers(-10**6, 10**6) | st.none(), max_size=5), max_size=10))
def test_arbitrary_cells_in_a_workbook_are_each_read_or_rejected(tmp_path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "t", "a", "c"])
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "fuzz.xlsx")
    balanced(build([tmp_path / "fuzz.xlsx"], SIMPLE))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(CELL, CELL, CELL, CELL), max_size=10))
def test_arbitrary_parquet_rows_are_each_read_or_rejected(tmp_path, rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(zip(*rows)) if rows else [(), (), (), ()]
    pq.write_table(pa.table({name: pa.array(list(values), pa.string()) for name, values in zip(["id", "t", "a", "c"],
                                                                                              columns)}),
                   tmp_path / "fuzz.parquet")
    balanced(build([tmp_path / "fuzz.parquet"], SIMPLE))


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8")))
def test_arbitrary_bytes_as_an_xes_log_are_read_or_rejected(tmp_path, data):
    path = tmp_path / "fuzz.xes"
    path.write_bytes(b'<?xml version="1.0"?><log><trace><string key="concept:name" value="T1"/>' + data)
    balanced(build([path], mapping_from_dict({"source": "x", "columns": {
        "ticket_id": "case:concept:name", "at": "time:timestamp", "action": "concept:name"}})))


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_a_workbook_are_a_file_problem_not_a_traceback(tmp_path, data):
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    report = balanced(build([path], SIMPLE))
    assert report.rows_in == 0 and report.rejects.failed()


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_an_old_excel_file_are_a_file_problem_not_a_traceback(tmp_path, data):
    path = tmp_path / "fuzz.xls"
    path.write_bytes(data)
    report = balanced(build([path], SIMPLE))
    assert report.rows_in == 0 and report.rejects.failed()


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_a_parquet_file_are_a_file_problem_not_a_traceback(tmp_path, data):
    path = tmp_path / "fuzz.parquet"
    path.write_bytes(data)
    report = balanced(build([path], SIMPLE))
    assert report.rows_in == 0 and report.rejects.failed()


@FUZZ
@given(st.binary(max_size=400), st.booleans())
def test_arbitrary_bytes_in_a_gzipped_csv_are_read_or_rejected(tmp_path, data, really_gzip):
    import gzip

    path = tmp_path / "fuzz.csv.gz"
    path.write_bytes(gzip.compress(b"id,t,a,c\n" + data) if really_gzip else data)
    balanced(build([path], SIMPLE))


def _csv_of(tmp_path, header, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "cells.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


SNAPSHOTS = mapping_from_dict({"source": "fuzz", "mode": "snapshots", "columns": {"ticket_id": "id", "at": "t"},
                               "snapshots": {"state": "s", "unit": "u", "states": {"New": None, "Done": "Closed"}}})
TICKET_LIST = mapping_from_dict({"source": "fuzz", "mode": "tickets", "columns": {"ticket_id": "id", "at": "t"},
                                 "tickets": {"closed_at": "s", "status": "u"}, "closed_states": ["Done"]})
CALLS = mapping_from_dict({"source": "fuzz", "mode": "table", "table": "calls", "columns": {
    "call_id": "id", "ring_at": "t", "caller_phone": "s", "agent_id": "u"}})
MODE_CELL = CELL | st.sampled_from(["New", "Done", "U1", "13800000000"])


@FUZZ
@given(st.lists(st.lists(MODE_CELL, min_size=0, max_size=4), max_size=10),
       st.sampled_from(["snapshots", "tickets", "calls"]))
def test_arbitrary_cells_through_snapshot_ticket_list_and_call_table_mappings_are_read_or_rejected(tmp_path, rows,
                                                                                                    mode):
    mapping = {"snapshots": SNAPSHOTS, "tickets": TICKET_LIST, "calls": CALLS}[mode]
    report = balanced(build([_csv_of(tmp_path, ["id", "t", "s", "u"], rows)], mapping))
    assert report.rows_in <= len(rows)
