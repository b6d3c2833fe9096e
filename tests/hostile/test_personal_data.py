"""Personal data (个人信息保护法): callers' details held apart from the chained events, erased after the
retention period with an audited event, every chain still verifying; the held details are tamper-evident."""

from __future__ import annotations

from datetime import timedelta

from support.tampering import closed, damaged, one_value, sql
from support.workflow_steps import received

from rexian.domain import commands as c
from rexian.service.personal import erase_expired_personal_data
from rexian.service.verify import verify_database


def test_the_chain_holds_a_pseudonym_and_a_digest_never_the_callers_phone_or_name(app):
    tid = app.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排", category="0201",
                              caller_phone="13912345678", caller_name="张三")).ticket_id
    intake = app.events(tid)[0]["payload"]
    assert "caller_phone" not in intake and "caller_name" not in intake
    assert intake["caller_id"].startswith("P") and len(intake["personal_digest"]) == 64
    assert app.caller(tid) == {"caller_phone": "13912345678", "caller_name": "张三"}
    assert one_value(app, "SELECT caller_phone FROM tickets WHERE ticket_id = ?", tid) is None
    stored = " ".join(str(v) for v in app.events(tid)[0].values())
    assert "13912345678" not in stored and "张三" not in stored


def test_the_same_phone_gets_the_same_pseudonym_so_repeat_callers_are_still_seen(app):
    first, second = received(app), received(app)
    assert app.events(first)[0]["payload"]["caller_id"] == app.events(second)[0]["payload"]["caller_id"]


def test_erasure_after_the_retention_period_is_an_event_and_every_chain_still_verifies(app):
    finished, open_ticket = closed(app), received(app)
    later = app.clock() + timedelta(days=int(app.settings["personal_data_retention_days"]) + 1)
    assert erase_expired_personal_data(app, "X01", now=later) == [finished]
    assert app.caller(finished) is None and app.caller(open_ticket) is not None
    last = app.events(finished)[-1]
    assert last["action"] == "PersonalDataErased" and last["actor_id"] == "X01"
    assert verify_database(app.engine).intact
    assert erase_expired_personal_data(app, "X01", now=later) == []


def test_nothing_is_erased_before_the_retention_period(app):
    tid = closed(app)
    assert erase_expired_personal_data(app, now=app.clock() + timedelta(days=30)) == []
    assert app.caller(tid) is not None


def test_held_caller_details_changed_in_the_database_are_named(app):
    tid = received(app)
    sql(app, "UPDATE personal_data SET data = ? WHERE ticket_id = ?", '{"caller_phone":"13000000000"}', tid)
    assert damaged(verify_database(app.engine)) == {tid: {"personal"}}


def _imported_with_callers(app, tmp_path):
    """The flow tickets of tests/importing imported with each caller's name and phone."""
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database
    from tests.importing.conftest import FLOW_HEADER, FLOW_MAPPING, FLOW_ROWS, write_csv

    path = write_csv(tmp_path / "flow.csv", [*FLOW_HEADER, "电话"], [[*row, "13912345678"] for row in FLOW_ROWS])
    mapping = {**FLOW_MAPPING, "intake": {"caller_name": "来电人", "caller_phone": "电话", "category": "问题分类"}}
    report = import_to_database(app.engine, [path], mapping_from_dict(mapping))
    assert report.rows_rejected == 0
    return [row[0] for row in sql(app, "SELECT ticket_id FROM tickets ORDER BY ticket_id")], mapping, path


def test_an_imported_intake_chains_a_pseudonym_and_a_digest_and_holds_the_callers_details_apart(app, tmp_path):
    tickets, mapping, path = _imported_with_callers(app, tmp_path)
    for tid in tickets:
        intake = app.events(tid)[0]["payload"]
        assert "caller_phone" not in intake and "caller_name" not in intake
        assert intake["caller_id"].startswith("P") and len(intake["personal_digest"]) == 64
        assert app.caller(tid)["caller_phone"] == "13912345678"
    everything = " ".join(str(row) for row in sql(app, "SELECT * FROM events") + sql(app, "SELECT * FROM tickets"))
    assert "13912345678" not in everything and "市民甲" not in everything
    assert verify_database(app.engine).intact
    # The same file imported again seals the same chains: nothing added, nothing in conflict.
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database

    again = import_to_database(app.engine, [path], mapping_from_dict(mapping))
    assert again.tickets_added == 0 and again.tickets_conflicting == 0 and again.tickets_unchanged == len(tickets)


def test_erasure_works_on_imported_tickets_and_every_chain_still_verifies(app, tmp_path):
    tickets, _, _ = _imported_with_callers(app, tmp_path)
    finished = [tid for tid in tickets if app.ticket(tid).status in ("closed", "merged")]
    assert finished
    later = app.clock() + timedelta(days=int(app.settings["personal_data_retention_days"]) + 1)
    assert erase_expired_personal_data(app, "X01", now=later) == finished
    assert all(app.caller(tid) is None for tid in finished)
    assert app.events(finished[0])[-1]["action"] == "PersonalDataErased"
    assert verify_database(app.engine).intact


def test_simulate_db_holds_callers_details_apart_and_verifies(tmp_path):
    from rexian.adapters.database import make_engine, migrate
    from rexian.simulate.city import Simulation
    from rexian.simulate.output import write_database

    engine = make_engine(f"sqlite:///{tmp_path / 'sim.db'}")
    migrate(engine)
    write_database(Simulation(tickets=20, seed=3), engine)
    with engine.connect() as connection:
        held = connection.exec_driver_sql("SELECT count(*) FROM personal_data").scalar()
        intakes = [row[0] for row in connection.exec_driver_sql(
            "SELECT payload FROM events WHERE action = 'TicketReceived'")]
        phones = connection.exec_driver_sql("SELECT count(caller_phone) FROM tickets").scalar()
    assert held > 0 and phones == 0
    assert not any("caller_phone" in payload or "caller_name" in payload for payload in intakes)
    assert verify_database(engine).intact
    engine.dispose()


# --- what someone with the database but not the key directory (key file, erasure ledger) can and cannot do ----
def _erased(app) -> tuple[str, dict]:
    """A finished ticket whose caller details were erased, and its personal-data row from before the erasure."""
    tid = closed(app)
    with app.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        before = dict(connection.exec_driver_sql("SELECT * FROM personal_data WHERE ticket_id = " +
                                                 ("%s" if postgres else "?"), (tid,)).first()._mapping)
    later = app.clock() + timedelta(days=int(app.settings["personal_data_retention_days"]) + 1)
    assert erase_expired_personal_data(app, "X01", now=later) == [tid]
    return tid, before


def _no_ledger(app) -> None:
    """The ledger beside the key file taken away, to show that the database's own chain is enough here."""
    from rexian.adapters.erasures import ledger_path
    from rexian.adapters.keys import keyring_for

    path = ledger_path(keyring_for(app.engine))
    if path is not None and path.exists():
        path.unlink()


def test_erased_details_put_back_by_sql_are_named_from_the_chain_alone(app):
    tid, before = _erased(app)
    _no_ledger(app)
    sql(app, "UPDATE personal_data SET salt = ?, data = ?, erased_at = NULL WHERE ticket_id = ?",
        before["salt"], before["data"], tid)
    assert damaged(verify_database(app.engine)) == {tid: {"personal"}}


def test_caller_details_deleted_without_an_erasure_event_are_named(app):
    kept, gone = received(app), received(app)
    sql(app, "DELETE FROM personal_data WHERE ticket_id = ?", gone)
    sql(app, "UPDATE personal_data SET data = NULL, salt = NULL, erased_at = ? WHERE ticket_id = ?",
        app.clock(), kept)
    assert damaged(verify_database(app.engine)) == {kept: {"personal"}, gone: {"personal"}}


def test_the_erasure_event_cannot_be_removed_to_bring_details_back(app):
    """Without the key the erasure event cannot be deleted or rewritten unnoticed: the chain and its head MAC."""
    tid, before = _erased(app)
    sql(app, "DELETE FROM events WHERE ticket_id = ? AND action = 'PersonalDataErased'", tid, triggers_off=True)
    sql(app, "UPDATE personal_data SET salt = ?, data = ?, erased_at = NULL WHERE ticket_id = ?",
        before["salt"], before["data"], tid)
    kinds = damaged(verify_database(app.engine)).get(tid, set())
    assert kinds & {"deleted", "unsigned"}, kinds


def test_a_held_phones_search_key_emptied_or_copied_from_another_caller_is_named(app):
    """The phone key (0011_phone8) is how search by phone and the intake's caller history find a caller's earlier
    tickets. Emptied or set to another caller's by SQL, the ticket drops out of both; `verify` did not see it."""
    mine = app.handle(c.Intake(actor_id="A01", content="小区门口饭店油烟直排", category="0201",
                               caller_phone="13912345678", caller_name="张三")).ticket_id
    other = app.handle(c.Intake(actor_id="A01", content="小区路灯不亮已经三天", category="0101",
                                caller_phone="13800000000", caller_name="李四")).ticket_id
    assert verify_database(app.engine).intact
    sql(app, "UPDATE personal_data SET phone_key = NULL WHERE ticket_id = ?", mine)
    sql(app, "UPDATE personal_data SET phone_key = (SELECT phone_key FROM personal_data WHERE ticket_id = ?) "
        "WHERE ticket_id = ?", mine, other)
    found = damaged(verify_database(app.engine))
    assert found.get(mine) == {"personal"} and found.get(other) == {"personal"}, found
