import json
import statistics
from collections import Counter

from rexian.simulate.texts import BOILERPLATE


def test_complaint_texts_vary_in_length_from_terse_to_long(city):
    lengths = [len(row["content"]) for row in city.tickets]
    assert min(lengths) >= 10 and max(lengths) <= 300
    assert min(lengths) < 20 and max(lengths) > 180
    assert statistics.pstdev(lengths) > 20
    assert len({row["content"] for row in city.tickets}) > 0.9 * len(city.tickets)


def test_some_texts_lack_punctuation_like_transcribed_calls(city):
    unpunctuated = [row["content"] for row in city.tickets
                    if len(row["content"]) > 30 and not any(mark in row["content"] for mark in "，。！？")]
    assert len(unpunctuated) > 20


def test_replies_range_from_specific_to_boilerplate(city):
    replies = [json.loads(json.dumps(record["payload"], default=str))["reply"] for record in city.events
               if record["action"] == "ClosureRequested"]
    boilerplate = sum(reply in BOILERPLATE for reply in replies)
    specific = sum(reply.startswith("经核查") and "现场" in reply for reply in replies)
    assert boilerplate > 10 and specific > len(replies) / 3


def test_places_are_heavy_tailed(city):
    per_place = Counter(row["place_id"] for row in city.tickets)
    top = sum(count for _, count in per_place.most_common(len(per_place) // 20))
    assert top > 0.25 * len(city.tickets)  # the busiest 5 % of places draw over a quarter of the tickets


def test_most_citizens_call_once_and_some_call_again(city):
    per_caller = Counter(row["caller_id"] for row in city.tickets)
    once = sum(1 for count in per_caller.values() if count == 1)
    assert once > 0.6 * len(per_caller)
    assert max(per_caller.values()) >= 4


def test_follow_up_visits_have_call_records_except_the_manufactured_ones(city):
    calls = {call["call_id"]: call for call in city.calls}
    manufactured = {item["ticket_ids"][0] for item in city.truth if item["family"] == "manufactured_satisfaction"}
    visits = [record for record in city.events if record["action"] == "Visited"]
    for visit in visits:
        call_id = visit["payload"]["call_id"]
        if call_id is None:
            assert visit["ticket_id"] in manufactured
        else:
            assert calls[call_id]["direction"] == "out" and calls[call_id]["ticket_id"] == visit["ticket_id"]
    assert manufactured


def test_zombie_agents_hold_busy_far_longer_and_calls_are_sometimes_abandoned(city):
    zombies = {item["agent_id"] for item in city.truth if item["family"] == "unreachable_service"}
    busy = Counter()
    for row in city.agent_status:
        if row["status"] in ("busy", "offline"):
            busy[row["agent_id"]] += (row["end_at"] - row["start_at"]).total_seconds()
    others = [busy[agent] for agent in city.world.city.centre["agent"] if agent not in zombies]
    assert min(busy[agent] for agent in zombies) > 10 * max(others + [1])
    assert any(call["abandoned"] for call in city.calls)
    for row in city.agent_status:
        assert row["start_at"] < row["end_at"]


def test_phone_tickets_point_at_the_call_the_agent_took(city):
    calls = {call["call_id"]: call for call in city.calls}
    received = [record for record in city.events if record["action"] == "TicketReceived"]
    phoned = [record for record in received if record["payload"]["channel"] == "phone"]
    assert len(phoned) > 0.4 * len(received)
    for record in phoned:
        call = calls[record["payload"]["call_id"]]
        assert call["agent_id"] == record["actor_id"] and call["ticket_id"] == record["ticket_id"]
        assert call["answer_at"] <= record["at"] <= call["end_at"]


def test_seasons_summer_is_busier_than_february_and_nights_are_quiet(city):
    months = Counter(row["received_at"].month for row in city.tickets)
    hours = Counter(row["received_at"].hour for row in city.tickets)
    assert months[7] + months[8] > 1.4 * (months[2] + months[1])
    assert hours[10] > 5 * hours[3]
