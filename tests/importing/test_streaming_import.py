"""The fast path streams: a Parquet log is read a chunk of whole tickets at a time (setting
`import_chunk_rows`), in order or put in order by DuckDB, with the same database as the general path; a run
killed with SIGKILL half-way is finished by running it again, without a duplicate."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import rexian
from rexian.importing.fast import fast_plan
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.service.verify import verify_database
from rexian.settings import load_settings

from .test_fast_import import PLAIN, engine_at, everything, plain_log

SMALL_CHUNKS = load_settings().replace(import_chunk_rows=7, import_sort_memory_mb=64)


def shuffled(source: Path, path: Path, parts: int = 1) -> list[Path]:
    """The same rows in a scrambled order, split over `parts` files: ticket ids no longer come in order."""
    table = pq.read_table(source)
    order = [(i * 37) % table.num_rows for i in range(table.num_rows)]  # 37 is prime to the row counts used
    assert len(set(order)) == table.num_rows
    table = table.take(pa.array(order))
    size = -(-table.num_rows // parts)
    paths = []
    for k in range(parts):
        paths.append(path.with_name(f"{path.stem}-{k}.parquet"))
        pq.write_table(table.slice(k * size, size), paths[-1])
    return paths


def test_a_log_read_seven_rows_at_a_time_gives_the_general_paths_database(tmp_path):
    path = plain_log(tmp_path / "log.parquet")
    mapping = mapping_from_dict(PLAIN)
    plan = fast_plan([path], mapping, chunk_rows=7)
    assert plan.in_order and plan.rows_in == pq.read_metadata(path).num_rows
    chunks = list(plan.raw_chunks())
    longest = max(len(history) for _, history in plan.sealed())
    assert len(chunks) > 20 and all(chunk.num_rows < 7 + longest for chunk in chunks)  # never the whole file
    ids = [set(chunk.column("ticket_id").to_pylist()) for chunk in chunks]
    assert all(not (a & b) for a, b in zip(ids, ids[1:]))  # a ticket is never split between chunks
    fast, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")
    quick = import_to_database(fast, [path], mapping, batch_tickets=3, settings=SMALL_CHUNKS)
    slow = import_to_database(general, [path], mapping, batch_tickets=3, fast=False)
    assert everything(fast) == everything(general) and quick.events_added == slow.events_added > 200
    assert verify_database(fast).intact


def test_files_out_of_ticket_order_are_sorted_by_duckdb_into_the_same_database(tmp_path):
    paths = shuffled(plain_log(tmp_path / "log.parquet"), tmp_path / "mixed.parquet", parts=3)
    mapping = mapping_from_dict(PLAIN)
    plan = fast_plan(paths, mapping, chunk_rows=7, sort_memory_mb=64)
    assert plan is not None and not plan.in_order
    fast, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")
    quick = import_to_database(fast, paths, mapping, batch_tickets=3, settings=SMALL_CHUNKS)
    slow = import_to_database(general, paths, mapping, batch_tickets=3, fast=False)
    assert everything(fast) == everything(general)
    assert (quick.rows_in, quick.rows_imported, quick.tickets_added) == (slow.rows_in, slow.rows_imported, 40)


def test_a_duplicate_row_in_a_later_chunk_hands_the_run_to_the_general_path_with_the_same_result(tmp_path):
    path = plain_log(tmp_path / "dup.parquet", extra=[
        ("RX00038", datetime(2025, 3, 1, 8, 0, 0, 123456) + timedelta(minutes=7 * 38, days=1), "Replied", "H1", None,
         '{"reply":"已处理完毕 ✓"}')])  # RX00038's reply twice, far from the first chunk
    pq.write_table(pq.read_table(path).sort_by("ticket_id"), path)
    mapping = mapping_from_dict(PLAIN)
    assert fast_plan([path], mapping, chunk_rows=7).in_order  # the first chunk is fine
    fast, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")
    quick = import_to_database(fast, [path], mapping, batch_tickets=3, settings=SMALL_CHUNKS)
    slow = import_to_database(general, [path], mapping, batch_tickets=3, fast=False)
    assert quick.rows_rejected == slow.rows_rejected == 1 and "重复行" in quick.rejects.rejects[0].reason
    assert (quick.tickets_added, quick.events_added) == (slow.tickets_added, slow.events_added)
    assert everything(fast) == everything(general)


def test_an_import_killed_half_way_is_finished_by_running_it_again_without_duplicates(tmp_path):
    path = plain_log(tmp_path / "log.parquet", tickets=300)
    script = textwrap.dedent(f"""
        import os, signal
        from rexian.adapters.database import make_engine, migrate
        from rexian.importing.mapping import mapping_from_dict
        from rexian.importing.pipeline import import_to_database
        from rexian.settings import load_settings

        def die(number):
            if number == 6:  # six transactions committed, the seventh under way: no clean-up of any kind
                os.kill(os.getpid(), signal.SIGKILL)

        engine = make_engine("sqlite:///{tmp_path / 'killed.db'}")
        migrate(engine)
        import_to_database(engine, [{str(path)!r}], mapping_from_dict({PLAIN!r}), batch_tickets=20,
                           after_batch=die, settings=load_settings().replace(import_chunk_rows=50))
    """)
    env = {**os.environ, "PYTHONPATH": str(Path(rexian.__file__).parents[1])}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    killed = engine_at(tmp_path / "killed.db")
    assert 0 < len(everything(killed)[1]) < 300  # some tickets in, not all
    written = len(everything(killed)[1])
    resumed = import_to_database(killed, [path], mapping_from_dict(PLAIN), batch_tickets=20, settings=SMALL_CHUNKS)
    clean = engine_at(tmp_path / "clean.db")
    import_to_database(clean, [path], mapping_from_dict(PLAIN))
    assert everything(killed) == everything(clean)
    assert (resumed.tickets_unchanged, resumed.tickets_added) == (written, 300 - written)
    assert verify_database(killed).intact


def test_the_progress_bar_stays_silent_when_standard_error_is_not_a_terminal(tmp_path):
    from click.testing import CliRunner

    from rexian.cli import main

    mapping = tmp_path / "m.yaml"
    mapping.write_text("source: bench\ncolumns: {" + ", ".join(f"{k}: {v}" for k, v in PLAIN["columns"].items()) + "}\n",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--mapping", str(mapping), "--db", f"sqlite:///{tmp_path / 'db.db'}",
                                       "--rejects", str(tmp_path / "r.csv"), str(plain_log(tmp_path / "log.parquet"))])
    assert result.exit_code == 0, result.output
    assert "行/秒" not in result.output and "工单 40 件" in result.output


def test_the_progress_bar_shows_rows_per_second_on_a_terminal(monkeypatch, capsys):
    from rexian.cli.imports import ProgressBar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with ProgressBar("导入") as progress:
        for done in range(0, 5001, 500):
            progress(done, 5000)
    shown = capsys.readouterr().err
    assert "导入" in shown and "行/秒" in shown and "5000/5000" in shown


def csv_of(source: Path, path: Path) -> Path:
    """The log as `rexian export --format csv` writes one: UTF-8, a header line, ISO times."""
    import pyarrow.csv as pcsv

    table = pq.read_table(source)
    table = table.set_column(1, "at", pa.array([at.isoformat(sep=" ") for at in table.column("at").to_pylist()]))
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))
    return path


def test_a_csv_log_in_our_vocabulary_streams_through_the_fast_path_into_the_general_paths_database(tmp_path):
    parquet = plain_log(tmp_path / "log.parquet")
    path = csv_of(parquet, tmp_path / "log.csv")
    mapping = mapping_from_dict(PLAIN)
    plan = fast_plan([path], mapping, chunk_rows=7)
    assert plan is not None and plan.source.kind == "csv" and plan.rows_in == pq.read_metadata(parquet).num_rows
    fast, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")
    quick = import_to_database(fast, [path], mapping, batch_tickets=3, settings=SMALL_CHUNKS)
    slow = import_to_database(general, [path], mapping, batch_tickets=3, fast=False)
    assert everything(fast) == everything(general) and quick.events_added == slow.events_added > 200
    # a conflict is rejected with the same CSV line numbers as the general path gives
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if "RX00001" in text and "噪音扰民" in text)
    lines[line] = lines[line].replace("噪音扰民", "噪声扰民")  # RX00001's first row changed
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = [import_to_database(engine, [changed], mapping, settings=SMALL_CHUNKS, fast=fast)
             for engine, fast in ((fast, True), (general, False))]
    assert [(r.row, r.reason) for r in again[0].rejects.rejects] == [(r.row, r.reason) for r in again[1].rejects.rejects]
    assert again[0].tickets_conflicting == 1 and {r.row for r in again[0].rejects.rejects} >= {line + 1}


def test_a_csv_log_with_a_blank_line_or_out_of_order_is_read_by_the_general_path_with_the_same_result(tmp_path):
    mapping = mapping_from_dict(PLAIN)
    path = csv_of(plain_log(tmp_path / "log.parquet"), tmp_path / "log.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    blank = tmp_path / "blank.csv"
    blank.write_text("\n".join(lines[:150] + [""] + lines[150:]) + "\n", encoding="utf-8")  # far from the first chunk
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\n".join(lines[:1] + lines[60:] + lines[1:60]) + "\n", encoding="utf-8")
    assert fast_plan([mixed], mapping, chunk_rows=7) is None
    for log in (blank, mixed):
        fast, general = engine_at(tmp_path / f"{log.stem}-fast.db"), engine_at(tmp_path / f"{log.stem}-general.db")
        quick = import_to_database(fast, [log], mapping, batch_tickets=3, settings=SMALL_CHUNKS)
        slow = import_to_database(general, [log], mapping, batch_tickets=3, fast=False)
        assert everything(fast) == everything(general) and quick.events_added == slow.events_added
        assert (quick.rows_in, quick.rows_imported, quick.rows_rejected) == (slow.rows_in, slow.rows_imported, 0)


def test_callers_details_are_held_apart_by_the_fast_path_exactly_as_by_the_general_path(tmp_path):
    path = plain_log(tmp_path / "log.parquet")
    table = pq.read_table(path)
    payloads = [p.replace('"title"', '"caller_name":"张三","caller_phone":"13800001234","title"') if p else p
                for p in table.column("payload").to_pylist()]
    pq.write_table(table.set_column(table.schema.get_field_index("payload"), "payload", pa.array(payloads)), path)
    mapping = mapping_from_dict(PLAIN)
    fast, general = engine_at(tmp_path / "fast.db"), engine_at(tmp_path / "general.db")  # the tests' one key file
    import_to_database(fast, [path], mapping, batch_tickets=3, settings=SMALL_CHUNKS)
    import_to_database(general, [path], mapping, batch_tickets=3, fast=False)
    assert everything(fast) == everything(general)
    held = []
    for engine in (fast, general):
        with engine.connect() as connection:
            held.append(connection.exec_driver_sql("SELECT ticket_id, salt, data FROM personal_data ORDER BY 1").all())
    assert held[0] == held[1] and len(held[0]) == 32 and "13800001234" in held[0][0][2]
    assert all("13800001234" not in str(row) for row in everything(fast)[0])  # not in the chain
    assert verify_database(fast).intact


def test_chunks_hold_at_most_the_setting_s_rows_whatever_the_batches_the_file_gives():
    from rexian.importing.fast import whole_tickets

    ids = [f"T{n:03d}" for n in range(60) for _ in range(n % 4 + 1)] + ["LONG"] * 25  # 1–4 rows, one of 25
    ids.sort()
    table = pa.table({"ticket_id": ids})
    batches = [table.slice(start, size) for start, size in zip(
        [0, 9, 19, 38, 40, 58, 77, 96, 120, 150, 170], [9, 10, 19, 2, 18, 19, 19, 24, 30, 20, len(ids)])]
    chunks = list(whole_tickets(iter(batches), "ticket_id", 10))
    assert [i for chunk in chunks for i in chunk.column("ticket_id").to_pylist()] == ids  # every row, in order
    assert all(chunk.num_rows <= 10 for chunk in chunks if "LONG" not in chunk.column("ticket_id").to_pylist())
    assert [chunk.num_rows for chunk in chunks if "LONG" in chunk.column("ticket_id").to_pylist()] == [25]
    seen = [set(chunk.column("ticket_id").to_pylist()) for chunk in chunks]
    assert all(not (a & b) for a, b in zip(seen, seen[1:]))  # a ticket never split between chunks


def test_every_batch_is_written_through_one_connection_and_no_other_connection_writes_between_batches(tmp_path):
    """SQLite drops a connection's whole page cache (the setting `import_cache_mb`) when it begins a transaction
    after another connection wrote: a lease renewed through another pooled connection after every batch left every
    batch a cold cache (and the freed pages to the allocator)."""
    from sqlalchemy import event

    path = plain_log(tmp_path / "log.parquet", tickets=30)
    engine = engine_at(tmp_path / "fast.db")
    first, second = engine.connect(), engine.connect()  # the pool holds two connections, as after a heartbeat
    first.close(), second.close()
    writers: list[int] = []
    recording = []

    @event.listens_for(engine, "begin")
    def began(connection):
        if recording:
            writers.append(id(connection.connection.dbapi_connection))

    batches = 10

    def after(number):
        recording[:] = [True] if number < batches else []

    report = import_to_database(engine, [path], mapping_from_dict(PLAIN), batch_tickets=3, after_batch=after)
    assert report.tickets_added == 30 and len(writers) >= batches - 1
    assert len(set(writers)) == 1  # batches 2..10 and whatever wrote between them: one connection
    with engine.connect() as connection:
        status, renewed = connection.exec_driver_sql("SELECT status, progressed_at FROM imports").one()
    assert status == "done" and renewed is not None  # the lease was renewed (in the batches' transactions)


def one_row_group(path: Path, rows: int) -> Path:
    """An interchange-shaped log of `rows` one-event tickets with distinct payloads, written as one row group
    (as `pyarrow.parquet.write_table` does up to a million rows)."""
    table = pa.table({"ticket_id": [f"RX{n:08d}" for n in range(rows)],
                      "at": pa.array([datetime(2025, 1, 1) + timedelta(seconds=n) for n in range(rows)],
                                     pa.timestamp("us")),
                      "action": ["TicketReceived"] * rows,
                      "payload": [f'{{"content":"第{n}件：{"楼下噪音" * 40}"}}' for n in range(rows)]})
    pq.write_table(table, path, row_group_size=rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == 1
    return path


def test_a_log_written_as_one_large_row_group_is_read_a_chunk_at_a_time_in_bounded_memory(tmp_path):
    """Text read as dictionaries kept every distinct value of a row group in Arrow's dictionary builder until
    the group ended: a file written as one group held the whole file's text, whatever `import_chunk_rows`."""
    from rexian.importing.fast_sources import ParquetSource

    path = one_row_group(tmp_path / "one.parquet", 60_000)
    text = sum(len(p.encode()) for p in pq.read_table(path, columns=["payload"]).column(0).to_pylist())
    source = ParquetSource([path])
    most, rows = 0, 0
    for batch in source.batches(2_000):
        rows += batch.num_rows
        most = max(most, pa.total_allocated_bytes())
        del batch
    assert rows == 60_000 and text > 20_000_000
    assert most < text / 2  # the read buffer and a batch (10 MB), not the row group's text (81 MB before)


def test_a_dictionary_bomb_in_the_payload_is_measured_without_decoding_and_left_to_the_general_path(tmp_path):
    from rexian.importing.fast_sources import ParquetSource, SourceChanged

    rows = 20_000
    bomb = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["长" * 1_000_000]))
    table = pa.table({"ticket_id": [f"T{n:07d}" for n in range(rows)],
                      "at": pa.array([datetime(2025, 1, 1)] * rows, pa.timestamp("us")),
                      "action": ["TicketReceived"] * rows, "payload": bomb})
    path = tmp_path / "bomb.parquet"
    pq.write_table(table, path, compression="zstd", store_schema=False)  # the payload reads as a plain string
    assert path.stat().st_size < 2_000_000
    assert ParquetSource([path])._text_bytes(rows) == 3_000_000 * rows + 8 * rows + 14 * rows
    try:
        next(ParquetSource([path]).batches(1_000))
        raise AssertionError("a 60 GB batch was decoded")
    except SourceChanged:
        pass
    mapping = mapping_from_dict({"source": "x", "columns": {name: name for name in ("ticket_id", "at", "action",
                                                                                      "payload")}})
    assert fast_plan([path], mapping) is None  # the general path measures and rejects the rows one by one
