"""A JSON page or an XML package is one file read by several parts of a mapping (the flow records, the ticket sheet,
each event sheet): it is parsed once per run, not once per part — with the same rows as before."""

import json

import rexian.importing.xml_documents as xml_documents
from rexian.importing.mapping import mapping_from_dict
from rexian.importing.pipeline import import_to_frames

from .test_json_documents import MAPPING as JSON_MAPPING, page, record
from .test_xml_documents import MAPPING as XML_MAPPING, calls, order, package


def test_an_xml_package_read_by_the_flow_the_ticket_sheet_and_the_visit_sheet_is_parsed_once(tmp_path, monkeypatch):
    paths = [package(tmp_path / "GDSJ_202601.xml", [order("YZ-1"), order("YZ-2", returned=True)]),
             package(tmp_path / "GDSJ_202602.xml", [order("YZ-3")]),
             calls(tmp_path / "HWJL_2026Q1.xml", ["YZ-1", "YZ-2", "YZ-3"])]
    parses: list[int] = []
    real = xml_documents.xml_document
    monkeypatch.setattr(xml_documents, "xml_document", lambda data: parses.append(1) or real(data))
    report, events, _ = import_to_frames(paths, mapping_from_dict(XML_MAPPING))
    assert report.rows_rejected == 0
    assert len(parses) == 3  # two packages read by three parts each, the calls by one: each file once
    assert set(events.ticket_id) == {"YZ-1", "YZ-2", "YZ-3"}
    assert len(events[(events.ticket_id == "YZ-2") & (events.action == "Visited")]) == 1


def test_a_json_page_read_by_several_parts_is_parsed_once_and_a_second_run_parses_it_again(tmp_path, monkeypatch):
    path = page(tmp_path / "page_0001.json", [record("GD1"), record("GD2", satisfaction=3)])
    loads: list[int] = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda text, *a, **k: (loads.append(1) if len(text) > 500 else None)
                        or real(text, *a, **k))
    mapping = mapping_from_dict(JSON_MAPPING)
    first = import_to_frames([path], mapping)[1]
    assert len(loads) == 1
    second = import_to_frames([path], mapping)[1]  # a new run reads the file anew (it may have changed)
    assert len(loads) == 2
    assert sorted(map(tuple, first[["ticket_id", "action"]].values)) == sorted(map(tuple, second[["ticket_id", "action"]].values))
