"""A BPIC-2013-style incident log (incident, status, org group, resource, timestamp; no BPIC file is on this
machine, so one is generated here) imported as flows: BP-PINGPONG and BP-CYCLE equal an independent count
made with pandas and plain loops, and every buck-passing finding names a person."""

import random
from datetime import datetime, timedelta

import pandas as pd
import pytest

from rexian.analytics.config import load_config
from rexian.analytics.engine import run_rule
from rexian.analytics.registry import all_rules
from rexian.analytics.tables import from_frames
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames

HEADER = ["SR Number", "Status", "Sub Status", "Involved ST", "Owner First Name", "Change Date+Time"]
MAPPING = {
    "source": "bpic-style", "date_format": "%Y-%m-%dT%H:%M:%S",
    "columns": {"ticket_id": "SR Number", "at": "Change Date+Time", "action": "Status",
                "actor_id": "Owner First Name", "actor_unit_id": "Involved ST", "target_unit_id": "Involved ST"},
    "use_default_actions": False,
    "actions": {"Queued": "Dispatched", "Accepted": "SignedFor", "Completed": "ClosureRequested"},
}
GROUPS = [f"G{n}" for n in range(7)]


def incident_log(seed: int, incidents: int = 150) -> pd.DataFrame:
    """Incidents moving between support groups at random: some stay, some bounce (A,B,A), some repeat a
    group in a row (A,B,B,A), some circle (A,B,C,A) or come back after four or more others. A group's
    resource accepts the incident before it moves on, except now and then (then nobody of the group acted)."""
    rng = random.Random(seed)
    rows = []
    for number in range(incidents):
        sr, at = f"1-{seed}{number:05d}", datetime(2012, 4, 1) + timedelta(hours=rng.randrange(2000))
        groups = [rng.choice(GROUPS)]
        for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 5, 6])):
            groups.append(rng.choice(GROUPS))  # repeats and returns arise by chance
        for group in groups:
            at += timedelta(minutes=rng.randrange(5, 600))
            rows.append([sr, "Queued", "Awaiting Assignment", group, "", at])
            if rng.random() < 0.9:
                at += timedelta(minutes=rng.randrange(1, 90))
                rows.append([sr, "Accepted", "In Progress", group, f"{group}-p{rng.randrange(3)}", at])
        at += timedelta(hours=1)
        rows.append([sr, "Completed", "Resolved", groups[-1], f"{groups[-1]}-p0", at])
    frame = pd.DataFrame(rows, columns=HEADER)
    frame["Change Date+Time"] = frame["Change Date+Time"].map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S"))
    return frame


def independent_counts(frame: pd.DataFrame) -> tuple[set[str], set[str]]:
    """Incidents with a ping-pong (a group back right after one other) and with a cycle (a group back after
    two or more others), counted on the Queued rows with consecutive repeats of a group collapsed."""
    pingpong, cycle = set(), set()
    queued = frame[frame["Status"] == "Queued"].sort_values(["SR Number", "Change Date+Time"], kind="stable")
    for sr, rows in queued.groupby("SR Number"):
        path = []
        for group in rows["Involved ST"]:
            if not path or path[-1] != group:
                path.append(group)
        last_seen = {}
        for position, group in enumerate(path):
            if group in last_seen:
                gap = position - last_seen[group] - 1
                (pingpong if gap == 1 else cycle).add(sr)
            last_seen[group] = position
    return pingpong, cycle


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pingpong_and_cycles_on_a_flow_log_equal_an_independent_count_and_name_a_person(tmp_path, seed):
    frame = incident_log(seed)
    path = tmp_path / "incidents.csv"
    frame.to_csv(path, index=False)
    report, events, tickets = import_to_frames([path], mapping_from_dict(MAPPING))
    assert report.rows_rejected == 0 and report.rows_in == len(frame)
    data = from_frames(events, tickets)
    config = load_config()
    found = {rule_id: run_rule(all_rules()[rule_id], data, config) for rule_id in ("BP-PINGPONG", "BP-CYCLE")}
    pingpong, cycle = independent_counts(frame)
    assert pingpong and cycle  # the generated log has both, so the comparison means something
    assert {f.ticket_ids[0] for f in found["BP-PINGPONG"]} == pingpong
    assert {f.ticket_ids[0] for f in found["BP-CYCLE"]} == cycle
    accepted = frame[frame["Status"] == "Accepted"]
    for finding in found["BP-PINGPONG"] + found["BP-CYCLE"]:
        acted = accepted[(accepted["SR Number"] == finding.ticket_ids[0])
                         & (accepted["Involved ST"] == finding.unit_id)]
        if len(acted):  # the log names someone of the group that let it go: so must the finding
            assert finding.person_id and finding.person_id.startswith(finding.unit_id + "-p"), finding
