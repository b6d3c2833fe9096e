"""Independent count of what the buck-passing and idle rules should find in the public-log miniatures.

Reads the logs as written (XES with xml.etree, the CSV with pandas), never Rexian's importer, and counts by the
rules' documented definitions (docs/rules.md), per case:

- BP-PINGPONG: the groups a case passes through, repeats in a row collapsed, hold A, B, A.
- BP-CYCLE: a group comes back after two or more other groups (A, B, C, A; A, B, C, D, E, A).
- DL-IDLE: after the first assignment, a gap of 7 days or more between two events of the case, not starting at a
  resolution or close.
- the person: who passed the case on from A the first time it left — the actor of the event that moved it (the
  Queued / Reassignment / W_Transfer case event), else A's last actor before it moved; for DL-IDLE the last actor
  before the gap. None where the log names nobody (BPIC 2014).
- reopens: a resolved/closed case that is worked again.

Times are compared as instants (offsets applied), as the events happened.

Usage: python tools/publog14/count.py DIR   (DIR as written by generate.py) → DIR/*/expected.csv
"""

from __future__ import annotations

import gzip
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pandas as pd

NS = "{http://www.xes-standard.org/}"
MOVE_WORDS = {"Queued", "Reassignment", "W_Transfer case"}
RESOLVE_WORDS = {"Completed", "Closed", "Caused By CI", "A_Decision sent", "A_Closed"}
IDLE_DAYS = 7


def read_xes(path: Path) -> pd.DataFrame:
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rb") as f:
        root = ET.parse(f).getroot()
    for trace in root.iter(f"{NS}trace"):
        case = next(a.get("value") for a in trace if a.tag == f"{NS}string" and a.get("key") == "concept:name")
        for n, event in enumerate(trace.iter(f"{NS}event")):
            attrs = {a.get("key"): a.get("value") for a in event}
            rows.append({"case": case, "n": n, "at": datetime.fromisoformat(attrs["time:timestamp"].replace("Z", "+00:00")),
                         "word": attrs["concept:name"], "sub": attrs.get("lifecycle:transition", ""),
                         "group": attrs.get("org:group"), "person": attrs.get("org:resource") or None})
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def read_bpic14(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=";", dtype=str)
    return pd.DataFrame({
        "case": frame["Incident ID"], "n": range(len(frame)),
        "at": pd.to_datetime(frame["DateStamp"], format="%d-%m-%Y %H:%M:%S"),
        "word": frame["IncidentActivity_Type"], "sub": "", "group": frame["Assignment Group"], "person": None,
    })


def collapse(groups: list[str]) -> list[int]:
    """Indexes (into `groups`) of the first event of each stay, repeats in a row collapsed."""
    out: list[int] = []
    for i, g in enumerate(groups):
        if g and (not out or groups[out[-1]] != g):
            out.append(i)
    return out


def passer(events: pd.DataFrame, leave_index: int) -> str | None:
    """Who passed the case on when it left its group at events row `leave_index` (the first row elsewhere)."""
    row = events.iloc[leave_index]
    if row["word"] in MOVE_WORDS and row["person"]:
        return row["person"]
    before = events.iloc[:leave_index]
    named = before[before["person"].notna()]
    return named.iloc[-1]["person"] if len(named) else None


def expected(events: pd.DataFrame) -> list[dict]:
    out = []
    for case, ev in events.groupby("case", sort=False):
        ev = ev.sort_values(["at", "n"], kind="stable").reset_index(drop=True)
        groups = ev["group"].tolist()
        stays = collapse(groups)
        route = [groups[i] for i in stays]
        ping = next((k for k in range(len(route) - 2) if route[k] == route[k + 2]), None)
        if ping is not None:
            out.append({"case": case, "rule": "BP-PINGPONG", "unit": route[ping],
                        "person": passer(ev, stays[ping + 1])})
        cycle = next((k for k in range(len(route)) for j in range(k + 3, len(route))
                      if route[j] == route[k] and len(set(route[k + 1:j])) >= 2), None)
        if cycle is not None:
            out.append({"case": case, "rule": "BP-CYCLE", "unit": route[cycle],
                        "person": passer(ev, stays[cycle + 1])})
        gaps = ev["at"].diff().shift(-1)
        idle = [i for i in range(len(ev) - 1)
                if gaps.iloc[i] >= pd.Timedelta(days=IDLE_DAYS) and ev.loc[i, "word"] not in RESOLVE_WORDS]
        if idle:
            i = max(idle, key=lambda k: gaps.iloc[k])
            named = ev.iloc[: i + 1]
            named = named[named["person"].notna()]
            out.append({"case": case, "rule": "DL-IDLE", "unit": groups[i],
                        "person": named.iloc[-1]["person"] if len(named) else None})
        resolved = ev["word"].isin(RESOLVE_WORDS)
        reopens = int(sum(1 for i in range(1, len(ev)) if resolved.iloc[i - 1] and not resolved.iloc[i]))
        if reopens:
            out.append({"case": case, "rule": "reopen", "unit": None, "person": None})
    return out


def main(root: Path) -> None:
    readers = {
        "bpic13": (read_xes, "BPI_Challenge_2013_incidents.xes.gz"),
        "bpic14": (read_bpic14, "Detail_Incident_Activity.csv"),
        "lifecycle": (read_xes, "permits.xes"),
    }
    for name, (reader, filename) in readers.items():
        path = root / name / filename
        if not path.exists():
            continue
        rows = pd.DataFrame(expected(reader(path)), columns=["case", "rule", "unit", "person"])
        rows.to_csv(root / name / "expected.csv", index=False)
        print(name, rows.groupby("rule").size().to_dict())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
