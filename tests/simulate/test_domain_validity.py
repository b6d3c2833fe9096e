import random
from itertools import groupby

from rexian.adapters.database import make_engine, migrate
from rexian.bootstrap import bootstrap
from rexian.domain import commands as c
from rexian.domain.eventlog import GENESIS_HASH, chain_hash
from rexian.domain.model import Ticket
from rexian.service.verify import verify_database
from rexian.simulate import simulate_city, write_database


def _by_ticket(events):
    return {ticket_id: list(records) for ticket_id, records in groupby(events, key=lambda r: r["ticket_id"])}


def test_every_ticket_has_one_unbroken_hash_chain(city):
    streams = _by_ticket(city.events)
    assert len(streams) == len(city.tickets)
    for records in streams.values():
        previous = GENESIS_HASH
        for number, record in enumerate(records, start=1):
            assert record["seq"] == number
            assert record["prev_hash"] == previous
            assert record["hash"] == chain_hash(previous, record)
            previous = record["hash"]


def test_replaying_a_sample_of_tickets_rebuilds_their_projection(city):
    streams = _by_ticket(city.events)
    projections = {row["ticket_id"]: row for row in city.tickets}
    for ticket_id in random.Random(0).sample(sorted(streams), 200):
        ticket = Ticket.replay(ticket_id, streams[ticket_id])
        row = projections[ticket_id]
        assert (ticket.status, ticket.lead_unit_id, ticket.first_unit_id, ticket.due_at, ticket.closed_at,
                ticket.head_hash, ticket.last_seq) == (row["status"], row["lead_unit_id"], row["first_unit_id"],
                                                       row["due_at"], row["closed_at"], row["head_hash"],
                                                       row["last_seq"])


def test_event_times_never_go_backwards_and_stay_inside_the_simulated_period(city):
    for records in _by_ticket(city.events).values():
        times = [record["at"] for record in records]
        assert times == sorted(times)
        assert times[-1] <= city.world.end


def test_a_simulated_database_passes_verify_and_the_application_can_carry_on(tmp_path):
    result = simulate_city(250, 4)
    url = f"sqlite:///{tmp_path / 'city.db'}"
    engine = make_engine(url)
    migrate(engine)
    counts = write_database(result, engine)
    assert counts["events"] == len(result.events) and counts["tickets"] == 250 and counts["org_events"] > 500
    assert (counts["calls"], counts["agent_status"]) == (len(result.calls), len(result.agent_status))
    report = verify_database(engine)
    assert report.intact, report.damages[:3]
    assert report.events == len(result.events) + counts["org_events"]
    # The live application reads the simulated organisation and tickets and accepts further commands.
    open_row = next(row for row in result.tickets if row["status"] == "closed" and row["lead_unit_id"])
    app = bootstrap(url, clock=lambda: result.world.end)
    supervisor = result.world.city.centre["supervisor"][0]
    app.handle(c.Reopen(actor_id=supervisor, ticket_id=open_row["ticket_id"], reason="抽查发现问题未解决，重办"))
    assert app.ticket(open_row["ticket_id"]).status == "handling"
    assert verify_database(engine).intact
    # The call centre's records are there too: the dashboard shows the connection rate from them.
    from rexian.analytics.config import load_config
    from rexian.service.dashboard import Dashboard

    rates = {r["metric_id"]: r for r in Dashboard(engine, load_config(), lambda: result.world.end).snapshot()["rates"]}
    answered = sum(1 for call in result.calls if call["direction"] == "in" and not call["abandoned"])
    assert not rates["connection_rate"]["missing"] and rates["connection_rate"]["numerator"] == answered


def test_the_fast_file_encoding_of_events_equals_the_repository_row(city):
    from rexian.simulate.writers import event_file_rows, event_rows_exact

    sample = city.events[::7]
    assert event_file_rows(sample) == event_rows_exact(sample)


def test_the_fast_sealing_path_records_exactly_what_the_domain_records():
    from rexian.simulate import Simulation
    from rexian.simulate.city import run_batch

    simulation = Simulation(150, 8)
    fast = run_batch(simulation.world, simulation.specs)
    simulation.world.fast_seal = False
    slow = run_batch(simulation.world, simulation.specs)
    assert len(fast.events) > 1000
    assert fast.events == slow.events and fast.tickets == slow.tickets


def test_no_ticket_life_is_ever_refused_by_the_domain(city):
    assert city.stalled == []
