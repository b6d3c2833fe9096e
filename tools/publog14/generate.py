"""Faithful miniatures of public event logs, with planted hand-overs between groups.

Three formats, written as the published files are (nothing of a real log is copied; names are made up):

- ``bpic13``: the BPI Challenge 2013 (Volvo IT, VINST) incident log as XES — trace ``concept:name`` the SR
  number, each event ``concept:name`` the Status (Accepted / Queued / Completed) and ``lifecycle:transition``
  the Sub Status (In Progress, Awaiting Assignment, Wait, Wait - User, Assigned, Resolved, Closed …) — not
  start/complete —, ``org:group`` the support team, ``org:resource`` the owner's first name, ``org:role``,
  ``organization involved``, ``impact``, ``product``, ``resource country``; times with +01:00 / +02:00.
  A move to another team is a ``Queued`` / ``Awaiting Assignment`` event carrying the new team as
  ``org:group`` and, as ``org:resource``, the owner who pushed it (a person of the team it leaves).
- ``bpic14``: the BPI Challenge 2014 (Rabobank) ``Detail_Incident_Activity.csv`` — ``;``-separated,
  ``Incident ID;DateStamp;IncidentActivity_Number;IncidentActivity_Type;Assignment Group;KM number;Interaction ID``,
  dates ``dd-mm-yyyy HH:MM:SS`` — and ``Detail_Incident.csv`` (one row per incident, ``Open Time`` written
  ``d-m-yyyy H:MM``, ``Handle Time (Hours)`` with a decimal comma, ``# Reassignments``). No person anywhere.
- ``lifecycle``: an XES log as BPIC 2012/2017 and the hospital logs write them — case attributes on the
  ``<trace>`` (``case_type``, ``Responsible_actor``, ``RequestedAmount``, a ``<date>`` startDate), events in
  ``start`` / ``complete`` pairs (``lifecycle:transition``), ``org:resource`` the person, ``org:group`` the
  department, milliseconds and offsets; the routing system writes its transfers in UTC (``Z``), the rest +01:00/+02:00.

Usage: python tools/publog14/generate.py --out DIR [--seed N] [--cases N]
Writes DIR/bpic13/BPI_Challenge_2013_incidents.xes.gz, DIR/bpic14/*.csv, DIR/lifecycle/permits.xes and
DIR/*/planted.csv (what was planted per case: the kind, for reading the comparison; the independent count
in count.py reads the logs, not this file).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr

# Kinds of case: the planted abuse (or near miss) and the route of groups it takes (letters → the format's
# group names). Each letter is a stay at a group: one or more events there.
KINDS: dict[str, list[str]] = {
    "pingpong": ["A", "B", "A"],
    "pingpong_repeat": ["A", "B", "B", "A"],        # two stays at B in a row (Wait, then In Progress): one B
    "cycle": ["A", "B", "C", "A"],
    "revisit_after_four": ["A", "B", "C", "D", "E", "A"],
    "idle": ["A"],                                  # 10 days with nothing while with A
    "reopen_elsewhere": ["A", "B", "A"],            # resolved at B, reopened, sent back to A
    # near misses
    "chain": ["A", "B", "C"],
    "same_group_people": ["A"],                     # person P1 → P2 → P1 inside one group
    "idle_short": ["A"],                            # 6 days with nothing
    "waits": ["A"],                                 # Wait, Wait - User, Wait … all at A
    "reopen_same_group": ["A"],                     # resolved, reopened, back to the same group
}
NEAR_MISSES = {"chain", "same_group_people", "idle_short", "waits", "reopen_same_group"}

BPIC13_TEAMS = ["G97", "V5 3rd", "N15 2nd", "V13 2nd 3rd", "S42", "D5", "G230 2nd", "C6 3rd", "S56", "V37 2nd"]
FIRST_NAMES = ["Frederic", "Anne Claire", "Krzysztof", "Pawel", "Marcin", "Marnix", "Bozena", "Sandra",
               "Zbigniew", "Emil", "Eric", "Magdalena", "Tomasz", "Fredrik", "Olof", "Siebel"]
BPIC14_TEAMS = [f"TEAM{n:04d}" for n in (1, 2, 3, 8, 15, 18, 21, 27, 30, 39, 42, 51)]
DEPARTMENTS = ["Permits", "Legal Affairs", "Environment", "Building Control", "Public Works", "Finance",
               "Traffic", "Archive"]
SYSTEM_USERS = {"Siebel", "User_1"}   # BPIC 2013's system owner, BPIC 2017's automatic user
EMPLOYEES = ["User_1"] + [f"User_{n}" for n in (3, 5, 7, 12, 14, 19, 23, 28, 30, 41, 44, 49, 52, 60, 71, 85)]


@dataclass
class Step:
    at: datetime                 # an instant, in UTC
    group: str
    person: str | None
    status: str                  # the format's own activity word
    sub: str = ""                # BPIC 2013's Sub Status / the lifecycle transition


def _route(kind: str, rng: random.Random, teams: list[str]) -> list[str]:
    letters = KINDS[kind]
    picked = rng.sample(teams, len(set(letters)))
    names = dict(zip(sorted(set(letters)), picked))
    return [names[letter] for letter in letters]


def _members(groups: list[str], people: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Two or three people per group, no person in two groups (as a person is named by group)."""
    pool = [p for p in people if p not in SYSTEM_USERS]
    rng.shuffle(pool)
    out: dict[str, list[str]] = {}
    for group in groups:
        if len(pool) < 3:
            pool = [p for p in people if p not in SYSTEM_USERS]
            rng.shuffle(pool)
        out[group] = [pool.pop(), pool.pop()]
    return out


def cases(seed: int, n_cases: int, teams: list[str], people: list[str],
          opener: str = "Siebel") -> list[tuple[str, str, list[Step]]]:
    """(case id, kind, steps) in the abstract: each stay at a group, who acted, the status words of BPIC 2013.

    The same abstract story is rendered by each format (BPIC 2014 and the lifecycle log rename the words).
    """
    rng = random.Random(seed)
    kinds = list(KINDS)
    members = _members(teams, people, rng)
    out = []
    start = datetime(2012, 3, 12, 7, 0, tzinfo=timezone.utc)
    for i in range(n_cases):
        kind = kinds[i % len(kinds)]
        route = _route(kind, rng, teams)
        t = start + timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600), seconds=rng.randint(0, 59))
        steps: list[Step] = []
        previous_group: str | None = None
        for stay, group in enumerate(route):
            a, b = members[group]
            if previous_group is None:
                steps.append(Step(t, group, opener, "Accepted", "In Progress"))         # opened by the system
                t += timedelta(minutes=rng.randint(3, 40))
            elif previous_group == group:                                             # a second stay in a row
                steps.append(Step(t, group, a, "Accepted", "Wait"))
                t += timedelta(hours=rng.randint(2, 30))
            else:
                # pushed to `group` by a person of the group it leaves
                pusher = pusher_of(previous_group, members, rng)
                steps.append(Step(t, group, pusher, "Queued", "Awaiting Assignment"))
                t += timedelta(minutes=rng.randint(20, 300))
            steps.append(Step(t, group, a, "Accepted", "Assigned"))
            t += timedelta(minutes=rng.randint(5, 120))
            steps.append(Step(t, group, a, "Accepted", "In Progress"))
            t += timedelta(hours=rng.randint(1, 20))
            if kind == "same_group_people":
                for who in (b, a):
                    steps.append(Step(t, group, who, "Accepted", "In Progress"))
                    t += timedelta(hours=rng.randint(1, 20))
            if kind == "waits":
                for sub in ("Wait", "Wait - User", "Wait - Vendor"):
                    steps.append(Step(t, group, a, "Accepted", sub))
                    t += timedelta(hours=rng.randint(5, 40))
            if kind in ("idle", "idle_short"):
                steps.append(Step(t, group, a, "Accepted", "In Progress"))
                t += timedelta(days=10 if kind == "idle" else 6, hours=rng.randint(0, 5) if kind == "idle" else 0)
                steps.append(Step(t, group, b, "Accepted", "In Progress"))
                t += timedelta(hours=rng.randint(1, 6))
            if kind.startswith("reopen") and stay == len(route) - 2 + (kind == "reopen_same_group"):
                steps.append(Step(t, group, a, "Completed", "Resolved"))
                t += timedelta(hours=rng.randint(5, 48))
                steps.append(Step(t, group, a, "Accepted", "In Progress"))           # reopened by the customer
                t += timedelta(hours=rng.randint(1, 5))
            previous_group = group
        a = members[route[-1]][0]
        steps.append(Step(t, route[-1], a, "Completed", "Resolved"))
        t += timedelta(hours=rng.randint(1, 30))
        steps.append(Step(t, route[-1], a, "Completed", "Closed"))
        out.append((f"1-{364285768 + 7919 * i}", kind, steps))
    return out


def pusher_of(group: str, members: dict[str, list[str]], rng: random.Random) -> str:
    a, b = members[group]
    return a if rng.random() < 0.6 else b


def _offset(at: datetime) -> timezone:
    """Central European time: +02:00 from the last Sunday of March to the last Sunday of October 2012."""
    summer = datetime(2012, 3, 25, 1, tzinfo=timezone.utc) <= at < datetime(2012, 10, 28, 1, tzinfo=timezone.utc)
    return timezone(timedelta(hours=2 if summer else 1))


def _xes_time(at: datetime, *, millis: bool, utc: bool = False) -> str:
    local = at if utc else at.astimezone(_offset(at))
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + (f".{local.microsecond // 1000:03d}" if millis else "")
    if utc:
        return text + "Z"
    return text + local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]


def _attr(kind: str, key: str, value: object) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>"


XES_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- This file has been generated with the OpenXES library. It conforms -->
<!-- to the XML serialization of the XES standard for log storage and -->
<!-- management. -->
<log xes.version="1.0" xes.features="nested-attributes" openxes.version="1.0RC7" xmlns="http://www.xes-standard.org/">
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<global scope="trace">
\t\t<string key="concept:name" value="__INVALID__"/>
\t</global>
\t<global scope="event">
\t\t<string key="concept:name" value="__INVALID__"/>
\t\t<string key="lifecycle:transition" value="complete"/>
\t</global>
\t<classifier name="Activity" keys="concept:name"/>
\t<classifier name="activity classifier" keys="concept:name lifecycle:transition"/>
\t<string key="concept:name" value="{name}"/>
"""


def write_bpic13(out: Path, seed: int, n_cases: int) -> None:
    rng = random.Random(seed + 1)
    story = cases(seed, n_cases, BPIC13_TEAMS, FIRST_NAMES)
    lines = [XES_HEAD.format(name="BPI Challenge 2013, incidents")]
    planted = []
    for case_id, kind, steps in story:
        planted.append({"case": case_id, "kind": kind, "near_miss": kind in NEAR_MISSES})
        product, impact = f"PROD{rng.randint(1, 900)}", rng.choice(["Low", "Medium", "High"])
        lines.append("\t<trace>\n\t\t" + _attr("string", "concept:name", case_id))
        for step in steps:
            country = rng.choice(["Sweden", "Poland", "Belgium", "India"])
            attrs = [
                _attr("string", "org:group", step.group),
                _attr("string", "resource country", country),
                _attr("string", "organization country", country[:2].lower()),
                _attr("string", "org:resource", step.person or ""),
                _attr("string", "organization involved", f"Org line {rng.choice(['A2', 'C', 'B', 'V7n'])}"),
                _attr("string", "org:role", f"{step.group.split()[0][:3]}_{rng.randint(1, 3)}"),
                _attr("string", "concept:name", step.status),
                _attr("string", "impact", impact),
                _attr("string", "product", product),
                _attr("string", "lifecycle:transition", step.sub),
                _attr("date", "time:timestamp", _xes_time(step.at, millis=False)),
            ]
            lines.append("\t\t<event>\n\t\t\t" + "\n\t\t\t".join(attrs) + "\n\t\t</event>")
        lines.append("\t</trace>")
    lines.append("</log>\n")
    target = out / "bpic13"
    target.mkdir(parents=True, exist_ok=True)
    with gzip.open(target / "BPI_Challenge_2013_incidents.xes.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(lines))
    _planted(target, planted)


BPIC14_WORDS = {  # BPIC 2013 story word → BPIC 2014 IncidentActivity_Type
    ("Accepted", "In Progress"): "Operator Update",
    ("Accepted", "Assigned"): "Assignment",
    ("Accepted", "Wait"): "Status Change",
    ("Accepted", "Wait - User"): "Pending vendor",
    ("Accepted", "Wait - Vendor"): "Update from customer",
    ("Queued", "Awaiting Assignment"): "Reassignment",
    ("Completed", "Resolved"): "Closed",
    ("Completed", "Closed"): "Closed",
}


def write_bpic14(out: Path, seed: int, n_cases: int) -> None:
    rng = random.Random(seed + 2)
    story = cases(seed + 100, n_cases, BPIC14_TEAMS, FIRST_NAMES)
    target = out / "bpic14"
    target.mkdir(parents=True, exist_ok=True)
    planted, incidents = [], []
    number = 0x3689763
    with open(target / "Detail_Incident_Activity.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(["Incident ID", "DateStamp", "IncidentActivity_Number", "IncidentActivity_Type",
                    "Assignment Group", "KM number", "Interaction ID"])
        for i, (_, kind, steps) in enumerate(story):
            case_id = f"IM{4 + 13 * i:07d}"
            planted.append({"case": case_id, "kind": kind, "near_miss": kind in NEAR_MISSES})
            km, interaction = f"KM{rng.randint(1, 9999):07d}", f"SD{7 + 11 * i:07d}"
            reopened = False
            rows = []
            for k, step in enumerate(steps):
                local = step.at.astimezone(_offset(step.at)).replace(tzinfo=None)
                word = BPIC14_WORDS[(step.status, step.sub)]
                if k == 0:
                    word = "Open"
                elif step.status == "Accepted" and k > 0 and steps[k - 1].status == "Completed":
                    word, reopened = "Reopen", True
                if step.sub == "Resolved":
                    word = "Caused By CI"        # the resolution step: the cause is recorded
                number += rng.randint(1, 3)
                rows.append([case_id, local.strftime("%d-%m-%Y %H:%M:%S"), f"001A{number:07d}", word,
                             step.group, km, interaction])
            w.writerows(rows)
            opened = steps[0].at.astimezone(_offset(steps[0].at)).replace(tzinfo=None)
            closed = steps[-1].at.astimezone(_offset(steps[-1].at)).replace(tzinfo=None)
            hours = (closed - opened).total_seconds() / 3600
            incidents.append({
                "CI Name (aff)": f"SUB{rng.randint(1, 999):06d}", "CI Type (aff)": "subapplication",
                "CI Subtype (aff)": "Web Based Application", "Service Component WBS (aff)": f"WBS{rng.randint(1, 999):06d}",
                "Incident ID": case_id, "Status": "Closed", "Impact": str(rng.randint(3, 5)),
                "Urgency": str(rng.randint(3, 5)), "Priority": str(rng.randint(3, 5)),
                "Category": rng.choice(["incident", "request for information"]), "KM number": km,
                "Alert Status": "closed",
                "# Reassignments": str(sum(1 for s in steps if s.status == "Queued")),
                "Open Time": f"{opened.day}-{opened.month}-{opened.year} {opened.hour}:{opened.minute:02d}",
                "Reopen Time": "", "Resolved Time": "",
                "Close Time": f"{closed.day}-{closed.month}-{closed.year} {closed.hour}:{closed.minute:02d}",
                "Handle Time (Hours)": f"{hours:.4f}".replace(".", ","),
                "Closure Code": rng.choice(["Software", "Other", "User error", "Hardware"]),
                "# Related Interactions": "1", "Related Interaction": interaction,
                "# Related Incidents": "", "# Related Changes": "", "Related Change": "",
                "CI Name (CBy)": "", "CI Type (CBy)": "", "CI Subtype (CBy)": "", "ServiceComp WBS (CBy)": "",
            })
            if reopened:
                incidents[-1]["Reopen Time"] = incidents[-1]["Close Time"]
    with open(target / "Detail_Incident.csv", "w", encoding="utf-8", newline="") as f:
        w2 = csv.DictWriter(f, fieldnames=list(incidents[0]), delimiter=";", lineterminator="\r\n")
        w2.writeheader()
        w2.writerows(incidents)
    _planted(target, planted)


LIFECYCLE_WORDS = {  # story word → (activity, does it come as a start/complete pair)
    ("Accepted", "In Progress"): ("W_Handle case", True),
    ("Accepted", "Assigned"): ("W_Assign case", False),
    ("Accepted", "Wait"): ("W_Suspend case", False),
    ("Accepted", "Wait - User"): ("W_Request documents", True),
    ("Accepted", "Wait - Vendor"): ("W_Request advice", True),
    ("Queued", "Awaiting Assignment"): ("W_Transfer case", False),
    ("Completed", "Resolved"): ("A_Decision sent", False),
    ("Completed", "Closed"): ("A_Closed", False),
}


def write_lifecycle(out: Path, seed: int, n_cases: int) -> None:
    rng = random.Random(seed + 3)
    story = cases(seed + 200, n_cases, DEPARTMENTS, EMPLOYEES, opener="User_1")
    lines = [XES_HEAD.format(name="permits, municipality")]
    planted = []
    for i, (_, kind, steps) in enumerate(story):
        case_id = f"Application_{652823628 + 31 * i}"
        planted.append({"case": case_id, "kind": kind, "near_miss": kind in NEAR_MISSES})
        trace_attrs = [
            _attr("string", "concept:name", case_id),
            _attr("string", "case_type", rng.choice(["Omgevingsvergunning", "Melding", "Bouw"])),
            _attr("string", "Responsible_actor", rng.choice(EMPLOYEES)),
            _attr("float", "RequestedAmount", f"{rng.randint(5, 500) * 100}.0"),
            _attr("date", "startDate", _xes_time(steps[0].at, millis=True)),
        ]
        lines.append("\t<trace>\n\t\t" + "\n\t\t".join(trace_attrs))
        for step in steps:
            activity, paired = LIFECYCLE_WORDS[(step.status, step.sub)]
            # the routing system writes its transfers in UTC; the case system in local time
            utc = activity == "W_Transfer case"
            transitions = [("start", step.at), ("complete", step.at + timedelta(minutes=rng.randint(5, 50)))] \
                if paired else [("complete", step.at)]
            for transition, at in transitions:
                attrs = [
                    _attr("string", "org:resource", step.person or ""),
                    _attr("string", "org:group", step.group),
                    _attr("string", "concept:name", activity),
                    _attr("string", "lifecycle:transition", transition),
                    _attr("date", "time:timestamp", _xes_time(at, millis=True, utc=utc)),
                    _attr("string", "EventID", f"{activity[:1]}_{rng.randint(10**9, 10**10)}"),
                ]
                lines.append("\t\t<event>\n\t\t\t" + "\n\t\t\t".join(attrs) + "\n\t\t</event>")
        lines.append("\t</trace>")
    lines.append("</log>\n")
    target = out / "lifecycle"
    target.mkdir(parents=True, exist_ok=True)
    (target / "permits.xes").write_text("\n".join(lines), encoding="utf-8")
    _planted(target, planted)


def _planted(target: Path, rows: list[dict]) -> None:
    with open(target / "planted.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["case", "kind", "near_miss"])
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--cases", type=int, default=44)
    args = parser.parse_args()
    write_bpic13(args.out, args.seed, args.cases)
    write_bpic14(args.out, args.seed, args.cases)
    write_lifecycle(args.out, args.seed, args.cases)


if __name__ == "__main__":
    main()
