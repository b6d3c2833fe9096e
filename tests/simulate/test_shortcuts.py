"""The simulator's shortcuts (remembered answers, texts made once) give exactly what the long way gives."""

import random

from rexian.domain.org import Organisation
from rexian.simulate import Simulation
from rexian.simulate.callcentre import CallCentre, shift_of
from rexian.simulate.city import run_batch
from rexian.simulate.output import encode_batch
from rexian.simulate.writers import event_file_rows


def test_the_payload_texts_made_while_sealing_are_the_file_cells_the_events_get():
    simulation = Simulation(120, 3)
    batch = run_batch(simulation.world, simulation.specs)
    assert len(batch.payload_texts) == len(batch.events) > 800
    assert event_file_rows(batch.events, batch.payload_texts) == event_file_rows(batch.events)
    # encoded for the files, the batch no longer carries them (nor the records) to the writing process
    assert encode_batch(batch, ("parquet",)).payload_texts == []


def test_batches_sealed_the_domains_way_carry_no_payload_texts():
    simulation = Simulation(40, 3)
    simulation.world.fast_seal = False
    assert run_batch(simulation.world, simulation.specs).payload_texts is None


def test_the_fixed_organisation_lists_the_units_below_as_the_organisation_does():
    org = Simulation(10, 2).world.city.organisation
    plain = Organisation(org.units, org.people, org.categories, org.catalogue)
    for unit_id in [*org.units, None, "nowhere"]:
        first = org.units_below(unit_id)
        assert first == plain.units_below(unit_id)
        first.append("changed by a caller")
        assert org.units_below(unit_id) == plain.units_below(unit_id)  # remembered, and not shared
    assert sum(bool(org.units_below(unit_id)) for unit_id in org.units) > 10


def test_the_agents_who_may_answer_are_those_on_shift_and_on_duty_for_every_hour_of_every_weekday():
    agents = [f"A{i:02d}" for i in range(37)]
    centre = CallCentre(random.Random(1), agents, 1)
    for day in range(14):
        for hour in range(24):
            expected = [(index, agent, shift_of(index, len(agents))[1]) for index, agent in enumerate(agents)
                        if shift_of(index, len(agents))[0] <= hour < shift_of(index, len(agents))[1]
                        and centre.on_duty(index, day)]
            assert centre.answering(hour, day) == expected
            assert expected  # every hour of the week is covered by someone
