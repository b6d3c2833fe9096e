"""Public process-mining event logs as they are published: BPI Challenge 2013's XES (Status in concept:name, Sub
Status in lifecycle:transition, the team in org:group, the Queued event naming the new team and the owner who
pushed it), BPI Challenge 2014's semicolon CSV (the team on every activity, day-first dates, no person) and an
XES log whose routing system writes UTC beside local time. Small fixtures written here; no BPIC file is used."""

from collections import Counter

import pandas as pd
import pytest

from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rule
from rexian.analytics.registry import all_rules
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import MappingError, mapping_from_dict
from rexian.importing.mapping_check import check
from rexian.importing.pipeline import build, import_to_frames
from rexian.importing.suggest import suggest


def event(status, sub, group, person, at):
    return (f'<event><string key="org:group" value="{group}"/><string key="org:resource" value="{person}"/>'
            f'<string key="concept:name" value="{status}"/><string key="lifecycle:transition" value="{sub}"/>'
            f'<date key="time:timestamp" value="{at}"/></event>')


def trace(case, *events):
    return f'<trace><string key="concept:name" value="{case}"/>' + "".join(events) + "</trace>"


def xes(*traces):
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org/">'
            + "".join(traces) + "</log>\n")


# A,B,A: opened at G97 (no dispatch to it), queued to V5 by Olof — not the last G97 worker, Anna —, queued back
# by Piet of V5; a chain G97 → V5 → S42 (near miss); one team only, owners changing (near miss).
BPIC13 = xes(
    trace("1-100",
          event("Accepted", "In Progress", "G97", "Siebel", "2012-03-20T09:00:00+01:00"),
          event("Accepted", "Assigned", "G97", "Anna", "2012-03-20T09:10:00+01:00"),
          event("Accepted", "In Progress", "G97", "Anna", "2012-03-20T10:00:00+01:00"),
          event("Queued", "Awaiting Assignment", "V5 3rd", "Olof", "2012-03-20T11:00:00+01:00"),
          event("Accepted", "Assigned", "V5 3rd", "Piet", "2012-03-20T12:00:00+01:00"),
          event("Accepted", "Wait - User", "V5 3rd", "Piet", "2012-03-20T13:00:00+01:00"),
          event("Queued", "Awaiting Assignment", "G97", "Piet", "2012-03-21T09:00:00+01:00"),
          event("Accepted", "In Progress", "G97", "Anna", "2012-03-21T10:00:00+01:00"),
          event("Completed", "Closed", "G97", "Anna", "2012-03-21T11:00:00+01:00")),
    trace("1-200",
          event("Accepted", "In Progress", "G97", "Siebel", "2012-03-20T09:00:00+01:00"),
          event("Queued", "Awaiting Assignment", "V5 3rd", "Anna", "2012-03-20T11:00:00+01:00"),
          event("Accepted", "In Progress", "V5 3rd", "Piet", "2012-03-20T12:00:00+01:00"),
          event("Queued", "Awaiting Assignment", "S42", "Piet", "2012-03-21T09:00:00+01:00"),
          event("Completed", "Closed", "S42", "Jan", "2012-03-21T11:00:00+01:00")),
    trace("1-300",
          event("Accepted", "In Progress", "G97", "Anna", "2012-03-20T09:00:00+01:00"),
          event("Accepted", "In Progress", "G97", "Olof", "2012-03-20T10:00:00+01:00"),
          event("Accepted", "In Progress", "G97", "Anna", "2012-03-20T11:00:00+01:00"),
          event("Completed", "Closed", "G97", "Anna", "2012-03-20T12:00:00+01:00")),
)
BPIC13_MAPPING = {
    "source": "bpic13", "format": "xes", "timezone": "Europe/Brussels",
    "joined_columns": {"status_sub": ["concept:name", "lifecycle:transition"]},
    "columns": {"ticket_id": "case:concept:name", "at": "time:timestamp", "action": "status_sub",
                "actor_id": "org:resource"},
    "moves": {"unit": "org:group"},
    "actions": {"Accepted In Progress": "ProgressNoted", "Accepted Assigned": "SignedFor",
                "Accepted Wait - User": "ProgressNoted", "Queued Awaiting Assignment": "Dispatched",
                "Completed Closed": "Closed"},
}


def findings(path, mapping, rules=("BP-PINGPONG", "BP-CYCLE")):
    report, events, tickets = import_to_frames([path], mapping_from_dict(mapping))
    assert report.rows_rejected == 0
    data = from_frames(events, tickets)
    return {rule: run_rule(all_rules()[rule], data, load_config()) for rule in rules}, events


def test_joined_columns_make_an_xes_logs_activity_of_status_and_sub_status(tmp_path):
    path = tmp_path / "incidents.xes"
    path.write_text(BPIC13, encoding="utf-8")
    mapping = mapping_from_dict({k: v for k, v in BPIC13_MAPPING.items() if k != "moves"})
    report = build([path], mapping)
    assert report.rows_rejected == 0
    words = Counter(d.payload.get("source_action") for h in report.histories.values() for d in h.drafts)
    assert words["Queued Awaiting Assignment"] == 4 and words["Accepted Wait - User"] == 1


def test_a_team_written_on_every_event_makes_a_bounce_a_pingpong_naming_who_pushed_it(tmp_path):
    path = tmp_path / "incidents.xes"
    path.write_text(BPIC13, encoding="utf-8")
    found, events = findings(path, BPIC13_MAPPING)
    pingpong = {f.ticket_ids[0]: f for f in found["BP-PINGPONG"]}
    assert set(pingpong) == {"1-100"} and not found["BP-CYCLE"]  # the chain and the one-team case stay silent
    # Olof queued it away from G97: the Queued event names the new team but its resource is of the team it leaves
    assert pingpong["1-100"].unit_id == "G97" and pingpong["1-100"].person_id == "Olof"
    first = events[(events["ticket_id"] == "1-100") & (events["action"] == "Dispatched")].sort_values("seq")
    assert list(first["target_unit_id"]) == ["G97", "V5 3rd", "G97"]  # the first team is an arrival too
    assert first.iloc[0]["payload"]["synthesized"] and pd.isna(first.iloc[0]["actor_id"])


def test_without_moves_a_flow_mapping_of_the_same_log_sees_no_pingpong_and_check_says_why(tmp_path):
    path = tmp_path / "incidents.xes"
    path.write_text(BPIC13, encoding="utf-8")
    flat = {k: v for k, v in BPIC13_MAPPING.items() if k != "moves"}
    flat["columns"] = {**flat["columns"], "actor_unit_id": "org:group", "target_unit_id": "org:group"}
    found, _ = findings(path, flat)
    assert not found["BP-PINGPONG"]  # G97 was never dispatched to: V5, G97 is no bounce
    _, lines = check([path], mapping_from_dict(flat))
    assert any("moves: {unit: org:group}" in line for line in lines)


def test_moves_is_refused_outside_flow_mode():
    with pytest.raises(MappingError, match="moves 只用于 flow"):
        mapping_from_dict({"source": "x", "mode": "snapshots", "columns": {"ticket_id": "a", "at": "b"},
                           "snapshots": {"state": "s"}, "moves": {"unit": "g"}})
    with pytest.raises(MappingError, match="moves.as"):
        mapping_from_dict({"source": "x", "columns": {"ticket_id": "a", "at": "b", "action": "c"},
                           "moves": {"unit": "g", "as": "Forwarded"}})


BPIC14 = """Incident ID;DateStamp;IncidentActivity_Number;IncidentActivity_Type;Assignment Group;KM number;Interaction ID
IM0000004;07-01-2013 08:17:17;001A3689763;Open;TEAM0001;KM0000553;SD0000007
IM0000004;07-01-2013 08:20:02;001A3689764;Operator Update;TEAM0001;KM0000553;SD0000007
IM0000004;08-01-2013 10:00:00;001A3689765;Reassignment;TEAM0002;KM0000553;SD0000007
IM0000004;08-01-2013 11:00:00;001A3689766;Operator Update;TEAM0002;KM0000553;SD0000007
IM0000004;09-01-2013 09:00:00;001A3689767;Reassignment;TEAM0001;KM0000553;SD0000007
IM0000004;09-01-2013 15:00:00;001A3689768;Closed;TEAM0001;KM0000553;SD0000007
IM0000017;07-01-2013 09:00:00;001A3689769;Open;TEAM0003;KM0000553;SD0000018
IM0000017;07-01-2013 09:30:00;001A3689770;Reassignment;TEAM0002;KM0000553;SD0000018
IM0000017;13-01-2013 09:30:00;001A3689771;Reassignment;TEAM0001;KM0000553;SD0000018
IM0000017;14-01-2013 09:30:00;001A3689772;Closed;TEAM0001;KM0000553;SD0000018
"""
BPIC14_MAPPING = {
    "source": "bpic14", "delimiter": ";", "date_formats": ["%d-%m-%Y %H:%M:%S"],
    "columns": {"ticket_id": "Incident ID", "at": "DateStamp", "action": "IncidentActivity_Type"},
    "moves": {"unit": "Assignment Group"},
    "actions": {"Open": "TicketReceived", "Operator Update": "ProgressNoted", "Reassignment": "Dispatched",
                "Closed": "Closed"},
}


def test_a_semicolon_activity_log_with_the_team_on_every_row_finds_the_bounce_and_names_nobody(tmp_path):
    path = tmp_path / "Detail_Incident_Activity.csv"
    path.write_text(BPIC14, encoding="utf-8")
    found, _ = findings(path, BPIC14_MAPPING)
    assert [f.ticket_ids[0] for f in found["BP-PINGPONG"]] == ["IM0000004"]  # TEAM0003 → 2 → 1 is a chain
    assert found["BP-PINGPONG"][0].unit_id == "TEAM0001" and found["BP-PINGPONG"][0].person_id is None


def test_suggest_reads_an_activity_log_as_an_event_log(tmp_path):
    path = tmp_path / "Detail_Incident_Activity.csv"
    path.write_text(BPIC14 + "".join(
        f"IM{n:07d};07-01-2013 08:17:17;001A{n:07d};Operator Update;TEAM0001;KM1;SD1\n" for n in range(100, 140)),
        encoding="utf-8")
    proposal, notes = suggest([path])
    assert proposal["columns"]["action"] == "IncidentActivity_Type"  # not the event's serial number
    assert proposal["moves"] == {"unit": "Assignment Group"}
    assert proposal["date_formats"][0] == "%d-%m-%Y %H:%M:%S"


def test_suggest_joins_sub_statuses_and_check_remarks_times_in_several_zones(tmp_path):
    path = tmp_path / "incidents.xes"
    path.write_text(BPIC13, encoding="utf-8")
    proposal, _ = suggest([path])
    assert proposal["joined_columns"] == {"concept:name + lifecycle:transition": ["concept:name", "lifecycle:transition"]}
    assert "Queued Awaiting Assignment" in proposal["actions"] and proposal["moves"] == {"unit": "org:group"}
    mixed = path.with_name("mixed.xes")
    mixed.write_text(BPIC13.replace("2012-03-20T11:00:00+01:00", "2012-03-20T18:00:00+08:00"), encoding="utf-8")
    plain = {k: v for k, v in BPIC13_MAPPING.items() if k != "timezone"}
    _, lines = check([mixed], mapping_from_dict(plain))
    assert any("不同时区的偏移" in line and "timezone" in line for line in lines)
    assert suggest([mixed])[0]["timezone"]
    _, lines = check([mixed], mapping_from_dict(BPIC13_MAPPING))  # with a timezone: nothing to say
    assert not any("不同时区的偏移" in line for line in lines)


def _tool(name):
    """A module of tools/publog14 (the miniature generator and its independent count), loaded by path."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "publog14" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"publog14_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fmt, mapping, inputs", [
    ("bpic13", "bpic2013_incidents.yaml", ["BPI_Challenge_2013_incidents.xes.gz"]),
    ("bpic14", "bpic2014_incident_activity.yaml", ["Detail_Incident_Activity.csv", "Detail_Incident.csv"]),
    ("lifecycle", "xes_lifecycle_groups.yaml", ["permits.xes"]),
])
def test_the_shipped_public_log_mappings_find_every_planted_bounce_on_miniatures_and_name_who_passed_it(
        tmp_path, fmt, mapping, inputs):
    from pathlib import Path

    from rexian.importing.mapping import load_mapping

    generate, count = _tool("generate"), _tool("count")
    getattr(generate, f"write_{fmt}")(tmp_path, 23, 22)
    reader = count.read_bpic14 if fmt == "bpic14" else count.read_xes
    expected = pd.DataFrame(count.expected(reader(tmp_path / fmt / inputs[0])))
    planted = pd.read_csv(tmp_path / fmt / "planted.csv")
    docs = Path(__file__).resolve().parents[2] / "docs" / "mappings"
    report, events, tickets = import_to_frames([tmp_path / fmt / name for name in inputs], load_mapping(docs / mapping))
    assert report.rows_rejected == 0
    data = from_frames(events, tickets)
    rules = ("BP-PINGPONG", "BP-CYCLE", "DL-IDLE")
    found = {(rule, f.ticket_ids[0]): f for rule in rules for f in run_rule(all_rules()[rule], data, load_config())}
    wanted = expected[expected["rule"].isin(rules)]
    assert set(found) == set(zip(wanted["rule"], wanted["case"]))  # equal to the independent count, case by case
    near = set(planted.loc[planted["near_miss"], "case"])
    assert not {case for _, case in found} & near and len(near) == 10
    for row in wanted.itertuples():  # DL-IDLE too: the one who let the case lie, as the independent count says
        assert found[(row.rule, row.case)].person_id == (row.person if isinstance(row.person, str) else None)


def test_a_case_queued_again_to_the_team_that_has_it_keeps_that_team_as_its_lead(tmp_path):
    path = tmp_path / "incidents.xes"
    path.write_text(xes(trace(
        "1-400",
        event("Accepted", "In Progress", "G97", "Anna", "2012-03-20T09:00:00+01:00"),
        event("Queued", "Awaiting Assignment", "G97", "Anna", "2012-03-20T10:00:00+01:00"),
        event("Accepted", "In Progress", "G97", "Olof", "2012-03-20T11:00:00+01:00"))), encoding="utf-8")
    _, events, tickets = import_to_frames([path], mapping_from_dict(BPIC13_MAPPING))
    moves = events[events["action"] == "Dispatched"].sort_values("seq")
    assert list(moves["target_unit_id"]) == ["G97", "G97"]  # never a dispatch to nobody
    assert tickets.set_index("ticket_id").loc["1-400", "lead_unit_id"] == "G97"
