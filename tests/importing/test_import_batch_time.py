"""An import holds SQLite's write lock one batch at a time; a batch that held it longer than the setting
`import_batch_seconds` makes the next one smaller, so pages and commands waiting to write get in between. Whole
tickets per transaction, the same database, and a second run adds nothing."""

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_database
from rexian.importing.store import next_batch_size
from rexian.service.verify import verify_database
from rexian.settings import load_settings

from .test_fast_import import PLAIN, engine_at, everything, plain_log


def test_a_batch_that_held_the_lock_too_long_makes_the_next_smaller_and_quick_ones_grow_back_to_the_most():
    assert next_batch_size(500, 500, held=2.0, seconds=1.0) == 250
    assert next_batch_size(3, 500, held=10.0, seconds=1.0) == 1  # never less than one whole ticket
    assert next_batch_size(100, 500, held=0.2, seconds=1.0) == 200
    assert next_batch_size(400, 500, held=0.2, seconds=1.0) == 500
    assert next_batch_size(300, 500, held=0.7, seconds=1.0) == 300
    assert next_batch_size(7, 500, held=9.0, seconds=0) == 500  # 0: no bound


def test_an_import_bounded_in_time_commits_in_smaller_transactions_with_the_same_database(tmp_path):
    path = plain_log(tmp_path / "log.parquet", tickets=40)
    mapping = mapping_from_dict(PLAIN)
    quick, unbounded = engine_at(tmp_path / "quick.db"), engine_at(tmp_path / "unbounded.db")
    counted = {"quick": [], "unbounded": []}
    bounded = load_settings().replace(import_batch_seconds=1e-9)  # every batch is "too long"
    for engine, name, settings in ((quick, "quick", bounded),
                                   (unbounded, "unbounded", load_settings().replace(import_batch_seconds=0))):
        for fast in (True, False):
            import_to_database(engine if fast else engine_at(tmp_path / f"{name}-general.db"), [path], mapping,
                               batch_tickets=10, after_batch=counted[name].append, settings=settings, fast=fast)
    assert len(counted["unbounded"]) == 2 * 4  # 40 tickets, 10 a batch, on each path
    assert len(counted["quick"]) == 2 * (1 + 30)  # one of 10, then one ticket a transaction
    assert everything(quick) == everything(unbounded)
    assert everything(engine_at(tmp_path / "quick-general.db")) == everything(engine_at(tmp_path / "unbounded-general.db"))
    assert verify_database(quick).intact
    again = import_to_database(quick, [path], mapping, batch_tickets=10, settings=bounded)
    assert again.events_added == 0 and again.tickets_unchanged == 40
