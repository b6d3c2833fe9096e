"""The chain check names the kind of damage from the events alone (pure, no database)."""

from datetime import datetime, timedelta

from rexian.domain.chain_check import check_stream
from rexian.domain.eventlog import seal


def chain(n=5):
    start = datetime(2026, 3, 2, 9, 0)
    records = [{"ticket_id": "T1", "seq": i, "at": start + timedelta(minutes=i), "action": "ProgressNoted",
                "actor_id": "H1", "actor_unit_id": "D1", "target_unit_id": None,
                "payload": {"note": f"第{i}次记录"}, "source": "rexian"} for i in range(1, n + 1)]
    return list(seal(records))


def kinds(damages):
    return [(d.kind, d.seq) for d in damages]


def test_an_intact_chain_has_no_damage():
    records = chain()
    assert check_stream("T1", records, head=(5, records[-1]["hash"])) == []


def test_a_changed_time_is_altered():
    records = chain()
    records[2] = {**records[2], "at": records[2]["at"] + timedelta(seconds=1)}
    assert kinds(check_stream("T1", records)) == [("altered", 3)]


def test_a_removed_first_event_is_deleted():
    records = chain()[1:]
    assert ("deleted", 1) in kinds(check_stream("T1", records))


def test_a_removed_last_event_is_only_visible_through_the_head():
    records = chain()
    head = (5, records[-1]["hash"])
    assert check_stream("T1", records[:-1]) == []
    assert kinds(check_stream("T1", records[:-1], head=head)) == [("deleted", 5)]


def test_a_forged_event_with_a_valid_hash_but_wrong_link_is_inserted():
    records = chain()
    forged = list(seal([{**records[3], "payload": {"note": "伪造"}}], prev_hash="f" * 64))[0]
    tampered = records[:3] + [forged] + records[4:]
    assert ("inserted", 4) in kinds(check_stream("T1", tampered))


def test_two_events_with_swapped_positions_are_reordered():
    records = chain()
    swapped = records[:1] + [{**records[2], "seq": 2}, {**records[1], "seq": 3}] + records[3:]
    found = kinds(check_stream("T1", swapped))
    assert found and {kind for kind, _ in found} == {"reordered"}


def test_a_duplicated_sequence_number_is_inserted():
    records = chain()
    assert ("inserted", 2) in kinds(check_stream("T1", records[:2] + [records[1]] + records[2:]))
