"""A city's findings stored a chunk at a time (`findings load`, the scheduled batch run): every finding once, its
outbox row signed and in the findings' order, the kept counts right, nothing twice when stored again."""

from collections import Counter

from sqlalchemy import select

from desk.conftest import Clock, finding
from rexian.adapters import desk_tables as dt
from rexian.adapters import findings_tables as ft
from rexian.adapters.desk_store import outbox_problem
from rexian.adapters.findings import FindingRepository, counts_by
from rexian.adapters.keys import keyring_for


def _findings(n):
    return [finding(f"RX{i:03d}", severity=("high", "medium", "low")[i % 3], unit_id=f"D0{i % 4}") for i in range(n)]


def test_findings_stored_in_chunks_are_each_stored_once_with_one_signed_outbox_row_in_order(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'c.db'}")
    store, clock = FindingRepository(app.engine), Clock()
    findings = _findings(7)

    result = store.upsert_chunked(findings, "batch", clock(), chunk=3)

    keys = [f["finding_key"] for f in findings]
    assert result["added"] == keys and not result["updated"] and not result["kept"]
    with app.engine.connect() as connection:
        outbox = connection.execute(select(dt.outbox).order_by(dt.outbox.c.id)).all()
        history = connection.execute(select(ft.finding_events.c.finding_key)).scalars().all()
    assert [row.ref for row in outbox] == keys and {row.topic for row in outbox} == {"finding.added"}
    assert len({row.key for row in outbox}) == 7
    ring = keyring_for(app.engine)
    assert all(outbox_problem(ring, row) is None for row in outbox)
    assert Counter(history) == Counter(keys)
    assert dict(counts_by(app.engine, "severity")) == {"high": 3, "medium": 2, "low": 2}

    again = store.upsert_chunked(findings, "batch", clock(), chunk=3)

    assert again["kept"] == keys and not again["added"] and not again["updated"]
    with app.engine.connect() as connection:
        assert len(connection.execute(select(dt.outbox.c.id)).all()) == 7
    assert store.count() == 7 and dict(counts_by(app.engine, "status")) == {"new": 7}


def test_a_finding_changed_in_a_later_chunk_is_updated_once_and_pushed_as_updated(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'u.db'}")
    store, clock = FindingRepository(app.engine), Clock()
    store.upsert_chunked(_findings(5), "batch", clock(), chunk=2)
    changed = _findings(5)
    changed[4]["severity"] = "high"  # was medium (4 % 3 == 1)

    result = store.upsert_chunked(changed, "batch", clock(), chunk=2)

    assert result["updated"] == ["BP-RETURNS:RX004"] and len(result["kept"]) == 4
    with app.engine.connect() as connection:
        topics = connection.execute(select(dt.outbox.c.topic, dt.outbox.c.ref).order_by(dt.outbox.c.id)).all()
    assert topics[-1] == ("finding.updated", "BP-RETURNS:RX004") and len(topics) == 6
    assert dict(counts_by(app.engine, "severity")) == {"high": 3, "medium": 1, "low": 1}
