"""IEEE XES in and out: streaming read, truncated files, export readable again (and by pm4py)."""

import gzip

import pytest

from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import build, sealed_histories
from rexian.importing.xes import write_xes

XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
 <trace><string key="concept:name" value="C1"/><string key="district" value="东城"/>
  <event><string key="concept:name" value="Insert ticket"/><string key="org:resource" value="R1"/>
   <date key="time:timestamp" value="2012-10-09T14:50:17+00:00"/></event>
  <event><string key="concept:name" value="Assign"/><string key="org:resource" value="R2"/>
   <string key="workgroup" value="G1"/><date key="time:timestamp" value="2012-10-09T15:00:00+00:00"/></event>
  <event><string key="concept:name" value="Closed"/><date key="time:timestamp" value="2012-10-10T09:00:00.500+00:00"/></event>
 </trace>
 <trace><string key="concept:name" value="C2"/>
  <event><string key="concept:name" value="Insert ticket"/><date key="time:timestamp" value="2012-10-11T08:00:00+02:00"/></event>
  <event><string key="concept:name" value="Closed"/><date key="time:timestamp" value="2012-10-11T09:00:00+02:00"/></event>
 </trace>
</log>
"""

MAPPING = {"source": "xes", "columns": {"ticket_id": "case:concept:name", "at": "time:timestamp",
                                         "action": "concept:name", "actor_id": "org:resource",
                                         "target_unit_id": "workgroup"},
           "intake": {"area": "case:district"},
           "actions": {"Insert ticket": "TicketReceived", "Assign": "Dispatched"}}


def test_xes_traces_become_tickets_and_their_events_keep_wall_clock_times(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(XES, encoding="utf-8")
    mapping = mapping_from_dict(MAPPING)
    events = dict(sealed_histories(build([path], mapping), mapping))
    assert [e["action"] for e in events["C1"]] == ["TicketReceived", "Dispatched", "Closed"]
    assert events["C1"][0]["payload"]["area"] == "东城" and events["C1"][1]["target_unit_id"] == "G1"
    assert str(events["C1"][2]["at"]) == "2012-10-10 09:00:00.500000"
    assert str(events["C2"][0]["at"]) == "2012-10-11 08:00:00"


def test_a_named_timezone_moves_offset_times_into_the_centres_local_time(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(XES, encoding="utf-8")
    mapping = mapping_from_dict({**MAPPING, "timezone": "Asia/Shanghai"})
    events = dict(sealed_histories(build([path], mapping), mapping))
    assert str(events["C2"][0]["at"]) == "2012-10-11 14:00:00"


def test_a_truncated_compressed_xes_rejects_the_broken_trace_and_keeps_the_whole_ones(tmp_path):
    cut = XES[: XES.index('<event><string key="concept:name" value="Closed"/><date key="time:timestamp" value="2012-10-11')]
    cut = cut.encode("utf-8")  # the file ends after the first event of trace C2
    path = tmp_path / "log.xes.gz"
    path.write_bytes(gzip.compress(cut))
    report = build([path], mapping_from_dict(MAPPING))
    assert set(report.histories) == {"C1"}
    assert any(r.row is None for r in report.rejects.rejects)
    assert [r.row for r in report.rejects.rejects if r.row] == [4]
    assert report.rows_in == 4 and report.rows_imported == 3


def exported(tmp_path):
    source = tmp_path / "log.xes"
    source.write_text(XES, encoding="utf-8")
    mapping = mapping_from_dict(MAPPING)
    histories = dict(sealed_histories(build([source], mapping), mapping))
    out = tmp_path / "out.xes.gz"
    write_xes(out, [e for ticket in sorted(histories) for e in histories[ticket]], {"C1": {"status": "closed"}},
              "Asia/Shanghai")
    return histories, out


def test_exported_xes_reads_back_into_the_same_history(tmp_path):
    histories, out = exported(tmp_path)
    mapping = mapping_from_dict({"source": "xes", "timezone": "Asia/Shanghai",
                                 "columns": {"ticket_id": "case:concept:name", "at": "time:timestamp",
                                             "action": "concept:name", "actor_id": "org:resource",
                                             "target_unit_id": "rexian:target_unit_id", "payload": "rexian:payload"}})
    again = dict(sealed_histories(build([out], mapping), mapping))
    for ticket_id, events in histories.items():
        assert [(e["action"], e["at"], e["actor_id"], e["target_unit_id"]) for e in again[ticket_id]] == \
               [(e["action"], e["at"], e["actor_id"], e["target_unit_id"]) for e in events]


def test_exported_xes_is_readable_by_pm4py(tmp_path):
    pm4py = pytest.importorskip("pm4py")
    _, out = exported(tmp_path)
    log = pm4py.read_xes(str(out))
    assert set(log["case:concept:name"]) == {"C1", "C2"}
    assert len(log) == 5 and "Dispatched" in set(log["concept:name"])
